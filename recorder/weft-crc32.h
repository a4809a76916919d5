/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-crc32.h: CRC-32 with zlib's polynomial, so `python3 -c zlib.crc32`
 * can check a chunk by hand. Kept in the recorder (libc only) because both
 * libweft and the reader need it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* crc: 0 to start, or the result of a previous call to continue. */
uint32_t weft_crc32 (uint32_t crc, const void *data, size_t len);
