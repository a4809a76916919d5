/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Statistics of a range: spans cut in half count their clipped part,
 * everything else clipped too; and on random traces, every additive
 * figure of [a, b) plus [b, c) equals that of [a, c).
 */
#include "stats-util.h"

static void
build_call_tree (WeftBuilder *b, WeftBuilderStream s)
{
  weft_builder_span_begin (b, s, T0, "main");
  weft_builder_span_begin (b, s, T0, "a");
  weft_builder_span_begin (b, s, T0 + 100, "c");
  weft_builder_span_end (b, s, T0 + 200);
  weft_builder_span_end (b, s, T0 + 300);
  weft_builder_span_begin (b, s, T0 + 300, "b");
  weft_builder_span_begin (b, s, T0 + 400, "d");
  weft_builder_span_end (b, s, T0 + 500);
  weft_builder_span_begin (b, s, T0 + 600, "d");
  weft_builder_span_end (b, s, T0 + 800);
  weft_builder_span_end (b, s, T0 + 900);
  weft_builder_span_end (b, s, T0 + 1000);
}

static void
test_spans_cut_in_half (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;
  const WeftStatsSpan *s;

  build_call_tree (b, weft_builder_thread (b, 1, 1));
  m = stats_util_model (b);
  st = weft_stats_new (m, 250, 650);

  g_assert_false (st->whole);
  g_assert_cmpuint (st->duration_ns, ==, 400);
  /* Begins of b, d, d and ends of a, d inside [250, 650). */
  g_assert_cmpuint (st->events, ==, 5);
  g_assert_cmpuint (st->n_spans, ==, 4); /* c ended before the range */
  s = stats_util_span (st, "main");
  g_assert_cmpuint (s->ncalls, ==, 1);
  g_assert_cmpuint (s->cumtime_ns, ==, 400);
  g_assert_cmpuint (s->tottime_ns, ==, 0);
  s = stats_util_span (st, "a");
  g_assert_cmpuint (s->cumtime_ns, ==, 50);
  g_assert_cmpuint (s->tottime_ns, ==, 50);
  s = stats_util_span (st, "b");
  g_assert_cmpuint (s->cumtime_ns, ==, 350);
  g_assert_cmpuint (s->tottime_ns, ==, 200);
  s = stats_util_span (st, "d");
  g_assert_cmpuint (s->ncalls, ==, 2);
  g_assert_cmpuint (s->cumtime_ns, ==, 150);
  g_assert_cmpuint (s->tottime_ns, ==, 150);
  g_assert_cmpuint (s->percall_cumtime_ns, ==, 75);

  /* The thread's alive time and the estimate are clipped too. */
  g_assert_cmpuint (st->n_threads, ==, 1);
  g_assert_cmpuint (st->threads[0].alive_ns, ==, 400);
  g_assert_cmpuint (st->threads[0].on_cpu_ns, ==, 400);
  g_assert_cmpfloat (st->average_running, ==, 1.0);
}

/* Thread 101 runs [0, 100), [200, 300), … on CPU 0; 102 in between. */
static void
test_sched_clipped (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  WeftBuilderStream cpu1 = weft_builder_cpu (b, 1);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;
  const WeftStatsThread *t;

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_instant (b, weft_builder_thread (b, 100, 101), T0, "start");
  weft_builder_instant (b, weft_builder_thread (b, 100, 102), T0, "start");
  weft_builder_instant (b, weft_builder_thread (b, 100, 103), T0 + 800, "late");
  SW (cpu, 0, 0, PREEMPTED, 101);
  SW (cpu, 100, 101, PREEMPTED, 102);
  SW (cpu, 200, 102, BLOCKED, 101);
  SW (cpu, 300, 101, PREEMPTED, 102);
  SW (cpu, 400, 102, PREEMPTED, 0);
  SW (cpu1, 350, 0, PREEMPTED, 101);
  SW (cpu1, 1000, 101, EXITED, 0);
  m = stats_util_model (b);
  st = weft_stats_new (m, 150, 375);

  g_assert_cmpuint (st->duration_ns, ==, 225);
  g_assert_cmpuint (st->events, ==, 3); /* switches at 200, 300 (CPU 0) and 350 (CPU 1) */
  t = stats_util_thread (st, 101);
  g_assert_cmpuint (t->on_cpu_ns, ==, 100 + 25);
  g_assert_cmpuint (t->runnable_ns, ==, 50 + 50);
  g_assert_cmpuint (t->context_switches, ==, 1);
  g_assert_cmpuint (t->migrations, ==, 1);
  t = stats_util_thread (st, 102);
  g_assert_cmpuint (t->on_cpu_ns, ==, 50 + 75);
  g_assert_cmpuint (t->blocked_ns, ==, 100);
  g_assert_cmpuint (t->context_switches, ==, 1);
  /* Thread 103 is not alive in the range. */
  g_assert_cmpuint (st->n_threads, ==, 2);
  g_assert_cmpuint (st->processes[0].n_tids, ==, 2);
  g_assert_cmpuint (st->cpu_list[0].busy_ns, ==, 225);
  g_assert_cmpuint (st->cpu_list[1].busy_ns, ==, 25);
  g_assert_cmpuint (st->running_histogram_ns[1], ==, 200);
  g_assert_cmpuint (st->running_histogram_ns[2], ==, 25);
}

/* A random trace: nested spans, waits, instants, tasks and a schedule
 * over two CPUs (or none). */
static WeftModel *
random_trace (gboolean sched)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpus[2];
  gint64 on[2] = { 0, 0 };
  guint64 t;

  weft_builder_set_metadata (b, "cpu_count", "2");
  for (guint th = 1; th <= 4; th++)
    {
      WeftBuilderStream s = weft_builder_thread (b, 1, th);
      guint depth = 0;
      const char *names[] = { "alpha", "beta", "gamma" };

      t = g_test_rand_int_range (0, 50);
      weft_builder_thread_start (b, s, T0 + t, 1);
      for (guint step = 0; step < 400; step++)
        {
          guint what = g_test_rand_int_range (0, 10);

          t += g_test_rand_int_range (0, 40);
          if (what < 4 && depth < 6)
            {
              weft_builder_span_begin (b, s, T0 + t, names[g_test_rand_int_range (0, 3)]);
              depth++;
            }
          else if (what < 7 && depth > 0)
            {
              weft_builder_span_end (b, s, T0 + t);
              depth--;
            }
          else if (what == 7)
            {
              guint64 lock = g_test_rand_int_range (1, 3);
              weft_builder_lock_wait (b, s, T0 + t, lock);
              t += g_test_rand_int_range (0, 60);
              weft_builder_lock_acquired (b, s, T0 + t, lock);
            }
          else if (what == 8)
            weft_builder_instant (b, s, T0 + t, "tick");
          else
            {
              guint64 id = g_test_rand_int_range (1, 4);
              switch (g_test_rand_int_range (0, 4))
                {
                case 0:
                  weft_builder_task_begin (b, s, T0 + t, id, "job");
                  break;
                case 1:
                  weft_builder_task_suspend (b, s, T0 + t, id);
                  break;
                case 2:
                  weft_builder_task_resume (b, s, T0 + t, id);
                  break;
                default:
                  weft_builder_task_end (b, s, T0 + t, id);
                }
            }
        }
      if (g_test_rand_bit ())
        weft_builder_thread_exit (b, s, T0 + t);
    }
  if (sched)
    {
      cpus[0] = weft_builder_cpu (b, 0);
      cpus[1] = weft_builder_cpu (b, 1);
      t = 0;
      for (guint step = 0; step < 1500; step++)
        {
          guint c = g_test_rand_int_range (0, 2);
          gint64 next = g_test_rand_int_range (-1, 5);

          t += g_test_rand_int_range (0, 30);
          if (next > 0 && on[1 - c] == next)
            continue;
          weft_builder_switch (b, cpus[c], T0 + t, on[c], g_test_rand_int_range (0, 4), next);
          on[c] = next;
        }
    }
  return stats_util_model (b);
}

typedef struct
{
  guint64 events, alive, on_cpu, runnable, blocked, lock_wait, switches, migrations;
  guint64 busy, other, tottime, cumtime, active, suspended;
  guint64 hist[8];
} Sums;

static Sums
sums (const WeftStats *st)
{
  Sums s = { .events = st->events };

  for (guint i = 0; i < st->n_threads; i++)
    {
      const WeftStatsThread *t = &st->threads[i];
      s.alive += t->alive_ns;
      s.on_cpu += t->on_cpu_ns;
      s.runnable += t->runnable_ns;
      s.blocked += t->blocked_ns;
      s.lock_wait += t->lock_wait_ns;
      s.switches += t->context_switches;
      s.migrations += t->migrations;
    }
  for (guint c = 0; c < st->n_cpu_list; c++)
    {
      s.busy += st->cpu_list[c].busy_ns;
      s.other += st->cpu_list[c].other_ns;
    }
  for (guint i = 0; i < st->n_spans; i++)
    {
      s.tottime += st->spans[i].tottime_ns;
      s.cumtime += st->spans[i].cumtime_ns;
    }
  for (guint i = 0; i < st->n_tasks; i++)
    {
      s.active += st->tasks[i].active_ns;
      s.suspended += st->tasks[i].suspended_ns;
    }
  for (guint k = 0; k < st->n_running_histogram && k < G_N_ELEMENTS (s.hist); k++)
    s.hist[k] = st->running_histogram_ns[k];
  return s;
}

/* [0, cut) and [cut, d] add up to the whole trace, figure by figure. */
static void
assert_split (WeftModel *m, const WeftStats *whole, guint64 cut)
{
  guint64 d = weft_model_get_duration (m);
  Sums w = sums (whole);
  g_autoptr (WeftStats) left = weft_stats_new (m, 0, cut);
  g_autoptr (WeftStats) right = weft_stats_new (m, cut, d);
  Sums l = sums (left), r = sums (right);

  g_assert_cmpuint (l.events + r.events, ==, w.events);
  g_assert_cmpuint (l.alive + r.alive, ==, w.alive);
  g_assert_cmpuint (l.on_cpu + r.on_cpu, ==, w.on_cpu);
  g_assert_cmpuint (l.runnable + r.runnable, ==, w.runnable);
  g_assert_cmpuint (l.blocked + r.blocked, ==, w.blocked);
  g_assert_cmpuint (l.lock_wait + r.lock_wait, ==, w.lock_wait);
  g_assert_cmpuint (l.switches + r.switches, ==, w.switches);
  g_assert_cmpuint (l.migrations + r.migrations, ==, w.migrations);
  g_assert_cmpuint (l.busy + r.busy, ==, w.busy);
  g_assert_cmpuint (l.other + r.other, ==, w.other);
  g_assert_cmpuint (l.tottime + r.tottime, ==, w.tottime);
  g_assert_cmpuint (l.cumtime + r.cumtime, ==, w.cumtime);
  g_assert_cmpuint (l.active + r.active, ==, w.active);
  g_assert_cmpuint (l.suspended + r.suspended, ==, w.suspended);
  for (guint k = 0; k < G_N_ELEMENTS (w.hist); k++)
    g_assert_cmpuint (l.hist[k] + r.hist[k], ==, w.hist[k]);
  g_assert_cmpuint (l.busy, ==, left->sched ? l.on_cpu : 0);
}

static void
assert_additive (WeftModel *m)
{
  guint64 d = weft_model_get_duration (m);
  g_autoptr (WeftStats) whole = weft_stats_new_whole (m);
  Sums w = sums (whole);

  g_assert_cmpuint (whole->events, ==, weft_model_get_n_events (m));
  g_assert_cmpuint (w.busy, ==, whole->sched ? w.on_cpu : 0);
  for (guint round = 0; round < 20; round++)
    assert_split (m, whole, g_test_rand_int_range (0, (gint32) d + 1));
}

/* Every cut of a small trace, its end included. */
static void
assert_additive_every_cut (WeftModel *m)
{
  g_autoptr (WeftStats) whole = weft_stats_new_whole (m);

  g_assert_cmpuint (whole->events, ==, weft_model_get_n_events (m));
  for (guint64 cut = 0; cut <= weft_model_get_duration (m); cut++)
    assert_split (m, whole, cut);
}

static void
test_additive_sched (void)
{
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (WeftModel) m = random_trace (TRUE);
      g_assert_true (weft_model_has_sched (m));
      assert_additive (m);
    }
}

static void
test_additive_estimated (void)
{
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (WeftModel) m = random_trace (FALSE);
      g_assert_false (weft_model_has_sched (m));
      assert_additive (m);
    }
}

/* Regression (additive-sched, seed 14): a cut at the trace's end, d = 100.
 * [0, d) ends there, so it is [0, d] and holds the events at d; [d, d]
 * is empty and holds nothing, or the events at d count twice. */
static void
test_cut_at_end (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) whole = NULL;
  g_autoptr (WeftStats) left = NULL;
  g_autoptr (WeftStats) at_end = NULL;
  g_autoptr (WeftStats) after = NULL;
  g_autoptr (WeftStats) last = NULL;

  weft_builder_instant (b, s, T0, "start");
  weft_builder_instant (b, s, T0 + 100, "end");
  SW (cpu, 0, 0, PREEMPTED, 1);
  SW (cpu, 100, 1, BLOCKED, 0);
  m = stats_util_model (b);
  g_assert_cmpuint (weft_model_get_duration (m), ==, 100);

  /* Two instants and two switches, at 0 and 100. */
  whole = weft_stats_new_whole (m);
  g_assert_cmpuint (whole->events, ==, 4);
  left = weft_stats_new (m, 0, 100);
  g_assert_true (left->whole);
  g_assert_cmpuint (left->events, ==, 4);
  /* [100, 100], as `--range 100ns:` gives: nothing. */
  at_end = weft_stats_new (m, 100, 100);
  after = weft_stats_new (m, 100, G_MAXUINT64);
  g_assert_cmpuint (at_end->duration_ns, ==, 0);
  g_assert_cmpuint (at_end->events, ==, 0);
  g_assert_cmpuint (at_end->n_threads, ==, 0);
  g_assert_cmpuint (after->events, ==, 0);
  /* [50, 100] ends at the end: the instant and the switch at 100; the
   * thread ran 50 of it and was switched out once. */
  last = weft_stats_new (m, 50, 100);
  g_assert_cmpuint (last->events, ==, 2);
  g_assert_cmpuint (last->threads[0].on_cpu_ns, ==, 50);
  g_assert_cmpuint (last->threads[0].context_switches, ==, 1);
  assert_additive_every_cut (m);
}

/* A trace of one instant is [0, 0]: its whole holds its event. */
static void
test_one_instant (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;

  weft_builder_instant (b, weft_builder_thread (b, 1, 1), T0, "only");
  m = stats_util_model (b);
  st = weft_stats_new (m, 0, 0);
  g_assert_true (st->whole);
  g_assert_cmpuint (st->duration_ns, ==, 0);
  g_assert_cmpuint (st->events, ==, 1);
  g_assert_cmpuint (st->n_threads, ==, 1);
}

/* Regression (additive-sched, seeds 30 and 31): a thread handed from one
 * CPU to the other at one instant, switched out on one lane and in on the
 * other at the same time. The sweep meets the two in lane order, so at
 * 100 the switch-out (CPU 0) comes first and at 200 the switch-in (CPU 0)
 * does: it must not then take the thread for blocked or runnable while it
 * runs on the other CPU. (The idle-to-idle switch at 50 made the old
 * sweep, whose heap broke ties by its shape, meet the switch-in first at
 * both: blocked 50 in [0, 150), runnable 50 in [0, 250).)
 *   CPU 0: thread 1 [0, 100) → blocked, idle, thread 1 [200, 300) → preempted
 *   CPU 1: idle, thread 1 [100, 200) → preempted, idle
 * Thread 1 lives to 400: runnable [300, 400). */
static void
test_hand_off (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  WeftBuilderStream cpu0 = weft_builder_cpu (b, 0);
  WeftBuilderStream cpu1 = weft_builder_cpu (b, 1);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) whole = NULL;
  const guint64 cuts[] = { 150, 200, 250 };
  /* For each cut, [0, cut) then [cut, 400]: on-CPU, runnable, switches,
   * migrations. Blocked is 0 everywhere: the only blocked switch-out, at
   * 100, is followed by a switch-in at 100. */
  const guint64 want[][2][4] = {
    { { 150, 0, 1, 1 }, { 150, 100, 2, 1 } },
    { { 200, 0, 1, 1 }, { 100, 100, 2, 1 } },
    { { 250, 0, 2, 2 }, { 50, 100, 1, 0 } },
  };

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_instant (b, s, T0, "start");
  weft_builder_instant (b, s, T0 + 400, "end");
  SW (cpu0, 0, 0, PREEMPTED, 1);
  SW (cpu0, 100, 1, BLOCKED, 0);
  SW (cpu0, 200, 0, PREEMPTED, 1);
  SW (cpu0, 300, 1, PREEMPTED, 0);
  SW (cpu1, 50, 0, PREEMPTED, 0);
  SW (cpu1, 100, 0, PREEMPTED, 1);
  SW (cpu1, 200, 1, PREEMPTED, 0);
  m = stats_util_model (b);
  g_assert_cmpuint (weft_model_get_cpu (m, 0)->cpu, ==, 0);

  whole = weft_stats_new_whole (m);
  g_assert_cmpuint (whole->events, ==, 2 + 7);
  g_assert_cmpuint (whole->threads[0].on_cpu_ns, ==, 300);
  g_assert_cmpuint (whole->threads[0].runnable_ns, ==, 100);
  g_assert_cmpuint (whole->threads[0].blocked_ns, ==, 0);
  g_assert_cmpuint (whole->threads[0].context_switches, ==, 3);
  g_assert_cmpuint (whole->threads[0].migrations, ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autoptr (WeftStats) left = weft_stats_new (m, 0, cuts[i]);
      g_autoptr (WeftStats) right = weft_stats_new (m, cuts[i], 400);
      const WeftStats *side[2] = { left, right };

      for (guint k = 0; k < 2; k++)
        {
          const WeftStatsThread *t = stats_util_thread (side[k], 1);
          g_assert_cmpuint (t->on_cpu_ns, ==, want[i][k][0]);
          g_assert_cmpuint (t->runnable_ns, ==, want[i][k][1]);
          g_assert_cmpuint (t->blocked_ns, ==, 0);
          g_assert_cmpuint (t->context_switches, ==, want[i][k][2]);
          g_assert_cmpuint (t->migrations, ==, want[i][k][3]);
        }
    }
  assert_additive_every_cut (m);
}

/* Regression (additive-sched, seed 74): two of a thread's slices end at
 * one instant, one of them zero-length. How the thread left is the end
 * state of the switch-out the sweep meets last (lane order at a tie):
 * CPU 1's, preempted; a range starting later must find the same.
 *   CPU 0: idle, thread 1 [100, 100) → blocked, idle, thread 1 [300, 400) → preempted
 *   CPU 1: thread 1 [0, 100) → preempted, idle
 * Thread 1 is runnable [100, 300): 200; cut at 150, 50 + 150. */
static void
test_zero_length_slice (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  WeftBuilderStream cpu0 = weft_builder_cpu (b, 0);
  WeftBuilderStream cpu1 = weft_builder_cpu (b, 1);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) whole = NULL;
  g_autoptr (WeftStats) left = NULL;
  g_autoptr (WeftStats) right = NULL;

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_instant (b, s, T0, "start");
  SW (cpu0, 100, 0, PREEMPTED, 1);
  SW (cpu0, 100, 1, BLOCKED, 0);
  SW (cpu0, 300, 0, PREEMPTED, 1);
  SW (cpu0, 400, 1, PREEMPTED, 0);
  SW (cpu1, 0, 0, PREEMPTED, 1);
  SW (cpu1, 100, 1, PREEMPTED, 0);
  m = stats_util_model (b);
  g_assert_cmpuint (weft_model_get_cpu (m, 0)->cpu, ==, 0);

  whole = weft_stats_new_whole (m);
  g_assert_cmpuint (whole->threads[0].on_cpu_ns, ==, 200);
  g_assert_cmpuint (whole->threads[0].runnable_ns, ==, 200);
  g_assert_cmpuint (whole->threads[0].blocked_ns, ==, 0);
  g_assert_cmpuint (whole->threads[0].context_switches, ==, 3);
  /* In on CPU 0 at 100 after CPU 1; at 300 on CPU 0 again. */
  g_assert_cmpuint (whole->threads[0].migrations, ==, 1);
  left = weft_stats_new (m, 0, 150);
  right = weft_stats_new (m, 150, 400);
  g_assert_cmpuint (left->threads[0].runnable_ns, ==, 50);
  g_assert_cmpuint (right->threads[0].runnable_ns, ==, 150);
  g_assert_cmpuint (right->threads[0].blocked_ns, ==, 0);
  assert_additive_every_cut (m);
}

/* Regression (additive-sched, seeds 171 and 235): a thread whose last
 * event is its switch-out at the cut. The switch is in [cut, d], so the
 * thread is listed there, alive 0 ns, with that switch.
 *   CPU 0: thread 2 [0, 100) → exited, thread 1 [100, 200) → preempted */
static void
test_switched_out_at_cut (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) left = NULL;
  g_autoptr (WeftStats) right = NULL;
  const WeftStatsThread *t;

  weft_builder_instant (b, weft_builder_thread (b, 1, 1), T0, "start");
  weft_builder_instant (b, weft_builder_thread (b, 1, 2), T0, "start");
  SW (cpu, 0, 0, PREEMPTED, 2);
  SW (cpu, 100, 2, EXITED, 1);
  SW (cpu, 200, 1, PREEMPTED, 0);
  m = stats_util_model (b);

  left = weft_stats_new (m, 0, 100);
  t = stats_util_thread (left, 2);
  g_assert_cmpuint (t->alive_ns, ==, 100);
  g_assert_cmpuint (t->on_cpu_ns, ==, 100);
  g_assert_cmpuint (t->context_switches, ==, 0);
  right = weft_stats_new (m, 100, 200);
  g_assert_cmpuint (right->n_threads, ==, 2);
  t = stats_util_thread (right, 2);
  g_assert_cmpuint (t->alive_ns, ==, 0);
  g_assert_cmpuint (t->on_cpu_ns, ==, 0);
  g_assert_cmpuint (t->context_switches, ==, 1);
  assert_additive_every_cut (m);
}

/* Regression (additive-estimated, fuzz-analyzer): a condition wait never
 * woken ends at the thread's end, past the span it began in, and covers
 * the thread's later span too. Without scheduler data the sweep from 0
 * forgot the wait after its first span and counted the later one as
 * running (12 + 2 ns), while a sweep from inside the wait did not: the
 * halves said 12 + 0. The thread runs [0, 12) only.
 *   thread 1: span [0, 53) with a cond wait from 12, span [353, 355) */
static void
test_wait_past_span (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) whole = NULL;
  g_autoptr (WeftStats) left = NULL;
  g_autoptr (WeftStats) right = NULL;

  weft_builder_span_begin (b, s, T0 + 1300, "work");
  weft_builder_cond_wait (b, s, T0 + 1312, 7, 8);
  weft_builder_span_end (b, s, T0 + 1353);
  weft_builder_span_begin (b, s, T0 + 1653, "late");
  weft_builder_span_end (b, s, T0 + 1655);
  m = stats_util_model (b);
  g_assert_false (weft_model_has_sched (m));
  g_assert_cmpuint (weft_model_get_duration (m), ==, 355);

  whole = weft_stats_new_whole (m);
  g_assert_cmpuint (whole->threads[0].on_cpu_ns, ==, 12);
  g_assert_cmpuint (whole->running_histogram_ns[0], ==, 343);
  g_assert_cmpuint (whole->running_histogram_ns[1], ==, 12);
  left = weft_stats_new (m, 0, 177);
  right = weft_stats_new (m, 177, 355);
  g_assert_cmpuint (left->threads[0].on_cpu_ns, ==, 12);
  g_assert_cmpuint (right->threads[0].on_cpu_ns, ==, 0);
  assert_additive_every_cut (m);
}

/* A range that is the whole trace gives the whole trace's numbers. */
static void
test_whole_range (void)
{
  g_autoptr (WeftModel) m = random_trace (TRUE);
  g_autoptr (WeftStats) whole = weft_stats_new_whole (m);
  g_autoptr (WeftStats) big = weft_stats_new (m, 0, G_MAXUINT64);
  g_autoptr (WeftStats) after = weft_stats_new (m, weft_model_get_duration (m) + 5, G_MAXUINT64);

  g_assert_true (big->whole);
  g_assert_cmpstr (big->verdict, ==, whole->verdict);
  g_assert_cmpuint (after->duration_ns, ==, 0);
  g_assert_cmpuint (after->n_spans, <=, whole->n_spans);
}

/* Regression (fuzz-analyzer, mutant 45156): a hostile schedule runs
 * thread 101 on CPU 0 over [0, 1000), ended in an unknown state, and on
 * CPU 1 twice meanwhile, last preempted at 400. The whole sweep meets the
 * unknown switch-out last, so 101 is not runnable before it runs again at
 * 1500; a range from 1200 must find the same, though its slices' ends do
 * not rise with their starts. */
static void
test_overlapping_slices (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  WeftBuilderStream cpu1 = weft_builder_cpu (b, 1);
  g_autoptr (WeftModel) m = NULL;

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_instant (b, weft_builder_thread (b, 100, 101), T0, "start");
  SW (cpu, 0, 0, PREEMPTED, 101);
  SW (cpu1, 100, 0, PREEMPTED, 101);
  SW (cpu1, 200, 101, BLOCKED, 0);
  SW (cpu1, 300, 0, PREEMPTED, 101);
  SW (cpu1, 400, 101, PREEMPTED, 0);
  SW (cpu, 1000, 101, UNKNOWN, 0);
  SW (cpu, 1500, 0, PREEMPTED, 101);
  SW (cpu, 1600, 101, EXITED, 0);
  m = stats_util_model (b);

  for (guint64 cut = 100; cut < 1600; cut += 100)
    {
      g_autoptr (WeftStats) left = weft_stats_new (m, 0, cut);
      g_autoptr (WeftStats) right = weft_stats_new (m, cut, 1600);

      g_assert_cmpuint (stats_util_thread (left, 101)->runnable_ns, ==, 0);
      g_assert_cmpuint (stats_util_thread (right, 101)->runnable_ns, ==, 0);
    }
  assert_additive_every_cut (m);
}

/* Regression (libFuzzer): the outer acquire of a nested wait files the
 * inner acquire's time (300) after an unmatched span end at 400, so the
 * thread's other event times came out unsorted and a range counted them
 * by binary search wrongly. */
static void
test_nested_wait_times (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) left = NULL;
  g_autoptr (WeftStats) right = NULL;

  weft_builder_instant (b, s, T0, "first");
  weft_builder_lock_wait (b, s, T0 + 100, 0x10);
  weft_builder_lock_wait (b, s, T0 + 200, 0x10);
  weft_builder_lock_acquired (b, s, T0 + 300, 0x10);
  weft_builder_span_end (b, s, T0 + 400);
  weft_builder_lock_acquired (b, s, T0 + 500, 0x10);
  weft_builder_instant (b, s, T0 + 600, "last");
  m = stats_util_model (b);
  left = weft_stats_new (m, 0, 350);
  right = weft_stats_new (m, 350, 600);

  g_assert_cmpuint (weft_model_get_n_events (m), ==, 7);
  g_assert_cmpuint (left->events, ==, 4);  /* 0, the waits at 100 and 200, the acquire at 300 */
  g_assert_cmpuint (right->events, ==, 3); /* the end at 400, the outer acquire, the instant */
  assert_additive_every_cut (m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/stats-range/spans-cut-in-half", test_spans_cut_in_half);
  g_test_add_func ("/weft/stats-range/sched-clipped", test_sched_clipped);
  g_test_add_func ("/weft/stats-range/additive-sched", test_additive_sched);
  g_test_add_func ("/weft/stats-range/additive-estimated", test_additive_estimated);
  g_test_add_func ("/weft/stats-range/cut-at-end", test_cut_at_end);
  g_test_add_func ("/weft/stats-range/one-instant", test_one_instant);
  g_test_add_func ("/weft/stats-range/hand-off", test_hand_off);
  g_test_add_func ("/weft/stats-range/zero-length-slice", test_zero_length_slice);
  g_test_add_func ("/weft/stats-range/switched-out-at-cut", test_switched_out_at_cut);
  g_test_add_func ("/weft/stats-range/wait-past-span", test_wait_past_span);
  g_test_add_func ("/weft/stats-range/whole-range", test_whole_range);
  g_test_add_func ("/weft/stats-range/overlapping-slices", test_overlapping_slices);
  g_test_add_func ("/weft/stats-range/nested-wait-times", test_nested_wait_times);
  return g_test_run ();
}
