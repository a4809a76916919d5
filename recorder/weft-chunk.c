/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-chunk.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "weft-crc32.h"

void
weft_file_header_init (WeftFileHeader *header)
{
  memset (header, 0, sizeof *header);
  memcpy (header->magic, WEFT_FILE_MAGIC, WEFT_FILE_MAGIC_LEN);
  header->major = WEFT_FORMAT_MAJOR;
  header->minor = WEFT_FORMAT_MINOR;
  header->header_size = sizeof *header;
}

uint16_t
weft_chunk_header_check (const WeftChunkHeader *header)
{
  uint8_t bytes[14];

  /* Little-endian, as on disk: this runs on the hosts Weft supports. */
  memcpy (bytes, &header->tag, 4);
  memcpy (bytes + 4, &header->type, 2);
  memcpy (bytes + 6, &header->payload_size, 4);
  memcpy (bytes + 10, &header->crc32, 4);
  return (uint16_t) (WEFT_CHUNK_FLAG_HEADER_CHECK | (weft_crc32 (0, bytes, sizeof bytes) & 0x7fff));
}

void
weft_chunk_header_init (WeftChunkHeader *header, uint16_t type, const void *part1, size_t size1,
                        const void *part2, size_t size2)
{
  uint32_t crc = weft_crc32 (0, part1, size1);

  if (part2 != NULL && size2 > 0)
    crc = weft_crc32 (crc, part2, size2);
  header->tag = WEFT_CHUNK_TAG;
  header->type = type;
  header->flags = 0;
  header->payload_size = (uint32_t) (size1 + size2);
  header->crc32 = crc;
  header->flags = weft_chunk_header_check (header);
}

int
weft_chunk_write (int fd, uint16_t type, const void *part1, size_t size1, const void *part2,
                  size_t size2)
{
  static const uint8_t zeros[WEFT_CHUNK_ALIGN];
  WeftChunkHeader header;
  struct iovec iov[4];
  int n = 0;

  if (part2 == NULL)
    size2 = 0;
  if (size1 + size2 > WEFT_CHUNK_MAX_PAYLOAD)
    {
      errno = EFBIG;
      return -1;
    }
  weft_chunk_header_init (&header, type, part1, size1, part2, size2);
  iov[n++] = (struct iovec) { &header, sizeof header };
  if (size1 > 0)
    iov[n++] = (struct iovec) { (void *) part1, size1 };
  if (size2 > 0)
    iov[n++] = (struct iovec) { (void *) part2, size2 };
  if (weft_chunk_padding (size1 + size2) > 0)
    iov[n++] = (struct iovec) { (void *) zeros, weft_chunk_padding (size1 + size2) };

  /* A short write splits the chunk; finish it from where it stopped. */
  struct iovec *v = iov;
  while (n > 0)
    {
      ssize_t w = writev (fd, v, n);
      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      while (n > 0 && (size_t) w >= v->iov_len)
        {
          w -= (ssize_t) v->iov_len;
          v++;
          n--;
        }
      if (n > 0)
        {
          v->iov_base = (uint8_t *) v->iov_base + w;
          v->iov_len -= (size_t) w;
        }
    }
  return 0;
}
