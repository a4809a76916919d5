/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The printed statistics: JSON read back with a strict parser (the keys
 * and nesting of SPEC §5, integers, nulls, escaping), CSV (RFC 4180) and
 * the text form (the verdict last).
 */
#include "json-check.h"
#include "weft-json-writer.h"
#include "stats-util.h"

static const char *const root_keys[] = { "format", "trace", "processes", "threads", "cpus",
                                         "parallelism", "concurrency", "spans", "locks",
                                         "tasks", "verdict", NULL };
static const char *const trace_keys[] = { "source", "sched", "duration_ns", "events",
                                          "lost_events", "cpus", "command", "start_time", NULL };
static const char *const process_keys[] = { "pid", "name", "threads", NULL };
static const char *const thread_keys[] = { "pid", "tid", "name", "alive_ns", "on_cpu_ns",
                                           "runnable_ns", "blocked_ns", "lock_wait_ns",
                                           "context_switches", "migrations", NULL };
static const char *const cpu_keys[] = { "cpu", "busy_ns", "other_ns", "utilization", NULL };
static const char *const parallelism_keys[] = { "average_running", "max_running",
                                                "running_histogram_ns", NULL };
static const char *const concurrency_keys[] = { "average_threads_alive",
                                                "average_tasks_in_progress", NULL };
static const char *const span_keys[] = { "name", "ncalls", "tottime_ns", "cumtime_ns",
                                         "percall_tottime_ns", "percall_cumtime_ns", NULL };
static const char *const lock_keys[] = { "name", "contended", "wait_ns", NULL };
static const char *const task_keys[] = { "name", "count", "active_ns", "suspended_ns", NULL };

/* A small trace with a bit of everything and names that need escaping. */
static WeftModel *
sample (gboolean sched)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 7, 7);
  WeftBuilderStream w = weft_builder_thread (b, 7, 8);

  weft_builder_set_metadata (b, "command", "bank \"4\" --mode=threads");
  weft_builder_set_metadata (b, "start_time", "2026-11-25T19:00:00Z");
  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_thread_name (b, s, T0, "main");
  weft_builder_thread_name (b, w, T0, "tab\there \"quoted\" back\\slash\x01 bad\xff");
  weft_builder_span_begin (b, s, T0, "outer, with comma");
  weft_builder_span_begin (b, s, T0 + 100, "inner \"q\"");
  weft_builder_span_end (b, s, T0 + 300);
  weft_builder_span_end (b, s, T0 + 1000);
  weft_builder_lock_wait (b, w, T0 + 10, 0xbeef);
  weft_builder_lock_acquired (b, w, T0 + 60, 0xbeef);
  weft_builder_task_begin (b, w, T0 + 100, 1, "job");
  weft_builder_task_suspend (b, w, T0 + 200, 1);
  weft_builder_task_end (b, w, T0 + 400, 1);
  weft_builder_lost (b, w, T0 + 500, 3);
  weft_builder_thread_exit (b, w, T0 + 1000);
  if (sched)
    {
      WeftBuilderStream c = weft_builder_cpu (b, 0);
      SW (c, 0, 0, PREEMPTED, 7);
      SW (c, 500, 7, PREEMPTED, 8);
      SW (c, 800, 8, BLOCKED, 7);
      SW (c, 1000, 7, EXITED, 0);
    }
  return stats_util_model (b);
}

static void
check_json (gboolean sched)
{
  g_autoptr (WeftModel) m = sample (sched);
  g_autoptr (WeftStats) st = weft_stats_new_whole (m);
  g_autofree char *text = weft_stats_to_json (st, 0);
  g_autoptr (JcNode) root = jc_parse (text);
  JcNode *trace, *threads, *thread, *cpus, *par, *hist, *spans, *locks, *tasks;

  g_assert_nonnull (root);
  jc_assert_keys (root, root_keys);
  g_assert_cmpstr (jc_get (root, "format")->text, ==, "weft-stats-1");

  trace = jc_get (root, "trace");
  jc_assert_keys (trace, trace_keys);
  g_assert_cmpstr (jc_get (trace, "source")->text, ==, "weft");
  g_assert_cmpint (jc_get (trace, "sched")->type, ==, JC_BOOL);
  g_assert_cmpint (jc_get (trace, "sched")->boolean, ==, sched);
  g_assert_cmpuint (jc_uint (jc_get (trace, "duration_ns")), ==, 1000);
  g_assert_cmpuint (jc_uint (jc_get (trace, "events")), ==, sched ? 13 : 9);
  g_assert_cmpuint (jc_uint (jc_get (trace, "lost_events")), ==, 3);
  g_assert_cmpuint (jc_uint (jc_get (trace, "cpus")), ==, 2);
  g_assert_cmpstr (jc_get (trace, "command")->text, ==, "bank \"4\" --mode=threads");
  g_assert_cmpstr (jc_get (trace, "start_time")->text, ==, "2026-11-25T19:00:00Z");

  jc_assert_keys (jc_at (jc_get (root, "processes"), 0), process_keys);
  g_assert_cmpuint (jc_uint (jc_at (jc_get (jc_at (jc_get (root, "processes"), 0), "threads"), 1)),
                    ==, 8);

  threads = jc_get (root, "threads");
  g_assert_cmpuint (threads->items->len, ==, 2);
  thread = jc_at (threads, 1);
  jc_assert_keys (thread, thread_keys);
  g_assert_cmpstr (jc_get (thread, "name")->text, ==,
                   "tab\there \"quoted\" back\\slash\x01 bad\xef\xbf\xbd");
  g_assert_cmpuint (jc_uint (jc_get (thread, "lock_wait_ns")), ==, 50);
  if (sched)
    {
      g_assert_cmpuint (jc_uint (jc_get (thread, "on_cpu_ns")), ==, 300);
      g_assert_cmpuint (jc_uint (jc_get (thread, "runnable_ns")), ==, 0);
      g_assert_cmpuint (jc_uint (jc_get (thread, "context_switches")), ==, 1);
      g_assert_cmpuint (jc_uint (jc_get (jc_at (threads, 0), "runnable_ns")), ==, 300);
    }
  else
    {
      g_assert_cmpuint (jc_uint (jc_get (thread, "on_cpu_ns")), ==, 0);
      g_assert_cmpuint (jc_uint (jc_get (jc_at (threads, 0), "on_cpu_ns")), ==, 1000);
      g_assert_cmpint (jc_get (thread, "runnable_ns")->type, ==, JC_NULL);
      g_assert_cmpint (jc_get (thread, "blocked_ns")->type, ==, JC_NULL);
      g_assert_cmpint (jc_get (thread, "context_switches")->type, ==, JC_NULL);
      g_assert_cmpint (jc_get (thread, "migrations")->type, ==, JC_NULL);
    }

  cpus = jc_get (root, "cpus");
  g_assert_cmpuint (cpus->items->len, ==, 2);
  jc_assert_keys (jc_at (cpus, 0), cpu_keys);
  /* Not recorded system-wide: other_ns is null either way. */
  g_assert_cmpint (jc_get (jc_at (cpus, 0), "other_ns")->type, ==, JC_NULL);
  if (sched)
    {
      g_assert_cmpuint (jc_uint (jc_get (jc_at (cpus, 0), "busy_ns")), ==, 1000);
      g_assert_cmpfloat (jc_double (jc_get (jc_at (cpus, 0), "utilization")), ==, 1.0);
    }
  else
    {
      g_assert_cmpint (jc_get (jc_at (cpus, 0), "busy_ns")->type, ==, JC_NULL);
      g_assert_cmpint (jc_get (jc_at (cpus, 0), "utilization")->type, ==, JC_NULL);
    }

  par = jc_get (root, "parallelism");
  jc_assert_keys (par, parallelism_keys);
  g_assert_cmpfloat (jc_double (jc_get (par, "average_running")), ==, 1.0);
  g_assert_cmpuint (jc_uint (jc_get (par, "max_running")), ==, 1);
  hist = jc_get (par, "running_histogram_ns");
  g_assert_cmpuint (hist->items->len, ==, 3);
  g_assert_cmpuint (jc_uint (jc_at (hist, 1)), ==, 1000);
  jc_assert_keys (jc_get (root, "concurrency"), concurrency_keys);
  g_assert_cmpfloat (jc_double (jc_get (jc_get (root, "concurrency"), "average_threads_alive")),
                     ==, 2.0);
  g_assert_cmpfloat (jc_double (jc_get (jc_get (root, "concurrency"),
                                        "average_tasks_in_progress")), ==, 0.3);

  spans = jc_get (root, "spans");
  g_assert_cmpuint (spans->items->len, ==, 2);
  jc_assert_keys (jc_at (spans, 0), span_keys);
  g_assert_cmpstr (jc_get (jc_at (spans, 0), "name")->text, ==, "outer, with comma");
  g_assert_cmpuint (jc_uint (jc_get (jc_at (spans, 0), "tottime_ns")), ==, 800);
  g_assert_cmpstr (jc_get (jc_at (spans, 1), "name")->text, ==, "inner \"q\"");

  locks = jc_get (root, "locks");
  jc_assert_keys (jc_at (locks, 0), lock_keys);
  g_assert_cmpstr (jc_get (jc_at (locks, 0), "name")->text, ==, "mutex@0xbeef");
  tasks = jc_get (root, "tasks");
  jc_assert_keys (jc_at (tasks, 0), task_keys);
  g_assert_cmpuint (jc_uint (jc_get (jc_at (tasks, 0), "suspended_ns")), ==, 200);

  g_assert_cmpstr (jc_get (root, "verdict")->text, ==, st->verdict);
  if (!sched)
    g_assert_true (g_str_has_suffix (st->verdict, " (estimated)"));
}

static void
test_json_sched (void)
{
  check_json (TRUE);
}

static void
test_json_estimated (void)
{
  check_json (FALSE);
}

static void
test_json_range_and_top (void)
{
  g_autoptr (WeftModel) m = sample (TRUE);
  g_autoptr (WeftStats) st = weft_stats_new (m, 100, 300);
  g_autofree char *text = weft_stats_to_json (st, 1);
  g_autoptr (JcNode) root = jc_parse (text);
  JcNode *trace;

  g_assert_nonnull (root);
  trace = jc_get (root, "trace");
  g_assert_cmpuint (jc_uint (jc_get (trace, "duration_ns")), ==, 200);
  g_assert_cmpuint (jc_uint (jc_get (trace, "range_start_ns")), ==, 100);
  g_assert_cmpuint (jc_uint (jc_get (trace, "range_end_ns")), ==, 300);
  g_assert_cmpuint (jc_get (root, "spans")->items->len, ==, 1);
}

static void
test_json_writer_escapes (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  weft_json_append_escaped (out, "a\"b\\c\nd\re\tf\bg\fh\x1fi\x7f");
  g_assert_cmpstr (out->str, ==, "\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u001fi\\u007f\"");
}

static void
test_csv (void)
{
  g_autoptr (WeftModel) m = sample (FALSE);
  g_autoptr (WeftStats) st = weft_stats_new_whole (m);
  g_autofree char *spans = weft_stats_to_csv (st, WEFT_STATS_CSV_SPANS, 0);
  g_autofree char *threads = weft_stats_to_csv (st, WEFT_STATS_CSV_THREADS, 0);
  g_autofree char *cpus = weft_stats_to_csv (st, WEFT_STATS_CSV_CPUS, 0);
  g_autofree char *top = weft_stats_to_csv (st, WEFT_STATS_CSV_SPANS, 1);
  WeftStatsCsv table;

  g_assert_cmpstr (spans, ==,
                   "name,ncalls,tottime_ns,cumtime_ns,percall_tottime_ns,percall_cumtime_ns\r\n"
                   "\"outer, with comma\",1,800,1000,800,1000\r\n"
                   "\"inner \"\"q\"\"\",1,200,200,200,200\r\n");
  g_assert_cmpstr (top, ==,
                   "name,ncalls,tottime_ns,cumtime_ns,percall_tottime_ns,percall_cumtime_ns\r\n"
                   "\"outer, with comma\",1,800,1000,800,1000\r\n");
  g_assert_true (g_str_has_prefix (threads, "pid,tid,name,alive_ns,on_cpu_ns,runnable_ns,"
                                            "blocked_ns,lock_wait_ns,context_switches,"
                                            "migrations\r\n7,7,main,1000,1000,,,0,,\r\n"));
  g_assert_cmpstr (cpus, ==, "cpu,busy_ns,other_ns,utilization\r\n0,,,\r\n1,,,\r\n");
  g_assert_true (weft_stats_csv_from_string ("threads", &table));
  g_assert_cmpint (table, ==, WEFT_STATS_CSV_THREADS);
  g_assert_false (weft_stats_csv_from_string ("nope", &table));
}

static void
test_text (void)
{
  g_autoptr (WeftModel) m = sample (TRUE);
  g_autoptr (WeftStats) st = weft_stats_new_whole (m);
  g_autofree char *text = weft_stats_to_text (st, "sample.weft", 1);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);

  g_assert_true (g_str_has_prefix (text, "Trace        sample.weft (weft)\n"));
  g_assert_nonnull (strstr (text, "Duration     0.001 ms, 13 events, 3 lost\n"));
  g_assert_nonnull (strstr (text, "Spans (1 of 2)\n"));
  g_assert_nonnull (strstr (text, "outer, with comma\n"));
  g_assert_null (strstr (text, "inner"));
  g_assert_nonnull (strstr (text, "mutex@0xbeef"));
  /* The verdict is the last line. */
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpstr (lines[n - 1], ==, "");
  g_assert_cmpstr (lines[n - 2], ==, st->verdict);
  /* A control character in a name does not break the table. */
  g_assert_null (strchr (text, '\x01'));
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

#define MS G_GUINT64_CONSTANT (1000000)

/* Two CPUs over 10 ms: CPU 0 runs thread 7 for 6 ms and an untraced
 * process for 3 ms, CPU 1 runs thread 8 for 2 ms; every column differs. */
static WeftModel *
cpu_sample (gboolean system_wide)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 7, 7);
  WeftBuilderStream w = weft_builder_thread (b, 7, 8);
  WeftBuilderStream c0 = weft_builder_cpu (b, 0);
  WeftBuilderStream c1 = weft_builder_cpu (b, 1);

  weft_builder_set_metadata (b, "cpu_count", "2");
  if (system_wide)
    weft_builder_set_metadata (b, "system_wide", "true");
  weft_builder_span_begin (b, s, T0, "work");
  weft_builder_span_end (b, s, T0 + 10 * MS);
  weft_builder_span_begin (b, w, T0 + 1 * MS, "side");
  weft_builder_span_end (b, w, T0 + 3 * MS);
  SW (c0, 0, WEFT_TID_IDLE, PREEMPTED, 7);
  SW (c0, 6 * MS, 7, PREEMPTED, WEFT_TID_OTHER);
  SW (c0, 9 * MS, WEFT_TID_OTHER, PREEMPTED, WEFT_TID_IDLE);
  SW (c1, 1 * MS, WEFT_TID_IDLE, PREEMPTED, 8);
  SW (c1, 3 * MS, 8, BLOCKED, WEFT_TID_IDLE);
  return stats_util_model (b);
}

/* The text CPU table, column by column (each column once had the value of
 * another). */
static void
test_text_cpus (void)
{
  g_autoptr (WeftModel) m = cpu_sample (TRUE);
  g_autoptr (WeftStats) st = weft_stats_new_whole (m);
  g_autofree char *text = weft_stats_to_text (st, "cpus.weft", 0);
  g_autoptr (WeftModel) m2 = cpu_sample (FALSE);
  g_autoptr (WeftStats) st2 = weft_stats_new_whole (m2);
  g_autofree char *text2 = weft_stats_to_text (st2, "cpus.weft", 0);

  g_assert_nonnull (strstr (text, "\nCPUs\n"
                                  "     cpu       busy ms      other ms    util\n"
                                  "       0         6.000         3.000   60.0%\n"
                                  "       1         2.000         0.000   20.0%\n"));
  /* Not recorded system-wide: other time unknown, the rest unchanged. */
  g_assert_nonnull (strstr (text2, "\nCPUs\n"
                                   "     cpu       busy ms      other ms    util\n"
                                   "       0         6.000             -   60.0%\n"
                                   "       1         2.000             -   20.0%\n"));
  g_assert_nonnull (strstr (text, "\nParallelism  0.80 running on average, at most 2\n"
                                  " running       time ms   share\n"
                                  "       0         4.000   40.0%\n"
                                  "       1         4.000   40.0%\n"
                                  "       2         2.000   20.0%\n"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/stats-output/json-sched", test_json_sched);
  g_test_add_func ("/weft/stats-output/json-estimated", test_json_estimated);
  g_test_add_func ("/weft/stats-output/json-range-and-top", test_json_range_and_top);
  g_test_add_func ("/weft/stats-output/json-escapes", test_json_writer_escapes);
  g_test_add_func ("/weft/stats-output/csv", test_csv);
  g_test_add_func ("/weft/stats-output/text", test_text);
  g_test_add_func ("/weft/stats-output/text-cpus", test_text_cpus);
  return g_test_run ();
}
