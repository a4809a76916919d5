/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Level-of-detail queries: exact occupancy per column on synthetic traces
 * with known answers, the 4-primitives-per-column bound on traces with
 * many sub-pixel slices (checked against a direct computation), thread
 * states, hit tests, odd windows, empty traces, progress and
 * cancellation. Span, task and counter rows are test-lod-rows.c, the
 * parallelism strip test-lod-parallel.c.
 */
#include "lod-util.h"

/* ---- CPU lanes ---- */

static void
test_cpu_half (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  g_autoptr (WeftLod) lod = NULL;
  guint ns[] = { 1, 10, 100, 1000 };

  weft_builder_set_metadata (b, "cpu_count", "1");
  /* Busy the first half of every 1000 ns, 1000 times; another thread
   * preempts at the middle of each busy half. */
  for (guint i = 0; i < 1000; i++)
    {
      guint64 t = T0 + i * 1000;
      weft_builder_switch (b, cpu, t, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 11);
      weft_builder_switch (b, cpu, t + 250, 11, WEFT_SWITCH_PREEMPTED, 12);
      weft_builder_switch (b, cpu, t + 500, 12, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
    }
  weft_builder_switch (b, cpu, T0 + 1000000, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  lod = lod_util (b);

  for (guint k = 0; k < G_N_ELEMENTS (ns); k++)
    {
      /* Columns of whole periods: busy exactly half of each. */
      WeftLodWindow w = { 0, 1000000, ns[k] };
      g_autofree WeftLodCpuColumn *c = g_new (WeftLodCpuColumn, w.n_columns);

      weft_lod_cpu_columns (lod, 0, &w, c);
      for (guint i = 0; i < w.n_columns; i++)
        {
          g_assert_cmpfloat_with_epsilon (c[i].busy, 0.5, 1e-6);
          g_assert_cmpfloat (c[i].other, ==, 0.0);
          g_assert_cmpuint (c[i].count, ==, 2 * (1000 / ns[k]));
          g_assert_cmpuint (c[i].thread, !=, WEFT_MODEL_NONE);
        }
    }
  {
    /* Deep: 1000 columns over one period, then sub-ns columns. */
    WeftLodWindow w = { 3000, 4000, 1000 }, deep = { 3249, 3251, 8 };
    WeftLodCpuColumn c[1000];

    weft_lod_cpu_columns (lod, 0, &w, c);
    for (guint i = 0; i < 1000; i++)
      {
        g_assert_cmpfloat (c[i].busy, ==, i < 500 ? 1.0 : 0.0);
        g_assert_cmpuint (c[i].count, ==, i < 500 ? 1 : 0);
        g_assert_cmpuint (c[i].thread, ==,
                          i < 250   ? thread_index (lod, 11)
                          : i < 500 ? thread_index (lod, 12)
                                    : WEFT_MODEL_NONE);
      }
    weft_lod_cpu_columns (lod, 0, &deep, c);
    for (guint i = 0; i < 8; i++)
      {
        g_assert_cmpfloat (c[i].busy, ==, 1.0);
        g_assert_cmpuint (c[i].thread, ==, thread_index (lod, i < 4 ? 11 : 12));
      }
  }
}

/* Many sub-pixel slices of three threads, idle and untraced work on two
 * cores: every column equals a direct computation. */
/* Forty threads take turns on one CPU, more than a block's sketch keeps;
 * thread 107 runs three times as long each turn: every column of the
 * whole trace names it. */
static void
test_cpu_many_threads (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_cpu (b, 0);
  g_autoptr (WeftLod) lod = NULL;
  WeftModel *m;
  WeftLodWindow w = { 0, 0, 8 };
  WeftLodCpuColumn c[8];
  gint64 prev = WEFT_TID_IDLE;
  guint64 t = T0;

  weft_builder_set_metadata (b, "cpu_count", "1");
  for (guint k = 0; k < 40 * 200; k++)
    {
      gint64 next = 100 + k % 40;

      weft_builder_switch (b, s, t, prev, WEFT_SWITCH_PREEMPTED, next);
      prev = next;
      t += next == 107 ? 300 : 100;
    }
  weft_builder_switch (b, s, t, prev, WEFT_SWITCH_PREEMPTED, WEFT_TID_IDLE);
  lod = lod_util (b);
  m = weft_lod_get_model (lod);
  w.end = weft_model_get_duration (m);
  weft_lod_cpu_columns (lod, 0, &w, c);
  for (guint i = 0; i < w.n_columns; i++)
    {
      g_assert_cmpuint (c[i].thread, !=, WEFT_MODEL_NONE);
      g_assert_cmpuint (weft_model_get_thread (m, c[i].thread)->tid, ==, 107);
    }
}

static void
test_cpu_random (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autoptr (WeftLod) lod = NULL;
  WeftModel *m;
  gint64 who[] = { WEFT_TID_IDLE, 11, 12, 13, WEFT_TID_OTHER };
  WeftLodWindow windows[] = {
    { 0, 2000000, 100 }, { 0, 2000000, 1920 }, { 123457, 345679, 333 },
    { 1000000, 1003000, 1000 }, { 1500000, 2600000, 77 }, { 0, 1, 3 },
  };

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_set_metadata (b, "system_wide", "true");
  for (guint c = 0; c < 2; c++)
    {
      WeftBuilderStream s = weft_builder_cpu (b, c);
      guint64 t = T0 + c;
      gint64 prev = WEFT_TID_IDLE;

      while (t < T0 + 2000000)
        {
          gint64 next = who[g_rand_int_range (rand, 0, G_N_ELEMENTS (who))];
          weft_builder_switch (b, s, t, prev, g_rand_boolean (rand) ? WEFT_SWITCH_PREEMPTED
                                                                    : WEFT_SWITCH_BLOCKED,
                               next);
          prev = next;
          /* Mostly tiny slices, now and then a long one. */
          t += g_rand_int_range (rand, 0, 8) == 0 ? g_rand_int_range (rand, 1, 20000)
                                                  : g_rand_int_range (rand, 0, 60);
        }
    }
  lod = lod_util (b);
  m = weft_lod_get_model (lod);

  for (guint k = 0; k < G_N_ELEMENTS (windows); k++)
    for (guint lane = 0; lane < 2; lane++)
      {
        const WeftLodWindow *w = &windows[k];
        const WeftModelCpu *cpu = weft_model_get_cpu (m, lane);
        g_autofree WeftLodCpuColumn *c = g_new (WeftLodCpuColumn, w->n_columns);

        weft_lod_cpu_columns (lod, lane, w, c);
        for (guint i = 0; i < w->n_columns; i++)
          {
            long double a = edge (w, i), bb = edge (w, i + 1), busy = 0, other = 0;
            long double per[4] = { 0 };
            guint count = 0, n_items = 0;

            for (guint64 j = 0; j < cpu->n_slices; j++)
              {
                guint64 s = cpu->starts[j], e = weft_model_get_slice_end (m, lane, j);
                guint32 t = WEFT_MODEL_SLICE_THREAD (cpu->who[j]);
                long double ov = overlap (s, e, a, bb);

                if (s >= bb || e <= a)
                  continue;
                n_items++;
                if (t == WEFT_MODEL_SLICE_IDLE)
                  continue;
                count++;
                if (t == WEFT_MODEL_SLICE_OTHER)
                  other += ov;
                else
                  {
                    busy += ov;
                    per[t] += ov;
                  }
              }
            g_assert_cmpfloat_with_epsilon (c[i].busy, (double) (busy / (bb - a)), 1e-6);
            g_assert_cmpfloat_with_epsilon (c[i].other, (double) (other / (bb - a)), 1e-6);
            g_assert_cmpuint (c[i].count, ==, count);
            if (busy == 0)
              g_assert_cmpuint (c[i].thread, ==, WEFT_MODEL_NONE);
            else
              {
                guint best = 0;
                for (guint t = 1; t < 4; t++)
                  if (per[t] > per[best])
                    best = t;
                g_assert_cmpuint (c[i].thread, <, 4);
                /* Exact when the column holds few slices; otherwise the
                 * pyramid's pick ran at least a quarter of the busiest. */
                if (n_items < 40)
                  g_assert_true (per[c[i].thread] == per[best]);
                else
                  g_assert_cmpfloat ((double) per[c[i].thread], >=, (double) per[best] / 4);
              }
          }
      }
}

static void
test_cpu_slice_at (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  g_autoptr (WeftLod) lod = NULL;
  guint64 slice = 99;

  weft_builder_switch (b, cpu, T0, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 11);      /* 0: [0, 100) */
  weft_builder_switch (b, cpu, T0 + 100, 11, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE); /* 1: idle */
  weft_builder_switch (b, cpu, T0 + 300, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 12); /* 2: [300, 400) */
  weft_builder_switch (b, cpu, T0 + 400, 12, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE); /* 3: idle */
  lod = lod_util (b);

  g_assert_true (weft_lod_cpu_slice_at (lod, 0, 50, 0, &slice));
  g_assert_cmpuint (slice, ==, 0);
  g_assert_true (weft_lod_cpu_slice_at (lod, 0, 300, 0, &slice));
  g_assert_cmpuint (slice, ==, 2);
  g_assert_false (weft_lod_cpu_slice_at (lod, 0, 200, 0, &slice));
  g_assert_false (weft_lod_cpu_slice_at (lod, 0, 200, 50, &slice));
  g_assert_true (weft_lod_cpu_slice_at (lod, 0, 120, 30, &slice));
  g_assert_cmpuint (slice, ==, 0);
  g_assert_true (weft_lod_cpu_slice_at (lod, 0, 280, 30, &slice));
  g_assert_cmpuint (slice, ==, 2);
  g_assert_false (weft_lod_cpu_slice_at (lod, 0, 400, 0, &slice));
}

/* ---- thread states ---- */

static void
test_states (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  WeftBuilderStream th = weft_builder_thread (b, 10, 11);
  g_autoptr (WeftLod) lod = NULL;
  WeftLodWindow w = { 0, 800, 8 };
  WeftLodStateColumn c[8];
  guint t;
  guint32 on;
  /* running, runnable, blocked, lock, cond per 100 ns column */
  const float expect[8][5] = {
    { 1, 0, 0, 0, 0 },     { 0, 0.5, 0, 0.5, 0 }, { 1, 0, 0, 0, 0 }, { 0, 0, 0, 1, 0 },
    { 0, 0, 0.5, 0.5, 0 }, { 1, 0, 0, 0, 0 },     { 0, 0, 0.2, 0, 0.8 }, { 0, 0, 1, 0, 0 },
  };

  weft_builder_set_metadata (b, "cpu_count", "1");
  weft_builder_thread_start (b, th, T0, 0);
  weft_builder_lock_wait (b, th, T0 + 150, 0x10);
  weft_builder_lock_acquired (b, th, T0 + 250, 0x10);
  weft_builder_lock_wait (b, th, T0 + 300, 0x10);
  weft_builder_lock_acquired (b, th, T0 + 450, 0x10);
  weft_builder_cond_wait (b, th, T0 + 620, 0x20, 0x10);
  weft_builder_cond_woken (b, th, T0 + 700, 0x20);
  weft_builder_thread_exit (b, th, T0 + 800);
  weft_builder_switch (b, cpu, T0, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 11);
  weft_builder_switch (b, cpu, T0 + 100, 11, WEFT_SWITCH_PREEMPTED, 12);
  weft_builder_switch (b, cpu, T0 + 200, 12, WEFT_SWITCH_PREEMPTED, 11);
  weft_builder_switch (b, cpu, T0 + 300, 11, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  weft_builder_switch (b, cpu, T0 + 500, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 11);
  weft_builder_switch (b, cpu, T0 + 600, 11, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  weft_builder_switch (b, cpu, T0 + 900, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 12);
  lod = lod_util (b);
  t = thread_index (lod, 11);

  weft_lod_thread_states (lod, t, &w, c);
  for (guint i = 0; i < 8; i++)
    {
      g_test_message ("column %u", i);
      g_assert_cmpfloat_with_epsilon (c[i].running, expect[i][0], 1e-6);
      g_assert_cmpfloat_with_epsilon (c[i].runnable, expect[i][1], 1e-6);
      g_assert_cmpfloat_with_epsilon (c[i].blocked, expect[i][2], 1e-6);
      g_assert_cmpfloat_with_epsilon (c[i].lock_wait, expect[i][3], 1e-6);
      g_assert_cmpfloat_with_epsilon (c[i].cond_wait, expect[i][4], 1e-6);
      g_assert_cmpuint (c[i].cpu, ==, expect[i][0] > 0 ? 0 : WEFT_MODEL_NONE);
    }

  /* One column over all: the same time in total. */
  w = (WeftLodWindow) { 0, 800, 1 };
  weft_lod_thread_states (lod, t, &w, c);
  g_assert_cmpfloat_with_epsilon (c[0].running, 3 / 8.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (c[0].runnable, 0.5 / 8, 1e-6);
  g_assert_cmpfloat_with_epsilon (c[0].blocked, 1.7 / 8, 1e-6);
  g_assert_cmpfloat_with_epsilon (c[0].lock_wait, 2 / 8.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (c[0].cond_wait, 0.8 / 8, 1e-6);

  g_assert_cmpint (weft_lod_thread_state_at (lod, t, 50, &on), ==, WEFT_LOD_STATE_RUNNING);
  g_assert_cmpuint (on, ==, 0);
  g_assert_cmpint (weft_lod_thread_state_at (lod, t, 120, &on), ==, WEFT_LOD_STATE_RUNNABLE);
  g_assert_cmpuint (on, ==, WEFT_MODEL_NONE);
  g_assert_cmpint (weft_lod_thread_state_at (lod, t, 160, &on), ==, WEFT_LOD_STATE_LOCK_WAIT);
  g_assert_cmpint (weft_lod_thread_state_at (lod, t, 220, &on), ==, WEFT_LOD_STATE_RUNNING);
  g_assert_cmpint (weft_lod_thread_state_at (lod, t, 460, &on), ==, WEFT_LOD_STATE_BLOCKED);
  g_assert_cmpint (weft_lod_thread_state_at (lod, t, 650, &on), ==, WEFT_LOD_STATE_COND_WAIT);
  g_assert_cmpint (weft_lod_thread_state_at (lod, t, 850, &on), ==, WEFT_LOD_STATE_NONE);
}

/* Without scheduler data a state strip knows only the waits. */
static void
test_states_no_sched (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream th = weft_builder_thread (b, 10, 11);
  g_autoptr (WeftLod) lod = NULL;
  WeftLodWindow w = { 0, 100, 2 };
  WeftLodStateColumn c[2];

  weft_builder_span_begin (b, th, T0, "work");
  weft_builder_lock_wait (b, th, T0 + 25, 0x10);
  weft_builder_lock_acquired (b, th, T0 + 75, 0x10);
  weft_builder_span_end (b, th, T0 + 100);
  lod = lod_util (b);

  weft_lod_thread_states (lod, 0, &w, c);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpfloat (c[i].running + c[i].runnable + c[i].blocked, ==, 0.0);
      g_assert_cmpfloat_with_epsilon (c[i].lock_wait, 0.5, 1e-6);
      g_assert_cmpuint (c[i].cpu, ==, WEFT_MODEL_NONE);
    }
}

/* Random switches on two cores and random waits: every column's exclusive
 * fractions equal a direct computation over the thread's pieces. */
typedef struct
{
  guint64 s, e;
  int state; /* WeftLodState */
} Piece;

static void
add_piece (GArray *pieces, guint64 s, guint64 e, int state)
{
  Piece p = { s, e, state };

  if (e > s)
    g_array_append_val (pieces, p);
}

static void
test_states_random (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream th = weft_builder_thread (b, 10, 11);
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  g_autoptr (WeftLod) lod = NULL;
  g_autoptr (GArray) pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  WeftModel *m;
  const WeftModelThread *t;
  guint ti;
  gint64 who[] = { WEFT_TID_IDLE, 11, 12, 13 };
  guint64 w_t = T0 + 10;
  WeftLodWindow windows[] = {
    { 0, 2000000, 100 }, { 0, 2000000, 1920 }, { 123457, 345679, 333 }, { 1000000, 1003000, 1000 },
  };

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_thread_start (b, th, T0, 0);
  /* Waits one after another, lock and condition. */
  while (w_t < T0 + 1990000)
    {
      guint64 len = g_rand_int_range (rand, 1, 3000);
      if (g_rand_boolean (rand))
        {
          weft_builder_lock_wait (b, th, w_t, 0x10);
          weft_builder_lock_acquired (b, th, w_t + len, 0x10);
        }
      else
        {
          weft_builder_cond_wait (b, th, w_t, 0x20, 0x10);
          weft_builder_cond_woken (b, th, w_t + len, 0x20);
        }
      w_t += len + g_rand_int_range (rand, 0, 5000);
    }
  weft_builder_thread_exit (b, th, T0 + 2000000);
  for (guint c = 0; c < 2; c++)
    {
      WeftBuilderStream s = weft_builder_cpu (b, c);
      guint64 now = T0 + 5 + c;
      gint64 prev = WEFT_TID_IDLE;

      while (now < T0 + 2000000)
        {
          gint64 next = who[g_rand_int_range (rand, 0, G_N_ELEMENTS (who))];
          /* Thread 11 only on core 0, so it is never on two at once. */
          if (c == 1 && next == 11)
            next = 12;
          weft_builder_switch (b, s, now, prev,
                               g_rand_boolean (rand) ? WEFT_SWITCH_PREEMPTED : WEFT_SWITCH_BLOCKED,
                               next);
          prev = next;
          now += g_rand_int_range (rand, 0, 20) == 0 ? g_rand_int_range (rand, 1, 5000)
                                                     : g_rand_int_range (rand, 0, 80);
        }
    }
  lod = lod_util (b);
  m = weft_lod_get_model (lod);
  ti = thread_index (lod, 11);
  t = weft_model_get_thread (m, ti);
  g_assert_cmpuint (t->n_slices, >, 1000);

  /* The pieces: running slices, off-CPU gaps by how it left, then the
   * waits take the off-CPU parts inside them. */
  for (guint64 j = 0; j < t->n_slices; j++)
    {
      guint lane;
      guint64 k, s, e, next;
      const WeftModelCpu *cpu;
      int off;

      g_assert_true (weft_model_lookup_slice (m, t->slices[j], &lane, &k));
      cpu = weft_model_get_cpu (m, lane);
      s = cpu->starts[k];
      e = weft_model_get_slice_end (m, lane, k);
      add_piece (pieces, s, e, WEFT_LOD_STATE_RUNNING);
      if (j + 1 < t->n_slices)
        {
          guint lane2;
          guint64 k2;
          g_assert_true (weft_model_lookup_slice (m, t->slices[j + 1], &lane2, &k2));
          next = weft_model_get_cpu (m, lane2)->starts[k2];
        }
      else
        next = t->alive_end;
      off = WEFT_MODEL_SLICE_END_STATE (cpu->who[k]) == WEFT_SWITCH_PREEMPTED ? WEFT_LOD_STATE_RUNNABLE
            : WEFT_MODEL_SLICE_END_STATE (cpu->who[k]) == WEFT_SWITCH_BLOCKED ? WEFT_LOD_STATE_BLOCKED
                                                                             : WEFT_LOD_STATE_NONE;
      /* Off the CPU, cut by the waits. */
      {
        guint64 pos = e;
        for (guint64 i = 0; i < t->n_waits && pos < next; i++)
          {
            const WeftModelWait *w = &t->waits[i];
            guint64 ws = MAX (w->start, pos), we = MIN (w->end, next);
            if (we <= ws)
              continue;
            add_piece (pieces, pos, ws, off);
            add_piece (pieces, ws, we,
                       w->flags & WEFT_MODEL_WAIT_COND ? WEFT_LOD_STATE_COND_WAIT
                                                       : WEFT_LOD_STATE_LOCK_WAIT);
            pos = we;
          }
        add_piece (pieces, pos, next, off);
      }
    }
  /* Waits before the first slice are wait time too. */
  {
    guint lane;
    guint64 k, first;
    g_assert_true (weft_model_lookup_slice (m, t->slices[0], &lane, &k));
    first = weft_model_get_cpu (m, lane)->starts[k];
    for (guint64 i = 0; i < t->n_waits && t->waits[i].start < first; i++)
      add_piece (pieces, t->waits[i].start, MIN (t->waits[i].end, first),
                 t->waits[i].flags & WEFT_MODEL_WAIT_COND ? WEFT_LOD_STATE_COND_WAIT
                                                          : WEFT_LOD_STATE_LOCK_WAIT);
  }

  for (guint k = 0; k < G_N_ELEMENTS (windows); k++)
    {
      const WeftLodWindow *w = &windows[k];
      g_autofree WeftLodStateColumn *c = g_new (WeftLodStateColumn, w->n_columns);

      weft_lod_thread_states (lod, ti, w, c);
      for (guint i = 0; i < w->n_columns; i++)
        {
          long double a = edge (w, i), e = edge (w, i + 1), frac[6] = { 0 };
          float got[6] = { 0, c[i].running, c[i].runnable, c[i].blocked, c[i].lock_wait,
                           c[i].cond_wait };

          for (guint p = 0; p < pieces->len; p++)
            {
              const Piece *pc = &g_array_index (pieces, Piece, p);
              frac[pc->state] += overlap (pc->s, pc->e, a, e) / (e - a);
            }
          for (guint st = 1; st < 6; st++)
            {
              if (fabsl (frac[st] - got[st]) > 1e-5)
                g_error ("window %u column %u state %u: %g, want %g", k, i, st, got[st],
                         (double) frac[st]);
            }
          g_assert_cmpuint (c[i].cpu, ==, frac[1] > 0 ? 0 : WEFT_MODEL_NONE);
        }
    }
}

/* ---- odd windows, empty traces, the build ---- */

static void
test_windows (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  WeftBuilderStream th = weft_builder_thread (b, 10, 11);
  g_autoptr (WeftLod) lod = NULL;
  g_autoptr (GArray) items = g_array_new (FALSE, FALSE, sizeof (WeftLodItem));
  WeftLodWindow after = { 2000, 3000, 10 }, none = { 0, 1000, 0 }, back = { 500, 400, 10 };
  WeftLodCpuColumn c[10];
  WeftLodStateColumn s[10];
  WeftLodParallelColumn p[10];

  weft_builder_switch (b, cpu, T0, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 11);
  weft_builder_switch (b, cpu, T0 + 1000, 11, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  weft_builder_span_begin (b, th, T0, "x");
  weft_builder_span_end (b, th, T0 + 1000);
  lod = lod_util (b);

  /* After the trace: empty time. */
  weft_lod_cpu_columns (lod, 0, &after, c);
  weft_lod_thread_states (lod, 0, &after, s);
  weft_lod_parallelism (lod, &after, p);
  for (guint i = 0; i < 10; i++)
    {
      g_assert_cmpfloat (c[i].busy, ==, 0.0);
      g_assert_cmpuint (c[i].count, ==, 0);
      g_assert_cmpfloat (s[i].running + s[i].blocked + s[i].runnable, ==, 0.0);
      g_assert_cmpfloat (p[i].mean, ==, 0.0);
      g_assert_cmpuint (p[i].max, ==, 0);
    }
  weft_lod_span_row (lod, 0, 0, &after, 1.0, items);
  g_assert_cmpuint (items->len, ==, 0);

  /* No columns, or end before start: nothing written. */
  memset (c, 0xab, sizeof c);
  weft_lod_cpu_columns (lod, 0, &none, c);
  weft_lod_cpu_columns (lod, 0, &back, c);
  weft_lod_thread_states (lod, 0, &back, s);
  weft_lod_parallelism (lod, &back, p);
  for (gsize i = 0; i < sizeof c; i++)
    g_assert_cmpuint (((guint8 *) c)[i], ==, 0xab);
  weft_lod_span_row (lod, 0, 0, &none, 1.0, items);
  g_assert_cmpuint (items->len, ==, 0);

  /* The largest window there is: the trace is a sliver of column 0. */
  {
    WeftLodWindow all = { 0, G_MAXUINT64, 10 };
    guint64 span;

    weft_lod_cpu_columns (lod, 0, &all, c);
    weft_lod_thread_states (lod, 0, &all, s);
    weft_lod_parallelism (lod, &all, p);
    weft_lod_span_row (lod, 0, 0, &all, 1.0, items);
    g_assert_cmpfloat (c[0].busy, >, 0.0);
    g_assert_cmpfloat (c[0].busy, <, 1e-9);
    g_assert_cmpuint (c[0].thread, ==, 0);
    g_assert_cmpuint (items->len, ==, 1);
    g_assert_true (weft_lod_span_at (lod, 0, 0, G_MAXUINT64, G_MAXUINT64, &span));
    g_assert_cmpuint (span, ==, 0);
    g_assert_false (weft_lod_span_at (lod, 0, 0, G_MAXUINT64, 1000, &span));
    g_assert_false (weft_lod_cpu_slice_at (lod, 0, G_MAXUINT64, 0, &span));
  }

  /* Straddling the end: half the column inside, busy. */
  {
    WeftLodWindow half = { 500, 1500, 1 };
    weft_lod_cpu_columns (lod, 0, &half, c);
    g_assert_cmpfloat_with_epsilon (c[0].busy, 0.5, 1e-6);
  }
}

static void
test_empty (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream th = weft_builder_thread (b, 10, 11);
  g_autoptr (WeftLod) lod = NULL;
  g_autoptr (GArray) items = g_array_new (FALSE, FALSE, sizeof (WeftLodItem));
  WeftLodWindow w = { 0, 1000, 10 };
  WeftLodStateColumn s[10];
  WeftLodParallelColumn p[10];
  guint64 span;

  weft_builder_thread_name (b, th, T0, "idle");
  lod = lod_util (b);

  g_assert_cmpuint (weft_model_get_duration (weft_lod_get_model (lod)), ==, 0);
  g_assert_cmpuint (weft_model_get_n_cpus (weft_lod_get_model (lod)), ==, 0);
  g_assert_cmpuint (weft_lod_get_n_task_rows (lod), ==, 0);
  weft_lod_thread_states (lod, 0, &w, s);
  weft_lod_parallelism (lod, &w, p);
  for (guint i = 0; i < 10; i++)
    {
      g_assert_cmpfloat (s[i].running + s[i].lock_wait + s[i].cond_wait, ==, 0.0);
      g_assert_cmpfloat (p[i].mean, ==, 0.0);
    }
  weft_lod_span_row (lod, 0, 0, &w, 1.0, items);
  g_assert_cmpuint (items->len, ==, 0);
  g_assert_false (weft_lod_span_at (lod, 0, 0, 0, 100, &span));
  g_assert_cmpint (weft_lod_thread_state_at (lod, 0, 0, NULL), ==, WEFT_LOD_STATE_NONE);
}

static void
on_progress (double fraction, gpointer data)
{
  double *last = data;

  g_assert_cmpfloat (fraction, >=, *last);
  g_assert_cmpfloat (fraction, <=, 1.0);
  *last = fraction;
}

static void
test_build (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (WeftLod) lod = NULL;
  WeftLod *none;
  double last = 0.0;

  for (guint i = 0; i < 1000; i++)
    {
      WeftBuilderStream th = weft_builder_thread (b, 10, 11 + i % 7);
      weft_builder_span_begin (b, th, T0 + i * 100, "s");
      weft_builder_span_end (b, th, T0 + i * 100 + 50);
      weft_builder_switch (b, cpu, T0 + i * 100, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 11 + i % 7);
      weft_builder_switch (b, cpu, T0 + i * 100 + 50, 11 + i % 7, WEFT_SWITCH_BLOCKED,
                           WEFT_TID_IDLE);
    }
  reader = stats_util_open (b);

  lod = weft_lod_new_for_reader (reader, on_progress, &last, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (last, ==, 1.0);
  g_assert_cmpuint (weft_lod_get_memory_size (lod), >, 0);
  /* The index is small beside the model. */
  g_assert_cmpuint (weft_lod_get_memory_size (lod), <,
                    weft_model_get_memory_size (weft_lod_get_model (lod)) + 64 * 1024);

  g_cancellable_cancel (cancellable);
  none = weft_lod_new (weft_lod_get_model (lod), NULL, NULL, cancellable, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/lod/cpu/half", test_cpu_half);
  g_test_add_func ("/weft/lod/cpu/random", test_cpu_random);
  g_test_add_func ("/weft/lod/cpu/many-threads", test_cpu_many_threads);
  g_test_add_func ("/weft/lod/cpu/slice-at", test_cpu_slice_at);
  g_test_add_func ("/weft/lod/states/sched", test_states);
  g_test_add_func ("/weft/lod/states/no-sched", test_states_no_sched);
  g_test_add_func ("/weft/lod/states/random", test_states_random);
  g_test_add_func ("/weft/lod/windows", test_windows);
  g_test_add_func ("/weft/lod/empty", test_empty);
  g_test_add_func ("/weft/lod/build", test_build);
  return g_test_run ();
}
