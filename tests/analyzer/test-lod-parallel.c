/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The parallelism strip: exact means and maxima on a small trace, the
 * buckets filled during the model's sweep against the index's own sweep,
 * the estimate without scheduler data, and deep zoom.
 */
#include "lod-util.h"

static void
test_parallel (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream c0 = weft_builder_cpu (b, 0), c1 = weft_builder_cpu (b, 1);
  g_autoptr (WeftLod) lod = NULL;
  WeftLodWindow w = { 0, 200, 4 }, one = { 0, 200, 1 }, deep = { 40, 60, 20 };
  WeftLodParallelColumn p[20];
  const float mean[4] = { 1, 2, 1, 1 };

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_switch (b, c0, T0, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 11);
  weft_builder_switch (b, c0, T0 + 100, 11, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  weft_builder_switch (b, c1, T0 + 50, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 12);
  weft_builder_switch (b, c1, T0 + 150, 12, WEFT_SWITCH_BLOCKED, 13);
  weft_builder_switch (b, c1, T0 + 200, 13, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  lod = lod_util (b);

  weft_lod_parallelism (lod, &w, p);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpfloat_with_epsilon (p[i].mean, mean[i], 1e-6);
      g_assert_cmpuint (p[i].max, ==, (guint) mean[i]);
    }
  weft_lod_parallelism (lod, &one, p);
  g_assert_cmpfloat_with_epsilon (p[0].mean, 1.25, 1e-6);
  g_assert_cmpuint (p[0].max, ==, 2);
  weft_lod_parallelism (lod, &deep, p);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpuint (p[i].max, ==, i < 10 ? 1 : 2);
}

/* weft_lod_new_for_reader () fills the parallelism buckets during the
 * model's own sweep; weft_lod_new () sweeps the lanes itself. Columns that
 * hold many switches (the buckets' part) must come out the same. */
static void
test_parallel_swept (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (WeftLod) swept = NULL, own = NULL;
  gint64 who[] = { WEFT_TID_IDLE, 11, 12, 13, 14, 15, WEFT_TID_OTHER };
  WeftLodWindow windows[] = { { 0, 0, 8 }, { 0, 0, 1920 }, { 0, 0, 3 }, { 0, 0, 64 } };
  guint64 duration;

  weft_builder_set_metadata (b, "cpu_count", "3");
  weft_builder_set_metadata (b, "sched", "true");
  for (guint c = 0; c < 3; c++)
    {
      WeftBuilderStream s = weft_builder_cpu (b, c);
      gint64 prev = WEFT_TID_IDLE;
      guint64 t = T0 + c * 7;

      for (guint k = 0; k < 60000; k++)
        {
          gint64 next = who[g_rand_int_range (rand, 0, G_N_ELEMENTS (who))];

          weft_builder_switch (b, s, t, prev, WEFT_SWITCH_PREEMPTED, next);
          prev = next;
          /* Now and then two switches at one instant. */
          t += g_rand_int_range (rand, 0, 10) == 0 ? 0 : g_rand_int_range (rand, 1, 400);
        }
      weft_builder_switch (b, s, t, prev, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
      /* Then CPU 2 alone, two threads taking turns: buckets of one. */
      if (c == 2)
        for (guint k = 0; k < 20000; k++)
          weft_builder_switch (b, s, t += 9000 + k % 7, k % 2 ? 11 : WEFT_TID_IDLE,
                               WEFT_SWITCH_PREEMPTED, k % 2 ? 12 : 11);
    }
  reader = stats_util_open (b);
  swept = weft_lod_new_for_reader (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  own = weft_lod_new (weft_lod_get_model (swept), NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  duration = weft_model_get_duration (weft_lod_get_model (swept));
  windows[2] = (WeftLodWindow) { duration / 3, duration / 2, 3 };
  for (guint k = 0; k < G_N_ELEMENTS (windows); k++)
    {
      WeftLodWindow *w = &windows[k];
      g_autofree WeftLodParallelColumn *a = g_new (WeftLodParallelColumn, w->n_columns);
      g_autofree WeftLodParallelColumn *o = g_new (WeftLodParallelColumn, w->n_columns);

      if (w->end == 0)
        w->end = duration + 1;
      weft_lod_parallelism (swept, w, a);
      weft_lod_parallelism (own, w, o);
      for (guint i = 0; i < w->n_columns; i++)
        {
          g_assert_cmpfloat (a[i].mean, ==, o[i].mean);
          g_assert_cmpuint (a[i].max, ==, o[i].max);
        }
    }
}

static void
test_parallel_estimate (void)
{
  for (guint cpus = 1; cpus <= 2; cpus++)
    {
      WeftBuilder *b = weft_builder_new_memory ();
      WeftBuilderStream a = weft_builder_thread (b, 10, 11), t = weft_builder_thread (b, 10, 12);
      g_autoptr (WeftLod) lod = NULL;
      WeftLodWindow w = { 0, 200, 4 };
      WeftLodParallelColumn p[4];
      char count[4];

      g_snprintf (count, sizeof count, "%u", cpus);
      weft_builder_set_metadata (b, "cpu_count", count);
      weft_builder_span_begin (b, a, T0, "a");
      weft_builder_span_end (b, a, T0 + 100);
      weft_builder_span_begin (b, t, T0 + 50, "b");
      weft_builder_lock_wait (b, t, T0 + 60, 0x10);
      weft_builder_lock_acquired (b, t, T0 + 80, 0x10);
      weft_builder_span_end (b, t, T0 + 150);
      weft_builder_instant (b, t, T0 + 200, "end");
      lod = lod_util (b);
      g_assert_false (weft_model_has_sched (weft_lod_get_model (lod)));

      weft_lod_parallelism (lod, &w, p);
      g_assert_cmpfloat_with_epsilon (p[0].mean, 1.0, 1e-3);
      g_assert_cmpfloat_with_epsilon (p[1].mean, cpus == 1 ? 1.0 : 1.6, 1e-3);
      g_assert_cmpfloat_with_epsilon (p[2].mean, 1.0, 1e-3);
      g_assert_cmpfloat_with_epsilon (p[3].mean, 0.0, 1e-3);
      g_assert_cmpuint (p[1].max, ==, cpus);
      g_assert_cmpuint (p[2].max, >=, 1);
    }
}

/* Regression (fuzz-analyzer): deep zoom into a trace 1.5e16 ns long, no
 * scheduler data. Columns of 3/64 ns took their mean from a difference of
 * running-time sums near 7.7e15, which doubles resolve to 1 ns: a column
 * said 21.33 threads on average with at most 1 at once. Thread 11 runs
 * the whole trace; thread 12 from just after the middle, where the window
 * [d/2, d/2 + 3) starts (a bucket edge lies at d/2 + 0.5). */
static void
test_parallel_deep_zoom (void)
{
  const guint64 d = G_GUINT64_CONSTANT (15481123719086297);

  for (guint threads = 1; threads <= 2; threads++)
    {
      WeftBuilder *b = weft_builder_new_memory ();
      WeftBuilderStream a = weft_builder_thread (b, 10, 11);
      g_autoptr (WeftLod) lod = NULL;
      WeftLodWindow w = { d / 2, d / 2 + 3, 64 };
      WeftLodParallelColumn p[64];

      weft_builder_span_begin (b, a, T0 + 1000, "all");
      if (threads == 2)
        {
          WeftBuilderStream t = weft_builder_thread (b, 10, 12);
          weft_builder_span_begin (b, t, T0 + 1000 + d / 2 + 1, "half");
          weft_builder_span_end (b, t, T0 + 1000 + d);
        }
      weft_builder_span_end (b, a, T0 + 1000 + d);
      lod = lod_util (b);
      g_assert_false (weft_model_has_sched (weft_lod_get_model (lod)));
      g_assert_cmpuint (weft_model_get_duration (weft_lod_get_model (lod)), ==, d);

      weft_lod_parallelism (lod, &w, p);
      for (guint i = 0; i < 64; i++)
        {
          g_assert_cmpfloat (p[i].mean, >=, 1.0f);
          g_assert_cmpfloat (p[i].mean, <=, (float) p[i].max);
          /* One bucket each side of the edge: its mean, its max. */
          if (threads == 1 || i < 10)
            {
              g_assert_cmpfloat (p[i].mean, ==, 1.0f);
              g_assert_cmpuint (p[i].max, ==, 1);
            }
          else if (i > 10)
            {
              g_assert_cmpfloat (p[i].mean, ==, 2.0f);
              g_assert_cmpuint (p[i].max, ==, 2);
            }
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/lod/parallel/sched", test_parallel);
  g_test_add_func ("/weft/lod/parallel/swept", test_parallel_swept);
  g_test_add_func ("/weft/lod/parallel/estimate", test_parallel_estimate);
  g_test_add_func ("/weft/lod/parallel/deep-zoom", test_parallel_deep_zoom);
  return g_test_run ();
}
