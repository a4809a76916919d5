/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-bank.c: the bank demo (examples/bank) in each mode: it exits 0
 * with money conserved, its self-check catches a planted bug, bad command
 * lines exit 2, and with WEFT_TRACE set its trace opens with the reader
 * and holds exactly the threads, spans, locks, tasks and flows the run's
 * summary line counts.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "weft-reader.h"

/* Short runs: every case stays well under a second or two. */
#define SECONDS "0.2"
#define WORK "20000"

typedef struct
{
  int status; /* exit status, or -1 when killed */
  char *out;
  char *err;
} BankRun;

static void
bank_run_clear (BankRun *run)
{
  g_free (run->out);
  g_free (run->err);
}

/* Runs the bank with args (NULL-terminated), WEFT_TRACE=trace when trace
 * is not NULL, and unset otherwise. */
static void
run_bank (BankRun *run, const char *trace, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (GStrv) envp = g_get_environ ();
  g_autoptr (GError) error = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer) BANK_PATH);
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  envp = trace != NULL ? g_environ_setenv (envp, "WEFT_TRACE", trace, TRUE)
                       : g_environ_unsetenv (envp, "WEFT_TRACE");
  if (!g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &run->out,
                     &run->err, &wait_status, &error))
    g_error ("cannot run %s: %s", BANK_PATH, error->message);

  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  if (g_test_verbose ())
    g_printerr ("%s%s", run->out, run->err);
}

/* Matches pattern (a regex whose first group is a number) in the summary
 * line and returns the number. */
static long
summary_number (const char *summary, const char *pattern)
{
  g_autoptr (GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *digits = NULL;

  if (!g_regex_match (regex, summary, 0, &match))
    g_error ("no '%s' in the summary: %s", pattern, summary);
  digits = g_match_info_fetch (match, 1);
  return strtol (digits, NULL, 10);
}

/* The number in "<number> <label>" of the summary line. */
static long
summary_count (const char *summary, const char *label)
{
  g_autofree char *pattern = g_strdup_printf ("([0-9]+) %s", label);

  return summary_number (summary, pattern);
}

/* --- what a trace holds, counted ---------------------------------------- */

typedef struct
{
  GHashTable *thread_pid; /* thread name -> pid (GUINT_TO_POINTER) */
  GHashTable *spans;      /* span name -> begins */
  GHashTable *instants;   /* instant name -> count */
  GHashTable *lock_names; /* lock name -> lock address (as a pointer) */
  GHashTable *pids;       /* the processes with a thread stream */
  GHashTable *open_tasks; /* task id -> state: 1 running, 2 suspended */
  GHashTable *open_flows; /* flow id -> begins minus ends */
  guint thread_streams;
  guint task_begin, task_suspend, task_resume, task_end, task_errors;
  guint flow_begin, flow_end;
  guint lock_wait, lock_acquired, lock_released;
  guint unbalanced_streams; /* streams whose spans do not all close */
  guint64 lost;
} TraceCounts;

static void
trace_counts_init (TraceCounts *c)
{
  memset (c, 0, sizeof *c);
  c->thread_pid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->spans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->instants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->lock_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->pids = g_hash_table_new (NULL, NULL);
  c->open_tasks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  c->open_flows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
trace_counts_clear (TraceCounts *c)
{
  g_hash_table_unref (c->thread_pid);
  g_hash_table_unref (c->spans);
  g_hash_table_unref (c->instants);
  g_hash_table_unref (c->lock_names);
  g_hash_table_unref (c->pids);
  g_hash_table_unref (c->open_tasks);
  g_hash_table_unref (c->open_flows);
}

static void
bump (GHashTable *table, const char *name)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (table, name));

  g_hash_table_replace (table, g_strdup (name), GUINT_TO_POINTER (n + 1));
}

static guint
count_of (GHashTable *table, const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (table, name));
}

/* Task id -> state; a transition from the wrong state is an error. */
static void
task_step (TraceCounts *c, guint64 id, guint from, guint to)
{
  guint state = GPOINTER_TO_UINT (g_hash_table_lookup (c->open_tasks, &id));
  gint64 *key;

  if (state != from)
    c->task_errors++;
  if (to == 0)
    {
      g_hash_table_remove (c->open_tasks, &id);
      return;
    }
  key = g_new (gint64, 1);
  *key = (gint64) id;
  g_hash_table_replace (c->open_tasks, key, GUINT_TO_POINTER (to));
}

static void
flow_step (TraceCounts *c, guint64 id, int delta)
{
  int n = GPOINTER_TO_INT (g_hash_table_lookup (c->open_flows, &id)) + delta;
  gint64 *key = g_new (gint64, 1);

  *key = (gint64) id;
  if (n == 0)
    {
      g_hash_table_remove (c->open_flows, key);
      g_free (key);
    }
  else
    g_hash_table_replace (c->open_flows, key, GINT_TO_POINTER (n));
}

static void
count_stream (TraceCounts *c, WeftReader *reader, guint index)
{
  const WeftStreamInfo *info = weft_reader_get_stream (reader, index);
  WeftStreamIter iter;
  WeftEvent ev;
  int depth = 0;

  if (info->kind != WEFT_STREAM_THREAD)
    return;
  c->thread_streams++;
  g_hash_table_add (c->pids, GUINT_TO_POINTER (info->pid));

  weft_stream_iter_init (&iter, reader, index);
  while (weft_stream_iter_next (&iter, &ev))
    {
      const char *name = weft_reader_get_string (reader, ev.name);

      switch (ev.kind)
        {
        case WEFT_EV_THREAD_NAME:
          g_hash_table_replace (c->thread_pid, g_strdup (name), GUINT_TO_POINTER (info->pid));
          break;
        case WEFT_EV_SPAN_BEGIN:
        case WEFT_EV_SPAN_BEGIN_ARGS:
          bump (c->spans, name);
          depth++;
          break;
        case WEFT_EV_SPAN_END:
          depth--;
          break;
        case WEFT_EV_INSTANT:
          bump (c->instants, name);
          break;
        case WEFT_EV_LOCK_NAME:
          g_hash_table_replace (c->lock_names, g_strdup (name), GSIZE_TO_POINTER (ev.id));
          break;
        case WEFT_EV_LOCK_WAIT:
          c->lock_wait++;
          break;
        case WEFT_EV_LOCK_ACQUIRED:
          c->lock_acquired++;
          break;
        case WEFT_EV_LOCK_RELEASED:
          c->lock_released++;
          break;
        case WEFT_EV_TASK_BEGIN:
          c->task_begin++;
          task_step (c, ev.id, 0, 1);
          break;
        case WEFT_EV_TASK_SUSPEND:
          c->task_suspend++;
          task_step (c, ev.id, 1, 2);
          break;
        case WEFT_EV_TASK_RESUME:
          c->task_resume++;
          task_step (c, ev.id, 2, 1);
          break;
        case WEFT_EV_TASK_END:
          c->task_end++;
          task_step (c, ev.id, 1, 0);
          break;
        case WEFT_EV_FLOW_BEGIN:
          c->flow_begin++;
          flow_step (c, ev.id, 1);
          break;
        case WEFT_EV_FLOW_END:
          c->flow_end++;
          flow_step (c, ev.id, -1);
          break;
        case WEFT_EV_LOST:
          c->lost += ev.id;
          break;
        default:
          break;
        }
    }
  if (depth != 0)
    c->unbalanced_streams++;
}

/* Opens trace (it must be intact) and counts what it holds. */
static void
count_trace (TraceCounts *c, const char *trace)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_reader_open (trace, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reader);
  g_assert_null (weft_reader_get_damage (reader));

  trace_counts_init (c);
  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    count_stream (c, reader, i);

  g_assert_cmpuint (c->lost, ==, 0);
  g_assert_cmpuint (c->unbalanced_streams, ==, 0);
  g_assert_cmpuint (c->task_errors, ==, 0);
  g_assert_cmpuint (g_hash_table_size (c->open_tasks), ==, 0);
  g_assert_cmpuint (g_hash_table_size (c->open_flows), ==, 0);
}

/* --- the cases ---------------------------------------------------------- */

typedef struct
{
  const char *mode;
  const char *args[12]; /* after the mode, NULL-terminated */
} ModeCase;

static const ModeCase mode_cases[] = {
  { "threads", { "--workers", "3", "--work", WORK, "--seconds", SECONDS, NULL } },
  { "gil", { "--workers", "3", "--work", WORK, "--seconds", SECONDS, NULL } },
  { "processes", { "--workers", "3", "--work", WORK, "--seconds", SECONDS, NULL } },
  { "async", { "--tasks", "50", "--work", WORK, "--seconds", SECONDS, NULL } },
};

static void
build_args (const char *args[16], const ModeCase *mc, const char *extra)
{
  gsize n = 0;

  args[n++] = mc->mode;
  for (gsize i = 0; mc->args[i] != NULL; i++)
    args[n++] = mc->args[i];
  if (extra != NULL)
    {
      args[n++] = extra;
      args[n++] = "1";
    }
  args[n] = NULL;
}

static void
test_conserved (gconstpointer data)
{
  const ModeCase *mc = data;
  const char *args[16];
  g_autofree char *prefix = g_strdup_printf ("%s: ", mc->mode);
  BankRun run;

  build_args (args, mc, NULL);
  run_bank (&run, NULL, args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, prefix));
  g_assert_nonnull (strstr (run.out, "money conserved"));
  /* exactly one line */
  g_assert_cmpstr (strchr (run.out, '\n'), ==, run.out + strlen (run.out) - 1);
  g_assert_cmpstr (run.err, ==, "");
  bank_run_clear (&run);
}

static void
test_self_check (gconstpointer data)
{
  const ModeCase *mc = data;
  const char *args[16];
  BankRun run;

  build_args (args, mc, "--lose-cents");
  run_bank (&run, NULL, args);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.out, "MONEY NOT CONSERVED"));
  g_assert_nonnull (strstr (run.err, "money lost"));
  bank_run_clear (&run);
}

static void
test_usage (void)
{
  static const char *const bad[][5] = {
    { NULL },
    { "bogus", NULL },
    { "threads", "--workers", "0", NULL },
    { "threads", "--seconds", "nan", NULL },
    { "gil", "--work", NULL },
    { "async", "--tasks", "5000", NULL },
    { "processes", "--workers", "4", "--accounts=7", NULL },
    { "threads", "extra", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      BankRun run;

      run_bank (&run, NULL, bad[i]);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_true (g_str_has_prefix (run.err, i == 0 ? "Usage: bank" : "bank: "));
      bank_run_clear (&run);
    }
}

/* Runs mode with WEFT_TRACE in a fresh directory and counts the trace. */
static char *
record (const ModeCase *mc, TraceCounts *counts)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-bank-XXXXXX", &error);
  g_autofree char *trace = NULL;
  const char *args[16];
  BankRun run;
  char *summary;

  g_assert_no_error (error);
  trace = g_build_filename (dir, "bank.weft", NULL);
  build_args (args, mc, NULL);
  run_bank (&run, trace, args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "money conserved"));

  count_trace (counts, trace);
  /* the final self-check, once, in the main process */
  g_assert_cmpuint (count_of (counts->spans, "self_check"), ==, 1);
  g_unlink (trace);
  g_rmdir (dir);
  summary = g_steal_pointer (&run.out);
  bank_run_clear (&run);
  return summary;
}

static void
assert_thread (TraceCounts *c, const char *name)
{
  if (!g_hash_table_contains (c->thread_pid, name))
    g_error ("no thread named '%s' in the trace", name);
}

static void
test_trace_threads (void)
{
  TraceCounts c;
  g_autofree char *summary = record (&mode_cases[0], &c);
  long refused = summary_count (summary, "refused");

  assert_thread (&c, "main");
  assert_thread (&c, "teller-1");
  assert_thread (&c, "teller-2");
  assert_thread (&c, "teller-3");
  assert_thread (&c, "audit");
  g_assert_false (g_hash_table_contains (c.thread_pid, "teller-4"));
  g_assert_cmpuint (g_hash_table_size (c.pids), ==, 1);

  g_assert_cmpuint (count_of (c.spans, "deposit"), ==, summary_count (summary, "deposits"));
  g_assert_cmpuint (count_of (c.spans, "withdraw") + count_of (c.spans, "transfer"), ==,
                    summary_count (summary, "withdrawals") + summary_count (summary, "transfers")
                        + refused);
  g_assert_cmpuint (count_of (c.spans, "prepare"), ==, summary_count (summary, "operations"));
  g_assert_cmpuint (count_of (c.spans, "debit"), ==, count_of (c.spans, "transfer"));
  g_assert_cmpuint (count_of (c.spans, "credit"), >, 0);
  g_assert_cmpuint (count_of (c.spans, "credit"), <=, count_of (c.spans, "debit"));
  g_assert_cmpuint (count_of (c.spans, "audit"), ==, summary_count (summary, "audits"));

  /* every operation and audit takes the ledger lock once */
  g_assert_true (g_hash_table_contains (c.lock_names, "ledger"));
  g_assert_cmpuint (c.lock_acquired, ==,
                    summary_count (summary, "operations") + summary_count (summary, "audits"));
  g_assert_cmpuint (c.lock_released, ==, c.lock_acquired);
  g_assert_cmpuint (c.lock_wait, ==, summary_number (summary, "contended ([0-9]+) times"));
  g_assert_cmpuint (c.task_begin, ==, 0);
  trace_counts_clear (&c);
}

static void
test_trace_gil (void)
{
  TraceCounts c;
  g_autofree char *summary = record (&mode_cases[1], &c);

  assert_thread (&c, "main");
  assert_thread (&c, "checker-1");
  assert_thread (&c, "checker-2");
  assert_thread (&c, "checker-3");
  g_assert_cmpuint (g_hash_table_size (c.pids), ==, 1);

  g_assert_cmpuint (count_of (c.spans, "fraud_check"), ==, summary_count (summary, "fraud checks"));
  g_assert_cmpuint (count_of (c.instants, "flagged"), ==, summary_count (summary, "flagged"));
  g_assert_cmpuint (count_of (c.spans, "apply"), ==,
                    summary_count (summary, "applied") + summary_count (summary, "refused"));
  g_assert_cmpuint (count_of (c.instants, "drop_request"), ==,
                    summary_count (summary, "drop requests"));

  /* every wait for the GIL is annotated, and each hand-over between
   * threads is an acquisition */
  g_assert_true (g_hash_table_contains (c.lock_names, "GIL"));
  g_assert_cmpuint (c.lock_wait, ==, summary_count (summary, "GIL waits"));
  g_assert_cmpuint (c.lock_acquired, >=, summary_count (summary, "hand-overs"));
  g_assert_cmpuint (c.lock_released, ==, c.lock_acquired);
  trace_counts_clear (&c);
}

static void
test_trace_processes (void)
{
  TraceCounts c;
  g_autofree char *summary = record (&mode_cases[2], &c);
  guint main_pid, pid1, pid2, pid3;

  assert_thread (&c, "main");
  assert_thread (&c, "checker-1");
  assert_thread (&c, "checker-2");
  assert_thread (&c, "checker-3");
  /* the parent and one process per worker */
  g_assert_cmpuint (g_hash_table_size (c.pids), ==, 4);
  main_pid = GPOINTER_TO_UINT (g_hash_table_lookup (c.thread_pid, "main"));
  pid1 = GPOINTER_TO_UINT (g_hash_table_lookup (c.thread_pid, "checker-1"));
  pid2 = GPOINTER_TO_UINT (g_hash_table_lookup (c.thread_pid, "checker-2"));
  pid3 = GPOINTER_TO_UINT (g_hash_table_lookup (c.thread_pid, "checker-3"));
  g_assert_cmpuint (main_pid, !=, pid1);
  g_assert_cmpuint (pid1, !=, pid2);
  g_assert_cmpuint (pid2, !=, pid3);
  g_assert_cmpuint (pid1, !=, pid3);

  g_assert_cmpuint (count_of (c.spans, "fraud_check"), ==, summary_count (summary, "fraud checks"));
  g_assert_cmpuint (count_of (c.spans, "start_workers"), ==, 1);
  g_assert_cmpuint (count_of (c.spans, "report"), ==, 1);
  g_assert_cmpuint (count_of (c.spans, "hand_in"), ==, 3);
  /* one arrow from each worker's hand-in to the report, all closed */
  g_assert_cmpuint (c.flow_begin, ==, 3);
  g_assert_cmpuint (c.flow_end, ==, 3);
  trace_counts_clear (&c);
}

static void
test_trace_async (void)
{
  TraceCounts c;
  g_autofree char *summary = record (&mode_cases[3], &c);
  long delivered = summary_count (summary, "delivered");
  long timed_out = summary_count (summary, "timed out");
  long declined = summary_count (summary, "declined");

  g_assert_cmpint (delivered + timed_out + declined, ==, 50);
  assert_thread (&c, "loop");
  g_assert_cmpuint (c.thread_streams, ==, 1);

  g_assert_cmpuint (c.task_begin, ==, 50);
  g_assert_cmpuint (c.task_end, ==, 50);
  g_assert_cmpuint (c.task_suspend, ==, delivered + timed_out);
  g_assert_cmpuint (c.task_resume, ==, delivered + timed_out);
  g_assert_cmpuint (count_of (c.spans, "compose"), ==, 50);
  g_assert_cmpuint (count_of (c.spans, "settle"), ==, delivered);
  g_assert_cmpuint (count_of (c.spans, "refund"), ==, timed_out);
  g_assert_cmpuint (count_of (c.instants, "timeout"), ==, timed_out);
  /* a request and an echo per notification sent, each arrow closed */
  g_assert_cmpuint (c.flow_begin, ==, 2 * (delivered + timed_out));
  g_assert_cmpuint (c.flow_end, ==, c.flow_begin);
  g_assert_cmpuint (count_of (c.spans, "gateway"), ==, delivered + timed_out);
  g_assert_cmpuint (count_of (c.spans, "echo"), ==, delivered + timed_out);
  trace_counts_clear (&c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (mode_cases); i++)
    {
      g_autofree char *conserved = g_strdup_printf ("/weft/bank/%s/conserved", mode_cases[i].mode);
      g_autofree char *check = g_strdup_printf ("/weft/bank/%s/self-check", mode_cases[i].mode);

      g_test_add_data_func (conserved, &mode_cases[i], test_conserved);
      g_test_add_data_func (check, &mode_cases[i], test_self_check);
    }
  g_test_add_func ("/weft/bank/usage", test_usage);
  g_test_add_func ("/weft/bank/threads/trace", test_trace_threads);
  g_test_add_func ("/weft/bank/gil/trace", test_trace_gil);
  g_test_add_func ("/weft/bank/processes/trace", test_trace_processes);
  g_test_add_func ("/weft/bank/async/trace", test_trace_async);

  return g_test_run ();
}
