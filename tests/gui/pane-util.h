/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * pane-util.h: the side pane's and the search bar's tests share a trace
 * with every kind of item (nested spans with arguments, a named lock, an
 * async task, a counter, two CPUs of scheduler data) and lookups in its
 * model. Times are trace-relative; PT0 is added on disk.
 */
#pragma once

#include "gui-app-util.h"
#include "weft-units.h"

#define PT0 G_GUINT64_CONSTANT (1000000000)
#define PMS G_GUINT64_CONSTANT (1000000)

/* bank (pid 100): main (tid 100) runs on CPU 0 from 0 to 10 ms inside
 * span main [0, 10 ms] with load [1, 3 ms] (arguments "file=a.txt") and
 * save [5, 6 ms]; worker (tid 101) in transfer [2, 8 ms] waits for lock
 * "accounts" [3, 4 ms] and runs on CPU 1 [2, 3] and [4, 8 ms]; async task
 * fetch: active [2, 3], suspended [3, 6], active [6, 7 ms]. cache (pid
 * 200): counter rss 1234 at 1 ms, 4096 at 9 ms. */
static inline char *
pane_trace_write (const char *dir)
{
  char *path = g_build_filename (dir, "pane.weft", NULL);
  WeftBuilder *b = weft_builder_new (path);
  WeftBuilderStream cpu0, cpu1, main_s, worker, cache;

  g_assert_nonnull (b);
  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_set_metadata (b, "sched", "true");
  weft_builder_set_metadata (b, "command", "bank --pane");
  cpu0 = weft_builder_cpu (b, 0);
  cpu1 = weft_builder_cpu (b, 1);
  main_s = weft_builder_thread (b, 100, 100);
  worker = weft_builder_thread (b, 100, 101);
  cache = weft_builder_thread (b, 200, 200);

  weft_builder_process_name (b, main_s, PT0, "bank");
  weft_builder_thread_name (b, main_s, PT0, "main");
  weft_builder_thread_name (b, worker, PT0, "worker");
  weft_builder_process_name (b, cache, PT0, "cache");

  weft_builder_switch (b, cpu0, PT0, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 100);
  weft_builder_switch (b, cpu0, PT0 + 10 * PMS, 100, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  weft_builder_switch (b, cpu1, PT0 + 2 * PMS, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 101);
  weft_builder_switch (b, cpu1, PT0 + 3 * PMS, 101, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  weft_builder_switch (b, cpu1, PT0 + 4 * PMS, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 101);
  weft_builder_switch (b, cpu1, PT0 + 8 * PMS, 101, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);

  weft_builder_span_begin (b, main_s, PT0, "main");
  weft_builder_span_begin_args (b, main_s, PT0 + 1 * PMS, "load", "file=a.txt");
  weft_builder_span_end (b, main_s, PT0 + 3 * PMS);
  weft_builder_span_begin (b, main_s, PT0 + 5 * PMS, "save");
  weft_builder_span_end (b, main_s, PT0 + 6 * PMS);
  weft_builder_span_end (b, main_s, PT0 + 10 * PMS);

  weft_builder_lock_name (b, worker, PT0, 0xabc0, "accounts");
  weft_builder_span_begin (b, worker, PT0 + 2 * PMS, "transfer");
  weft_builder_task_begin (b, worker, PT0 + 2 * PMS, 7, "fetch");
  weft_builder_lock_wait (b, worker, PT0 + 3 * PMS, 0xabc0);
  weft_builder_task_suspend (b, worker, PT0 + 3 * PMS, 7);
  weft_builder_lock_acquired (b, worker, PT0 + 4 * PMS, 0xabc0);
  weft_builder_lock_released (b, worker, PT0 + 5 * PMS, 0xabc0);
  weft_builder_task_resume (b, worker, PT0 + 6 * PMS, 7);
  weft_builder_task_end (b, worker, PT0 + 7 * PMS, 7);
  weft_builder_span_end (b, worker, PT0 + 8 * PMS);

  weft_builder_counter (b, cache, PT0 + 1 * PMS, "rss", 1234.0);
  weft_builder_counter (b, cache, PT0 + 9 * PMS, "rss", 4096.0);

  g_assert_cmpint (weft_builder_finish (b), ==, 0);
  return path;
}

static inline guint
pane_thread (WeftModel *m, guint32 tid)
{
  for (guint i = 0; i < weft_model_get_n_threads (m); i++)
    if (weft_model_get_thread (m, i)->tid == tid)
      return i;
  g_error ("no thread %u", tid);
  return 0;
}

/* A renderer hit as a click on that item makes it. */
static inline WeftHit
pane_hit (WeftHitKind kind)
{
  WeftHit hit;

  memset (&hit, 0, sizeof hit);
  hit.kind = kind;
  hit.lane = G_MAXUINT;
  hit.thread = hit.cpu = hit.task = hit.counter = WEFT_MODEL_NONE;
  return hit;
}

/* The text of the label named name under widget (asserting it is there). */
static inline const char *
named_text (GtkWidget *widget, const char *name)
{
  GtkWidget *found = find_named (widget, name);

  if (found == NULL)
    g_error ("no widget named %s", name);
  return first_label_text (found);
}

static inline char *
duration_text (guint64 ns)
{
  return weft_units_format_duration (ns);
}
