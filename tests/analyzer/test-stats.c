/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * SPEC §5 statistics on whole synthetic traces whose answers are worked
 * out by hand: interleaving on one core, parallel on two, a lock convoy, a
 * condition-variable handoff, async tasks, recursion and the cProfile
 * identity, migrations, a trace without scheduler data.
 */
#include "stats-util.h"

/* Two threads of one process take turns on CPU 0 every 100 ns; CPU 1
 * stays idle. */
static void
test_alternation_one_cpu (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream a = weft_builder_thread (b, 100, 101);
  WeftBuilderStream c = weft_builder_thread (b, 100, 102);
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;
  const WeftStatsThread *t;

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_thread_start (b, a, T0, 100);
  weft_builder_span_begin (b, a, T0, "work");
  weft_builder_span_end (b, a, T0 + 900);
  weft_builder_thread_exit (b, a, T0 + 900);
  weft_builder_thread_start (b, c, T0, 100);
  weft_builder_span_begin (b, c, T0, "work");
  weft_builder_span_end (b, c, T0 + 1000);
  weft_builder_thread_exit (b, c, T0 + 1000);
  SW (cpu, 0, 0, PREEMPTED, 101);
  for (guint64 at = 100; at < 900; at += 200)
    {
      SW (cpu, at, 101, PREEMPTED, 102);
      SW (cpu, at + 100, 102, PREEMPTED, 101);
    }
  SW (cpu, 900, 101, EXITED, 102);
  SW (cpu, 1000, 102, EXITED, 0);
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  g_assert_true (st->sched);
  g_assert_cmpuint (st->duration_ns, ==, 1000);
  g_assert_cmpuint (st->events, ==, 4 + 11);
  g_assert_cmpint (st->cpus, ==, 2);
  g_assert_cmpuint (st->n_threads, ==, 2);

  t = stats_util_thread (st, 101);
  g_assert_cmpuint (t->alive_ns, ==, 900);
  g_assert_cmpuint (t->on_cpu_ns, ==, 500);
  g_assert_cmpuint (t->runnable_ns, ==, 400);
  g_assert_cmpuint (t->blocked_ns, ==, 0);
  g_assert_cmpuint (t->context_switches, ==, 5);
  g_assert_cmpuint (t->migrations, ==, 0);
  t = stats_util_thread (st, 102);
  g_assert_cmpuint (t->alive_ns, ==, 1000);
  g_assert_cmpuint (t->on_cpu_ns, ==, 500);
  g_assert_cmpuint (t->runnable_ns, ==, 400);
  g_assert_cmpuint (t->context_switches, ==, 5);

  g_assert_cmpuint (st->n_cpu_list, ==, 2);
  g_assert_cmpuint (st->cpu_list[0].busy_ns, ==, 1000);
  g_assert_cmpfloat (st->cpu_list[0].utilization, ==, 1.0);
  g_assert_cmpuint (st->cpu_list[1].busy_ns, ==, 0);

  g_assert_cmpfloat (st->average_running, ==, 1.0);
  g_assert_cmpuint (st->max_running, ==, 1);
  g_assert_cmpuint (st->n_running_histogram, ==, 3);
  g_assert_cmpuint (st->running_histogram_ns[0], ==, 0);
  g_assert_cmpuint (st->running_histogram_ns[1], ==, 1000);
  g_assert_cmpuint (st->running_histogram_ns[2], ==, 0);
  g_assert_cmpfloat (st->average_threads_alive, ==, 1.9);
  g_assert_cmpfloat (st->average_tasks_in_progress, ==, 0.0);

  g_assert_cmpstr (st->verdict, ==,
                   "1.9 threads alive, 1.00 running on average on 2 cores: "
                   "concurrent, interleaved: about one core at a time");
}

/* Two threads each busy on their own CPU the whole time. */
static void
test_parallel_two_cpus (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream a = weft_builder_thread (b, 100, 101);
  WeftBuilderStream c = weft_builder_thread (b, 200, 200);
  WeftBuilderStream cpu0 = weft_builder_cpu (b, 0);
  WeftBuilderStream cpu1 = weft_builder_cpu (b, 1);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_span_begin (b, a, T0, "crunch");
  weft_builder_span_end (b, a, T0 + 1000);
  weft_builder_span_begin (b, c, T0, "crunch");
  weft_builder_span_end (b, c, T0 + 1000);
  SW (cpu0, 0, 0, PREEMPTED, 101);
  SW (cpu0, 1000, 101, EXITED, 0);
  SW (cpu1, 0, 0, PREEMPTED, 200);
  SW (cpu1, 1000, 200, EXITED, 0);
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  g_assert_cmpuint (st->n_processes, ==, 2);
  g_assert_cmpuint (stats_util_thread (st, 101)->on_cpu_ns, ==, 1000);
  g_assert_cmpuint (stats_util_thread (st, 200)->on_cpu_ns, ==, 1000);
  g_assert_cmpfloat (st->average_running, ==, 2.0);
  g_assert_cmpuint (st->max_running, ==, 2);
  g_assert_cmpuint (st->running_histogram_ns[2], ==, 1000);
  g_assert_cmpfloat (st->cpu_list[1].utilization, ==, 1.0);
  g_assert_cmpstr (st->verdict, ==,
                   "2.0 threads alive, 2.00 running on average on 2 cores: "
                   "parallel: about 2 cores busy at once");
  g_assert_cmpuint (st->n_spans, ==, 1);
  g_assert_cmpuint (st->spans[0].ncalls, ==, 2);
  g_assert_cmpuint (st->spans[0].cumtime_ns, ==, 2000);
}

/* Three threads behind one lock, no scheduler data: thread 11 holds it
 * [0, 100), 12 waits [10, 100) and holds [100, 200), 13 waits [20, 200)
 * and holds [200, 300). Each wraps its turn in a span. */
static void
test_lock_convoy_estimated (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s[3];
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;

  weft_builder_set_metadata (b, "cpu_count", "4");
  weft_builder_set_metadata (b, "sched", "false");
  for (guint i = 0; i < 3; i++)
    s[i] = weft_builder_thread (b, 10, 11 + i);
  weft_builder_lock_name (b, s[0], T0, 0x1000, "bank");
  weft_builder_span_begin (b, s[0], T0, "transfer");
  weft_builder_lock_released (b, s[0], T0 + 100, 0x1000);
  weft_builder_span_end (b, s[0], T0 + 100);
  for (guint i = 1; i < 3; i++)
    {
      weft_builder_span_begin (b, s[i], T0 + 10 * i, "transfer");
      weft_builder_lock_wait (b, s[i], T0 + 10 * i, 0x1000);
      weft_builder_lock_acquired (b, s[i], T0 + 100 * i, 0x1000);
      weft_builder_lock_released (b, s[i], T0 + 100 * (i + 1), 0x1000);
      weft_builder_span_end (b, s[i], T0 + 100 * (i + 1));
    }
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  g_assert_false (st->sched);
  g_assert_cmpuint (st->events, ==, 6 + 2 + 2 + 3);
  g_assert_cmpuint (st->duration_ns, ==, 300);
  g_assert_cmpuint (st->n_locks, ==, 1);
  g_assert_cmpstr (st->locks[0].name, ==, "bank");
  g_assert_cmpuint (st->locks[0].contended, ==, 2);
  g_assert_cmpuint (st->locks[0].wait_ns, ==, 90 + 180);
  g_assert_cmpuint (stats_util_thread (st, 11)->lock_wait_ns, ==, 0);
  g_assert_cmpuint (stats_util_thread (st, 12)->lock_wait_ns, ==, 90);
  g_assert_cmpuint (stats_util_thread (st, 13)->lock_wait_ns, ==, 180);
  /* Estimated: in a span and not waiting. */
  g_assert_cmpuint (stats_util_thread (st, 11)->on_cpu_ns, ==, 100);
  g_assert_cmpuint (stats_util_thread (st, 12)->on_cpu_ns, ==, 100);
  g_assert_cmpuint (stats_util_thread (st, 13)->on_cpu_ns, ==, 100);
  g_assert_cmpuint (stats_util_thread (st, 12)->alive_ns, ==, 190);
  g_assert_cmpfloat (st->average_running, ==, 1.0);
  g_assert_cmpuint (st->n_running_histogram, ==, 5);
  g_assert_cmpuint (st->running_histogram_ns[1], ==, 300);
  g_assert_cmpuint (st->n_cpu_list, ==, 4);
  g_assert_cmpfloat (st->average_threads_alive, ==, 570.0 / 300.0);
  g_assert_cmpstr (st->verdict, ==,
                   "1.9 threads alive, 1.00 running on average on 4 cores: "
                   "concurrent, interleaved: about one core at a time (estimated)");
}

/* A program's own weft_lock_wait()/weft_lock_acquired() around a
 * pthread_mutex_lock() that the hooks of `weft record` record too: the
 * waits nest on one lock and are one wait. Thread 21 holds the lock
 * [0, 100); 22 waits [10, 101) (the hooks' wait [12, 100) inside); 23
 * waits [200, 250) but its outer acquire is missing, and a later
 * uncontended acquire at 300 does not stretch that wait; 24's nested
 * wait is never acquired and ends with the thread at 400. */
static void
test_lock_nested_waits (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s21 = weft_builder_thread (b, 20, 21);
  WeftBuilderStream s22 = weft_builder_thread (b, 20, 22);
  WeftBuilderStream s23 = weft_builder_thread (b, 20, 23);
  WeftBuilderStream s24 = weft_builder_thread (b, 20, 24);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;
  g_autoptr (WeftStats) part = NULL;
  const WeftModelThread *t22;

  weft_builder_set_metadata (b, "cpu_count", "4");
  weft_builder_lock_name (b, s21, T0, 0x1000, "ledger");
  weft_builder_span_begin (b, s21, T0, "audit");
  weft_builder_lock_released (b, s21, T0 + 100, 0x1000);
  weft_builder_span_end (b, s21, T0 + 100);

  weft_builder_lock_wait (b, s22, T0 + 10, 0x1000);
  weft_builder_lock_wait (b, s22, T0 + 12, 0x1000);
  weft_builder_lock_acquired (b, s22, T0 + 100, 0x1000);
  weft_builder_lock_acquired (b, s22, T0 + 101, 0x1000);
  weft_builder_lock_released (b, s22, T0 + 150, 0x1000);

  weft_builder_lock_wait (b, s23, T0 + 200, 0x1000);
  weft_builder_lock_wait (b, s23, T0 + 205, 0x1000);
  weft_builder_lock_acquired (b, s23, T0 + 250, 0x1000);
  weft_builder_lock_released (b, s23, T0 + 260, 0x1000);
  weft_builder_lock_acquired (b, s23, T0 + 300, 0x1000);
  weft_builder_lock_released (b, s23, T0 + 310, 0x1000);

  weft_builder_lock_wait (b, s24, T0 + 350, 0x1000);
  weft_builder_lock_wait (b, s24, T0 + 360, 0x1000);
  weft_builder_thread_exit (b, s24, T0 + 400);
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  g_assert_cmpuint (st->events, ==, 2 + 1 + 5 + 6 + 2);
  g_assert_cmpuint (st->duration_ns, ==, 400);
  g_assert_cmpuint (st->n_locks, ==, 1);
  g_assert_cmpstr (st->locks[0].name, ==, "ledger");
  g_assert_cmpuint (st->locks[0].contended, ==, 3);
  g_assert_cmpuint (st->locks[0].wait_ns, ==, 91 + 50 + 50);
  g_assert_cmpuint (stats_util_thread (st, 22)->lock_wait_ns, ==, 91);
  g_assert_cmpuint (stats_util_thread (st, 23)->lock_wait_ns, ==, 50);
  g_assert_cmpuint (stats_util_thread (st, 24)->lock_wait_ns, ==, 50);

  t22 = weft_model_get_thread (m, stats_util_model_thread (m, 22));
  g_assert_cmpuint (t22->n_waits, ==, 1);
  g_assert_cmpuint (t22->waits[0].start, ==, 10);
  g_assert_cmpuint (t22->waits[0].end, ==, 101);
  g_assert_cmpuint (t22->waits[0].flags, ==, WEFT_MODEL_WAIT_NESTED);

  /* A range that cuts the merged wait counts its part once. */
  part = weft_stats_new (m, 0, 50);
  g_assert_cmpuint (part->n_locks, ==, 1);
  g_assert_cmpuint (part->locks[0].contended, ==, 1);
  g_assert_cmpuint (part->locks[0].wait_ns, ==, 40);
  g_assert_cmpuint (stats_util_thread (part, 22)->lock_wait_ns, ==, 40);
}

/* Estimate without scheduler data capped at the CPU count: three threads
 * in spans at once on a 2-CPU machine count as 2. */
static void
test_estimate_capped (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;

  weft_builder_set_metadata (b, "cpu_count", "2");
  for (guint i = 0; i < 3; i++)
    {
      WeftBuilderStream s = weft_builder_thread (b, 1, 1 + i);
      weft_builder_span_begin (b, s, T0 + 100 * i, "run");
      weft_builder_span_end (b, s, T0 + 1000);
    }
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  g_assert_cmpuint (st->n_running_histogram, ==, 3);
  g_assert_cmpuint (st->running_histogram_ns[0], ==, 0);
  g_assert_cmpuint (st->running_histogram_ns[1], ==, 100);
  g_assert_cmpuint (st->running_histogram_ns[2], ==, 900);
  g_assert_cmpuint (st->max_running, ==, 2);
  g_assert_cmpfloat (st->average_running, ==, 1.9);
  g_assert_cmpuint (stats_util_thread (st, 3)->on_cpu_ns, ==, 800);
  g_assert_cmpstr (st->verdict, ==,
                   "2.7 threads alive, 1.90 running on average on 2 cores: "
                   "parallel: about 2 cores busy at once (estimated)");
}

/* A GIL-like handoff through a condition variable, with the scheduler:
 * thread 21 runs, waits [100, 200) while 22 runs, and runs again. */
static void
test_condition_handoff (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream a = weft_builder_thread (b, 20, 21);
  WeftBuilderStream c = weft_builder_thread (b, 20, 22);
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;
  const WeftStatsThread *t;

  weft_builder_set_metadata (b, "cpu_count", "1");
  weft_builder_lock_name (b, a, T0, 0x2000, "gil");
  weft_builder_span_begin (b, a, T0, "run");
  weft_builder_cond_wait (b, a, T0 + 100, 0x2000, 0x3000);
  weft_builder_cond_woken (b, a, T0 + 200, 0x2000);
  weft_builder_span_end (b, a, T0 + 300);
  weft_builder_thread_exit (b, a, T0 + 300);
  weft_builder_span_begin (b, c, T0, "run");
  weft_builder_cond_wait (b, c, T0, 0x2000, 0x3000);
  weft_builder_cond_woken (b, c, T0 + 100, 0x2000);
  weft_builder_span_end (b, c, T0 + 200);
  SW (cpu, 0, 0, PREEMPTED, 21);
  SW (cpu, 100, 21, BLOCKED, 22);
  SW (cpu, 200, 22, EXITED, 21);
  SW (cpu, 300, 21, EXITED, 0);
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  t = stats_util_thread (st, 21);
  g_assert_cmpuint (t->on_cpu_ns, ==, 200);
  g_assert_cmpuint (t->blocked_ns, ==, 100);
  g_assert_cmpuint (t->runnable_ns, ==, 0);
  g_assert_cmpuint (t->lock_wait_ns, ==, 100);
  g_assert_cmpuint (t->context_switches, ==, 2);
  t = stats_util_thread (st, 22);
  g_assert_cmpuint (t->on_cpu_ns, ==, 100);
  g_assert_cmpuint (t->blocked_ns, ==, 0); /* before its first run: unknown */
  g_assert_cmpuint (t->lock_wait_ns, ==, 100);
  g_assert_cmpuint (st->n_locks, ==, 1);
  g_assert_cmpstr (st->locks[0].name, ==, "gil");
  g_assert_cmpuint (st->locks[0].contended, ==, 2);
  g_assert_cmpuint (st->locks[0].wait_ns, ==, 200);
  g_assert_cmpfloat (st->average_running, ==, 1.0);
  g_assert_cmpuint (st->cpu_list[0].busy_ns, ==, 300);
  g_assert_cmpstr (st->verdict, ==,
                   "1.7 threads alive, 1.00 running on average on 1 core: "
                   "concurrent, interleaved: about one core at a time");
}

/* Tasks of known active and suspended time; "parse" moves threads. */
static void
test_async_tasks (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream a = weft_builder_thread (b, 30, 31);
  WeftBuilderStream c = weft_builder_thread (b, 30, 32);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;
  const WeftStatsTask *task;

  weft_builder_set_metadata (b, "cpu_count", "1");
  weft_builder_span_begin (b, a, T0, "loop");
  weft_builder_task_begin (b, a, T0, 1, "fetch");
  weft_builder_task_begin (b, a, T0 + 50, 2, "fetch");
  weft_builder_task_suspend (b, a, T0 + 60, 2);
  weft_builder_task_resume (b, a, T0 + 70, 2);
  weft_builder_task_suspend (b, a, T0 + 100, 1);
  weft_builder_task_end (b, a, T0 + 100, 2);
  weft_builder_task_begin (b, a, T0 + 100, 3, "parse");
  weft_builder_task_suspend (b, a, T0 + 150, 3);
  weft_builder_task_resume (b, a, T0 + 300, 1);
  weft_builder_task_end (b, a, T0 + 400, 1);
  weft_builder_span_end (b, a, T0 + 400);
  weft_builder_task_resume (b, c, T0 + 250, 3);
  weft_builder_task_end (b, c, T0 + 300, 3);
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  g_assert_cmpuint (st->events, ==, 2 + 12);
  g_assert_cmpuint (st->n_tasks, ==, 2);
  task = stats_util_task (st, "fetch");
  g_assert_cmpuint (task->count, ==, 2);
  g_assert_cmpuint (task->active_ns, ==, 200 + 40);
  g_assert_cmpuint (task->suspended_ns, ==, 200 + 10);
  task = stats_util_task (st, "parse");
  g_assert_cmpuint (task->count, ==, 1);
  g_assert_cmpuint (task->active_ns, ==, 100);
  g_assert_cmpuint (task->suspended_ns, ==, 100);
  g_assert_cmpstr (st->tasks[0].name, ==, "fetch"); /* the most time first */
  g_assert_cmpfloat (st->average_tasks_in_progress, ==, 650.0 / 400.0);
  g_assert_cmpfloat (st->average_threads_alive, ==, 450.0 / 400.0);
  g_assert_cmpstr (st->verdict, ==,
                   "1.1 threads alive, 1.00 running on average on 1 core: "
                   "concurrent, interleaved: 1.6 tasks in progress (estimated)");
}

/* f recursing twice around g: only the outermost f adds to cumtime. */
static void
test_recursion (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;
  const WeftStatsSpan *f, *g;

  weft_builder_span_begin (b, s, T0, "f");
  weft_builder_span_begin (b, s, T0 + 10, "f");
  weft_builder_span_begin (b, s, T0 + 20, "f");
  weft_builder_span_begin (b, s, T0 + 30, "g");
  weft_builder_span_end (b, s, T0 + 50);
  weft_builder_span_end (b, s, T0 + 80);
  weft_builder_span_end (b, s, T0 + 90);
  weft_builder_span_end (b, s, T0 + 100);
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  f = stats_util_span (st, "f");
  g = stats_util_span (st, "g");
  g_assert_cmpuint (f->ncalls, ==, 3);
  g_assert_cmpuint (f->cumtime_ns, ==, 100);
  g_assert_cmpuint (f->tottime_ns, ==, 20 + 20 + 40);
  g_assert_cmpuint (f->percall_tottime_ns, ==, 27); /* 80 / 3 rounded */
  g_assert_cmpuint (f->percall_cumtime_ns, ==, 33);
  g_assert_cmpuint (g->ncalls, ==, 1);
  g_assert_cmpuint (g->tottime_ns, ==, 20);
  g_assert_cmpuint (g->cumtime_ns, ==, 20);
  g_assert_cmpuint (f->cumtime_ns, ==, f->tottime_ns + g->cumtime_ns);
  g_assert_cmpstr (st->spans[0].name, ==, "f");
}

/* main → a → c, main → b → d (twice), on two threads with the same tree. */
static void
build_call_tree (WeftBuilder *b, WeftBuilderStream s, guint64 base)
{
  weft_builder_span_begin (b, s, base, "main");
  weft_builder_span_begin (b, s, base, "a");
  weft_builder_span_begin (b, s, base + 100, "c");
  weft_builder_span_end (b, s, base + 200);
  weft_builder_span_end (b, s, base + 300);
  weft_builder_span_begin (b, s, base + 300, "b");
  weft_builder_span_begin (b, s, base + 400, "d");
  weft_builder_span_end (b, s, base + 500);
  weft_builder_span_begin (b, s, base + 600, "d");
  weft_builder_span_end (b, s, base + 800);
  weft_builder_span_end (b, s, base + 900);
  weft_builder_span_end (b, s, base + 1000);
}

static void
test_cprofile_identity (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;
  const char *order[] = { "main", "b", "a", "d", "c" };
  struct
  {
    const char *name;
    guint64 ncalls, tot, cum;
  } expected[] = {
    { "main", 2, 200, 2000 }, { "a", 2, 400, 600 }, { "c", 2, 200, 200 },
    { "b", 2, 600, 1200 },    { "d", 4, 600, 600 },
  };

  build_call_tree (b, weft_builder_thread (b, 1, 1), T0);
  build_call_tree (b, weft_builder_thread (b, 1, 2), T0 + 5000);
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  g_assert_cmpuint (st->n_spans, ==, 5);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const WeftStatsSpan *s = stats_util_span (st, expected[i].name);
      g_assert_cmpuint (s->ncalls, ==, expected[i].ncalls);
      g_assert_cmpuint (s->tottime_ns, ==, expected[i].tot);
      g_assert_cmpuint (s->cumtime_ns, ==, expected[i].cum);
    }
  g_assert_cmpuint (stats_util_span (st, "main")->cumtime_ns, ==,
                    stats_util_span (st, "main")->tottime_ns + stats_util_span (st, "a")->cumtime_ns
                      + stats_util_span (st, "b")->cumtime_ns);
  g_assert_cmpuint (stats_util_span (st, "b")->cumtime_ns, ==,
                    stats_util_span (st, "b")->tottime_ns + stats_util_span (st, "d")->cumtime_ns);
  /* Sorted by cumtime, largest first (ties by name). */
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpstr (st->spans[i].name, ==, order[i]);

  weft_stats_sort_spans (st, WEFT_STATS_SORT_NCALLS);
  g_assert_cmpstr (st->spans[0].name, ==, "d");
  weft_stats_sort_spans (st, WEFT_STATS_SORT_TOTTIME);
  g_assert_cmpstr (st->spans[0].name, ==, "b");
  g_assert_cmpstr (st->spans[1].name, ==, "d");
  weft_stats_sort_spans (st, WEFT_STATS_SORT_NAME);
  g_assert_cmpstr (st->spans[0].name, ==, "a");
  g_assert_cmpstr (st->spans[4].name, ==, "main");
}

/* Thread 1 hops between CPUs: 0, 1, 1, 0 is two migrations; it also
 * blocks once. */
static void
test_migrations (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  WeftBuilderStream c0 = weft_builder_cpu (b, 0);
  WeftBuilderStream c1 = weft_builder_cpu (b, 1);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;
  const WeftStatsThread *t;

  weft_builder_thread_start (b, s, T0, 0);
  SW (c0, 0, 0, PREEMPTED, 1);
  SW (c0, 100, 1, PREEMPTED, -1);
  SW (c1, 200, 0, PREEMPTED, 1);
  SW (c1, 300, 1, BLOCKED, 0);
  SW (c1, 450, 0, PREEMPTED, 1);
  SW (c1, 500, 1, PREEMPTED, 0);
  SW (c0, 600, -1, PREEMPTED, 1);
  SW (c0, 700, 1, EXITED, 0);
  SW (c0, 800, 0, PREEMPTED, -1);
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  t = stats_util_thread (st, 1);
  g_assert_cmpuint (t->migrations, ==, 2);
  g_assert_cmpuint (t->context_switches, ==, 4);
  g_assert_cmpuint (t->on_cpu_ns, ==, 100 + 100 + 50 + 100);
  g_assert_cmpuint (t->runnable_ns, ==, 100 + 100);
  g_assert_cmpuint (t->blocked_ns, ==, 150);
  g_assert_cmpuint (t->alive_ns, ==, 700);
  g_assert_cmpuint (st->cpu_list[0].busy_ns, ==, 200);
  g_assert_cmpuint (st->cpu_list[1].busy_ns, ==, 150);
  /* Not recorded system-wide: "other" is unknown however it ran. */
  g_assert_false (st->other_known);
  g_assert_cmpuint (st->cpu_list[0].other_ns, ==, 500 + 0);
}

static void
test_other_system_wide (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  WeftBuilderStream c0 = weft_builder_cpu (b, 0);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;

  weft_builder_set_metadata (b, "system_wide", "true");
  weft_builder_instant (b, s, T0, "x");
  SW (c0, 0, 0, PREEMPTED, -1);
  SW (c0, 30, -1, PREEMPTED, 1);
  SW (c0, 70, 1, BLOCKED, 0);
  SW (c0, 100, 0, PREEMPTED, -1);
  SW (c0, 120, -1, PREEMPTED, 0);
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  g_assert_true (st->other_known);
  g_assert_cmpuint (st->cpu_list[0].busy_ns, ==, 40);
  g_assert_cmpuint (st->cpu_list[0].other_ns, ==, 50);
  g_assert_cmpfloat (st->cpu_list[0].utilization, ==, 40.0 / 120.0);
}

/* Busy summed over cores equals on-CPU summed over threads, and the
 * histogram's running-thread time too, on a random schedule. */
static void
test_busy_equals_on_cpu (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpus[3];
  gint64 running[3] = { 0, 0, 0 };
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;
  guint64 busy = 0, on_cpu = 0, hist = 0, t = 0;

  for (guint c = 0; c < 3; c++)
    cpus[c] = weft_builder_cpu (b, c);
  for (guint i = 1; i <= 6; i++)
    weft_builder_instant (b, weft_builder_thread (b, 1, i), T0, "hello");
  for (guint step = 0; step < 3000; step++)
    {
      guint c = g_test_rand_int_range (0, 3);
      gint64 next = g_test_rand_int_range (-1, 7);
      gboolean busy_elsewhere = FALSE;

      t += g_test_rand_int_range (0, 50);
      for (guint k = 0; k < 3; k++)
        busy_elsewhere |= k != c && next > 0 && running[k] == next;
      if (busy_elsewhere)
        continue;
      weft_builder_switch (b, cpus[c], T0 + t, running[c], g_test_rand_int_range (0, 4), next);
      running[c] = next;
    }
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  for (guint c = 0; c < st->n_cpu_list; c++)
    busy += st->cpu_list[c].busy_ns;
  for (guint i = 0; i < st->n_threads; i++)
    on_cpu += st->threads[i].on_cpu_ns;
  for (guint k = 0; k < st->n_running_histogram; k++)
    hist += k * st->running_histogram_ns[k];
  g_assert_cmpuint (busy, >, 0);
  g_assert_cmpuint (busy, ==, on_cpu);
  g_assert_cmpuint (hist, ==, on_cpu);
}

static void
test_empty_trace (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;

  weft_builder_set_metadata (b, "command", "true");
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  g_assert_cmpuint (st->duration_ns, ==, 0);
  g_assert_cmpuint (st->events, ==, 0);
  g_assert_cmpuint (st->n_threads, ==, 0);
  g_assert_cmpint (st->cpus, ==, -1);
  g_assert_cmpfloat (st->average_running, ==, 0.0);
  g_assert_cmpstr (st->verdict, ==,
                   "0.0 threads alive, 0.00 running on average: "
                   "sequential: one thing at a time (estimated)");
}

static void
test_verdict_rule (void)
{
  g_autofree char *v1 = weft_stats_verdict_label (1.0, 1.0, 4, 1.0);
  g_autofree char *v2 = weft_stats_verdict_label (4.0, 0.0, 2, 0.4);
  g_autofree char *v3 = weft_stats_verdict_label (4.0, 0.0, 2, 0.6);
  g_autofree char *v4 = weft_stats_verdict_label (4.0, 0.0, 4, 3.2);
  g_autofree char *v5 = weft_stats_verdict_label (4.0, 0.0, 4, 2.0);
  g_autofree char *v6 = weft_stats_verdict_label (1.5, 0.0, -1, 1.3);
  g_autofree char *v7 = weft_stats_verdict_label (4.9, 0.0, 2, 1.14);
  g_autofree char *s7 = weft_stats_verdict (4.9, 0.0, 2, 1.14, FALSE);

  g_assert_cmpstr (v1, ==, "sequential: one thing at a time");
  g_assert_cmpstr (v2, ==, "mostly waiting");
  g_assert_cmpstr (v3, ==, "concurrent, interleaved: about one core at a time");
  g_assert_cmpstr (v4, ==, "parallel: about 3 cores busy at once");
  g_assert_cmpstr (v5, ==, "partly parallel");
  /* cpus unknown: C = T, M = 1.5, A = 1.3 >= 0.75 * 1.5. */
  g_assert_cmpstr (v6, ==, "parallel: about 1 core busy at once");
  g_assert_cmpstr (v7, ==, "concurrent, interleaved: about one core at a time");
  g_assert_cmpstr (s7, ==,
                   "4.9 threads alive, 1.14 running on average on 2 cores: "
                   "concurrent, interleaved: about one core at a time");
}

/* A span longer than 2^63 ns (fuzz, mutant 7412): its own time is its
 * length less its callee's, not a signed overflow. */
static void
test_huge_span (void)
{
  const guint64 len = G_GUINT64_CONSTANT (18374686479671624492);
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (WeftStats) st = NULL;
  const WeftStatsSpan *outer, *inner;

  weft_builder_span_begin (b, s, T0 + 1000, "outer");
  weft_builder_span_begin (b, s, T0 + 1666, "inner");
  weft_builder_span_end (b, s, T0 + 1695);
  weft_builder_span_end (b, s, T0 + 1000 + len);
  m = stats_util_model (b);
  st = weft_stats_new_whole (m);

  outer = stats_util_span (st, "outer");
  inner = stats_util_span (st, "inner");
  g_assert_cmpuint (outer->cumtime_ns, ==, len);
  g_assert_cmpuint (outer->tottime_ns, ==, len - 29);
  g_assert_cmpuint (inner->tottime_ns, ==, 29);
  g_assert_cmpuint (inner->cumtime_ns, ==, 29);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/stats/alternation-one-cpu", test_alternation_one_cpu);
  g_test_add_func ("/weft/stats/parallel-two-cpus", test_parallel_two_cpus);
  g_test_add_func ("/weft/stats/lock-convoy-estimated", test_lock_convoy_estimated);
  g_test_add_func ("/weft/stats/lock-nested-waits", test_lock_nested_waits);
  g_test_add_func ("/weft/stats/estimate-capped", test_estimate_capped);
  g_test_add_func ("/weft/stats/condition-handoff", test_condition_handoff);
  g_test_add_func ("/weft/stats/async-tasks", test_async_tasks);
  g_test_add_func ("/weft/stats/recursion", test_recursion);
  g_test_add_func ("/weft/stats/cprofile-identity", test_cprofile_identity);
  g_test_add_func ("/weft/stats/migrations", test_migrations);
  g_test_add_func ("/weft/stats/other-system-wide", test_other_system_wide);
  g_test_add_func ("/weft/stats/busy-equals-on-cpu", test_busy_equals_on_cpu);
  g_test_add_func ("/weft/stats/empty-trace", test_empty_trace);
  g_test_add_func ("/weft/stats/verdict-rule", test_verdict_rule);
  g_test_add_func ("/weft/stats/huge-span", test_huge_span);
  return g_test_run ();
}
