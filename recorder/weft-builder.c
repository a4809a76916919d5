/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-builder.c: the explicit-time trace writer (weft-builder.h).
 *
 * Each stream buffers its events and becomes a STREAM chunk when the
 * buffer reaches the chunk size. Names are interned per stream, and every
 * chunk re-defines the strings it uses, so a chunk decodes on its own even
 * when the chunks before it are lost.
 */
#include "weft-builder-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weft-chunk.h"
#include "weft-varint.h"

#define DEFAULT_CHUNK_SIZE (64u * 1024)
#define MIN_CHUNK_SIZE 64u
/* Longer strings are cut (at a UTF-8 boundary) so one event always fits. */
#define MAX_STRING (1u << 20)

typedef struct
{
  uint64_t key;
  uint32_t index; /* stream index + 1; 0 = free */
} StreamSlot;

typedef struct
{
  char *key, *value;
} MetaPair;

struct WeftBuilder
{
  int fd;        /* -1 in memory mode */
  int error;     /* first errno, sticky */
  int write_index;
  size_t chunk_size;
  uint64_t offset; /* bytes written so far */

  uint8_t *mem; /* memory mode */
  size_t mem_len, mem_cap;

  Stream *streams;
  uint32_t n_streams, streams_cap;
  StreamSlot *lookup; /* (kind, pid, tid) -> stream */
  uint32_t lookup_cap;
  uint32_t next_counter; /* per-builder part of stream ids */

  MetaPair *meta;
  size_t n_meta, meta_cap;
  int meta_dirty; /* changed since weft_builder_flush() last wrote it */

  WeftIndexEntry *index;
  size_t n_index, index_cap;
};

static void
fail (WeftBuilder *b, int err)
{
  if (b->error == 0)
    b->error = err != 0 ? err : EIO;
}

/* Grows *ptr to hold need elements of size elem; 0 on success. */
static int
grow (void **ptr, size_t *cap, size_t need, size_t elem)
{
  size_t n = *cap ? *cap : 16;
  void *p;

  if (need <= *cap)
    return 0;
  while (n < need)
    n *= 2;
  p = realloc (*ptr, n * elem);
  if (p == NULL)
    return -1;
  *ptr = p;
  *cap = n;
  return 0;
}

/* --- output: a file or a growable buffer --- */

static void
out_bytes (WeftBuilder *b, const void *data, size_t len)
{
  if (len == 0)
    return;
  if (grow ((void **) &b->mem, &b->mem_cap, b->mem_len + len, 1) < 0)
    {
      fail (b, ENOMEM);
      return;
    }
  memcpy (b->mem + b->mem_len, data, len);
  b->mem_len += len;
}

static void
out_chunk (WeftBuilder *b, uint16_t type, uint64_t stream_id, const void *part1, size_t size1,
           const void *part2, size_t size2)
{
  static const uint8_t zeros[WEFT_CHUNK_ALIGN];
  size_t payload = size1 + size2;

  if (b->error)
    return;
  if (payload > WEFT_CHUNK_MAX_PAYLOAD)
    {
      fail (b, EFBIG);
      return;
    }
  /* The INDEX chunk lists the chunks before it, not itself. */
  if (type != WEFT_CHUNK_INDEX)
    {
      if (grow ((void **) &b->index, &b->index_cap, b->n_index + 1, sizeof *b->index) < 0)
        {
          fail (b, ENOMEM);
          return;
        }
      b->index[b->n_index++] = (WeftIndexEntry) {
        .offset = b->offset, .stream_id = stream_id, .type = type, .size = (uint32_t) payload
      };
    }

  if (b->fd >= 0)
    {
      if (weft_chunk_write (b->fd, type, part1, size1, part2, size2) < 0)
        fail (b, errno);
    }
  else
    {
      WeftChunkHeader header;

      weft_chunk_header_init (&header, type, part1, size1, part2, size2);
      out_bytes (b, &header, sizeof header);
      out_bytes (b, part1, size1);
      out_bytes (b, part2, size2);
      out_bytes (b, zeros, weft_chunk_padding (payload));
    }
  b->offset += weft_chunk_total_size (payload);
}

static void
out_raw (WeftBuilder *b, const void *data, size_t size)
{
  size_t len = size;

  if (b->error)
    return;
  if (b->fd < 0)
    out_bytes (b, data, len);
  else
    {
      const uint8_t *p = data;
      while (len > 0)
        {
          ssize_t w = write (b->fd, p, len);
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            {
              fail (b, errno);
              return;
            }
          p += w;
          len -= (size_t) w;
        }
    }
  b->offset += size;
}

static WeftBuilder *
builder_new (int fd)
{
  WeftBuilder *b = calloc (1, sizeof *b);
  WeftFileHeader header;

  if (b == NULL)
    return NULL;
  b->fd = fd;
  b->write_index = 1;
  b->chunk_size = DEFAULT_CHUNK_SIZE;
  weft_file_header_init (&header);
  out_raw (b, &header, sizeof header);
  b->offset = sizeof header;
  return b;
}

WeftBuilder *
weft_builder_new (const char *path)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  WeftBuilder *b;

  if (fd < 0)
    return NULL;
  b = builder_new (fd);
  if (b == NULL || b->error)
    {
      int err = b ? b->error : ENOMEM;
      free (b);
      close (fd);
      errno = err;
      return NULL;
    }
  return b;
}

WeftBuilder *
weft_builder_new_memory (void)
{
  WeftBuilder *b = builder_new (-1);

  if (b != NULL && b->error)
    {
      free (b->mem);
      free (b);
      errno = ENOMEM;
      return NULL;
    }
  return b;
}

void
weft_builder_set_chunk_size (WeftBuilder *b, size_t bytes)
{
  size_t max = WEFT_CHUNK_MAX_PAYLOAD - sizeof (WeftStreamChunkHeader);

  b->chunk_size = bytes < MIN_CHUNK_SIZE ? MIN_CHUNK_SIZE : bytes > max ? max : bytes;
}

void
weft_builder_set_write_index (WeftBuilder *b, int write_index)
{
  b->write_index = write_index != 0;
}

void
weft_builder_set_metadata (WeftBuilder *b, const char *key, const char *value)
{
  char *k, *v;

  if (b->error)
    return;
  v = strdup (value ? value : "");
  if (v == NULL)
    {
      fail (b, ENOMEM);
      return;
    }
  b->meta_dirty = 1;
  for (size_t i = 0; i < b->n_meta; i++)
    if (strcmp (b->meta[i].key, key) == 0)
      {
        free (b->meta[i].value);
        b->meta[i].value = v;
        return;
      }
  k = strdup (key);
  if (k == NULL || grow ((void **) &b->meta, &b->meta_cap, b->n_meta + 1, sizeof *b->meta) < 0)
    {
      free (k);
      free (v);
      fail (b, ENOMEM);
      return;
    }
  b->meta[b->n_meta++] = (MetaPair) { k, v };
}

/* --- streams --- */

static uint32_t
hash64 (uint64_t k)
{
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return (uint32_t) k;
}

/* Appends a stream; 0 or -1 (ENOMEM, b failed). */
static int
stream_new (WeftBuilder *b, uint16_t kind, uint32_t pid, uint32_t tid)
{
  Stream *s;
  size_t cap = b->streams_cap;

  if (grow ((void **) &b->streams, &cap, b->n_streams + 1, sizeof *b->streams) < 0)
    {
      fail (b, ENOMEM);
      return -1;
    }
  b->streams_cap = (uint32_t) cap;
  s = &b->streams[b->n_streams];
  memset (s, 0, sizeof *s);
  /* Builder streams use counters from 2^31 so they never collide with
   * libweft's streams of the same process in one file. */
  if (kind == WEFT_STREAM_CPU)
    s->head.stream_id = (uint64_t) UINT32_MAX << 32 | tid;
  else
    s->head.stream_id = (uint64_t) pid << 32 | (0x80000000u | b->next_counter++);
  s->head.pid = pid;
  s->head.tid = tid;
  s->head.clock = WEFT_CLOCK_MONOTONIC;
  s->head.kind = kind;
  b->n_streams++;
  return 0;
}

static WeftBuilderStream
stream_get (WeftBuilder *b, uint64_t key, uint16_t kind, uint32_t pid, uint32_t tid)
{
  uint32_t mask, h;

  if (b->error)
    return 0;
  if ((b->n_streams + 1) * 2 > b->lookup_cap)
    {
      uint32_t cap = b->lookup_cap ? b->lookup_cap * 2 : 64;
      StreamSlot *slots = calloc (cap, sizeof *slots);

      if (slots == NULL)
        {
          fail (b, ENOMEM);
          return 0;
        }
      for (uint32_t i = 0; i < b->lookup_cap; i++)
        if (b->lookup[i].index != 0)
          {
            uint32_t j = hash64 (b->lookup[i].key) & (cap - 1);
            while (slots[j].index != 0)
              j = (j + 1) & (cap - 1);
            slots[j] = b->lookup[i];
          }
      free (b->lookup);
      b->lookup = slots;
      b->lookup_cap = cap;
    }
  mask = b->lookup_cap - 1;
  for (h = hash64 (key) & mask; b->lookup[h].index != 0; h = (h + 1) & mask)
    if (b->lookup[h].key == key && b->streams[b->lookup[h].index - 1].head.kind == kind)
      return b->lookup[h].index - 1;

  if (stream_new (b, kind, pid, tid) < 0)
    return 0;
  b->lookup[h] = (StreamSlot) { key, b->n_streams };
  return b->n_streams - 1;
}

WeftBuilderStream
weft_builder_thread (WeftBuilder *b, uint32_t pid, uint32_t tid)
{
  return stream_get (b, (uint64_t) pid << 32 | tid, WEFT_STREAM_THREAD, pid, tid);
}

WeftBuilderStream
weft_builder_thread_stream (WeftBuilder *b, uint32_t pid, uint32_t tid)
{
  if (b->error || stream_new (b, WEFT_STREAM_THREAD, pid, tid) < 0)
    return 0;
  return b->n_streams - 1;
}

WeftBuilderStream
weft_builder_cpu (WeftBuilder *b, uint32_t cpu)
{
  /* Same key as thread (UINT32_MAX, cpu): the kind tells them apart. */
  return stream_get (b, (uint64_t) UINT32_MAX << 32 | cpu, WEFT_STREAM_CPU, 0, cpu);
}

static void
stream_flush (WeftBuilder *b, Stream *s)
{
  if (s->len == 0)
    return;
  out_chunk (b, WEFT_CHUNK_STREAM, s->head.stream_id, &s->head, sizeof s->head, s->buf, s->len);
  s->len = 0;
  s->head.seq++;
  s->head.base_time = s->last;
  s->gen++;
}

/* Resolves a handle; NULL (and a sticky EINVAL) for a bad one. */
Stream *
_weft_builder_stream_at (WeftBuilder *b, WeftBuilderStream s)
{
  if (b->error)
    return NULL;
  if (s >= b->n_streams)
    {
      fail (b, EINVAL);
      return NULL;
    }
  return &b->streams[s];
}

static size_t
string_len (const char *str)
{
  size_t len = str ? strnlen (str, MAX_STRING + 1) : 0;

  if (len > MAX_STRING)
    {
      len = MAX_STRING;
      while (len > 0 && ((uint8_t) str[len] & 0xc0) == 0x80)
        len--;
    }
  return len;
}

static uint32_t
hash_bytes (const char *p, size_t len)
{
  uint32_t h = 2166136261u; /* FNV-1a */

  for (size_t i = 0; i < len; i++)
    h = (h ^ (uint8_t) p[i]) * 16777619u;
  return h;
}

/* Room for two new strings without a rehash, so slot pointers taken for
 * one event stay valid. */
static int
strings_reserve (WeftBuilder *b, Stream *s)
{
  if ((s->n_strings + 2) * 2 > s->strings_cap)
    {
      uint32_t cap = s->strings_cap ? s->strings_cap * 2 : 32;
      StringSlot *slots = calloc (cap, sizeof *slots);

      if (slots == NULL)
        {
          fail (b, ENOMEM);
          return -1;
        }
      for (uint32_t k = 0; k < s->strings_cap; k++)
        if (s->strings[k].id != 0)
          {
            uint32_t j = s->strings[k].hash & (cap - 1);
            while (slots[j].id != 0)
              j = (j + 1) & (cap - 1);
            slots[j] = s->strings[k];
          }
      free (s->strings);
      s->strings = slots;
      s->strings_cap = cap;
    }
  return 0;
}

/* The slot of str in s's table, inserted (with a new id) if missing;
 * strings_reserve() must have made room. */
static StringSlot *
string_slot (WeftBuilder *b, Stream *s, const char *str, size_t len)
{
  uint32_t h = hash_bytes (str, len), mask, i;

  mask = s->strings_cap - 1;
  for (i = h & mask; s->strings[i].id != 0; i = (i + 1) & mask)
    if (s->strings[i].hash == h && s->strings[i].len == len
        && memcmp (s->strings[i].str, str, len) == 0)
      return &s->strings[i];

  char *copy = malloc (len + 1);
  if (copy == NULL)
    {
      fail (b, ENOMEM);
      return NULL;
    }
  memcpy (copy, str, len);
  copy[len] = '\0';
  s->strings[i] = (StringSlot) { copy, len, h, ++s->n_strings, s->gen - 1 };
  return &s->strings[i];
}

size_t
_weft_builder_varint_size (uint64_t v)
{
  size_t n = 1;

  while (v >= 0x80)
    {
      v >>= 7;
      n++;
    }
  return n;
}

static int
reserve (WeftBuilder *b, Stream *s, size_t need)
{
  if (grow ((void **) &s->buf, &s->cap, s->len + need, 1) < 0)
    {
      fail (b, ENOMEM);
      return -1;
    }
  return 0;
}

/* The delta put_head() will write for time t. */
static uint64_t
event_delta (const Stream *s, uint64_t t)
{
  return !s->started || t <= s->last ? 0 : t - s->last;
}

/* Makes room for an event at t with fields bytes besides its kind, delta
 * and up to two string ids: starts a new chunk when the current one would
 * pass the cap, then writes the STRING_DEFs this chunk lacks. Returns the
 * ids (0 for a NULL string) or -1 on error. */
int
_weft_builder_begin_event (WeftBuilder *b, Stream *s, uint64_t t, size_t fields, const char *str1,
             const char *str2, uint32_t *id1, uint32_t *id2)
{
  const char *strs[2] = { str1, str2 };
  size_t lens[2] = { 0, 0 };
  StringSlot *slots[2] = { NULL, NULL };
  size_t need;

  if ((str1 != NULL || str2 != NULL) && strings_reserve (b, s) < 0)
    return -1;
  for (int pass = 0; pass < 2; pass++)
    {
      need = 1 + _weft_builder_varint_size (event_delta (s, t)) + fields;
      for (int k = 0; k < 2; k++)
        {
          if (strs[k] == NULL)
            continue;
          lens[k] = string_len (strs[k]);
          slots[k] = string_slot (b, s, strs[k], lens[k]);
          if (slots[k] == NULL)
            return -1;
          need += _weft_builder_varint_size (slots[k]->id);
          if (slots[k]->gen != s->gen && (k == 0 || slots[1] != slots[0]))
            need += 2 + _weft_builder_varint_size (slots[k]->id) + _weft_builder_varint_size (lens[k]) + lens[k];
        }
      if (need >= WEFT_CHUNK_MAX_PAYLOAD - sizeof s->head)
        {
          fail (b, EFBIG);
          return -1;
        }
      if (s->len == 0 || sizeof s->head + s->len + need <= b->chunk_size)
        break;
      stream_flush (b, s); /* bumps gen: the strings must be defined again */
      if (b->error)
        return -1;
    }
  if (reserve (b, s, need) < 0)
    return -1;
  for (int k = 0; k < 2; k++)
    if (slots[k] != NULL && slots[k]->gen != s->gen)
      {
        uint8_t *p = s->buf + s->len;
        *p++ = WEFT_EV_STRING_DEF;
        *p++ = 0; /* delta: at the previous event's time */
        p = weft_varint_put (p, slots[k]->id);
        p = weft_varint_put (p, lens[k]);
        memcpy (p, slots[k]->str, lens[k]);
        s->len = (size_t) (p - s->buf) + lens[k];
        slots[k]->gen = s->gen;
      }
  if (id1)
    *id1 = slots[0] ? slots[0]->id : 0;
  if (id2)
    *id2 = slots[1] ? slots[1]->id : 0;
  return 0;
}

void
weft_builder_raw_chunk (WeftBuilder *b, uint16_t type, const void *payload, uint32_t size)
{
  out_chunk (b, type, 0, payload, size, NULL, 0);
}

/* --- finishing --- */

static void
write_metadata (WeftBuilder *b)
{
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;

  if (b->n_meta == 0 || b->error)
    return;
  for (size_t i = 0; i < b->n_meta; i++)
    {
      size_t kl = string_len (b->meta[i].key), vl = string_len (b->meta[i].value);
      uint8_t *p;

      if (grow ((void **) &buf, &cap, len + kl + vl + 2 * WEFT_VARINT_MAX, 1) < 0)
        {
          fail (b, ENOMEM);
          free (buf);
          return;
        }
      p = weft_varint_put (buf + len, kl);
      memcpy (p, b->meta[i].key, kl);
      p = weft_varint_put (p + kl, vl);
      memcpy (p, b->meta[i].value, vl);
      len = (size_t) (p + vl - buf);
    }
  out_chunk (b, WEFT_CHUNK_METADATA, 0, buf, len, NULL, 0);
  free (buf);
}

static void
flush_all (WeftBuilder *b)
{
  write_metadata (b);
  for (uint32_t i = 0; i < b->n_streams; i++)
    stream_flush (b, &b->streams[i]);
}

void
weft_builder_flush (WeftBuilder *b)
{
  if (b->meta_dirty)
    write_metadata (b);
  b->meta_dirty = 0;
  for (uint32_t i = 0; i < b->n_streams; i++)
    stream_flush (b, &b->streams[i]);
}

static void
builder_free (WeftBuilder *b)
{
  for (uint32_t i = 0; i < b->n_streams; i++)
    {
      Stream *s = &b->streams[i];
      for (uint32_t k = 0; k < s->strings_cap; k++)
        free (s->strings[k].str);
      free (s->strings);
      free (s->buf);
    }
  for (size_t i = 0; i < b->n_meta; i++)
    {
      free (b->meta[i].key);
      free (b->meta[i].value);
    }
  free (b->meta);
  free (b->streams);
  free (b->lookup);
  free (b->index);
  free (b->mem);
  free (b);
}

static int
finish_common (WeftBuilder *b)
{
  flush_all (b);
  if (b->write_index && !b->error)
    {
      WeftTrailer trailer = { .index_offset = b->offset };
      memcpy (trailer.magic, WEFT_TRAILER_MAGIC, sizeof trailer.magic);
      out_chunk (b, WEFT_CHUNK_INDEX, 0, b->index, b->n_index * sizeof *b->index, NULL, 0);
      out_raw (b, &trailer, sizeof trailer);
    }
  return b->error;
}

int
weft_builder_finish (WeftBuilder *b)
{
  int err = finish_common (b);

  if (b->fd >= 0 && close (b->fd) < 0 && err == 0)
    err = errno;
  builder_free (b);
  if (err != 0)
    {
      errno = err;
      return -1;
    }
  return 0;
}

int
weft_builder_finish_memory (WeftBuilder *b, uint8_t **data, size_t *size)
{
  int err = finish_common (b);

  *data = NULL;
  *size = 0;
  if (err == 0)
    {
      *data = b->mem;
      *size = b->mem_len;
      b->mem = NULL;
    }
  if (b->fd >= 0)
    close (b->fd);
  builder_free (b);
  if (err != 0)
    {
      errno = err;
      return -1;
    }
  return 0;
}

void
weft_builder_abandon (WeftBuilder *b)
{
  flush_all (b);
  if (b->fd >= 0)
    close (b->fd);
  builder_free (b);
}
