/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-reader.c: opening a .weft trace as hostile input: the header, the
 * chunk walk (through the INDEX when it checks out), resynchronisation
 * after damage, metadata and the grouping of stream chunks. Decoding the
 * events is in weft-reader-iter.c.
 */
#include "weft-reader-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weft-chunk.h"
#include "weft-varint.h"

G_DEFINE_QUARK (weft-reader-error-quark, weft_reader_error)

typedef enum
{
  CHUNK_OK,
  CHUNK_BAD_TAG,
  CHUNK_BAD_HEADER, /* the header check in flags fails */
  CHUNK_TOO_BIG,
  CHUNK_TRUNCATED,
  CHUNK_BAD_CRC,
  CHUNK_SKIPPED, /* resync budget spent: not checked */
} ChunkStatus;

typedef struct
{
  WeftReader *reader;
  GArray *found;    /* guint64 offsets of intact chunks, file order */
  guint64 crc_budget; /* bytes resync may still checksum */
  GCancellable *cancellable;
  guint64 unchecked; /* bytes checked since cancellable was last looked at */
  gboolean cancelled;
} Walk;

/* Looks at the cancellable every 8 MiB of checked chunks: the checksum
 * pass reads the whole file, so a Cancel must not wait for its end. */
static gboolean
walk_cancelled (Walk *w, guint64 bytes)
{
  w->unchecked += bytes;
  if (w->cancellable != NULL && w->unchecked >= (8u << 20))
    {
      w->unchecked = 0;
      w->cancelled = g_cancellable_is_cancelled (w->cancellable);
    }
  return w->cancelled;
}

static inline guint32
rd32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static inline guint64
rd64 (const guint8 *p)
{
  guint64 v;
  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

/* --- the chunk walk --- */

/* Checks the chunk whose header is at pos (8-aligned, pos + 16 <= size). */
static ChunkStatus
check_chunk (WeftReader *reader, gsize pos, guint64 *crc_budget)
{
  const guint8 *h = reader->data + pos;
  guint32 payload = rd32 (h + 8);

  guint16 flags = (guint16) (h[6] | h[7] << 8);

  if (rd32 (h) != WEFT_CHUNK_TAG)
    return CHUNK_BAD_TAG;
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  if (flags & WEFT_CHUNK_FLAG_HEADER_CHECK)
#else
  if (0)
#endif
    {
      WeftChunkHeader copy;
      memcpy (&copy, h, sizeof copy);
      if (weft_chunk_header_check (&copy) != flags)
        return CHUNK_BAD_HEADER;
    }
  if (payload > WEFT_CHUNK_MAX_PAYLOAD)
    return CHUNK_TOO_BIG;
  if (payload > reader->size - pos - sizeof (WeftChunkHeader))
    return CHUNK_TRUNCATED;
  if (crc_budget != NULL)
    {
      /* A hostile file full of tags must not make resync quadratic. */
      if (*crc_budget < payload)
        return CHUNK_SKIPPED;
      *crc_budget -= payload;
    }
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  /* (The libFuzzer build skips the checksum so mutations reach the decoder.)
   * The check reads every byte of the file at open: weft_crc32's CRC-32,
   * computed faster (weft-reader-crc.c). */
  if (_weft_reader_crc32 (0, h + sizeof (WeftChunkHeader), payload) != rd32 (h + 12))
    return CHUNK_BAD_CRC;
#endif
  return CHUNK_OK;
}

static gsize
chunk_end (WeftReader *reader, gsize pos)
{
  guint64 end = (guint64) pos + weft_chunk_total_size (rd32 (reader->data + pos + 8));

  /* Padding cut off at the very end of the file loses nothing. */
  return end > reader->size ? reader->size : (gsize) end;
}

static gboolean
is_trailer_at (WeftReader *reader, gsize pos)
{
  return reader->size - pos == sizeof (WeftTrailer)
         && memcmp (reader->data + pos + 8, WEFT_TRAILER_MAGIC, 8) == 0;
}

/* The next offset from pos where an intact chunk (or the trailer) starts. */
static gsize
resync (Walk *w, gsize pos)
{
  WeftReader *reader = w->reader;

  for (; pos + sizeof (WeftChunkHeader) <= reader->size; pos += WEFT_CHUNK_ALIGN)
    {
      if (is_trailer_at (reader, pos))
        return pos;
      if (rd32 (reader->data + pos) == WEFT_CHUNK_TAG
          && check_chunk (reader, pos, &w->crc_budget) == CHUNK_OK)
        return pos;
    }
  return reader->size;
}

static void
walk_chunks (Walk *w, gsize start)
{
  WeftReader *reader = w->reader;
  gsize pos = start;

  while (pos < reader->size && !w->cancelled)
    {
      ChunkStatus st;
      gsize next;
      const char *what;

      if (is_trailer_at (reader, pos))
        break;
      if (reader->size - pos < sizeof (WeftChunkHeader))
        {
          _weft_reader_add_damage (reader, pos, reader->size - pos, TRUE,
                                   "truncated at offset %" G_GSIZE_FORMAT
                                   " (an incomplete chunk header)", pos);
          break;
        }
      st = check_chunk (reader, pos, NULL);
      if (st == CHUNK_OK)
        {
          g_array_append_val (w->found, (guint64) { pos });
          next = chunk_end (reader, pos);
          walk_cancelled (w, next - pos);
          pos = next;
          continue;
        }
      next = resync (w, pos + WEFT_CHUNK_ALIGN);
      switch (st)
        {
        case CHUNK_TRUNCATED:
          what = next == reader->size ? "truncated" : "chunk size past the end of the file";
          break;
        case CHUNK_TOO_BIG: what = "chunk size too large"; break;
        case CHUNK_BAD_HEADER: what = "damaged chunk header"; break;
        case CHUNK_BAD_CRC: what = "checksum mismatch"; break;
        default: what = "garbage instead of a chunk header"; break;
        }
      _weft_reader_add_damage (reader, pos, next - pos, TRUE,
                               "%s at offset %" G_GSIZE_FORMAT, what, pos);
      pos = next;
    }
}

/* Uses the INDEX when the trailer points at one that lists every chunk
 * from start to the index, each intact. FALSE: walk instead. */
static gboolean
walk_index (Walk *w, gsize start)
{
  WeftReader *reader = w->reader;
  const guint8 *trailer;
  guint64 index_at, pos = start;
  guint32 n;

  if (reader->size < start + sizeof (WeftChunkHeader) + sizeof (WeftTrailer))
    return FALSE;
  trailer = reader->data + reader->size - sizeof (WeftTrailer);
  if (memcmp (trailer + 8, WEFT_TRAILER_MAGIC, 8) != 0)
    return FALSE;
  index_at = rd64 (trailer);
  if (index_at < start || index_at % WEFT_CHUNK_ALIGN != 0
      || index_at > reader->size - sizeof (WeftTrailer) - sizeof (WeftChunkHeader)
      || check_chunk (reader, index_at, NULL) != CHUNK_OK
      || (rd32 (reader->data + index_at + 4) & 0xffff) != WEFT_CHUNK_INDEX
      || chunk_end (reader, index_at) != reader->size - sizeof (WeftTrailer))
    return FALSE;

  n = rd32 (reader->data + index_at + 8) / sizeof (WeftIndexEntry);
  if (rd32 (reader->data + index_at + 8) % sizeof (WeftIndexEntry) != 0)
    return FALSE;
  for (guint32 i = 0; i < n; i++)
    {
      const guint8 *e = reader->data + index_at + sizeof (WeftChunkHeader)
                        + (gsize) i * sizeof (WeftIndexEntry);
      if (rd64 (e) != pos || pos + sizeof (WeftChunkHeader) > index_at
          || rd32 (reader->data + pos + 8) != rd32 (e + 20)
          || (rd32 (reader->data + pos + 4) & 0xffff) != rd32 (e + 16)
          || check_chunk (reader, pos, NULL) != CHUNK_OK)
        {
          g_array_set_size (w->found, 0);
          return FALSE;
        }
      g_array_append_val (w->found, pos);
      if (walk_cancelled (w, chunk_end (reader, pos) - pos))
        {
          g_array_set_size (w->found, 0);
          return FALSE;
        }
      pos = chunk_end (reader, pos);
    }
  if (pos != index_at)
    {
      g_array_set_size (w->found, 0);
      return FALSE;
    }
  g_array_append_val (w->found, pos); /* the index chunk itself */
  return TRUE;
}

/* --- chunk contents --- */

static char *
valid_string (const guint8 *p, gsize len)
{
  return g_utf8_make_valid ((const char *) p, (gssize) len);
}

static void
read_metadata (WeftReader *reader, gsize pos, const guint8 *p, const guint8 *end)
{
  while (p < end)
    {
      guint64 kl, vl;
      const guint8 *k;
      char *key, *value;

      if (!weft_varint_get (&p, end, &kl) || kl > (guint64) (end - p))
        goto bad;
      k = p;
      p += kl;
      if (!weft_varint_get (&p, end, &vl) || vl > (guint64) (end - p))
        goto bad;
      key = valid_string (k, kl);
      value = valid_string (p, vl);
      p += vl;
      if (!g_hash_table_contains (reader->meta, key))
        g_ptr_array_insert (reader->meta_keys, reader->meta_keys->len - 1, g_strdup (key));
      g_hash_table_replace (reader->meta, key, value);
    }
  return;
bad:
  _weft_reader_add_damage (reader, pos, 0, FALSE,
                           "malformed metadata at offset %" G_GSIZE_FORMAT, pos);
}

/* The stream with stream_id, added on first sight. */
static ReaderStream *
stream_for (GHashTable *by_id, GArray *streams, const guint8 *sh)
{
  guint64 id = rd64 (sh);
  gpointer index;

  if (g_hash_table_lookup_extended (by_id, &id, NULL, &index))
    return &g_array_index (streams, ReaderStream, GPOINTER_TO_UINT (index));

  ReaderStream st = { 0 };
  st.info.stream_id = id;
  st.info.pid = rd32 (sh + 8);
  st.info.tid = rd32 (sh + 12);
  st.info.kind = (WeftStreamKind) (sh[30] | sh[31] << 8);
  st.chunks = g_array_new (FALSE, FALSE, sizeof (ReaderChunk));
  g_hash_table_insert (by_id, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (streams->len));
  g_array_append_val (streams, st);
  return &g_array_index (streams, ReaderStream, streams->len - 1);
}

static gint
chunk_by_seq (gconstpointer a, gconstpointer b)
{
  const ReaderChunk *x = a, *y = b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static gint
stream_order (gconstpointer a, gconstpointer b)
{
  const WeftStreamInfo *x = &((const ReaderStream *) a)->info;
  const WeftStreamInfo *y = &((const ReaderStream *) b)->info;

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  if (x->tid != y->tid)
    return x->tid < y->tid ? -1 : 1;
  return x->stream_id < y->stream_id ? -1 : x->stream_id > y->stream_id;
}

/* Chunks whose seq never came (a lost chunk, FORMAT.md §4): one note
 * for the file, naming the stream that lost the most. */
static void
note_missing_chunks (WeftReader *reader, const ReaderStream *worst, guint64 worst_missing,
                     guint64 missing, guint n_streams)
{
  g_autofree char *where = NULL;

  if (missing == 0)
    return;
  where = worst->info.kind == WEFT_STREAM_CPU
              ? g_strdup_printf ("CPU %u's stream", worst->info.tid)
              : g_strdup_printf ("thread %u's stream", worst->info.tid);
  if (n_streams == 1)
    _weft_reader_add_damage (reader, G_MAXUINT64 - 1, 0, FALSE,
                             "%" G_GUINT64_FORMAT " chunk%s missing in %s", missing,
                             missing == 1 ? "" : "s", where);
  else
    _weft_reader_add_damage (reader, G_MAXUINT64 - 1, 0, FALSE,
                             "%" G_GUINT64_FORMAT
                             " chunks missing in %u streams (%" G_GUINT64_FORMAT " in %s)",
                             missing, n_streams, worst_missing, where);
}

static void
read_chunks (WeftReader *reader, GArray *found)
{
  g_autoptr (GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GArray) streams = g_array_new (FALSE, FALSE, sizeof (ReaderStream));
  g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (WeftClockSync));
  gboolean tsc_streams = FALSE;
  ReaderStream worst = { 0 };
  guint64 missing = 0, worst_gap = 0;
  guint n_gapped = 0;

  for (guint i = 0; i < found->len; i++)
    {
      gsize pos = g_array_index (found, guint64, i);
      const guint8 *h = reader->data + pos;
      const guint8 *p = h + sizeof (WeftChunkHeader);
      guint32 size = rd32 (h + 8);
      guint16 type = h[4] | h[5] << 8;

      reader->n_chunks++;
      if (type == WEFT_CHUNK_METADATA)
        read_metadata (reader, pos, p, p + size);
      else if (type == WEFT_CHUNK_STREAM)
        {
          guint16 clock, kind;
          ReaderStream *st;
          ReaderChunk c;

          clock = size >= 40 ? (guint16) (p[28] | p[29] << 8) : 0;
          kind = size >= 40 ? (guint16) (p[30] | p[31] << 8) : 0;
          if (size < sizeof (WeftStreamChunkHeader) || clock > WEFT_CLOCK_MONOTONIC
              || kind > WEFT_STREAM_CPU)
            {
              reader->n_chunks--;
              _weft_reader_add_damage (reader, pos, size, TRUE,
                                       "malformed stream chunk at offset %" G_GSIZE_FORMAT, pos);
              continue;
            }
          st = stream_for (by_id, streams, p);
          c.events = p + sizeof (WeftStreamChunkHeader);
          c.size = size - sizeof (WeftStreamChunkHeader);
          c.offset = pos;
          c.base_time = rd64 (p + 16);
          c.seq = rd32 (p + 24);
          c.clock = clock;
          c.lost = rd32 (p + 32);
          tsc_streams |= clock == WEFT_CLOCK_TSC;
          g_array_append_val (st->chunks, c);
        }
      else if (type == WEFT_CHUNK_CLOCK)
        {
          guint64 avail = size >= 8 ? (size - 8) / sizeof (WeftClockSync) : 0;
          guint32 count = size >= 8 ? rd32 (p) : 0;

          if (size < 8 || count > avail)
            _weft_reader_add_damage (reader, pos, 0, FALSE,
                                     "malformed clock chunk at offset %" G_GSIZE_FORMAT, pos);
          for (guint64 k = 0; k < MIN (count, avail); k++)
            {
              WeftClockSync s = { rd64 (p + 8 + k * 16), rd64 (p + 16 + k * 16) };
              g_array_append_val (pairs, s);
            }
        }
      /* INDEX chunks were used already; unknown types are skipped. */
    }

  for (guint i = 0; i < streams->len; i++)
    {
      ReaderStream *st = &g_array_index (streams, ReaderStream, i);
      guint out = 0;
      guint64 gap = 0;

      /* Stable, so of two chunks with one seq the first in the file stays. */
      g_array_sort (st->chunks, chunk_by_seq);
      for (guint k = 0; k < st->chunks->len; k++)
        {
          ReaderChunk *c = &g_array_index (st->chunks, ReaderChunk, k);
          /* seqs run 0, 1, 2 …: the ones skipped were lost */
          guint64 next
              = out > 0 ? (guint64) g_array_index (st->chunks, ReaderChunk, out - 1).seq + 1 : 0;

          if (out > 0 && c->seq + 1 == next)
            continue;
          gap += c->seq - next;
          g_array_index (st->chunks, ReaderChunk, out++) = *c;
          st->info.encoded_bytes += c->size;
          st->info.lost_in_chunks += c->lost;
        }
      g_array_set_size (st->chunks, out);
      st->info.n_chunks = out;
      st->dense = g_malloc0 (sizeof (DenseMap));
      missing += gap;
      n_gapped += gap > 0;
      if (gap > worst_gap)
        {
          worst_gap = gap;
          worst = *st;
        }
    }
  note_missing_chunks (reader, &worst, worst_gap, missing, n_gapped);
  g_array_sort (streams, stream_order);
  reader->n_streams = streams->len;
  reader->streams = (ReaderStream *) (void *) g_array_free (g_steal_pointer (&streams), FALSE);

  /* The walk's damage was summarised before the intact chunks were counted. */
  pthread_mutex_lock (&reader->lock);
  if (reader->damage->len > 0)
    _weft_reader_damage_summarise (reader);
  pthread_mutex_unlock (&reader->lock);

  _weft_reader_clock_init (reader, (WeftClockSync *) (void *) pairs->data, pairs->len);
  if (tsc_streams && reader->n_segs == 0)
    _weft_reader_add_damage (reader, G_MAXUINT64, 0, FALSE,
                             "no clock sync for TSC streams (their ticks are read as ns)");
}

/* --- open --- */

static WeftReader *
reader_new (GBytes *bytes)
{
  WeftReader *reader = g_new0 (WeftReader, 1);

  reader->bytes = bytes;
  reader->data = g_bytes_get_data (bytes, &reader->size);
  pthread_mutex_init (&reader->lock, NULL);
  reader->meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  reader->meta_keys = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (reader->meta_keys, NULL);
  reader->damage = g_array_new (FALSE, FALSE, sizeof (WeftReaderDamage));
  reader->damaged_at = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  reader->old_texts = g_ptr_array_new_with_free_func (g_free);
  _weft_reader_strings_init (reader);
  return reader;
}

static gboolean
reader_load (WeftReader *reader, GCancellable *cancellable, GError **error)
{
  const guint8 *d = reader->data;
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (guint64));
  Walk w = { reader, found, 2 * (guint64) reader->size + (64u << 20), cancellable, 0, FALSE };
  gsize start;

  if (reader->size == 0)
    {
      g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_EMPTY, "empty file");
      return FALSE;
    }
  if (reader->size < WEFT_FILE_MAGIC_LEN || memcmp (d, WEFT_FILE_MAGIC, WEFT_FILE_MAGIC_LEN) != 0)
    {
      g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_NOT_A_TRACE,
                   "not a Weft trace (no Weft header)");
      return FALSE;
    }
  if (reader->size < sizeof (WeftFileHeader))
    {
      g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_CORRUPT,
                   "truncated: the file ends inside its header");
      return FALSE;
    }
  if ((d[8] | d[9] << 8) != WEFT_FORMAT_MAJOR)
    {
      g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_VERSION,
                   "format version %u.%u is not supported (this Weft reads %u.x)",
                   d[8] | d[9] << 8, d[10] | d[11] << 8, WEFT_FORMAT_MAJOR);
      return FALSE;
    }
  start = rd32 (d + 12);
  if (start < sizeof (WeftFileHeader) || start % WEFT_CHUNK_ALIGN != 0 || start > reader->size)
    {
      _weft_reader_add_damage (reader, 12, 0, FALSE, "bad header size %" G_GSIZE_FORMAT, start);
      start = sizeof (WeftFileHeader);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!walk_index (&w, start))
    walk_chunks (&w, start);
  if (w.cancelled)
    {
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return FALSE;
    }
  if (found->len == 0)
    {
      const char *why = reader->damage_text;
      if (why == NULL || reader->size == start)
        g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_CORRUPT,
                     "truncated: no chunk after the header");
      else
        g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_CORRUPT,
                     "no intact chunk (%s)", why);
      return FALSE;
    }
  read_chunks (reader, found);
  return TRUE;
}

WeftReader *
weft_reader_new_from_bytes (GBytes *bytes, GError **error)
{
  WeftReader *reader;

  g_return_val_if_fail (bytes != NULL, NULL);
  reader = reader_new (g_bytes_ref (bytes));
  if (!reader_load (reader, NULL, error))
    {
      weft_reader_free (reader);
      return NULL;
    }
  return reader;
}

typedef struct
{
  void *addr;
  gsize len;
} Mapping;

static void
mapping_free (gpointer data)
{
  Mapping *m = data;
  munmap (m->addr, m->len);
  g_free (m);
}

WeftReader *
weft_reader_open (const char *path, GError **error)
{
  return _weft_reader_open_cancellable (path, NULL, error);
}

WeftReader *
_weft_reader_open_cancellable (const char *path, GCancellable *cancellable, GError **error)
{
  struct stat sb;
  GBytes *bytes;
  WeftReader *reader;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &sb) < 0)
    {
      int err = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_IO, "%s", g_strerror (err));
      return NULL;
    }
  if (!S_ISREG (sb.st_mode))
    {
      close (fd);
      g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_IO, "%s",
                   S_ISDIR (sb.st_mode) ? "is a directory" : "not a regular file");
      return NULL;
    }
  if (sb.st_size == 0)
    bytes = g_bytes_new_static ("", 0);
  else
    {
      Mapping *m = g_new (Mapping, 1);

      m->len = (gsize) sb.st_size;
      m->addr = mmap (NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m->addr == MAP_FAILED)
        {
          int err = errno;
          g_free (m);
          close (fd);
          g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_IO, "cannot map: %s",
                       g_strerror (err));
          return NULL;
        }
      /* The open reads the whole file to check the checksums, and the
       * streams are decoded again afterwards: read ahead, keep the pages. */
      madvise (m->addr, m->len, MADV_WILLNEED);
      bytes = g_bytes_new_with_free_func (m->addr, m->len, mapping_free, m);
    }
  close (fd);
  reader = reader_new (bytes);
  if (!reader_load (reader, cancellable, error))
    {
      weft_reader_free (reader);
      return NULL;
    }
  return reader;
}

void
weft_reader_free (WeftReader *reader)
{
  if (reader == NULL)
    return;
  for (guint i = 0; i < reader->n_streams; i++)
    {
      g_array_unref (reader->streams[i].chunks);
      g_free (reader->streams[i].dense);
      g_clear_pointer (&reader->streams[i].sparse, g_hash_table_unref);
    }
  g_free (reader->streams);
  g_free (reader->segs);
  _weft_reader_strings_free (reader);
  for (guint i = 0; i < reader->damage->len; i++)
    g_free (g_array_index (reader->damage, WeftReaderDamage, i).reason);
  g_array_unref (reader->damage);
  g_hash_table_unref (reader->damaged_at);
  g_free (reader->damage_text);
  g_ptr_array_unref (reader->old_texts);
  g_hash_table_unref (reader->meta);
  g_ptr_array_unref (reader->meta_keys);
  pthread_mutex_destroy (&reader->lock);
  g_bytes_unref (reader->bytes);
  g_free (reader);
}

const char *
weft_reader_get_metadata (WeftReader *reader, const char *key)
{
  g_return_val_if_fail (reader != NULL && key != NULL, NULL);
  return g_hash_table_lookup (reader->meta, key);
}

const char *const *
weft_reader_get_metadata_keys (WeftReader *reader)
{
  g_return_val_if_fail (reader != NULL, NULL);
  return (const char *const *) reader->meta_keys->pdata;
}

guint
weft_reader_get_n_streams (WeftReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);
  return reader->n_streams;
}

const WeftStreamInfo *
weft_reader_get_stream (WeftReader *reader, guint index)
{
  g_return_val_if_fail (reader != NULL, NULL);
  g_return_val_if_fail (index < reader->n_streams, NULL);
  return &reader->streams[index].info;
}
