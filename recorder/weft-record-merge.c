/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-merge.c: the chunk walk over libweft's standalone file.
 * The file may still be growing (a straggling process) and may hold a
 * torn chunk: every chunk is bounds- and CRC-checked, and after damage
 * the walk resynchronises on the chunk tag at the next 8-byte boundary.
 */
#define _GNU_SOURCE
#include "weft-record-merge.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weft-chunk.h"
#include "weft-crc32.h"

static uint32_t
rd32 (const uint8_t *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

/* The payload size of an intact chunk at pos, or -1. */
static int64_t
chunk_at (const uint8_t *data, size_t size, size_t pos)
{
  const uint8_t *h = data + pos;
  uint32_t payload;

  if (size - pos < sizeof (WeftChunkHeader) || rd32 (h) != WEFT_CHUNK_TAG)
    return -1;
  payload = rd32 (h + 8);
  if (payload > WEFT_CHUNK_MAX_PAYLOAD || payload > size - pos - sizeof (WeftChunkHeader))
    return -1;
  if (weft_crc32 (0, h + sizeof (WeftChunkHeader), payload) != rd32 (h + 12))
    return -1;
  return payload;
}

static void
walk (WeftBuilder *b, const uint8_t *data, size_t size, WeftMergeStats *stats)
{
  size_t pos = 0;

  if (size >= sizeof (WeftFileHeader)
      && memcmp (data, WEFT_FILE_MAGIC, WEFT_FILE_MAGIC_LEN) == 0)
    pos = sizeof (WeftFileHeader);
  while (pos + sizeof (WeftChunkHeader) <= size)
    {
      int64_t payload = chunk_at (data, size, pos);
      const uint8_t *h = data + pos;
      uint16_t type;

      if (payload < 0)
        {
          stats->damaged_bytes += WEFT_CHUNK_ALIGN;
          pos += WEFT_CHUNK_ALIGN;
          continue;
        }
      type = (uint16_t) (h[4] | h[5] << 8);
      /* The index and trailer describe the old file's offsets. */
      if (type != WEFT_CHUNK_INDEX)
        {
          weft_builder_raw_chunk (b, type, h + sizeof (WeftChunkHeader), (uint32_t) payload);
          stats->chunks++;
          if (type == WEFT_CHUNK_STREAM)
            stats->stream_chunks++;
        }
      pos += weft_chunk_total_size ((size_t) payload);
    }
}

int
weft_record_merge_file (WeftBuilder *builder, const char *path, WeftMergeStats *stats)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  void *map;

  memset (stats, 0, sizeof *stats);
  if (fd < 0)
    return errno == ENOENT ? 0 : -1;
  if (fstat (fd, &st) < 0)
    {
      int e = errno;

      close (fd);
      errno = e;
      return -1;
    }
  if (st.st_size == 0)
    {
      close (fd);
      return 0;
    }
  /* Only the size seen now is walked: a straggler may append more. */
  map = mmap (NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close (fd);
  if (map == MAP_FAILED)
    return -1;
  walk (builder, map, (size_t) st.st_size, stats);
  munmap (map, (size_t) st.st_size);
  return 0;
}
