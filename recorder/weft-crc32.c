/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-crc32.h"

/* Slicing-by-8 tables, built once: the reader checks every chunk of a
 * multi-gigabyte file, so bytewise CRC would dominate load time. */
static uint32_t crc_table[8][256];
static int crc_ready;

static void
crc_init (void)
{
  for (uint32_t i = 0; i < 256; i++)
    {
      uint32_t c = i;
      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      crc_table[0][i] = c;
    }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++)
      crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
  __atomic_store_n (&crc_ready, 1, __ATOMIC_RELEASE);
}

uint32_t
weft_crc32 (uint32_t crc, const void *data, size_t len)
{
  const uint8_t *p = data;

  /* Racing initialisers write identical tables, so no lock is needed. */
  if (!__atomic_load_n (&crc_ready, __ATOMIC_ACQUIRE))
    crc_init ();

  crc = ~crc;
  while (len >= 8)
    {
      uint32_t lo = (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
                    | (uint32_t) p[3] << 24;
      uint32_t hi = (uint32_t) p[4] | (uint32_t) p[5] << 8 | (uint32_t) p[6] << 16
                    | (uint32_t) p[7] << 24;
      lo ^= crc;
      crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff]
            ^ crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24]
            ^ crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff]
            ^ crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
      p += 8;
      len -= 8;
    }
  while (len--)
    crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}
