/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The trace model: every array filled from synthetic traces with known
 * contents, the event count of SPEC §5 per kind, and the build's progress,
 * cancellation and memory.
 */
#include "stats-util.h"

static void
test_events_per_kind (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 10, 11);
  WeftBuilderStream c = weft_builder_cpu (b, 0);
  g_autoptr (WeftModel) m = NULL;

  weft_builder_thread_start (b, s, T0, 0);              /* 0 */
  weft_builder_thread_name (b, s, T0, "main");          /* 0 */
  weft_builder_process_name (b, s, T0, "app");          /* 0 */
  weft_builder_span_begin (b, s, T0 + 1, "a");          /* 1 */
  weft_builder_span_end (b, s, T0 + 2);                 /* 1 */
  weft_builder_span_begin_args (b, s, T0 + 3, "b", "x=1"); /* 1 */
  weft_builder_span_end (b, s, T0 + 4);                 /* 1 */
  weft_builder_instant (b, s, T0 + 5, "tick");          /* 1 */
  weft_builder_counter (b, s, T0 + 6, "rss", 42.0);     /* 1 */
  weft_builder_task_begin (b, s, T0 + 7, 1, "t");       /* 1 */
  weft_builder_task_suspend (b, s, T0 + 8, 1);          /* 1 */
  weft_builder_task_resume (b, s, T0 + 9, 1);           /* 1 */
  weft_builder_task_end (b, s, T0 + 10, 1);             /* 1 */
  weft_builder_flow_begin (b, s, T0 + 11, 7);           /* 0 */
  weft_builder_flow_end (b, s, T0 + 12, 7);             /* 1 */
  weft_builder_lock_name (b, s, T0 + 13, 0x10, "L");    /* 0 */
  weft_builder_lock_wait (b, s, T0 + 14, 0x10);         /* 1 */
  weft_builder_lock_acquired (b, s, T0 + 15, 0x10);     /* 1 */
  weft_builder_lock_released (b, s, T0 + 16, 0x10);     /* 1 */
  weft_builder_cond_wait (b, s, T0 + 17, 0x20, 0x10);   /* 1 */
  weft_builder_cond_woken (b, s, T0 + 18, 0x20);        /* 1 */
  weft_builder_lost (b, s, T0 + 19, 5);                 /* 0 */
  weft_builder_process_fork (b, s, T0 + 20, 12);        /* 0 */
  weft_builder_process_exec (b, s, T0 + 21, "/bin/x");  /* 0 */
  weft_builder_thread_exit (b, s, T0 + 22);             /* 0 */
  weft_builder_process_exit (b, s, T0 + 23, 0);         /* 0 */
  weft_builder_switch (b, c, T0 + 2, 0, WEFT_SWITCH_PREEMPTED, 11);  /* 1 */
  weft_builder_switch (b, c, T0 + 20, 11, WEFT_SWITCH_EXITED, 0);    /* 1 */
  m = stats_util_model (b);

  g_assert_cmpuint (weft_model_get_n_events (m), ==, 18);
  g_assert_cmpuint (weft_model_get_lost_events (m), ==, 5);
  g_assert_cmpuint (weft_model_get_time_zero (m), ==, T0);
  g_assert_cmpuint (weft_model_get_duration (m), ==, 23);
  g_assert_true (weft_model_has_sched (m));
  g_assert_cmpint (weft_model_get_cpu_count (m), ==, 1);
}

static void
test_spans (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 10, 11);
  g_autoptr (WeftModel) m = NULL;
  const WeftModelThread *t;

  weft_builder_span_end (b, s, T0 + 0);  /* no begin: ignored, counted */
  weft_builder_span_begin (b, s, T0 + 10, "outer");
  weft_builder_span_begin_args (b, s, T0 + 20, "inner", "n=3");
  weft_builder_span_end (b, s, T0 + 30);
  weft_builder_span_begin (b, s, T0 + 40, "open"); /* never ends */
  weft_builder_instant (b, s, T0 + 90, "last");
  m = stats_util_model (b);

  g_assert_cmpuint (weft_model_get_n_threads (m), ==, 1);
  t = weft_model_get_thread (m, 0);
  g_assert_cmpuint (t->n_spans, ==, 3);
  g_assert_cmpuint (t->max_depth, ==, 2);
  g_assert_cmpuint (t->unmatched_ends, ==, 1);
  g_assert_cmpuint (weft_model_get_unmatched_ends (m), ==, 1);

  g_assert_cmpstr (weft_model_get_name (m, t->spans[0].name), ==, "outer");
  g_assert_cmpuint (t->spans[0].start, ==, 10);
  g_assert_cmpuint (t->spans[0].end, ==, 90); /* unclosed: the thread's end */
  g_assert_cmpuint (t->spans[0].depth, ==, WEFT_MODEL_SPAN_UNCLOSED);

  g_assert_cmpstr (weft_model_get_name (m, t->spans[1].name), ==, "inner");
  g_assert_cmpuint (t->spans[1].start, ==, 20);
  g_assert_cmpuint (t->spans[1].end, ==, 30);
  g_assert_cmpuint (WEFT_MODEL_SPAN_DEPTH (&t->spans[1]), ==, 1);
  g_assert_cmpuint (t->spans[1].depth & WEFT_MODEL_SPAN_UNCLOSED, ==, 0);
  g_assert_cmpuint (t->n_span_args, ==, 1);
  g_assert_cmpuint (t->span_args[0].span, ==, 1);
  g_assert_cmpstr (weft_model_get_name (m, t->span_args[0].args), ==, "n=3");

  g_assert_cmpuint (t->spans[2].start, ==, 40);
  g_assert_cmpuint (t->spans[2].end, ==, 90);
  g_assert_cmpuint (WEFT_MODEL_SPAN_DEPTH (&t->spans[2]), ==, 1);

  g_assert_cmpuint (t->n_instants, ==, 1);
  g_assert_cmpuint (t->instant_times[0], ==, 90);
  g_assert_cmpuint (t->n_other_times, ==, 1); /* the unmatched end */

  /* Events: end 1 + begins 3 + end 1 + instant 1. */
  g_assert_cmpuint (weft_model_get_n_events (m), ==, 6);

  g_assert_cmpuint (weft_model_thread_find_span (t, 0), ==, 0);
  g_assert_cmpuint (weft_model_thread_find_span (t, 25), ==, 0);  /* inside outer */
  g_assert_cmpuint (weft_model_thread_find_span (t, 200), ==, 3); /* after everything */
}

/* Two streams of one thread that overlap (fuzz, mutant 332): after the
 * sort, b starts inside a and is nested in it, cut at a's end; c touches
 * a's end at its own recorded depth and stays a sibling. */
static void
test_overlapping_streams (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s1 = weft_builder_thread (b, 1, 1);
  WeftBuilderStream s2 = weft_builder_thread_stream (b, 1, 1);
  g_autoptr (WeftModel) m = NULL;
  const WeftModelThread *t;

  weft_builder_span_begin (b, s1, T0 + 1000, "a");
  weft_builder_span_end (b, s1, T0 + 1100);
  weft_builder_span_begin (b, s1, T0 + 1100, "c");
  weft_builder_span_end (b, s1, T0 + 1150);
  weft_builder_span_begin (b, s2, T0 + 1050, "b");
  weft_builder_span_end (b, s2, T0 + 1200);
  m = stats_util_model (b);

  g_assert_cmpuint (weft_model_get_n_threads (m), ==, 1);
  t = weft_model_get_thread (m, 0);
  g_assert_cmpuint (t->n_spans, ==, 3);
  g_assert_cmpuint (t->max_depth, ==, 2);
  g_assert_cmpstr (weft_model_get_name (m, t->spans[0].name), ==, "a");
  g_assert_cmpuint (t->spans[0].end, ==, 100);
  g_assert_cmpuint (t->spans[0].depth, ==, 0);
  g_assert_cmpstr (weft_model_get_name (m, t->spans[1].name), ==, "b");
  g_assert_cmpuint (t->spans[1].start, ==, 50);
  g_assert_cmpuint (t->spans[1].end, ==, 100);
  g_assert_cmpuint (t->spans[1].depth, ==, 1);
  g_assert_cmpstr (weft_model_get_name (m, t->spans[2].name), ==, "c");
  g_assert_cmpuint (t->spans[2].start, ==, 100);
  g_assert_cmpuint (t->spans[2].depth, ==, 0);
}

/* The runtime's events of thread 1/1: spans three deep, lock and
 * condition waits, instants. */
static void
runtime_events (WeftBuilder *b, WeftBuilderStream s)
{
  for (guint64 i = 0; i < 40; i++)
    {
      guint64 t = T0 + 100 + i * 100;

      weft_builder_span_begin (b, s, t, "outer");
      weft_builder_span_begin (b, s, t + 10, "inner");
      weft_builder_span_begin (b, s, t + 12, "leaf");
      weft_builder_span_end (b, s, t + 15);
      weft_builder_span_end (b, s, t + 20);
      weft_builder_lock_wait (b, s, t + 30, 0x10);
      weft_builder_lock_acquired (b, s, t + 40 + i % 3, 0x10);
      weft_builder_lock_released (b, s, t + 45, 0x10);
      weft_builder_instant (b, s, t + 50, i % 2 ? "tick" : "tock");
      weft_builder_cond_wait (b, s, t + 60, 0x20, 0x10);
      weft_builder_cond_woken (b, s, t + 70, 0x20);
      weft_builder_span_end (b, s, t + 80);
    }
}

/* weft record writes a thread's start, name and exit in a stream of its
 * own, beside the runtime's, which it overlaps whole. The runtime's spans,
 * waits and instants come out as they do without it (they need no sort);
 * with a wait in the first stream too, the waits are sorted again. */
static WeftModel *
recorder_model (gboolean recorder_stream, gboolean recorder_wait)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream rec = recorder_stream ? weft_builder_thread (b, 1, 1) : 0;
  WeftBuilderStream run = recorder_stream ? weft_builder_thread_stream (b, 1, 1)
                                          : weft_builder_thread (b, 1, 1);

  if (recorder_stream)
    {
      weft_builder_thread_start (b, rec, T0, 0);
      weft_builder_thread_name (b, rec, T0, "worker");
      if (recorder_wait)
        {
          weft_builder_lock_wait (b, rec, T0 + 2000, 0x30);
          weft_builder_lock_acquired (b, rec, T0 + 2001, 0x30);
        }
      weft_builder_thread_exit (b, rec, T0 + 9000);
    }
  else
    weft_builder_instant (b, run, T0, "start");
  runtime_events (b, run);
  return stats_util_model (b);
}

static void
test_recorder_stream (void)
{
  g_autoptr (WeftModel) plain = recorder_model (FALSE, FALSE);
  g_autoptr (WeftModel) rec = recorder_model (TRUE, FALSE);
  g_autoptr (WeftModel) waits = recorder_model (TRUE, TRUE);
  const WeftModelThread *p = weft_model_get_thread (plain, 0);
  const WeftModelThread *r = weft_model_get_thread (rec, 0);
  const WeftModelThread *w = weft_model_get_thread (waits, 0);

  g_assert_cmpuint (weft_model_get_n_threads (rec), ==, 1);
  g_assert_cmpuint (r->n_spans, ==, 120);
  g_assert_cmpuint (r->n_spans, ==, p->n_spans);
  g_assert_cmpuint (r->max_depth, ==, 3);
  for (guint64 i = 0; i < r->n_spans; i++)
    {
      g_assert_cmpuint (r->spans[i].start, ==, p->spans[i].start);
      g_assert_cmpuint (r->spans[i].end, ==, p->spans[i].end);
      g_assert_cmpuint (r->spans[i].depth, ==, p->spans[i].depth);
      g_assert_cmpuint (r->spans[i].depth, ==, i % 3);
      g_assert_cmpstr (weft_model_get_name (rec, r->spans[i].name), ==,
                       weft_model_get_name (plain, p->spans[i].name));
    }
  g_assert_cmpuint (r->n_waits, ==, 80);
  g_assert_cmpmem (r->waits, r->n_waits * sizeof (WeftModelWait), p->waits,
                   p->n_waits * sizeof (WeftModelWait));
  /* The plain trace's first instant is its own "start". */
  g_assert_cmpuint (r->n_instants + 1, ==, p->n_instants);
  g_assert_cmpmem (r->instant_times, r->n_instants * sizeof (guint64), p->instant_times + 1,
                   r->n_instants * sizeof (guint64));
  g_assert_cmpuint (r->alive_end, ==, 9000);

  /* The first stream's wait sorts among the runtime's. */
  g_assert_cmpuint (w->n_waits, ==, 81);
  for (guint64 i = 1; i < w->n_waits; i++)
    g_assert_cmpuint (w->waits[i - 1].start, <=, w->waits[i].start);
  g_assert_cmpuint (w->waits[37].start, <, 2000);
  g_assert_cmpuint (w->waits[38].start, ==, 2000);
}

static void
test_threads_and_processes (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream main_s = weft_builder_thread (b, 20, 20);
  WeftBuilderStream worker = weft_builder_thread (b, 20, 21);
  WeftBuilderStream other = weft_builder_thread (b, 30, 30);
  WeftBuilderStream c = weft_builder_cpu (b, 1);
  g_autoptr (WeftModel) m = NULL;
  const WeftModelThread *t;
  const WeftModelProcess *p;

  weft_builder_set_metadata (b, "cpu_count", "4");
  weft_builder_thread_name (b, main_s, T0, "boss");
  weft_builder_instant (b, main_s, T0 + 100, "x");
  weft_builder_thread_start (b, worker, T0 + 10, 20);
  weft_builder_instant (b, worker, T0 + 50, "y");
  weft_builder_thread_exit (b, worker, T0 + 60);
  weft_builder_process_exec (b, other, T0 + 5, "/usr/bin/prog");
  weft_builder_instant (b, other, T0 + 7, "z");
  /* A tid with no stream of its own: a thread of unknown process. */
  weft_builder_switch (b, c, T0 + 30, 0, WEFT_SWITCH_PREEMPTED, 99);
  weft_builder_switch (b, c, T0 + 40, 99, WEFT_SWITCH_BLOCKED, 0);
  m = stats_util_model (b);

  g_assert_cmpint (weft_model_get_cpu_count (m), ==, 4);
  g_assert_cmpuint (weft_model_get_n_cpus (m), ==, 4); /* a lane per core */
  g_assert_cmpuint (weft_model_get_n_threads (m), ==, 4);
  g_assert_cmpuint (weft_model_get_n_processes (m), ==, 3);

  p = weft_model_get_process (m, 0);
  g_assert_cmpuint (p->pid, ==, 0);
  g_assert_cmpuint (p->n_threads, ==, 1);
  t = weft_model_get_thread (m, p->threads[0]);
  g_assert_cmpuint (t->tid, ==, 99);
  g_assert_cmpuint (t->alive_start, ==, 30);
  g_assert_cmpuint (t->alive_end, ==, 40);

  p = weft_model_get_process (m, 1);
  g_assert_cmpuint (p->pid, ==, 20);
  g_assert_cmpstr (weft_model_get_name (m, p->name), ==, "boss"); /* its main thread's */
  g_assert_cmpuint (p->n_threads, ==, 2);
  t = weft_model_get_thread (m, p->threads[0]);
  g_assert_cmpuint (t->tid, ==, 20);
  g_assert_cmpstr (weft_model_get_name (m, t->name), ==, "boss");
  g_assert_cmpuint (t->alive_start, ==, 0);
  g_assert_cmpuint (t->alive_end, ==, 100);
  t = weft_model_get_thread (m, p->threads[1]);
  g_assert_cmpuint (t->tid, ==, 21);
  g_assert_cmpuint (t->alive_start, ==, 10);
  g_assert_cmpuint (t->alive_end, ==, 60);
  g_assert_cmpuint (t->process, ==, 1);

  p = weft_model_get_process (m, 2);
  g_assert_cmpuint (p->pid, ==, 30);
  g_assert_cmpstr (weft_model_get_name (m, p->name), ==, "/usr/bin/prog");
}

static void
test_cpu_slices (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s1 = weft_builder_thread (b, 1, 1);
  WeftBuilderStream s2 = weft_builder_thread (b, 1, 2);
  WeftBuilderStream c0 = weft_builder_cpu (b, 0);
  WeftBuilderStream c1 = weft_builder_cpu (b, 1);
  g_autoptr (WeftModel) m = NULL;
  const WeftModelCpu *cpu;
  const WeftModelThread *t;
  guint lane, th1, th2;
  guint64 slice;

  weft_builder_instant (b, s1, T0, "a");
  weft_builder_instant (b, s2, T0, "b");
  SW (c0, 0, 0, PREEMPTED, 1);
  SW (c0, 100, 1, PREEMPTED, 2);
  SW (c0, 200, 2, BLOCKED, -1);
  SW (c0, 300, -1, PREEMPTED, 0);
  SW (c1, 150, 0, PREEMPTED, 1);
  SW (c1, 250, 1, EXITED, 0);
  m = stats_util_model (b);

  th1 = stats_util_model_thread (m, 1);
  th2 = stats_util_model_thread (m, 2);
  g_assert_cmpuint (weft_model_get_n_cpus (m), ==, 2);
  cpu = weft_model_get_cpu (m, 0);
  g_assert_cmpuint (cpu->cpu, ==, 0);
  g_assert_cmpuint (cpu->n_slices, ==, 4);
  g_assert_cmpuint (cpu->first_slice, ==, 0);
  g_assert_cmpuint (cpu->starts[1], ==, 100);
  g_assert_cmpuint (WEFT_MODEL_SLICE_THREAD (cpu->who[0]), ==, th1);
  g_assert_cmpint (WEFT_MODEL_SLICE_END_STATE (cpu->who[0]), ==, WEFT_SWITCH_PREEMPTED);
  g_assert_cmpuint (WEFT_MODEL_SLICE_THREAD (cpu->who[1]), ==, th2);
  g_assert_cmpint (WEFT_MODEL_SLICE_END_STATE (cpu->who[1]), ==, WEFT_SWITCH_BLOCKED);
  g_assert_cmpuint (WEFT_MODEL_SLICE_THREAD (cpu->who[2]), ==, WEFT_MODEL_SLICE_OTHER);
  g_assert_cmpuint (WEFT_MODEL_SLICE_THREAD (cpu->who[3]), ==, WEFT_MODEL_SLICE_IDLE);
  g_assert_cmpint (WEFT_MODEL_SLICE_END_STATE (cpu->who[3]), ==, WEFT_SWITCH_UNKNOWN);
  g_assert_cmpuint (weft_model_get_slice_end (m, 0, 3), ==, 300); /* the trace's end */
  cpu = weft_model_get_cpu (m, 1);
  g_assert_cmpuint (cpu->first_slice, ==, 4);

  /* Thread 1 ran slice 0 on CPU 0, then slice 0 of CPU 1 (global 4). */
  t = weft_model_get_thread (m, th1);
  g_assert_cmpuint (t->n_slices, ==, 2);
  g_assert_cmpuint (t->slices[0], ==, 0);
  g_assert_cmpuint (t->slices[1], ==, 4);
  g_assert_true (weft_model_lookup_slice (m, 4, &lane, &slice));
  g_assert_cmpuint (lane, ==, 1);
  g_assert_cmpuint (slice, ==, 0);
  g_assert_true (weft_model_lookup_slice (m, 3, &lane, &slice));
  g_assert_cmpuint (lane, ==, 0);
  g_assert_cmpuint (slice, ==, 3);
  g_assert_false (weft_model_lookup_slice (m, 6, &lane, &slice));
  g_assert_cmpuint (t->alive_end, ==, 250);
}

static void
test_tasks_and_flows (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s1 = weft_builder_thread (b, 1, 1);
  WeftBuilderStream s2 = weft_builder_thread (b, 1, 2);
  g_autoptr (WeftModel) m = NULL;
  const WeftModelTask *task;
  const WeftModelFlow *flows;
  const guint64 *times, *noop;
  guint64 n_noop;

  /* Task 5 begins on thread 1 and ends on thread 2. */
  weft_builder_task_begin (b, s1, T0 + 0, 5, "fetch");
  weft_builder_flow_begin (b, s1, T0 + 5, 77);
  weft_builder_task_suspend (b, s1, T0 + 10, 5);
  weft_builder_task_suspend (b, s1, T0 + 12, 5); /* changes nothing */
  weft_builder_task_resume (b, s2, T0 + 30, 5);
  weft_builder_flow_end (b, s2, T0 + 35, 77);
  weft_builder_flow_end (b, s2, T0 + 36, 78); /* no begin */
  weft_builder_task_end (b, s2, T0 + 40, 5);
  /* Task 6: seen first suspended, never ends. */
  weft_builder_task_suspend (b, s1, T0 + 20, 6);
  weft_builder_task_resume (b, s1, T0 + 25, 6);
  weft_builder_instant (b, s2, T0 + 50, "end");
  m = stats_util_model (b);

  g_assert_cmpuint (weft_model_get_n_tasks (m), ==, 2);
  task = weft_model_get_task (m, 0);
  g_assert_cmpuint (task->id, ==, 5);
  g_assert_cmpuint (task->pid, ==, 1);
  g_assert_cmpstr (weft_model_get_name (m, task->name), ==, "fetch");
  g_assert_cmpuint (task->n_times, ==, 4);
  g_assert_cmpuint (task->flags, ==, 0);
  times = weft_model_get_task_times (m, task);
  g_assert_cmpuint (times[0], ==, 0);
  g_assert_cmpuint (times[1], ==, 10);
  g_assert_cmpuint (times[2], ==, 30);
  g_assert_cmpuint (times[3], ==, 40);

  task = weft_model_get_task (m, 1);
  g_assert_cmpuint (task->id, ==, 6);
  g_assert_cmpuint (task->name, ==, 0);
  g_assert_cmpuint (task->flags, ==, WEFT_MODEL_TASK_STARTS_SUSPENDED | WEFT_MODEL_TASK_UNENDED);
  times = weft_model_get_task_times (m, task);
  g_assert_cmpuint (task->n_times, ==, 3);
  g_assert_cmpuint (times[0], ==, 20);
  g_assert_cmpuint (times[1], ==, 25);
  g_assert_cmpuint (times[2], ==, 50);

  noop = weft_model_get_task_noop_times (m, &n_noop);
  g_assert_cmpuint (n_noop, ==, 1);
  g_assert_cmpuint (noop[0], ==, 12);

  g_assert_cmpuint (weft_model_get_n_flows (m), ==, 2);
  flows = weft_model_get_flows (m);
  g_assert_cmpuint (flows[0].begin, ==, 5);
  g_assert_cmpuint (flows[0].end, ==, 35);
  g_assert_cmpuint (flows[0].from_thread, ==, stats_util_model_thread (m, 1));
  g_assert_cmpuint (flows[0].to_thread, ==, stats_util_model_thread (m, 2));
  g_assert_cmpuint (flows[1].begin, ==, 36);
  g_assert_cmpuint (flows[1].from_thread, ==, WEFT_MODEL_NONE);
  /* 5 + 2 task transitions, 2 flow ends, 1 instant. */
  g_assert_cmpuint (weft_model_get_n_events (m), ==, 10);
}

/* Thousands of tasks, locks and flows whose ids differ only in high bits
 * or only by process: the build's keyed tables grow many times and every
 * key still finds its own entry. */
static void
test_many_keys (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s[3];
  g_autoptr (WeftModel) m = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  const guint n = 3000, n_locks = 400;
  g_autofree gint64 *keys = g_new (gint64, 3 * n);

  for (guint p = 0; p < 3; p++)
    s[p] = weft_builder_thread (b, p + 1, p + 1);
  for (guint k = 0; k < n; k++)
    for (guint p = 0; p < 3; p++)
      {
        guint64 id = (guint64) k << 20, t = T0 + k * 100;

        weft_builder_task_begin (b, s[p], t, id, "job");
        weft_builder_flow_begin (b, s[p], t + 1, id | p);
        weft_builder_lock_wait (b, s[p], t + 2, 0x10000 + (guint64) (k % n_locks) * 4096);
        weft_builder_lock_acquired (b, s[p], t + 3, 0x10000 + (guint64) (k % n_locks) * 4096);
        weft_builder_flow_end (b, s[p], t + 4, id | p);
        weft_builder_task_end (b, s[p], t + 10 + p, id);
      }
  m = stats_util_model (b);

  g_assert_cmpuint (weft_model_get_n_tasks (m), ==, 3 * n);
  for (guint i = 0; i < 3 * n; i++)
    {
      const WeftModelTask *task = weft_model_get_task (m, i);
      const guint64 *times = weft_model_get_task_times (m, task);
      guint64 k = task->id >> 20;

      g_assert_cmpuint (task->id & ((1 << 20) - 1), ==, 0);
      g_assert_cmpuint (k, <, n);
      g_assert_cmpuint (task->pid, >=, 1);
      g_assert_cmpuint (task->pid, <=, 3);
      g_assert_cmpuint (task->n_times, ==, 2);
      g_assert_cmpuint (times[0], ==, k * 100);
      g_assert_cmpuint (times[1], ==, k * 100 + 10 + task->pid - 1);
      keys[i] = (gint64) (task->id | task->pid);
      g_assert_false (g_hash_table_contains (seen, &keys[i]));
      g_hash_table_add (seen, &keys[i]);
    }

  g_assert_cmpuint (weft_model_get_n_locks (m), ==, 3 * n_locks);
  for (guint i = 0; i < 3 * n_locks; i++)
    {
      const WeftModelLock *lock = weft_model_get_lock (m, i);

      g_assert_cmpuint ((lock->address - 0x10000) % 4096, ==, 0);
      g_assert_cmpuint ((lock->address - 0x10000) / 4096, <, n_locks);
      g_assert_false (lock->cond);
    }
  for (guint p = 0; p < 3; p++)
    {
      const WeftModelThread *t = weft_model_get_thread (m, stats_util_model_thread (m, p + 1));

      g_assert_cmpuint (t->n_waits, ==, n);
      for (guint k = 0; k < n; k++)
        {
          const WeftModelLock *lock = weft_model_get_lock (m, t->waits[k].lock);

          g_assert_cmpuint (lock->pid, ==, p + 1);
          g_assert_cmpuint (lock->address, ==, 0x10000 + (guint64) (k % n_locks) * 4096);
        }
    }

  /* Every flow begins and ends on its own thread, 3 ns apart. */
  g_assert_cmpuint (weft_model_get_n_flows (m), ==, 3 * n);
  for (guint64 i = 0; i < 3 * n; i++)
    {
      const WeftModelFlow *f = &weft_model_get_flows (m)[i];

      g_assert_cmpuint (f->end - f->begin, ==, 3);
      g_assert_cmpuint (f->from_thread, ==, f->to_thread);
    }
}

static void
test_locks_and_counters (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s1 = weft_builder_thread (b, 1, 1);
  WeftBuilderStream s2 = weft_builder_thread (b, 2, 2);
  g_autoptr (WeftModel) m = NULL;
  const WeftModelThread *t;
  const WeftModelLock *lock;
  const WeftModelCounter *counter;

  weft_builder_lock_name (b, s1, T0, 0xabc, "accounts");
  weft_builder_counter (b, s1, T0 + 1, "rss", 1.5);
  weft_builder_counter (b, s1, T0 + 2, "rss", 2.5);
  weft_builder_lock_wait (b, s1, T0 + 10, 0xabc);
  weft_builder_lock_acquired (b, s1, T0 + 30, 0xabc);
  weft_builder_cond_wait (b, s1, T0 + 40, 0xdef, 0xabc);
  weft_builder_instant (b, s1, T0 + 100, "end");
  weft_builder_counter (b, s2, T0 + 3, "rss", 9.0);
  weft_builder_lock_wait (b, s2, T0 + 5, 0xabc); /* another process's lock */
  weft_builder_lock_acquired (b, s2, T0 + 6, 0xabc);
  m = stats_util_model (b);

  g_assert_cmpuint (weft_model_get_n_locks (m), ==, 3);
  t = weft_model_get_thread (m, stats_util_model_thread (m, 1));
  g_assert_cmpuint (t->n_waits, ==, 2);
  g_assert_cmpuint (t->waits[0].start, ==, 10);
  g_assert_cmpuint (t->waits[0].end, ==, 30);
  g_assert_cmpuint (t->waits[0].flags, ==, 0);
  lock = weft_model_get_lock (m, t->waits[0].lock);
  g_assert_cmpstr (lock->label, ==, "accounts");
  g_assert_false (lock->cond);
  g_assert_cmpuint (t->waits[1].start, ==, 40);
  g_assert_cmpuint (t->waits[1].end, ==, 100); /* never woken: the thread's end */
  g_assert_cmpuint (t->waits[1].flags, ==, WEFT_MODEL_WAIT_COND | WEFT_MODEL_WAIT_UNCLOSED);
  lock = weft_model_get_lock (m, t->waits[1].lock);
  g_assert_cmpstr (lock->label, ==, "cond@0xdef");
  g_assert_true (lock->cond);
  t = weft_model_get_thread (m, stats_util_model_thread (m, 2));
  lock = weft_model_get_lock (m, t->waits[0].lock);
  g_assert_cmpstr (lock->label, ==, "mutex@0xabc");
  g_assert_cmpuint (lock->pid, ==, 2);

  g_assert_cmpuint (weft_model_get_n_counters (m), ==, 2);
  counter = weft_model_get_counter (m, 0);
  g_assert_cmpuint (counter->pid, ==, 1);
  g_assert_cmpstr (weft_model_get_name (m, counter->name), ==, "rss");
  g_assert_cmpuint (counter->n, ==, 2);
  g_assert_cmpuint (counter->times[1], ==, 2);
  g_assert_cmpfloat (counter->values[1], ==, 2.5);
  g_assert_cmpuint (weft_model_get_process (m, counter->process)->pid, ==, 1);
  counter = weft_model_get_counter (m, 1);
  g_assert_cmpuint (counter->pid, ==, 2);
  g_assert_cmpfloat (counter->values[0], ==, 9.0);
}

static void
test_metadata (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  g_autoptr (WeftModel) m = NULL;

  weft_builder_set_metadata (b, "command", "bank --threads 4");
  weft_builder_set_metadata (b, "sched", "true");
  weft_builder_set_metadata (b, "cpu_count", "99999999"); /* not believed */
  weft_builder_set_metadata (b, "source", "chrome-json");
  weft_builder_instant (b, s, T0, "x");
  m = stats_util_model (b);

  g_assert_cmpstr (weft_model_get_metadata (m, "command"), ==, "bank --threads 4");
  g_assert_true (weft_model_has_sched (m));
  g_assert_cmpint (weft_model_get_cpu_count (m), ==, -1);
  g_assert_cmpstr (weft_model_get_source (m), ==, "chrome-json");
  g_assert_cmpuint (weft_model_get_duration (m), ==, 0);
}

static void
count_progress (double fraction, gpointer data)
{
  double *last = data;

  g_assert_cmpfloat (fraction, >=, last[0]);
  g_assert_cmpfloat (fraction, <=, 1.0);
  last[0] = fraction;
  last[1]++;
}

static WeftReader *
many_spans (guint n)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);

  for (guint i = 0; i < n; i++)
    {
      weft_builder_span_begin (b, s, T0 + 10 * (guint64) i, "step");
      weft_builder_span_end (b, s, T0 + 10 * (guint64) i + 5);
    }
  return stats_util_open (b);
}

static void
test_progress_and_cancel (void)
{
  g_autoptr (WeftReader) reader = many_spans (200000);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftModel) m = NULL;
  double seen[2] = { 0, 0 };

  m = weft_model_new (reader, count_progress, seen, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (seen[0], ==, 1.0);
  g_assert_cmpfloat (seen[1], >, 3);
  g_assert_cmpuint (weft_model_get_n_events (m), ==, 400000);

  g_cancellable_cancel (cancellable);
  g_assert_null (weft_model_new (reader, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_memory_per_event (void)
{
  g_autoptr (WeftReader) reader = many_spans (100000);
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftModel) m = weft_model_new (reader, NULL, NULL, NULL, &error);
  gsize size = weft_model_get_memory_size (m);

  g_assert_no_error (error);
  /* Spans are 24 bytes: 12 an event, arrays trimmed to their length. */
  g_assert_cmpuint (size, <=, 12 * weft_model_get_n_events (m) + 64 * 1024);
}

/* Random events of every kind with random arguments (ends without
 * begins, huge ids, tids that appear only on CPUs, unknown states): the
 * model and every statistic and output must hold up. */
static void
test_hostile_events (void)
{
  for (guint round = 0; round < 30; round++)
    {
      WeftBuilder *b = weft_builder_new_memory ();
      WeftBuilderStream s[4], c[3];
      g_autoptr (WeftModel) m = NULL;
      guint64 t = 0;

      if (g_test_rand_bit ())
        weft_builder_set_metadata (b, "cpu_count", g_test_rand_bit () ? "3" : "0");
      if (g_test_rand_bit ())
        weft_builder_set_metadata (b, "system_wide", "true");
      for (guint i = 0; i < 4; i++)
        s[i] = weft_builder_thread (b, g_test_rand_int_range (0, 3), g_test_rand_int_range (0, 5));
      for (guint i = 0; i < 3; i++)
        c[i] = weft_builder_cpu (b, g_test_rand_int_range (0, 5));
      for (guint k = 0; k < 2000; k++)
        {
          WeftBuilderStream st = s[g_test_rand_int_range (0, 4)];
          guint64 id = g_test_rand_bit () ? (guint64) g_test_rand_int_range (0, 4) : G_MAXUINT64 - k;

          t += g_test_rand_int_range (0, 100);
          switch (g_test_rand_int_range (0, 22))
            {
            case 0: weft_builder_span_begin (b, st, t, "s"); break;
            case 1: weft_builder_span_end (b, st, t); break;
            case 2: weft_builder_instant (b, st, t, "i"); break;
            case 3: weft_builder_counter (b, st, t, "c", g_test_rand_double ()); break;
            case 4: weft_builder_task_begin (b, st, t, id, k % 2 ? "x" : ""); break;
            case 5: weft_builder_task_suspend (b, st, t, id); break;
            case 6: weft_builder_task_resume (b, st, t, id); break;
            case 7: weft_builder_task_end (b, st, t, id); break;
            case 8: weft_builder_flow_begin (b, st, t, id); break;
            case 9: weft_builder_flow_end (b, st, t, id); break;
            case 10: weft_builder_lock_wait (b, st, t, id); break;
            case 11: weft_builder_lock_acquired (b, st, t, id); break;
            case 12: weft_builder_lock_released (b, st, t, id); break;
            case 13: weft_builder_cond_wait (b, st, t, id, id + 1); break;
            case 14: weft_builder_cond_woken (b, st, t, id); break;
            case 15: weft_builder_lock_name (b, st, t, id, "L\n\x01"); break;
            case 16: weft_builder_thread_start (b, st, t, 0); break;
            case 17: weft_builder_thread_exit (b, st, t); break;
            case 18: weft_builder_lost (b, st, t, g_test_rand_int_range (0, 1000)); break;
            case 19: weft_builder_span_begin_args (b, st, t, "a", "k=v"); break;
            default:
              {
                gint64 tids[] = { 0, -1, -7, 1, 2, 3, 4, G_MAXINT64, 4294967295 };
                weft_builder_switch (b, c[g_test_rand_int_range (0, 3)], t,
                                     tids[g_test_rand_int_range (0, 9)],
                                     g_test_rand_int_range (0, 4),
                                     tids[g_test_rand_int_range (0, 9)]);
              }
            }
        }
      m = stats_util_model (b);
      for (guint r = 0; r < 5; r++)
        {
          guint64 d = weft_model_get_duration (m);
          guint64 a = r == 0 ? 0 : (guint64) g_test_rand_int_range (0, (gint32) d + 1);
          guint64 e = r == 0 ? d : a + (guint64) g_test_rand_int_range (0, (gint32) d + 1);
          g_autoptr (WeftStats) st = weft_stats_new (m, a, e);
          g_autofree char *json = weft_stats_to_json (st, 0);
          g_autofree char *text = weft_stats_to_text (st, "x", 5);
          g_autofree char *csv = weft_stats_to_csv (st, WEFT_STATS_CSV_THREADS, 0);
          guint64 busy = 0, on_cpu = 0;

          g_assert_nonnull (st->verdict);
          g_assert_true (g_utf8_validate (json, -1, NULL));
          for (guint i = 0; i < st->n_cpu_list; i++)
            busy += st->cpu_list[i].busy_ns;
          for (guint i = 0; i < st->n_threads; i++)
            on_cpu += st->threads[i].on_cpu_ns;
          if (st->sched)
            g_assert_cmpuint (busy, ==, on_cpu);
          if (r == 0)
            g_assert_cmpuint (st->events, ==, weft_model_get_n_events (m));
        }
    }
}

/* Flipped bytes anywhere: whatever the reader keeps, the model and the
 * statistics of it hold up. */
static void
test_damaged_bytes (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1), w = weft_builder_thread (b, 1, 2);
  WeftBuilderStream c = weft_builder_cpu (b, 0);
  uint8_t *data;
  size_t size;

  weft_builder_set_chunk_size (b, 128);
  for (guint64 i = 0; i < 300; i++)
    {
      guint64 t = T0 + i * 100;
      weft_builder_span_begin (b, s, t, "a");
      weft_builder_task_begin (b, w, t, i % 5, "t");
      weft_builder_lock_wait (b, w, t + 10, 0x10);
      weft_builder_lock_acquired (b, w, t + 20, 0x10);
      weft_builder_task_end (b, w, t + 30, i % 5);
      weft_builder_span_end (b, s, t + 50);
      weft_builder_switch (b, c, t, 2, i % 4, 1);
      weft_builder_switch (b, c, t + 50, 1, i % 4, 2);
    }
  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);

  for (guint round = 0; round < 300; round++)
    {
      g_autofree uint8_t *copy = g_memdup2 (data, size);
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (WeftReader) reader = NULL;
      g_autoptr (WeftModel) m = NULL;
      g_autoptr (WeftStats) st = NULL;
      g_autofree char *json = NULL;

      for (guint k = 0; k < 1 + round % 8; k++)
        copy[g_test_rand_int_range (0, (gint32) size)] ^= 1 << g_test_rand_int_range (0, 8);
      bytes = g_bytes_new (copy, size);
      reader = weft_reader_new_from_bytes (bytes, NULL);
      if (reader == NULL)
        continue;
      m = weft_model_new (reader, NULL, NULL, NULL, NULL);
      g_assert_nonnull (m);
      st = weft_stats_new (m, weft_model_get_duration (m) / 3, weft_model_get_duration (m));
      json = weft_stats_to_json (st, 0);
      g_assert_nonnull (json);
    }
  free (data);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/model/events-per-kind", test_events_per_kind);
  g_test_add_func ("/weft/model/spans", test_spans);
  g_test_add_func ("/weft/model/threads-and-processes", test_threads_and_processes);
  g_test_add_func ("/weft/model/cpu-slices", test_cpu_slices);
  g_test_add_func ("/weft/model/tasks-and-flows", test_tasks_and_flows);
  g_test_add_func ("/weft/model/locks-and-counters", test_locks_and_counters);
  g_test_add_func ("/weft/model/many-keys", test_many_keys);
  g_test_add_func ("/weft/model/metadata", test_metadata);
  g_test_add_func ("/weft/model/progress-and-cancel", test_progress_and_cancel);
  g_test_add_func ("/weft/model/memory-per-event", test_memory_per_event);
  g_test_add_func ("/weft/model/hostile-events", test_hostile_events);
  g_test_add_func ("/weft/model/damaged-bytes", test_damaged_bytes);
  g_test_add_func ("/weft/model/overlapping-streams", test_overlapping_streams);
  g_test_add_func ("/weft/model/recorder-stream", test_recorder_stream);
  return g_test_run ();
}
