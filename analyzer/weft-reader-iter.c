/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-reader-iter.c: decoding a stream's events (the hot loop of every
 * load), the global string table and the TSC -> ns conversion.
 */
#include "weft-reader-decode.h"

#include <string.h>

#include "weft-varint.h"

/* --- strings --- */

/* Hash and equality of ReaderString by content (djb2, as g_str_hash). */
static guint
reader_string_hash (gconstpointer key)
{
  const ReaderString *s = key;
  guint32 h = 5381;

  for (gsize i = 0; i < s->len; i++)
    h = (h << 5) + h + (guint32) (signed char) s->str[i];
  return h;
}

static gboolean
reader_string_equal (gconstpointer a, gconstpointer b)
{
  const ReaderString *x = a, *y = b;

  return x->len == y->len && memcmp (x->str, y->str, x->len) == 0;
}

void
_weft_reader_strings_init (WeftReader *reader)
{
  /* Every string but "" and "?" comes from a STRING_DEF of at least 3
   * bytes, so the file size bounds how many there can be. */
  reader->n_blocks_max = (guint) (reader->size / 3 / STRING_BLOCK + 2);
  reader->blocks = g_new0 (ReaderString *, reader->n_blocks_max);
  reader->string_ids = g_hash_table_new (reader_string_hash, reader_string_equal);
  reader->string_data = g_string_chunk_new (4096);
  reader->retired = g_ptr_array_new_with_free_func (g_free);
  reader->blocks[0] = g_new0 (ReaderString, STRING_BLOCK);
  reader->blocks[0][0].str = g_string_chunk_insert (reader->string_data, "");
  g_hash_table_insert (reader->string_ids, &reader->blocks[0][0], GUINT_TO_POINTER (0));
  reader->n_strings = 1;
  reader->unknown_string = _weft_reader_intern (reader, "?", 1);
}

void
_weft_reader_strings_free (WeftReader *reader)
{
  for (guint i = 0; i < reader->n_blocks_max; i++)
    g_free (reader->blocks[i]);
  g_free (reader->blocks);
  g_hash_table_unref (reader->string_ids);
  g_string_chunk_free (reader->string_data);
  g_ptr_array_unref (reader->retired);
}

/* str[0..len) is valid UTF-8 without NUL: looked up where it lies (no
 * copy), copied once when it is new. */
static guint32
intern_valid_locked (WeftReader *reader, const char *str, gsize len)
{
  ReaderString key = { str, len };
  gpointer found;
  guint32 id = reader->n_strings;
  ReaderString *block, *slot;

  if (g_hash_table_lookup_extended (reader->string_ids, &key, NULL, &found))
    return GPOINTER_TO_UINT (found);
  if ((id >> STRING_BLOCK_BITS) >= reader->n_blocks_max)
    return reader->unknown_string; /* cannot happen: the bound is the file size */
  block = reader->blocks[id >> STRING_BLOCK_BITS];
  if (block == NULL)
    {
      block = g_new0 (ReaderString, STRING_BLOCK);
      g_atomic_pointer_set (&reader->blocks[id >> STRING_BLOCK_BITS], block);
    }
  slot = &block[id & (STRING_BLOCK - 1)];
  slot->len = len;
  g_atomic_pointer_set (&slot->str,
                        g_string_chunk_insert_len (reader->string_data, str, (gssize) len));
  g_hash_table_insert (reader->string_ids, slot, GUINT_TO_POINTER (id));
  reader->n_strings++;
  return id;
}

/* The file's bytes are untrusted: each byte of an invalid sequence, and
 * each NUL (names are C strings), becomes U+FFFD (g_utf8_make_valid), and
 * the repaired text is the key, so it shares the id of an equal string. */
static guint32
intern_locked (WeftReader *reader, const char *str, gsize len)
{
  g_autofree char *repaired = NULL;

  if (G_LIKELY (g_utf8_validate_len (str, len, NULL)))
    return intern_valid_locked (reader, str, len);
  repaired = g_utf8_make_valid (str, (gssize) len);
  return intern_valid_locked (reader, repaired, strlen (repaired));
}

guint32
_weft_reader_intern (WeftReader *reader, const char *str, gsize len)
{
  guint32 id;

  pthread_mutex_lock (&reader->lock);
  id = intern_locked (reader, str, len);
  pthread_mutex_unlock (&reader->lock);
  return id;
}

const char *
weft_reader_get_string (WeftReader *reader, guint32 id)
{
  ReaderString *block;
  const char *s;

  g_return_val_if_fail (reader != NULL, "");
  if ((id >> STRING_BLOCK_BITS) >= reader->n_blocks_max)
    return "";
  block = g_atomic_pointer_get (&reader->blocks[id >> STRING_BLOCK_BITS]);
  if (block == NULL)
    return "";
  s = g_atomic_pointer_get (&block[id & (STRING_BLOCK - 1)].str);
  return s != NULL ? s : "";
}

/* Maps a stream's local id to a global id; the lock is held. */
static void
define_locked (WeftReader *reader, ReaderStream *st, guint64 local, guint32 global)
{
  DenseMap *m = st->dense;
  /* Dense only while the ids stay proportionate to the definitions seen,
   * so a hostile id cannot make a huge table. */
  guint64 limit = MIN (4 * ((guint64) st->n_defs + 64), 1u << 24);

  st->n_defs++;
  if (local == 0)
    return; /* 0 is "no string", never defined */
  if (local < m->len)
    {
      g_atomic_int_set ((gint *) &m->ids[local], (gint) global + 1);
      return;
    }
  if (local < limit)
    {
      guint32 len = MAX ((guint32) local + 1, MAX (m->len * 2, 64));
      DenseMap *n;

      len = MIN (len, (guint32) limit);
      n = g_malloc0 (sizeof (DenseMap) + (gsize) len * sizeof (guint32));
      n->len = len;
      memcpy (n->ids, m->ids, (gsize) m->len * sizeof (guint32));
      n->ids[local] = global + 1;
      g_ptr_array_add (reader->retired, m);
      g_atomic_pointer_set (&st->dense, n);
      return;
    }
  if (st->sparse == NULL)
    st->sparse = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_replace (st->sparse, g_memdup2 (&local, sizeof local), GUINT_TO_POINTER (global));
}

guint32
_weft_stream_iter_lookup_slow (WeftReader *reader, ReaderStream *st, guint64 local)
{
  gpointer v = NULL;
  guint32 id;

  if (local == 0)
    return 0;
  pthread_mutex_lock (&reader->lock);
  if (local < st->dense->len && st->dense->ids[local] != 0)
    id = st->dense->ids[local] - 1;
  else if (st->sparse != NULL && g_hash_table_lookup_extended (st->sparse, &local, NULL, &v))
    id = GPOINTER_TO_UINT (v);
  else
    id = reader->unknown_string; /* defined in a lost chunk, or never */
  pthread_mutex_unlock (&reader->lock);
  return id;
}

/* --- clocks --- */

static gint
pair_order (gconstpointer a, gconstpointer b, gpointer unused)
{
  const WeftClockSync *x = a, *y = b;

  if (x->tsc != y->tsc)
    return x->tsc < y->tsc ? -1 : 1;
  return x->monotonic_ns < y->monotonic_ns ? -1 : x->monotonic_ns > y->monotonic_ns;
}

void
_weft_reader_clock_init (WeftReader *reader, WeftClockSync *pairs, guint n)
{
  guint kept = 0;

  g_qsort_with_data (pairs, (gint) n, sizeof *pairs, pair_order, NULL);
  /* Keep a strictly increasing tsc and non-decreasing ns, so the mapping
   * is monotonic whatever the file says. */
  for (guint i = 0; i < n; i++)
    if (kept == 0
        || (pairs[i].tsc > pairs[kept - 1].tsc
            && pairs[i].monotonic_ns >= pairs[kept - 1].monotonic_ns))
      pairs[kept++] = pairs[i];
  if (kept < 2)
    return; /* one pair gives no rate: the caller reports it */

  reader->n_segs = kept - 1;
  reader->segs = g_new (ClockSeg, reader->n_segs);
  for (guint i = 0; i + 1 < kept; i++)
    {
      unsigned __int128 dns = pairs[i + 1].monotonic_ns - pairs[i].monotonic_ns;
      guint64 dtsc = pairs[i + 1].tsc - pairs[i].tsc;
      unsigned __int128 mult = ((dns << CLOCK_SHIFT) + dtsc / 2) / dtsc;

      reader->segs[i].tsc0 = pairs[i].tsc;
      reader->segs[i].ns0 = pairs[i].monotonic_ns;
      reader->segs[i].mult = mult > G_MAXUINT64 ? G_MAXUINT64 : (guint64) mult;
    }
}

guint
_weft_reader_seg_find (const WeftReader *reader, guint64 tsc)
{
  guint lo = 0, hi = reader->n_segs;

  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      if (reader->segs[mid].tsc0 <= tsc)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

guint64
weft_reader_tsc_to_ns (WeftReader *reader, guint64 tsc)
{
  g_return_val_if_fail (reader != NULL, tsc);
  if (reader->n_segs == 0)
    return tsc;
  return _weft_reader_seg_apply (&reader->segs[_weft_reader_seg_find (reader, tsc)], tsc);
}

/* --- the iterator --- */

void
weft_stream_iter_init (WeftStreamIter *iter, WeftReader *reader, guint stream)
{
  g_return_if_fail (reader != NULL);
  memset (iter, 0, sizeof *iter);
  iter->reader = reader;
  iter->stream = stream < reader->n_streams ? stream : reader->n_streams;
}

/* Moves to the next chunk; FALSE at the end of the stream. */
gboolean
_weft_stream_iter_next_chunk (WeftStreamIter *iter)
{
  WeftReader *reader = iter->reader;
  ReaderStream *st;
  const ReaderChunk *c;

  if (iter->stream >= reader->n_streams)
    return FALSE;
  st = &reader->streams[iter->stream];
  if (iter->chunk >= st->chunks->len)
    return FALSE;
  c = &g_array_index (st->chunks, ReaderChunk, iter->chunk++);
  iter->reserved[1] = (gpointer) c;
  iter->reserved[0] = g_atomic_pointer_get (&st->dense);
  iter->p = c->events;
  iter->end = c->events + c->size;
  iter->last = c->base_time;
  iter->clock = c->clock;
  if (c->clock == WEFT_CLOCK_TSC && reader->n_segs > 0)
    iter->clock_state = GUINT_TO_POINTER (_weft_reader_seg_find (reader, c->base_time));
  iter->pending_lost = c->lost;
  iter->pending_time = c->base_time;
  return TRUE;
}

/* A chunk that stops decoding midway: its events so far are kept. */
void
_weft_stream_iter_damage (WeftStreamIter *iter, const guint8 *at, const char *what)
{
  const ReaderChunk *c = IT_CHUNK (iter);
  const WeftStreamInfo *info = &iter->reader->streams[iter->stream].info;
  guint64 offset = c->offset + sizeof (WeftChunkHeader) + sizeof (WeftStreamChunkHeader)
                   + (guint64) (at - c->events);

  _weft_reader_add_damage (iter->reader, c->offset, (guint64) (iter->end - at), FALSE,
                           "%s at offset %" G_GUINT64_FORMAT " in the stream of %s %u"
                           " (the rest of its chunk skipped)",
                           what, offset, info->kind == WEFT_STREAM_CPU ? "CPU" : "thread",
                           info->tid);
}

/* An event kind this reader does not know (not an extended one): the rest
 * of the chunk is skipped. */
void
_weft_stream_iter_unknown_kind (WeftStreamIter *iter, const guint8 *at, guint kind)
{
  char what[32];

  g_snprintf (what, sizeof what, "unknown event kind 0x%02x", kind);
  _weft_stream_iter_damage (iter, at, what);
}

gboolean
_weft_stream_iter_string_def (WeftStreamIter *iter, const guint8 **pp, const guint8 *end)
{
  WeftReader *reader = iter->reader;
  ReaderStream *st = &reader->streams[iter->stream];
  const guint8 *p = *pp;
  guint64 id, len;
  guint32 global;

  if (!weft_varint_get (&p, end, &id) || !weft_varint_get (&p, end, &len)
      || len > (guint64) (end - p))
    return FALSE;
  pthread_mutex_lock (&reader->lock);
  global = intern_locked (reader, (const char *) p, len);
  define_locked (reader, st, id, global);
  iter->reserved[0] = st->dense;
  pthread_mutex_unlock (&reader->lock);
  *pp = p + len;
  return TRUE;
}

gboolean
weft_stream_iter_next (WeftStreamIter *iter, WeftEvent *ev)
{
  return _weft_stream_iter_decode (iter, ev);
}
