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

static void
assert_additive (WeftModel *m)
{
  guint64 d = weft_model_get_duration (m);
  g_autoptr (WeftStats) whole = weft_stats_new_whole (m);
  Sums w = sums (whole);

  g_assert_cmpuint (whole->events, ==, weft_model_get_n_events (m));
  g_assert_cmpuint (w.busy, ==, whole->sched ? w.on_cpu : 0);
  for (guint round = 0; round < 20; round++)
    {
      guint64 cut = g_test_rand_int_range (0, (gint32) d + 1);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/stats-range/spans-cut-in-half", test_spans_cut_in_half);
  g_test_add_func ("/weft/stats-range/sched-clipped", test_sched_clipped);
  g_test_add_func ("/weft/stats-range/additive-sched", test_additive_sched);
  g_test_add_func ("/weft/stats-range/additive-estimated", test_additive_estimated);
  g_test_add_func ("/weft/stats-range/whole-range", test_whole_range);
  return g_test_run ();
}
