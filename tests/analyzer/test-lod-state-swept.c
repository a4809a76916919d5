/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Thread state strips built during the model's scheduler sweep
 * (weft-lod-state-sweep.c) against the walk over each thread's slices
 * (weft-lod-state.c): the blocks, their dominant lanes and the waits'
 * splits must be the walk's to the bit. The schedule is random on twelve
 * lanes, with switches at one instant on several lanes (hand-offs in
 * either order), zero-length slices, a thread run on two lanes at once
 * (a hostile file), lock and condition waits before, across and after the
 * slices, a thread that visits every lane in one block (left to the
 * walk) and a thread with waits and no slice.
 */
#include <string.h>

#include "lod-util.h"
#include "weft-lod-state-private.h"
#include "weft-model-private.h"

#define N_LANES 12
#define MIGRANT 17  /* visits every lane within one block: the walk's */
#define SLICELESS 18

static void
add_waits (WeftBuilder *b, GRand *rand, guint32 tid, guint64 end)
{
  WeftBuilderStream s = weft_builder_thread (b, 10, tid);
  guint64 t = g_rand_int_range (rand, 0, 3000);

  while (t < end)
    {
      guint64 len = g_rand_int_range (rand, 0, 20) == 0 ? 0 : g_rand_int_range (rand, 1, 9000);

      if (g_rand_boolean (rand))
        {
          weft_builder_lock_wait (b, s, T0 + t, 0x100 + tid % 3);
          weft_builder_lock_acquired (b, s, T0 + t + len, 0x100 + tid % 3);
          weft_builder_lock_released (b, s, T0 + t + len + 5, 0x100 + tid % 3);
        }
      else
        {
          weft_builder_cond_wait (b, s, T0 + t, 0x200, 0x100);
          weft_builder_cond_woken (b, s, T0 + t + len, 0x200);
        }
      t += len + 10 + g_rand_int_range (rand, 0, 4000);
    }
  /* One left open: it ends with the thread. */
  weft_builder_lock_wait (b, s, T0 + end + 100, 0x300);
}

static WeftReader *
random_trace (guint32 seed)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  /* Lanes 0-3 run threads 11-14, lanes 4-11 threads 15 and 16: at most
   * eight lanes a thread, what the sweep's tally holds. */
  const gint64 low[] = { WEFT_TID_IDLE, 11, 12, 13, 14, WEFT_TID_OTHER };
  const gint64 high[] = { WEFT_TID_IDLE, 15, 16 };
  const guint64 end = 2000000;

  weft_builder_set_metadata (b, "cpu_count", "12");
  weft_builder_set_metadata (b, "sched", "true");
  for (guint c = 0; c < N_LANES; c++)
    {
      WeftBuilderStream s = weft_builder_cpu (b, c);
      gint64 prev = WEFT_TID_IDLE;
      guint64 t = 1000;

      for (guint k = 0; t < end; k++)
        {
          gint64 next = c < 4 ? low[g_rand_int_range (rand, 0, G_N_ELEMENTS (low))]
                              : high[g_rand_int_range (rand, 0, G_N_ELEMENTS (high))];

          /* The migrant's first dozen slices, one a lane. */
          if (k == c + 1)
            next = MIGRANT;
          weft_builder_switch (b, s, T0 + t, prev,
                               g_rand_boolean (rand) ? WEFT_SWITCH_PREEMPTED : WEFT_SWITCH_BLOCKED,
                               next);
          prev = next;
          /* Times on a coarse grid: switches at one instant on several
           * lanes; now and then two at one instant on this lane. */
          t += g_rand_int_range (rand, 0, 12) == 0 ? 0 : 50 * g_rand_int_range (rand, 1, 40);
        }
      weft_builder_switch (b, s, T0 + t, prev, WEFT_SWITCH_EXITED, WEFT_TID_IDLE);
    }
  for (guint32 tid = 11; tid <= 14; tid++)
    add_waits (b, rand, tid, end);
  add_waits (b, rand, SLICELESS, end / 2);
  return stats_util_open (b);
}

/* The walk's index of thread i: an index built without the sweep. */
static void
assert_same (WeftLod *walked, guint i, const WeftLodThreadIndex *swept)
{
  const WeftLodThreadIndex *w = &walked->threads[i];
  const WeftModelThread *th = weft_model_get_thread (weft_lod_get_model (walked), i);
  guint64 n_blocks = (th->n_slices + WEFT_LOD_SCHED_BLOCK - 1) / WEFT_LOD_SCHED_BLOCK;

  g_assert_cmpuint (swept->state_levels.total, ==, w->state_levels.total);
  g_assert_cmpmem (swept->state_blocks, (n_blocks + 1) * sizeof (WeftLodStateBlock),
                   w->state_blocks, (n_blocks + 1) * sizeof (WeftLodStateBlock));
  g_assert_cmpmem (swept->state_dom, w->state_levels.total * sizeof (WeftLodDom), w->state_dom,
                   w->state_levels.total * sizeof (WeftLodDom));
  if (th->n_waits > 0)
    g_assert_cmpmem (swept->wait_split, th->n_waits * sizeof (WeftLodWaitSplit), w->wait_split,
                     th->n_waits * sizeof (WeftLodWaitSplit));
}

static void
test_state_swept (void)
{
  for (guint32 seed = 1; seed <= 4; seed++)
    {
      g_autoptr (WeftReader) reader = random_trace (seed);
      g_autoptr (GError) error = NULL;
      g_autoptr (WeftModel) model = NULL;
      g_autoptr (WeftLod) walked = NULL;
      WeftLodSweep swept;
      WeftModelSweepSink sink;
      guint taken = 0;

      _weft_lod_sweep_sink (&swept, &sink);
      model = _weft_model_new_swept (reader, &sink, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (swept.states);
      walked = weft_lod_new (model, NULL, NULL, NULL, &error);
      g_assert_no_error (error);

      for (guint i = 0; i < weft_model_get_n_threads (model); i++)
        {
          const WeftModelThread *th = weft_model_get_thread (model, i);
          WeftLodThreadIndex index = { 0 };

          if (!_weft_lod_state_sweep_take (swept.states, i, &index))
            {
              /* Left to the walk: the migrant, and what has no slice. */
              g_assert_true (th->tid == MIGRANT || th->n_slices == 0);
              continue;
            }
          g_assert_cmpuint (th->tid, !=, MIGRANT);
          assert_same (walked, i, &index);
          _weft_lod_state_clear (&index);
          taken++;
        }
      /* Threads 11 to 16 (each now and then on two lanes at once). */
      g_assert_cmpuint (taken, ==, 6);
      g_assert_true (weft_model_get_thread (model, thread_index (walked, 11))->n_waits > 0);
      _weft_lod_sweep_clear (&swept);
    }
}

/* Whole indexes, through the public queries: weft_lod_new_for_reader()
 * (the sweep's strips) answers as weft_lod_new() (the walk's). */
static void
test_state_swept_queries (void)
{
  g_autoptr (WeftReader) reader = random_trace (9);
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftLod) swept = weft_lod_new_for_reader (reader, NULL, NULL, NULL, &error);
  g_autoptr (WeftLod) walked = NULL;
  WeftModel *m;
  guint64 d;

  g_assert_no_error (error);
  m = weft_lod_get_model (swept);
  walked = weft_lod_new (m, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  d = weft_model_get_duration (m);
  for (guint i = 0; i < weft_model_get_n_threads (m); i++)
    {
      const WeftLodWindow windows[] = {
        { 0, d + 1, 1920 }, { d / 3, d / 3 + 20000, 500 }, { d / 2, d / 2 + 64, 64 }
      };

      for (guint k = 0; k < G_N_ELEMENTS (windows); k++)
        {
          WeftLodStateColumn a[1920], b[1920];

          weft_lod_thread_states (swept, i, &windows[k], a);
          weft_lod_thread_states (walked, i, &windows[k], b);
          g_assert_cmpmem (a, windows[k].n_columns * sizeof a[0], b,
                           windows[k].n_columns * sizeof b[0]);
        }
      for (guint64 t = 0; t < d; t += d / 997)
        {
          guint32 ca, cb;

          g_assert_cmpint (weft_lod_thread_state_at (swept, i, t, &ca), ==,
                           weft_lod_thread_state_at (walked, i, t, &cb));
          g_assert_cmpuint (ca, ==, cb);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/lod/state/swept", test_state_swept);
  g_test_add_func ("/weft/lod/state/swept-queries", test_state_swept_queries);
  return g_test_run ();
}
