/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-varint.h: LEB128 varints and zigzag, the integer encoding of every
 * event field (docs/FORMAT.md). Header-only so the recording hot path
 * inlines it; the reader's decoder is bounds-checked because its input is
 * untrusted.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Writes v at p (room for WEFT_VARINT_MAX bytes needed); returns the end. */
static inline uint8_t *
weft_varint_put (uint8_t *p, uint64_t v)
{
  while (v >= 0x80)
    {
      *p++ = (uint8_t) (v | 0x80);
      v >>= 7;
    }
  *p++ = (uint8_t) v;
  return p;
}

static inline uint64_t
weft_zigzag_encode (int64_t v)
{
  return ((uint64_t) v << 1) ^ (uint64_t) (v >> 63);
}

static inline int64_t
weft_zigzag_decode (uint64_t v)
{
  return (int64_t) (v >> 1) ^ -(int64_t) (v & 1);
}

/* Reads a varint from [*p, end). Returns 0 and leaves *p alone when it is
 * truncated or longer than 10 bytes; 1 on success. */
static inline int
weft_varint_get (const uint8_t **p, const uint8_t *end, uint64_t *out)
{
  const uint8_t *q = *p;
  uint64_t v = 0;
  unsigned shift = 0;

  /* Fast path: one byte, the common case for deltas and ids. */
  if (q < end && *q < 0x80)
    {
      *out = *q;
      *p = q + 1;
      return 1;
    }
  /* Two bytes: a time delta in ticks or in ns of a busy stream. */
  if (end - q >= 2 && q[1] < 0x80)
    {
      *out = (uint64_t) (q[0] & 0x7f) | (uint64_t) q[1] << 7;
      *p = q + 2;
      return 1;
    }
  while (q < end && shift < 64)
    {
      uint8_t b = *q++;
      v |= (uint64_t) (b & 0x7f) << shift;
      if (b < 0x80)
        {
          *out = v;
          *p = q;
          return 1;
        }
      shift += 7;
    }
  return 0;
}
