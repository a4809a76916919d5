/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-reader-crc.c: the CRC-32 of the chunks (zlib's, weft_crc32's) as
 * the open computes it over the whole file. On x86-64 with PCLMULQDQ the
 * bulk is folded with carry-less multiplies, four 16-byte lanes at a time
 * (Gopal et al., "Fast CRC Computation for Generic Polynomials Using
 * PCLMULQDQ", Intel 2009; the bit-reflected constants of its appendix, as
 * Linux and Chromium's zlib use them): about 4x zlib's table-driven
 * crc32_z, which had been the open's whole cost. The tail, and other
 * machines, use zlib.
 */
#include "weft-reader-private.h"

#include <zlib.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define HAVE_CLMUL 1

/* len >= 64, a multiple of 16; crc is the running register (inverted). */
__attribute__ ((target ("pclmul,sse4.1"))) static guint32
crc_fold (const guint8 *buf, gsize len, guint32 crc)
{
  static const guint64 k1k2[2] __attribute__ ((aligned (16))) = { 0x0154442bd4, 0x01c6e41596 };
  static const guint64 k3k4[2] __attribute__ ((aligned (16))) = { 0x01751997d0, 0x00ccaa009e };
  static const guint64 k5k0[2] __attribute__ ((aligned (16))) = { 0x0163cd6124, 0x0000000000 };
  static const guint64 poly[2] __attribute__ ((aligned (16))) = { 0x01db710641, 0x01f7011641 };
  __m128i x0, x1, x2, x3, x4, x5, x6, x7, x8;

  x1 = _mm_loadu_si128 ((const __m128i *) (buf + 0x00));
  x2 = _mm_loadu_si128 ((const __m128i *) (buf + 0x10));
  x3 = _mm_loadu_si128 ((const __m128i *) (buf + 0x20));
  x4 = _mm_loadu_si128 ((const __m128i *) (buf + 0x30));
  x1 = _mm_xor_si128 (x1, _mm_cvtsi32_si128 ((int) crc));
  x0 = _mm_load_si128 ((const __m128i *) k1k2);
  buf += 64;
  len -= 64;

  /* Four lanes folded 64 bytes forward at a time. */
  while (len >= 64)
    {
      x5 = _mm_clmulepi64_si128 (x1, x0, 0x00);
      x6 = _mm_clmulepi64_si128 (x2, x0, 0x00);
      x7 = _mm_clmulepi64_si128 (x3, x0, 0x00);
      x8 = _mm_clmulepi64_si128 (x4, x0, 0x00);
      x1 = _mm_clmulepi64_si128 (x1, x0, 0x11);
      x2 = _mm_clmulepi64_si128 (x2, x0, 0x11);
      x3 = _mm_clmulepi64_si128 (x3, x0, 0x11);
      x4 = _mm_clmulepi64_si128 (x4, x0, 0x11);
      x1 = _mm_xor_si128 (_mm_xor_si128 (x1, x5), _mm_loadu_si128 ((const __m128i *) (buf + 0x00)));
      x2 = _mm_xor_si128 (_mm_xor_si128 (x2, x6), _mm_loadu_si128 ((const __m128i *) (buf + 0x10)));
      x3 = _mm_xor_si128 (_mm_xor_si128 (x3, x7), _mm_loadu_si128 ((const __m128i *) (buf + 0x20)));
      x4 = _mm_xor_si128 (_mm_xor_si128 (x4, x8), _mm_loadu_si128 ((const __m128i *) (buf + 0x30)));
      buf += 64;
      len -= 64;
    }

  /* The four lanes into one. */
  x0 = _mm_load_si128 ((const __m128i *) k3k4);
  x5 = _mm_clmulepi64_si128 (x1, x0, 0x00);
  x1 = _mm_clmulepi64_si128 (x1, x0, 0x11);
  x1 = _mm_xor_si128 (_mm_xor_si128 (x1, x2), x5);
  x5 = _mm_clmulepi64_si128 (x1, x0, 0x00);
  x1 = _mm_clmulepi64_si128 (x1, x0, 0x11);
  x1 = _mm_xor_si128 (_mm_xor_si128 (x1, x3), x5);
  x5 = _mm_clmulepi64_si128 (x1, x0, 0x00);
  x1 = _mm_clmulepi64_si128 (x1, x0, 0x11);
  x1 = _mm_xor_si128 (_mm_xor_si128 (x1, x4), x5);

  /* The remaining 16-byte blocks. */
  while (len >= 16)
    {
      x2 = _mm_loadu_si128 ((const __m128i *) buf);
      x5 = _mm_clmulepi64_si128 (x1, x0, 0x00);
      x1 = _mm_clmulepi64_si128 (x1, x0, 0x11);
      x1 = _mm_xor_si128 (_mm_xor_si128 (x1, x2), x5);
      buf += 16;
      len -= 16;
    }

  /* 128 bits to 64. */
  x2 = _mm_clmulepi64_si128 (x1, x0, 0x10);
  x3 = _mm_setr_epi32 (~0, 0, ~0, 0);
  x1 = _mm_srli_si128 (x1, 8);
  x1 = _mm_xor_si128 (x1, x2);
  x0 = _mm_loadl_epi64 ((const __m128i *) k5k0);
  x2 = _mm_srli_si128 (x1, 4);
  x1 = _mm_and_si128 (x1, x3);
  x1 = _mm_clmulepi64_si128 (x1, x0, 0x00);
  x1 = _mm_xor_si128 (x1, x2);

  /* Barrett reduction to 32 bits. */
  x0 = _mm_load_si128 ((const __m128i *) poly);
  x2 = _mm_and_si128 (x1, x3);
  x2 = _mm_clmulepi64_si128 (x2, x0, 0x10);
  x2 = _mm_and_si128 (x2, x3);
  x2 = _mm_clmulepi64_si128 (x2, x0, 0x00);
  x1 = _mm_xor_si128 (x1, x2);
  return (guint32) _mm_extract_epi32 (x1, 1);
}

static gboolean
have_clmul (void)
{
  static gint cached; /* 0 unknown, 1 no, 2 yes */
  gint v = g_atomic_int_get (&cached);

  if (v == 0)
    {
      __builtin_cpu_init ();
      v = __builtin_cpu_supports ("pclmul") && __builtin_cpu_supports ("sse4.1") ? 2 : 1;
      g_atomic_int_set (&cached, v);
    }
  return v == 2;
}
#endif

guint32
_weft_reader_crc32 (guint32 crc, const guint8 *data, gsize len)
{
#ifdef HAVE_CLMUL
  if (len >= 64 && have_clmul ())
    {
      gsize bulk = len & ~(gsize) 15;

      crc = ~crc_fold (data, bulk, ~crc);
      data += bulk;
      len -= bulk;
    }
#endif
  return (guint32) crc32_z (crc, data, len);
}
