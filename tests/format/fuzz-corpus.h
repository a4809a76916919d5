/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * fuzz-corpus.h: the deterministic mutated corpus the fuzz tests share
 * (test-fuzz: the reader; test-fuzz-analyzer: model, statistics, LOD and
 * renderer): seed traces, one mutation (bit flips, interesting bytes,
 * cuts, shifted ranges, spliced files, and payload edits with the
 * checksums fixed up so that hostile events reach the decoder), the run
 * over stacked mutants, and the replay of a directory of inputs.
 */
#pragma once

#include "format-util.h"

typedef int (*FuzzEntry) (const uint8_t *data, size_t size);

/* The mutant being run (G_MAXUINT: a seed or a replayed file), for
 * reports of a failure. */
static guint fuzz_corpus_iteration = G_MAXUINT;

/* The reader's seeds: every kind, several streams, metadata, small
 * chunks, an index; TSC streams with clock pairs, chunks out of order. */
static inline void
fuzz_corpus_add_reader_seeds (GPtrArray *out)
{
  /* Every kind, several streams, metadata, small chunks, an index. */
  {
    WeftBuilder *b = weft_builder_new_memory ();
    WeftBuilderStream s = weft_builder_thread (b, 10, 11), t = weft_builder_thread (b, 10, 12);
    WeftBuilderStream c = weft_builder_cpu (b, 1);

    weft_builder_set_chunk_size (b, 96);
    weft_builder_set_metadata (b, "command", "seed");
    for (guint i = 0; i < 20; i++)
      {
        guint64 at = 1000 + i * 100;
        weft_builder_thread_name (b, s, at, "main");
        weft_builder_span_begin_args (b, s, at + 1, "work", "{\"i\":1}");
        weft_builder_counter (b, t, at + 2, "q", i);
        weft_builder_task_begin (b, t, at + 3, i, "task");
        weft_builder_task_suspend (b, t, at + 4, i);
        weft_builder_lock_name (b, t, at + 5, 0x1234, "m");
        weft_builder_lock_wait (b, t, at + 6, 0x1234);
        weft_builder_cond_wait (b, t, at + 7, 0x10, 0x1234);
        weft_builder_flow_begin (b, s, at + 8, i);
        weft_builder_switch (b, c, at + 9, 11, WEFT_SWITCH_BLOCKED, 12);
        weft_builder_process_exit (b, s, at + 10, 256);
        weft_builder_lost (b, t, at + 11, 3);
        weft_builder_raw_event (b, s, at + 12, 0x42, "ext", 3);
        weft_builder_span_end (b, s, at + 13);
      }
    g_ptr_array_add (out, util_finish (b));
  }
  /* TSC streams with clock pairs, chunks out of order, a lost count. */
  {
    WeftBuilder *b = weft_builder_new_memory ();
    g_autoptr (GByteArray) c0 = util_stream_payload (5, 1, 1, 1000, 0, WEFT_CLOCK_TSC, 0);
    g_autoptr (GByteArray) c1 = util_stream_payload (5, 1, 1, 9000, 1, WEFT_CLOCK_TSC, 4);
    WeftClockChunkHeader ch = { 3, 0 };
    const WeftClockSync pairs[3] = { { 1000, 50 }, { 5000, 1050 }, { 9000, 3050 } };
    g_autoptr (GByteArray) clock = g_byte_array_new ();

    util_put_bytes (c0, "\x10\x00\x01\x03" "abc" "\x01\x05\x01\x02\x07", 12);
    util_put_bytes (c1, "\x10\x00\x01\x03" "xyz" "\x03\x05\x01\x14\x02\x09", 13);
    util_put_bytes (clock, &ch, sizeof ch);
    util_put_bytes (clock, pairs, sizeof pairs);
    weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, c1->data, c1->len);
    weft_builder_raw_chunk (b, WEFT_CHUNK_CLOCK, clock->data, clock->len);
    weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, c0->data, c0->len);
    g_ptr_array_add (out, util_finish (b));
  }
}

static const guint8 fuzz_interesting[] = { 0x00, 0x01, 0x7f, 0x80, 0xff,
                                           0x10, 0x14, 0x15, 0x3f, 0x40 };

/* One mutation of data (a new buffer). */
static inline GBytes *
fuzz_mutate (GRand *rand, GBytes *seed, GBytes *other)
{
  gsize size;
  const guint8 *src = g_bytes_get_data (seed, &size);
  GByteArray *a = g_byte_array_sized_new ((guint) size + 64);
  guint op = (guint) g_rand_int_range (rand, 0, 7);
  const gint32 n_interesting = G_N_ELEMENTS (fuzz_interesting);

  g_byte_array_append (a, src, (guint) size);
  switch (op)
    {
    case 0: /* bit flips */
      for (gint n = g_rand_int_range (rand, 1, 9); n > 0; n--)
        a->data[g_rand_int_range (rand, 0, (gint32) a->len)] ^= 1u << g_rand_int_range (rand, 0, 8);
      break;
    case 1: /* interesting bytes */
      for (gint n = g_rand_int_range (rand, 1, 5); n > 0; n--)
        a->data[g_rand_int_range (rand, 0, (gint32) a->len)]
          = fuzz_interesting[g_rand_int_range (rand, 0, n_interesting)];
      break;
    case 2: /* cut */
      g_byte_array_set_size (a, (guint) g_rand_int_range (rand, 0, (gint32) a->len));
      break;
    case 3: /* remove a range: everything after it shifts */
      {
        guint at = (guint) g_rand_int_range (rand, 0, (gint32) a->len);
        guint n = (guint) g_rand_int_range (rand, 1, 64); /* not inside MIN: evaluated twice */
        n = MIN (n, a->len - at);
        g_byte_array_remove_range (a, at, n);
      }
      break;
    case 4: /* splice: our head, the other's tail */
      {
        gsize osize;
        const guint8 *o = g_bytes_get_data (other, &osize);
        if (osize == 0)
          break;
        guint at = (guint) g_rand_int_range (rand, 0, (gint32) a->len) & ~7u;
        guint from = (guint) g_rand_int_range (rand, 0, (gint32) osize) & ~7u;
        g_byte_array_set_size (a, at);
        g_byte_array_append (a, o + from, (guint) (osize - from));
      }
      break;
    default: /* payload edits, checksums fixed: the decoder sees them */
      {
        g_autoptr (GArray) offsets = util_chunk_offsets (a->data, a->len);
        gsize pos;
        WeftChunkHeader h;

        if (offsets->len == 0)
          break;
        pos = g_array_index (offsets, gsize, g_rand_int_range (rand, 0, (gint32) offsets->len));
        if (pos + sizeof h > a->len)
          break;

        memcpy (&h, a->data + pos, sizeof h);
        if (h.payload_size == 0 || h.payload_size > a->len - pos - sizeof h)
          break;
        for (gint n = g_rand_int_range (rand, 1, 4); n > 0; n--)
          {
            guint8 *p = a->data + pos + sizeof h + g_rand_int_range (rand, 0, (gint32) h.payload_size);
            *p = g_rand_boolean (rand) ? fuzz_interesting[g_rand_int_range (rand, 0, n_interesting)]
                                        : (guint8) g_rand_int (rand);
          }
        util_fix_chunk (a->data, pos);
      }
      break;
    }
  return g_byte_array_free_to_bytes (a);
}

/* The iteration count: WEFT_FUZZ_ITERATIONS, else fallback. */
static inline guint
fuzz_corpus_iterations (guint fallback)
{
  const char *env = g_getenv ("WEFT_FUZZ_ITERATIONS");

  return env ? (guint) g_ascii_strtoull (env, NULL, 10) : fallback;
}

/* Runs entry over every seed of corpus (which it takes over), then over
 * iterations mutants of seeds and earlier mutants (stacked mutations; at
 * most 256 kept), all from the random seed rand_seed. With
 * WEFT_FUZZ_DUMP set, mutant number WEFT_FUZZ_DUMP is written to the file
 * WEFT_FUZZ_DUMP_PATH (default fuzz-ITERATION.weft) before it runs: a
 * failing iteration's input, to replay and minimise. */
static inline void
fuzz_corpus_run (GPtrArray *corpus, guint32 rand_seed, guint iterations, FuzzEntry entry)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (rand_seed);
  const char *dump = g_getenv ("WEFT_FUZZ_DUMP");
  guint dump_it = dump ? (guint) g_ascii_strtoull (dump, NULL, 10) : G_MAXUINT;
  guint n_seeds = corpus->len;

  for (guint i = 0; i < n_seeds; i++)
    entry (g_bytes_get_data (corpus->pdata[i], NULL), g_bytes_get_size (corpus->pdata[i]));
  for (guint it = 0; it < iterations; it++)
    {
      /* Mutate seeds and earlier mutants (stacked mutations), bounded. */
      GBytes *base = corpus->pdata[g_rand_int_range (rand, 0, (gint32) corpus->len)];
      GBytes *other = corpus->pdata[g_rand_int_range (rand, 0, (gint32) corpus->len)];
      GBytes *m;

      if (g_bytes_get_size (base) < sizeof (WeftFileHeader) + 16)
        base = corpus->pdata[0];
      m = fuzz_mutate (rand, base, other);
      if (it == dump_it)
        {
          const char *path = g_getenv ("WEFT_FUZZ_DUMP_PATH");
          g_autofree char *name = g_strdup_printf ("fuzz-%u.weft", it);

          g_assert_true (g_file_set_contents (path ? path : name, g_bytes_get_data (m, NULL),
                                              (gssize) g_bytes_get_size (m), NULL));
        }
      fuzz_corpus_iteration = it;
      entry (g_bytes_get_data (m, NULL), g_bytes_get_size (m));
      fuzz_corpus_iteration = G_MAXUINT;
      if (corpus->len < 256)
        g_ptr_array_add (corpus, m);
      else
        {
          g_bytes_unref (corpus->pdata[n_seeds + it % (256 - n_seeds)]);
          corpus->pdata[n_seeds + it % (256 - n_seeds)] = m;
        }
    }
  g_ptr_array_unref (corpus);
}

/* Runs entry over every file of the directory WEFT_FUZZ_DIR (a libFuzzer
 * corpus or crash files); skips the test when it is not set. */
static inline void
fuzz_corpus_replay_dir (FuzzEntry entry)
{
  const char *dir_path = g_getenv ("WEFT_FUZZ_DIR");
  g_autoptr (GDir) dir = NULL;
  const char *name;
  guint n = 0;

  if (dir_path == NULL)
    {
      g_test_skip ("WEFT_FUZZ_DIR not set");
      return;
    }
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *data = NULL;
      gsize len;

      if (g_file_get_contents (path, &data, &len, NULL))
        {
          entry ((const uint8_t *) data, len);
          n++;
        }
    }
  g_test_message ("replayed %u files", n);
}
