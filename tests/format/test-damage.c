/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Damaged traces: cut at every offset, bit flips, a bad index. The reader
 * must keep exactly the intact chunks, say what it lost, never crash.
 */
#include "format-util.h"

#define N_STREAMS 3

typedef struct
{
  guint64 stream_id;
  gsize end;              /* of the payload: the chunk is intact in a cut at or past it */
  gsize padded_end;
  GArray *ids;            /* guint64 flow ids in the chunk */
} ChunkIds;

/* A trace of FLOW_BEGIN events whose ids number them globally, in many
 * small chunks over three streams. */
static GBytes *
build_flows (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s[N_STREAMS];
  guint64 id = 1;

  weft_builder_set_chunk_size (b, 64);
  for (guint i = 0; i < N_STREAMS; i++)
    s[i] = weft_builder_thread (b, 50, 60 + i);
  for (guint k = 0; k < 300; k++)
    {
      guint i = (k * 7) % N_STREAMS;
      weft_builder_flow_begin (b, s[i], 1000 + k * 10, id++);
    }
  weft_builder_set_metadata (b, "command", "flows");
  return util_finish (b);
}

/* Decodes the builder's FLOW_BEGIN-only chunks independently of the reader. */
static GArray *
chunk_ids (const guint8 *data, gsize size)
{
  g_autoptr (GArray) offsets = util_chunk_offsets (data, size);
  GArray *chunks = g_array_new (FALSE, TRUE, sizeof (ChunkIds));

  for (guint i = 0; i < offsets->len; i++)
    {
      gsize pos = g_array_index (offsets, gsize, i);
      WeftChunkHeader h;
      ChunkIds c = { 0 };

      memcpy (&h, data + pos, sizeof h);
      c.end = pos + sizeof h + h.payload_size;
      c.padded_end = pos + weft_chunk_total_size (h.payload_size);
      c.ids = g_array_new (FALSE, FALSE, sizeof (guint64));
      if (h.type == WEFT_CHUNK_STREAM)
        {
          WeftStreamChunkHeader sh;
          const guint8 *p = data + pos + sizeof h + sizeof sh, *end = data + c.end;

          memcpy (&sh, data + pos + sizeof h, sizeof sh);
          c.stream_id = sh.stream_id;
          while (p < end)
            {
              guint64 delta, id;
              g_assert_cmpuint (*p++, ==, WEFT_EV_FLOW_BEGIN);
              g_assert_true (weft_varint_get (&p, end, &delta));
              g_assert_true (weft_varint_get (&p, end, &id));
              g_array_append_val (c.ids, id);
            }
        }
      g_array_append_val (chunks, c);
    }
  return chunks;
}

static void
chunk_ids_free (GArray *chunks)
{
  for (guint i = 0; i < chunks->len; i++)
    g_array_unref (g_array_index (chunks, ChunkIds, i).ids);
  g_array_unref (chunks);
}

/* "tid:id id id|tid:…" of what the reader returns. */
static char *
reader_ids (WeftReader *reader)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      WeftStreamIter iter;
      WeftEvent ev;

      g_string_append_printf (s, "%u:", weft_reader_get_stream (reader, i)->tid);
      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        {
          g_assert_cmpuint (ev.kind, ==, WEFT_EV_FLOW_BEGIN);
          g_string_append_printf (s, " %" G_GUINT64_FORMAT, ev.id);
        }
      g_string_append_c (s, '|');
    }
  return g_string_free (s, FALSE);
}

/* The same text built from the chunks that end at or before cut. */
static char *
expected_ids (GArray *chunks, gsize cut)
{
  GString *s = g_string_new (NULL);

  /* Streams sort by tid here (one pid): the builder's 60, 61, 62. */
  for (guint tid = 60; tid < 60 + N_STREAMS; tid++)
    {
      gboolean any = FALSE;
      for (guint i = 0; i < chunks->len; i++)
        {
          ChunkIds *c = &g_array_index (chunks, ChunkIds, i);
          /* The builder numbers its thread streams 2^31 + n, n = tid - 60. */
          if (c->stream_id == 0 || c->end > cut)
            continue;
          if ((c->stream_id & 0xffffffffu) - 0x80000000u != tid - 60)
            continue;
          if (!any)
            g_string_append_printf (s, "%u:", tid);
          any = TRUE;
          for (guint k = 0; k < c->ids->len; k++)
            g_string_append_printf (s, " %" G_GUINT64_FORMAT, g_array_index (c->ids, guint64, k));
        }
      if (any)
        g_string_append_c (s, '|');
    }
  return g_string_free (s, FALSE);
}

static void
test_cut_everywhere (void)
{
  g_autoptr (GBytes) full = build_flows ();
  gsize size;
  const guint8 *data = g_bytes_get_data (full, &size);
  GArray *chunks = chunk_ids (data, size);
  gsize first_end = g_array_index (chunks, ChunkIds, 0).end;
  guint intact_cuts = 0, damaged_cuts = 0;

  g_assert_cmpuint (chunks->len, >, 20);
  for (gsize cut = 0; cut <= size; cut++)
    {
      g_autoptr (GBytes) part = g_bytes_new_from_bytes (full, 0, cut);
      g_autoptr (GError) error = NULL;
      g_autoptr (WeftReader) reader = weft_reader_new_from_bytes (part, &error);
      g_autofree char *got = NULL, *want = NULL;
      gsize last_end = sizeof (WeftFileHeader);

      if (cut == 0)
        {
          g_assert_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_EMPTY);
          continue;
        }
      if (cut < WEFT_FILE_MAGIC_LEN)
        {
          g_assert_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_NOT_A_TRACE);
          continue;
        }
      if (cut < first_end)
        {
          g_assert_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_CORRUPT);
          g_assert_null (strchr (error->message, '\n'));
          g_assert_true (g_str_has_prefix (error->message, "truncated")
                         || strstr (error->message, "truncated") != NULL);
          continue;
        }
      g_assert_no_error (error);

      got = reader_ids (reader);
      want = expected_ids (chunks, cut);
      g_assert_cmpstr (got, ==, want);

      for (guint i = 0; i < chunks->len; i++)
        {
          ChunkIds *c = &g_array_index (chunks, ChunkIds, i);
          if (c->end <= cut)
            last_end = MAX (last_end, MIN (c->padded_end, cut));
        }
      if (cut == size || cut == last_end)
        {
          g_assert_null (weft_reader_get_damage (reader));
          g_assert_cmpuint (weft_reader_get_damaged_bytes (reader), ==, 0);
          intact_cuts++;
        }
      else
        {
          const char *damage = weft_reader_get_damage (reader);
          g_assert_nonnull (damage);
          g_assert_nonnull (strstr (damage, "truncated"));
          g_assert_cmpuint (weft_reader_get_damaged_bytes (reader), ==, cut - last_end);
          damaged_cuts++;
        }
    }
  /* Every chunk boundary gave an intact file, everything else damage. */
  g_assert_cmpuint (intact_cuts, >=, chunks->len);
  g_assert_cmpuint (damaged_cuts, >, size / 2);
  chunk_ids_free (chunks);
}

/* A cut file on disk through weft_reader_open (the mmap path). */
static void
test_cut_file (void)
{
  g_autoptr (GBytes) full = build_flows ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cut.weft", NULL);
  g_autoptr (WeftReader) reader = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (full, &size);

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) (size / 2 + 3), &error));
  reader = weft_reader_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (weft_reader_get_damage (reader));
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, N_STREAMS);
  g_remove (path);
  g_rmdir (dir);
}

static GBytes *
build_mixed (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s1, s2, c;

  weft_builder_set_chunk_size (b, 128);
  weft_builder_set_metadata (b, "command", "mixed");
  weft_builder_set_metadata (b, "cpu_count", "2");
  s1 = weft_builder_thread (b, 1, 1);
  s2 = weft_builder_thread (b, 1, 2);
  c = weft_builder_cpu (b, 0);
  weft_builder_thread_name (b, s1, 10, "main");
  for (guint i = 0; i < 200; i++)
    {
      char name[16];
      g_snprintf (name, sizeof name, "span-%u", i % 11);
      weft_builder_span_begin (b, s1, 100 + i * 50, name);
      weft_builder_counter (b, s2, 110 + i * 50, "queue", i * 0.5);
      weft_builder_lock_wait (b, s2, 111 + i * 50, 0x5000 + i % 3);
      weft_builder_switch (b, c, 120 + i * 50, i % 2 ? 1 : 2, WEFT_SWITCH_BLOCKED, i % 2 ? 2 : 1);
      weft_builder_span_end (b, s1, 130 + i * 50);
    }
  return util_finish (b);
}

static void
test_bit_flips (void)
{
  g_autoptr (GBytes) orig = build_mixed ();
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_reader_new_from_bytes (orig, &error);
  g_autofree char *want = util_events_text (reader);
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261125);
  gsize size;
  const guint8 *data = g_bytes_get_data (orig, &size);
  guint damaged = 0, identical = 0, refused = 0;
  guint iterations = g_test_slow () ? 20000 : 3000;

  g_assert_no_error (error);
  for (guint it = 0; it < iterations; it++)
    {
      guint8 *copy = g_memdup2 (data, size);
      guint n_flips = 1 + g_rand_int_range (rand, 0, 4);
      gboolean in_header = FALSE;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (WeftReader) r = NULL;
      g_autoptr (GError) err = NULL;

      for (guint k = 0; k < n_flips; k++)
        {
          gsize pos = (gsize) g_rand_int_range (rand, 0, (gint32) size);
          copy[pos] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8));
          in_header |= pos < 10; /* magic and major */
        }
      bytes = g_bytes_new_take (copy, size);
      r = weft_reader_new_from_bytes (bytes, &err);
      if (r == NULL)
        {
          /* Only a damaged magic or major refuses the file outright. */
          g_assert_true (in_header);
          g_assert_null (strchr (err->message, '\n'));
          refused++;
          continue;
        }
      g_autofree char *got = util_events_text (r);
      if (weft_reader_get_damage (r) == NULL)
        {
          g_assert_cmpstr (got, ==, want);
          identical++;
        }
      else
        damaged++;
    }
  g_test_message ("%u damaged, %u identical, %u refused", damaged, identical, refused);
  g_assert_cmpuint (damaged, >, iterations / 2);
}

static void
set_index_offset (guint8 *data, gsize size, guint64 offset)
{
  memcpy (data + size - sizeof (WeftTrailer), &offset, 8);
}

static void
test_bad_index (void)
{
  g_autoptr (GBytes) orig = build_mixed ();
  g_autoptr (WeftReader) reader = weft_reader_new_from_bytes (orig, NULL);
  g_autofree char *want = util_events_text (reader);
  gsize size;
  const guint8 *data = g_bytes_get_data (orig, &size);
  guint64 index_at;
  const guint64 bad[] = { G_MAXUINT64, G_MAXUINT64 - 7, size, size - 16, size * 8, 0, 8, 32, 33 };

  memcpy (&index_at, data + size - sizeof (WeftTrailer), 8);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint8 *copy = g_memdup2 (data, size);
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (WeftReader) r = NULL;
      g_autofree char *got = NULL;

      set_index_offset (copy, size, bad[i]);
      bytes = g_bytes_new_take (copy, size);
      r = weft_reader_new_from_bytes (bytes, NULL);
      g_assert_nonnull (r);
      g_assert_null (weft_reader_get_damage (r));
      got = util_events_text (r);
      g_assert_cmpstr (got, ==, want);
    }

  /* An index whose entries lie (fixed CRC, so the chunk itself is intact):
   * ignored, the walk finds the same events. */
  {
    guint8 *copy = g_memdup2 (data, size);
    g_autoptr (GBytes) bytes = NULL;
    g_autoptr (WeftReader) r = NULL;
    g_autofree char *got = NULL;
    WeftIndexEntry e;
    gsize first = index_at + sizeof (WeftChunkHeader);

    memcpy (&e, copy + first, sizeof e);
    e.offset = size * 4; /* out of the file */
    memcpy (copy + first, &e, sizeof e);
    util_fix_chunk (copy, index_at);
    bytes = g_bytes_new_take (copy, size);
    r = weft_reader_new_from_bytes (bytes, NULL);
    g_assert_null (weft_reader_get_damage (r));
    got = util_events_text (r);
    g_assert_cmpstr (got, ==, want);
  }
}

/* The k-th chunk (0 first) of thread tid's stream in chunks, as an index. */
static guint
nth_chunk_of (GArray *chunks, guint tid, guint k)
{
  for (guint i = 0; i < chunks->len; i++)
    {
      ChunkIds *c = &g_array_index (chunks, ChunkIds, i);
      if (c->stream_id != 0 && (c->stream_id & 0xffffffffu) - 0x80000000u == tid - 60 && k-- == 0)
        return i;
    }
  g_assert_not_reached ();
  return 0;
}

/* Makes the chunk at pos one of a type readers skip, intact (so only its
 * stream's seq gap tells that it is gone). */
static void
drop_chunk (guint8 *data, gsize pos)
{
  WeftChunkHeader h;

  memcpy (&h, data + pos, sizeof h);
  h.type = 0x7e;
  memcpy (data + pos, &h, sizeof h);
  util_fix_chunk (data, pos);
}

/* Chunks missing from the middle or the start of a stream (a gap in its
 * seq numbers) are reported in the damage line, and the rest is read. */
static void
test_missing_chunks (void)
{
  static const struct
  {
    guint tid, k;             /* drop the k-th chunk of tid's stream… */
    guint tid2, k2, tid3, k3; /* …and these (tid 0: none) */
    const char *damage;
  } cases[] = {
    { 61, 2, 0, 0, 0, 0, "1 chunk missing in thread 61's stream" },
    { 60, 0, 0, 0, 0, 0, "1 chunk missing in thread 60's stream" },
    { 61, 2, 61, 3, 0, 0, "2 chunks missing in thread 61's stream" },
    { 61, 1, 61, 4, 62, 1, "3 chunks missing in 2 streams (2 in thread 61's stream)" },
  };
  g_autoptr (GBytes) full = build_flows ();
  gsize size;
  const guint8 *data = g_bytes_get_data (full, &size);

  for (gsize n = 0; n < G_N_ELEMENTS (cases); n++)
    {
      GArray *chunks = chunk_ids (data, size);
      g_autoptr (GArray) offsets = util_chunk_offsets (data, size);
      guint8 *copy = g_memdup2 (data, size);
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (WeftReader) reader = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *got = NULL, *want = NULL;
      guint drop[3] = { cases[n].tid, cases[n].tid2, cases[n].tid3 };
      guint at[3] = { cases[n].k, cases[n].k2, cases[n].k3 };
      guint idx[3];

      /* Find all three before any is marked gone (marking renumbers). */
      for (guint d = 0; d < 3; d++)
        if (drop[d] != 0)
          idx[d] = nth_chunk_of (chunks, drop[d], at[d]);
      for (guint d = 0; d < 3; d++)
        if (drop[d] != 0)
          {
            drop_chunk (copy, g_array_index (offsets, gsize, idx[d]));
            g_array_index (chunks, ChunkIds, idx[d]).stream_id = 0;
          }
      bytes = g_bytes_new_take (copy, size);
      reader = weft_reader_new_from_bytes (bytes, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (weft_reader_get_damage (reader), ==, cases[n].damage);
      g_assert_cmpuint (weft_reader_get_damaged_bytes (reader), ==, 0);
      got = reader_ids (reader);
      want = expected_ids (chunks, size);
      g_assert_cmpstr (got, ==, want);
      chunk_ids_free (chunks);
    }
}

/* A chunk lost at a stream's end leaves no gap: nothing can tell. A
 * damaged chunk in the middle is both damage and a gap in its stream;
 * a CPU stream is named by its CPU. */
static void
test_missing_and_damaged (void)
{
  g_autoptr (GBytes) flows = build_flows ();
  g_autoptr (GBytes) mixed = build_mixed ();
  gsize size, msize;
  const guint8 *data = g_bytes_get_data (flows, &size);
  const guint8 *mdata = g_bytes_get_data (mixed, &msize);
  GArray *chunks = chunk_ids (data, size);
  g_autoptr (GArray) offsets = util_chunk_offsets (data, size);
  g_autoptr (GArray) moffsets = util_chunk_offsets (mdata, msize);
  guint last = 0, n_62 = 0, cpu_chunks = 0;

  for (guint i = 0; i < chunks->len; i++)
    if (g_array_index (chunks, ChunkIds, i).stream_id
        == (G_GUINT64_CONSTANT (50) << 32 | 0x80000002u))
      n_62++;
  last = nth_chunk_of (chunks, 62, n_62 - 1);

  {
    guint8 *copy = g_memdup2 (data, size);
    g_autoptr (GBytes) bytes = NULL;
    g_autoptr (WeftReader) reader = NULL;

    drop_chunk (copy, g_array_index (offsets, gsize, last));
    bytes = g_bytes_new_take (copy, size);
    reader = weft_reader_new_from_bytes (bytes, NULL);
    g_assert_null (weft_reader_get_damage (reader));
  }
  {
    guint8 *copy = g_memdup2 (data, size);
    gsize pos = g_array_index (offsets, gsize, nth_chunk_of (chunks, 61, 3));
    g_autoptr (GBytes) bytes = NULL;
    g_autoptr (WeftReader) reader = NULL;
    g_autofree char *suffix = NULL;
    const char *damage;

    copy[pos + sizeof (WeftChunkHeader) + sizeof (WeftStreamChunkHeader)] ^= 0x40;
    bytes = g_bytes_new_take (copy, size);
    reader = weft_reader_new_from_bytes (bytes, NULL);
    damage = weft_reader_get_damage (reader);
    g_assert_nonnull (damage);
    g_assert_true (g_str_has_prefix (damage, "1 of "));
    suffix = g_strdup_printf ("checksum mismatch at offset %" G_GSIZE_FORMAT
                              "; 1 chunk missing in thread 61's stream",
                              pos);
    g_assert_true (g_str_has_suffix (damage, suffix));
  }
  /* The mixed trace's CPU stream: drop its second chunk. */
  for (guint i = 0; i < moffsets->len; i++)
    {
      gsize pos = g_array_index (moffsets, gsize, i);
      WeftChunkHeader h;
      WeftStreamChunkHeader sh;

      memcpy (&h, mdata + pos, sizeof h);
      if (h.type != WEFT_CHUNK_STREAM)
        continue;
      memcpy (&sh, mdata + pos + sizeof h, sizeof sh);
      if (sh.kind == WEFT_STREAM_CPU && cpu_chunks++ == 1)
        {
          guint8 *copy = g_memdup2 (mdata, msize);
          g_autoptr (GBytes) bytes = NULL;
          g_autoptr (WeftReader) reader = NULL;

          drop_chunk (copy, pos);
          bytes = g_bytes_new_take (copy, msize);
          reader = weft_reader_new_from_bytes (bytes, NULL);
          g_assert_cmpstr (weft_reader_get_damage (reader), ==,
                           "1 chunk missing in CPU 0's stream");
        }
    }
  g_assert_cmpuint (cpu_chunks, >, 2);
  chunk_ids_free (chunks);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/format/damage/cut-everywhere", test_cut_everywhere);
  g_test_add_func ("/weft/format/damage/cut-file", test_cut_file);
  g_test_add_func ("/weft/format/damage/bit-flips", test_bit_flips);
  g_test_add_func ("/weft/format/damage/bad-index", test_bad_index);
  g_test_add_func ("/weft/format/damage/missing-chunks", test_missing_chunks);
  g_test_add_func ("/weft/format/damage/missing-and-damaged", test_missing_and_damaged);
  return g_test_run ();
}
