/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chunk.h: framing shared by every .weft writer (libweft's drain,
 * the trace builder, `weft record`): the file header and one chunk written
 * with a single writev(), so that processes appending to one file with
 * O_APPEND never interleave inside a chunk.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "weft-format.h"

void weft_file_header_init (WeftFileHeader *header);

/* Zero bytes that follow a payload of this size. */
static inline size_t
weft_chunk_padding (size_t payload_size)
{
  return (WEFT_CHUNK_ALIGN - payload_size % WEFT_CHUNK_ALIGN) % WEFT_CHUNK_ALIGN;
}

/* Header for a payload given in two parts (part2 may be NULL): the CRC
 * covers part1 then part2. */
void weft_chunk_header_init (WeftChunkHeader *header, uint16_t type, const void *part1,
                             size_t size1, const void *part2, size_t size2);

/* The flags value that checks header's tag, type, payload_size and crc32
 * (WEFT_CHUNK_FLAG_HEADER_CHECK | 15-bit check). */
uint16_t weft_chunk_header_check (const WeftChunkHeader *header);

/* Writes one whole chunk (header, part1, part2, padding) in one writev,
 * retrying short writes and EINTR. Returns 0, or -1 with errno. Uses no
 * allocation and no lock: safe in a forked child and at exit. */
int weft_chunk_write (int fd, uint16_t type, const void *part1, size_t size1, const void *part2,
                      size_t size2);

/* Bytes weft_chunk_write() writes for that payload size. */
static inline size_t
weft_chunk_total_size (size_t payload_size)
{
  return sizeof (WeftChunkHeader) + payload_size + weft_chunk_padding (payload_size);
}
