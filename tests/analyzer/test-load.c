/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What makes loading fast must not change what is loaded: the model's
 * arrays that fault their pages ahead (weft-vec.h) hold what was appended,
 * the spans counted per depth match the spans, and span rows sized from
 * those counts answer every query exactly as rows grown span by span
 * (WEFT_LOD_GROW_ROWS); the branch-free lane lookup finds what a count
 * finds; the open's faster CRC-32 is the format's.
 */
#include <string.h>

#include "stats-util.h"
#include "weft-crc32.h"
#include "weft-lod-private.h"
#include "weft-model-private.h"
#include "weft-reader-private.h"

/* Appends past several prepared megabytes, reserves, shrinks: the values
 * stay, and len <= ready <= cap holds throughout. */
static void
test_vec (void)
{
  WeftVecU64 v = { 0 };
  const gsize n = 3 * WEFT_VEC_AHEAD / sizeof (guint64) + 12345;
  guint64 *big;

  for (gsize i = 0; i < n; i++)
    {
      WeftVecU64_append (&v, i * 7 + 1);
      g_assert_cmpuint (v.len, <=, v.ready);
      g_assert_cmpuint (v.ready, <=, v.cap);
    }
  g_assert_cmpuint (v.len, ==, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpuint (v.data[i], ==, i * 7 + 1);

  WeftVecU64_reserve (&v, 2 * n);
  g_assert_cmpuint (v.cap, ==, 2 * n);
  g_assert_cmpuint (v.ready, <=, v.len);
  for (gsize i = 0; i < n; i++)
    WeftVecU64_append (&v, i);
  g_assert_cmpuint (v.len, ==, 2 * n);
  g_assert_cmpuint (v.cap, ==, 2 * n);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpuint (v.data[i], ==, i * 7 + 1);
      g_assert_cmpuint (v.data[n + i], ==, i);
    }

  WeftVecU64_append (&v, 99);
  WeftVecU64_shrink (&v);
  g_assert_cmpuint (v.len, ==, 2 * n + 1);
  g_assert_cmpuint (v.cap, ==, v.len);
  g_assert_cmpuint (v.ready, ==, v.len);
  g_assert_cmpuint (v.data[2 * n], ==, 99);
  WeftVecU64_clear (&v);
  g_assert_null (v.data);
  g_assert_cmpuint (v.len + v.cap + v.ready, ==, 0);

  /* An allocation faulted in at once is an ordinary one. */
  big = weft_vec_alloc (n, sizeof (guint64));
  for (gsize i = 0; i < n; i++)
    big[i] = i;
  g_assert_cmpuint (big[n - 1], ==, n - 1);
  g_free (big);
}

/* Two threads of random nested spans (one with spans nested deeper than
 * the index's 1024 rows, one from two overlapping streams), enough of
 * them for the rows to pass the faulting-ahead threshold. */
static WeftModel *
random_model (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream a = weft_builder_thread (b, 10, 11);
  WeftBuilderStream c = weft_builder_thread (b, 10, 12);
  WeftBuilderStream c2 = weft_builder_thread_stream (b, 10, 12);
  const char *names[] = { "a", "b", "c", "d", "e" };
  GRand *rand = g_rand_new_with_seed (7);
  guint64 t = T0;
  guint open = 0;

  for (guint i = 0; i < 400000; i++)
    {
      t += 1 + g_rand_int_range (rand, 0, 50);
      if (open < 6 && (open == 0 || g_rand_int_range (rand, 0, 2) == 0))
        {
          weft_builder_span_begin (b, a, t, names[g_rand_int_range (rand, 0, 5)]);
          open++;
        }
      else
        {
          weft_builder_span_end (b, a, t);
          open--;
        }
    }
  for (; open > 0; open--)
    weft_builder_span_end (b, a, t += 3);

  /* Recursion 1100 deep, twice; a second stream of the thread overlaps
   * the first in time, its spans beginning while the second recursion
   * unwinds (the model sorts them in and nests each inside the innermost
   * call still open, cut at its end). */
  t = T0;
  for (guint r = 0; r < 2; r++)
    {
      for (guint i = 0; i < 1100; i++)
        weft_builder_span_begin (b, c, t += 2, names[i % 5]);
      for (guint i = 0; i < 1100; i++)
        weft_builder_span_end (b, c, t += 2);
    }
  for (guint i = 0; i < 100; i++)
    {
      weft_builder_span_begin (b, c2, T0 + 6611 + 20 * i, "x");
      weft_builder_span_end (b, c2, T0 + 6616 + 20 * i);
    }
  g_rand_free (rand);
  return stats_util_model (b);
}

static WeftLod *
lod_for (WeftModel *m, gboolean grow)
{
  g_autoptr (GError) error = NULL;
  WeftLod *lod;

  if (grow)
    g_setenv ("WEFT_LOD_GROW_ROWS", "1", TRUE);
  lod = weft_lod_new (m, NULL, NULL, NULL, &error);
  g_unsetenv ("WEFT_LOD_GROW_ROWS");
  g_assert_no_error (error);
  return lod;
}

static void
test_depth_counts (void)
{
  g_autoptr (WeftModel) m = random_model ();

  for (guint i = 0; i < weft_model_get_n_threads (m); i++)
    {
      const WeftModelThread *th = weft_model_get_thread (m, i);
      g_autofree guint64 *expect = g_new0 (guint64, WEFT_MODEL_DEPTH_COUNTS);
      const guint64 *counts;
      guint n;

      for (guint64 k = 0; k < th->n_spans; k++)
        expect[MIN (WEFT_MODEL_SPAN_DEPTH (&th->spans[k]), WEFT_MODEL_DEPTH_COUNTS - 1)]++;
      counts = _weft_model_get_depth_spans (m, i, &n);
      g_assert_cmpuint (n, ==, MIN (th->max_depth, WEFT_MODEL_DEPTH_COUNTS));
      for (guint d = 0; d < WEFT_MODEL_DEPTH_COUNTS; d++)
        g_assert_cmpuint (d < n ? counts[d] : 0, ==, expect[d]);
    }
}

static void
assert_rows_equal (WeftLod *x, WeftLod *y, guint thread, guint depth, const WeftLodWindow *w)
{
  g_autoptr (GArray) a = g_array_new (FALSE, FALSE, sizeof (WeftLodItem));
  g_autoptr (GArray) b = g_array_new (FALSE, FALSE, sizeof (WeftLodItem));

  weft_lod_span_row (x, thread, depth, w, 1.0, a);
  weft_lod_span_row (y, thread, depth, w, 1.0, b);
  g_assert_cmpuint (a->len, ==, b->len);
  if (a->len > 0)
    g_assert_cmpmem (a->data, a->len * sizeof (WeftLodItem), b->data,
                     b->len * sizeof (WeftLodItem));
}

static void
test_presized_rows (void)
{
  g_autoptr (WeftModel) m = random_model ();
  g_autoptr (WeftLod) sized = lod_for (m, FALSE);
  g_autoptr (WeftLod) grown = lod_for (m, TRUE);
  guint64 duration = weft_model_get_duration (m);
  GRand *rand = g_rand_new_with_seed (11);

  g_assert_cmpuint (weft_model_get_n_threads (m), ==, 2);
  g_assert_cmpuint (weft_lod_get_n_span_rows (sized, 1), ==, 1024);
  g_assert_cmpuint (weft_lod_get_memory_size (sized), ==, weft_lod_get_memory_size (grown));
  for (guint i = 0; i < weft_model_get_n_threads (m); i++)
    {
      guint rows = weft_lod_get_n_span_rows (sized, i);

      g_assert_cmpuint (rows, ==, weft_lod_get_n_span_rows (grown, i));
      for (guint d = 0; d < rows; d += d < 8 ? 1 : 97)
        {
          WeftLodWindow whole = { 0, duration + 1, 1000 };

          assert_rows_equal (sized, grown, i, d, &whole);
          for (guint k = 0; k < 20; k++)
            {
              guint64 start = (guint64) g_rand_double_range (rand, 0, (double) duration);
              guint64 len = 1 + (guint64) g_rand_double_range (rand, 0, (double) duration / 50);
              WeftLodWindow w = { start, start + len, 1 + g_rand_int_range (rand, 0, 2000) };
              guint64 s1 = 1, s2 = 2;
              gboolean h1, h2;

              assert_rows_equal (sized, grown, i, d, &w);
              h1 = weft_lod_span_at (sized, i, d, start, len / 100, &s1);
              h2 = weft_lod_span_at (grown, i, d, start, len / 100, &s2);
              g_assert_cmpint (h1, ==, h2);
              if (h1)
                g_assert_cmpuint (s1, ==, s2);
            }
        }
    }
  g_rand_free (rand);
}

/* The branch-free lane lookup against a count of the lanes' first slices
 * at or before the slice, with empty lanes (repeated entries) anywhere. */
static void
test_slice_lookup (void)
{
  GRand *rand = g_rand_new_with_seed (3);

  for (guint round = 0; round < 2000; round++)
    {
      guint n_cpus = 1 + g_rand_int_range (rand, 0, round < 1000 ? 9 : 300);
      g_autofree guint64 *first = g_new (guint64, n_cpus + 1);
      WeftLod lod = { 0 };

      first[0] = 0;
      for (guint c = 1; c <= n_cpus; c++)
        first[c] = first[c - 1]
                   + (g_rand_int_range (rand, 0, 3) == 0 ? 0 : g_rand_int_range (rand, 1, 5));
      lod.n_cpus = n_cpus;
      lod.cpu_first = first;
      for (guint64 global = 0; global <= first[n_cpus] + 1; global++)
        {
          guint count = 0, lane = 99;
          guint64 slice = 99;
          gboolean found;

          for (guint c = 0; c <= n_cpus; c++)
            count += first[c] <= global;
          found = _weft_lod_slice (&lod, global, &lane, &slice);
          g_assert_cmpint (found, ==, count >= 1 && count <= n_cpus);
          if (found)
            {
              g_assert_cmpuint (lane, ==, count - 1);
              g_assert_cmpuint (slice, ==, global - first[count - 1]);
              g_assert_cmpuint (first[lane + 1], >, global);
            }
        }
    }
  g_rand_free (rand);
}

/* The open's CRC-32 (folded with carry-less multiplies where the CPU has
 * them) against the format's own weft_crc32, at every length to 300 and
 * every alignment, chained, and over a few megabytes. */
static void
test_crc (void)
{
  gsize big = 3 * 1024 * 1024 + 77;
  g_autofree guint8 *buf = g_malloc (big);
  GRand *rand = g_rand_new_with_seed (5);

  for (gsize i = 0; i < big; i++)
    buf[i] = (guint8) g_rand_int (rand);
  for (gsize off = 0; off < 16; off++)
    for (gsize len = 0; len <= 300; len++)
      {
        g_assert_cmpuint (_weft_reader_crc32 (0, buf + off, len), ==,
                          weft_crc32 (0, buf + off, len));
        g_assert_cmpuint (_weft_reader_crc32 (0x12345678, buf + off, len), ==,
                          weft_crc32 (0x12345678, buf + off, len));
      }
  g_assert_cmpuint (_weft_reader_crc32 (0, buf, big), ==, weft_crc32 (0, buf, big));
  g_assert_cmpuint (_weft_reader_crc32 (_weft_reader_crc32 (0, buf, 1000), buf + 1000, big - 1000),
                    ==, weft_crc32 (0, buf, big));
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  /* Built on this thread alone: the environment is set between builds. */
  g_setenv ("WEFT_LOD_THREADS", "1", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/load/vec", test_vec);
  g_test_add_func ("/weft/load/depth-counts", test_depth_counts);
  g_test_add_func ("/weft/load/presized-rows", test_presized_rows);
  g_test_add_func ("/weft/load/slice-lookup", test_slice_lookup);
  g_test_add_func ("/weft/load/crc", test_crc);
  return g_test_run ();
}
