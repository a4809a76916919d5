/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-record.c: `weft record` end to end: it runs record-helper and the
 * tests read the trace back. Tests that need perf events skip (saying
 * why) where they are refused; the fallback without perf always runs.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record-trace.h"
#include "weft-record-perf.h"

static const char *const no_perf[] = { "WEFT_RECORD_NO_PERF=1", NULL };

typedef struct
{
  char *dir;
  char *out;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("weft-record-test-XXXXXX", &error);
  g_assert_no_error (error);
  f->out = g_build_filename (f->dir, "out.weft", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->out);
}

#define TEST(path, fn) \
  g_test_add ("/weft/record/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

/* --- threads, names, scheduler --- */

static void
check_workers (RecordTrace *trace, int n)
{
  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("worker-%d", i);
      RecordThread *t = record_trace_find_name (trace, name);

      g_assert_nonnull (t);
      g_assert_true (t->started);
      g_assert_true (t->exited);
    }
  g_assert_cmpuint (record_trace_n_threads (trace), ==, n + 1);
  g_assert_cmpuint (record_trace_n_processes (trace), ==, 1);
}

static void
test_threads (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { record_helper (), "threads", "4", NULL };
  g_autoptr (RecordTrace) trace = NULL;
  int cpus;

  if (!record_need_perf ())
    return;
  g_assert_cmpint (record_run (f->out, NULL, cmd, NULL, NULL), ==, 0);
  trace = record_trace_load (f->out);
  check_workers (trace, 4);
  g_assert_cmpstr (record_trace_meta (trace, "sched"), ==, "true");
  g_assert_cmpstr (record_trace_meta (trace, "system_wide"), ==, "false");

  /* Every worker ran on a real CPU, and every switch is on one. */
  cpus = atoi (record_trace_meta (trace, "cpu_count"));
  g_assert_cmpint (cpus, >=, 1);
  g_assert_cmpuint (trace->switches->len, >, 0);
  for (guint i = 0; i < trace->switches->len; i++)
    {
      RecordSwitch *s = &g_array_index (trace->switches, RecordSwitch, i);

      g_assert_cmpuint (s->cpu, <, (guint) cpus);
      g_assert_cmpint (s->prev, !=, s->next);
      g_assert_cmpuint (s->state, <=, WEFT_SWITCH_UNKNOWN);
      /* Per-task records cannot see idle; others are WEFT_TID_OTHER. */
      g_assert_true (s->next == WEFT_TID_OTHER || record_trace_thread (trace, s->next) != NULL);
      g_assert_true (s->prev == WEFT_TID_OTHER || record_trace_thread (trace, s->prev) != NULL);
    }
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("worker-%d", i);
      RecordThread *t = record_trace_find_name (trace, name);
      gboolean ran = FALSE;

      for (guint k = 0; k < trace->switches->len; k++)
        ran |= g_array_index (trace->switches, RecordSwitch, k).next == t->tid;
      g_assert_true (ran);
    }
  g_assert_cmpuint (record_trace_broken_switches (trace), ==, 0);
  g_assert_cmpuint (trace->lost, ==, 0);
}

static void
test_threads_no_perf (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { record_helper (), "threads", "4", NULL };
  g_autoptr (RecordTrace) trace = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (record_run (f->out, NULL, cmd, no_perf, &err), ==, 0);
  trace = record_trace_load (f->out);
  /* The hooks name and start the threads themselves. */
  check_workers (trace, 4);
  g_assert_cmpstr (record_trace_meta (trace, "sched"), ==, "false");
  g_assert_nonnull (strstr (record_trace_meta (trace, "sched_reason"), "WEFT_RECORD_NO_PERF"));
  g_assert_cmpuint (trace->n_cpu_streams, ==, 0);
  g_assert_cmpuint (trace->kinds[WEFT_EV_SCHED_SWITCH], ==, 0);
  g_assert_nonnull (strstr (err, "scheduler: no (disabled by WEFT_RECORD_NO_PERF)"));
  g_assert_nonnull (strstr (err, "unset WEFT_RECORD_NO_PERF"));
}

static void
test_no_sched_option (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { record_helper (), "threads", "2", NULL };
  const char *extra[] = { "--no-sched", NULL };
  g_autoptr (RecordTrace) trace = NULL;

  g_assert_cmpint (record_run (f->out, extra, cmd, NULL, NULL), ==, 0);
  trace = record_trace_load (f->out);
  check_workers (trace, 2);
  g_assert_cmpstr (record_trace_meta (trace, "sched"), ==, "false");
  g_assert_cmpstr (record_trace_meta (trace, "sched_reason"), ==, "disabled with --no-sched");
  g_assert_cmpuint (trace->n_cpu_streams, ==, 0);
}

static void
test_many_threads (Fixture *f, gconstpointer with_perf)
{
  const char *cmd[] = { record_helper (), "many-threads", "2000", NULL };
  g_autoptr (RecordTrace) trace = NULL;
  GHashTableIter it;
  RecordThread *t;
  guint started = 0, exited = 0;

  if (with_perf && !record_need_perf ())
    return;
  g_assert_cmpint (record_run (f->out, NULL, cmd, with_perf ? NULL : no_perf, NULL), ==, 0);
  trace = record_trace_load (f->out);
  g_assert_cmpuint (record_trace_n_threads (trace), ==, 2001);
  g_assert_cmpuint (record_trace_n_processes (trace), ==, 1);
  g_assert_cmpuint (trace->lost, ==, 0);
  g_hash_table_iter_init (&it, trace->threads);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) &t))
    if (t->tid != t->pid)
      {
        started += t->started;
        exited += t->exited;
      }
  g_assert_cmpuint (started, ==, 2000);
  g_assert_cmpuint (exited, ==, 2000);
}

/* --- processes --- */

static void
test_chain (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { record_helper (), "chain", "3", NULL };
  g_autoptr (RecordTrace) trace = NULL;
  GHashTableIter it;
  RecordThread *t;
  guint forks = 0, exits = 0, execs = 0;

  if (!record_need_perf ())
    return;
  g_assert_cmpint (record_run (f->out, NULL, cmd, NULL, NULL), ==, 0);
  trace = record_trace_load (f->out);
  g_assert_cmpuint (record_trace_n_processes (trace), ==, 4);
  g_assert_cmpuint (record_trace_n_threads (trace), ==, 4);
  g_hash_table_iter_init (&it, trace->threads);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) &t))
    {
      g_assert_cmpuint (t->tid, ==, t->pid);
      g_assert_cmpstr (t->exec, ==, "record-helper");
      g_assert_cmpstr (t->process_name, ==, "record-helper");
      g_assert_true (t->started);
      g_assert_true (t->process_exit);
      execs++;
      exits += t->process_exit;
      if (t->n_forks > 0)
        {
          /* Each forks the next one, which is in the trace. */
          g_assert_cmpuint (t->n_forks, ==, 1);
          g_assert_nonnull (record_trace_thread (trace, t->fork_child));
          forks++;
        }
    }
  g_assert_cmpuint (forks, ==, 3);
  g_assert_cmpuint (exits, ==, 4);
  g_assert_cmpuint (execs, ==, 4);
}

/* The main thread exits first: the ring of the event opened on it
 * reports POLLHUP from then on, while the worker's records still flow
 * into it. The recorder must keep draining it, without spinning. */
static void
test_main_exits (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { record_helper (), "main-exits", "300", NULL };
  g_autoptr (RecordTrace) trace = NULL;
  struct rusage before, after;
  RecordThread *main_thread = NULL, *worker = NULL;
  GHashTableIter it;
  RecordThread *t;
  guint64 used_ms;
  guint late = 0;

  if (!record_need_perf ())
    return;
  getrusage (RUSAGE_CHILDREN, &before);
  g_assert_cmpint (record_run (f->out, NULL, cmd, NULL, NULL), ==, 0);
  getrusage (RUSAGE_CHILDREN, &after);
  trace = record_trace_load (f->out);
  g_hash_table_iter_init (&it, trace->threads);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) &t))
    if (t->tid == t->pid)
      main_thread = t;
    else
      worker = t;
  g_assert_nonnull (main_thread);
  g_assert_nonnull (worker);
  g_assert_true (main_thread->exited);
  for (guint i = 0; i < trace->switches->len; i++)
    {
      RecordSwitch *s = &g_array_index (trace->switches, RecordSwitch, i);

      late += s->time > main_thread->exit_time
              && (s->prev == worker->tid || s->next == worker->tid);
    }
  /* The worker ran 300 ms after the main thread was gone: it was seen. */
  g_assert_cmpuint (late, >, 0);
  /* The worker spins 300 ms of CPU; a recorder spinning on POLLHUP would
   * add as much again. */
  used_ms = (guint64) (after.ru_utime.tv_sec - before.ru_utime.tv_sec
                       + after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1000
            + (guint64) ((after.ru_utime.tv_usec - before.ru_utime.tv_usec
                          + after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1000);
  g_assert_cmpuint (used_ms, <, 500);
}

/* Forks while other threads are inside the hooks and libweft. */
static void
test_fork_in_threads (Fixture *f, gconstpointer with_perf)
{
  const char *cmd[] = { record_helper (), "fork-busy", "40", NULL };
  g_autoptr (RecordTrace) trace = NULL;

  if (with_perf && !record_need_perf ())
    return;
  g_assert_cmpint (record_run (f->out, NULL, cmd, with_perf ? NULL : no_perf, NULL), ==, 0);
  trace = record_trace_load (f->out);
  if (with_perf)
    {
      /* The 40 children, each one thread (the exec'd ones included). */
      g_assert_cmpuint (record_trace_n_processes (trace), ==, 41);
      g_assert_cmpuint (record_trace_n_threads (trace), ==, 43);
    }
  /* The workers waited all along, and every wait ended. */
  g_assert_cmpuint (trace->kinds[WEFT_EV_COND_WAIT], >, 0);
  g_assert_cmpuint (trace->kinds[WEFT_EV_COND_WAIT], ==, trace->kinds[WEFT_EV_COND_WOKEN]);
}

static void
test_exit_status (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *mode, *arg;
    int code;
  } cases[] = {
    { "exit", "0", 0 },        { "exit", "3", 3 },          { "exit", "42", 42 },
    { "signal", "15", 143 },   { "signal", "9", 137 },      { "signal", "6", 134 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *cmd[] = { record_helper (), cases[i].mode, cases[i].arg, NULL };
      g_autoptr (RecordTrace) trace = NULL;
      RecordThread *root;

      g_assert_cmpint (record_run (f->out, NULL, cmd, no_perf, NULL), ==, cases[i].code);
      trace = record_trace_load (f->out);
      g_assert_cmpuint (record_trace_n_threads (trace), ==, 1);
      root = record_trace_find_name (trace, "record-helper");
      g_assert_true (root->process_exit);
      if (cases[i].code < 128)
        g_assert_cmpint (root->exit_status, ==, cases[i].code << 8);
      else
        g_assert_cmpint (root->exit_status, ==, cases[i].code - 128);
    }
}

/* 126/127 leave an existing trace alone: nothing was recorded. */
static void
test_cannot_run (Fixture *f, gconstpointer data)
{
  g_autofree char *plain = g_build_filename (f->dir, "not-executable", NULL);
  const char *not_found[] = { "weft-no-such-command-xyz", NULL };
  const char *not_found_path[] = { "/nonexistent/prog", NULL };
  const char *not_exec[] = { plain, NULL };
  const char *a_dir[] = { f->dir, NULL };
  g_autofree char *err = NULL;
  g_autofree char *content = NULL;
  g_autofree char *old = g_strconcat (f->out, ".old", NULL);

  g_assert_true (g_file_set_contents (f->out, "keep me", -1, NULL));
  g_assert_true (g_file_set_contents (plain, "#!/bin/sh\n", -1, NULL));
  g_assert_cmpint (record_run (f->out, NULL, not_found, NULL, &err), ==, 127);
  g_assert_cmpstr (err, ==, "weft: weft-no-such-command-xyz: command not found\n");
  g_assert_cmpint (record_run (f->out, NULL, not_found_path, NULL, NULL), ==, 127);
  g_assert_cmpint (record_run (f->out, NULL, not_exec, NULL, NULL), ==, 126);
  g_assert_cmpint (record_run (f->out, NULL, a_dir, NULL, NULL), ==, 126);
  g_assert_true (g_file_get_contents (f->out, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "keep me");
  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
}

static void
test_own_failures (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { record_helper (), "exit", "0", NULL };
  const char *negative[] = { "--memory-period", "-5", NULL };
  const char *bad_cap[] = { "--buffer-cap", "12Q", NULL };
  const char *small_cap[] = { "--buffer-cap", "64K", NULL };
  const char *both[] = { "-p", "1", NULL };
  const char *unknown[] = { "--frobnicate", NULL };
  const char *duration[] = { "--duration", "1", NULL };
  const char *no_pid[] = { "-p", "2147483000", NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (record_run (f->out, NULL, NULL, NULL, NULL), ==, 125);
  g_assert_cmpint (record_run (f->out, negative, cmd, NULL, NULL), ==, 125);
  g_assert_cmpint (record_run (f->out, bad_cap, cmd, NULL, &err), ==, 125);
  g_assert_cmpstr (err, ==, "weft: 12Q: not a size (a number with an optional K, M or G)\n");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (record_run (f->out, small_cap, cmd, NULL, &err), ==, 125);
  g_assert_cmpstr (err, ==, "weft: 64K: --buffer-cap must be at least 128K\n");
  g_assert_cmpint (record_run (f->out, both, cmd, NULL, NULL), ==, 125);
  g_assert_cmpint (record_run (f->out, unknown, cmd, NULL, NULL), ==, 125);
  g_assert_cmpint (record_run (f->out, duration, cmd, NULL, NULL), ==, 125);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (record_run (f->out, no_pid, NULL, NULL, &err), ==, 125);
  g_assert_cmpstr (err, ==, "weft: 2147483000: no such process\n");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (record_run ("/nonexistent-dir/x.weft", NULL, cmd, NULL, &err), ==, 125);
  g_assert_cmpstr (err, ==, "weft: /nonexistent-dir/x.weft: No such file or directory\n");
}

/* --- signals --- */

static void
new_group (gpointer data)
{
  setpgid (0, 0);
}

/* Starts `weft record -o out -- helper wait-signal SIG` in its own process
 * group and waits for the helper's "ready". */
static GPid
start_waiting (Fixture *f, int sig)
{
  g_autofree char *arg = g_strdup_printf ("%d", sig);
  const char *argv[] = { record_weft (), "record", "-o", f->out, "--", record_helper (),
                         "wait-signal", arg, NULL };
  g_autoptr (GError) error = NULL;
  char line[64] = "";
  GPid pid;
  int out;
  FILE *fp;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, new_group,
                            NULL, &pid, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  fp = fdopen (out, "r");
  g_assert_nonnull (fgets (line, sizeof line, fp));
  g_assert_cmpstr (line, ==, "ready\n");
  fclose (fp);
  return pid;
}

static int
wait_exit (GPid pid)
{
  int status;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* Ctrl+C reaches the whole foreground group: the command handles it,
 * weft record ignores it and writes a complete trace. */
static void
test_ctrl_c (Fixture *f, gconstpointer data)
{
  GPid pid = start_waiting (f, SIGINT);
  g_autoptr (RecordTrace) trace = NULL;

  g_assert_cmpint (kill (-pid, SIGINT), ==, 0);
  g_assert_cmpint (wait_exit (pid), ==, 7);
  trace = record_trace_load (f->out);
  g_assert_cmpuint (record_trace_n_processes (trace), ==, 1);
}

static void
test_sigterm_forwarded (Fixture *f, gconstpointer data)
{
  GPid pid = start_waiting (f, SIGTERM);
  g_autoptr (RecordTrace) trace = NULL;

  /* Only to weft record: the command exits 7 only if it was passed on. */
  g_assert_cmpint (kill (pid, SIGTERM), ==, 0);
  g_assert_cmpint (wait_exit (pid), ==, 7);
  trace = record_trace_load (f->out);
  g_assert_cmpuint (record_trace_n_processes (trace), ==, 1);
}

/* --- perf refused --- */

static void
test_perf_refused (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { record_helper (), "seccomp-deny-perf", record_weft (), "record", "-o",
                        f->out, "--", record_helper (), "threads", "2", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (RecordTrace) trace = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) cmd, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status,
                &error);
  g_assert_no_error (error);
  if (strstr (err, "seccomp:") != NULL)
    {
      g_printerr ("# skipped: %s", err);
      g_test_skip ("seccomp filters are not available");
      return;
    }
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  trace = record_trace_load (f->out);
  check_workers (trace, 2);
  g_assert_cmpstr (record_trace_meta (trace, "sched"), ==, "false");
  g_assert_nonnull (strstr (record_trace_meta (trace, "sched_reason"), "refused"));
  g_assert_nonnull (strstr (err, "weft: scheduler: no ("));
  g_assert_nonnull (strstr (err, "kernel.perf_event_paranoid <= 2"));
}

/* --- attach --- */

static GPid
start_sleeper (int ms)
{
  g_autofree char *arg = g_strdup_printf ("%d", ms);
  const char *argv[] = { record_helper (), "sleep", arg, NULL };
  g_autoptr (GError) error = NULL;
  char line[64] = "";
  GPid pid;
  int out;
  FILE *fp;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  fp = fdopen (out, "r");
  g_assert_nonnull (fgets (line, sizeof line, fp));
  fclose (fp);
  return pid;
}

static void
test_attach (Fixture *f, gconstpointer with_perf)
{
  GPid pid;
  g_autofree char *pid_arg = NULL;
  g_autoptr (RecordTrace) trace = NULL;
  RecordThread *t;
  gint64 start;

  if (with_perf && !record_need_perf ())
    return;
  /* Until the process exits. */
  pid = start_sleeper (300);
  pid_arg = g_strdup_printf ("%d", pid);
  {
    const char *extra[] = { "-p", pid_arg, NULL };

    g_assert_cmpint (record_run (f->out, extra, NULL, with_perf ? NULL : no_perf, NULL), ==, 0);
  }
  g_assert_cmpint (wait_exit (pid), ==, 0);
  trace = record_trace_load (f->out);
  t = record_trace_thread (trace, (guint32) pid);
  g_assert_nonnull (t);
  g_assert_cmpstr (t->name, ==, "record-helper");
  g_assert_cmpuint (t->n_counters, >, 0);
  g_assert_true (g_str_has_prefix (record_trace_meta (trace, "command"), record_helper ()));
  g_assert_true (g_str_has_suffix (record_trace_meta (trace, "command"), " sleep 300"));
  g_assert_cmpstr (record_trace_meta (trace, "sched"), ==, with_perf ? "true" : "false");
  g_clear_pointer (&trace, record_trace_free);

  /* Until --duration. */
  pid = start_sleeper (5000);
  g_free (pid_arg);
  pid_arg = g_strdup_printf ("%d", pid);
  {
    const char *extra[] = { "-p", pid_arg, "--duration", "0.2", NULL };

    start = g_get_monotonic_time ();
    g_assert_cmpint (record_run (f->out, extra, NULL, with_perf ? NULL : no_perf, NULL), ==, 0);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  }
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  trace = record_trace_load (f->out);
  g_assert_nonnull (record_trace_thread (trace, (guint32) pid));
  g_clear_pointer (&trace, record_trace_free);

  /* Until Ctrl+C: with -p, SIGINT stops the recording (exit 0). */
  pid = start_sleeper (5000);
  g_free (pid_arg);
  pid_arg = g_strdup_printf ("%d", pid);
  g_unlink (f->out);
  {
    const char *argv[] = { record_weft (), "record", "-o", f->out, "-p", pid_arg, NULL };
    g_auto (GStrv) env = g_environ_unsetenv (g_get_environ (), "WEFT_RECORD_NO_PERF");
    g_autoptr (GError) error = NULL;
    GPid rec;

    if (!with_perf)
      env = g_environ_setenv (env, "WEFT_RECORD_NO_PERF", "1", TRUE);
    g_spawn_async (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                   NULL, NULL, &rec, &error);
    g_assert_no_error (error);
    /* The trace file appears once the recording has started. */
    for (int i = 0; i < 500 && !g_file_test (f->out, G_FILE_TEST_EXISTS); i++)
      g_usleep (10000);
    g_usleep (100000);
    g_assert_cmpint (kill (rec, SIGINT), ==, 0);
    g_assert_cmpint (wait_exit (rec), ==, 0);
  }
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  trace = record_trace_load (f->out);
  g_assert_nonnull (record_trace_thread (trace, (guint32) pid));
}

/* --- system-wide --- */

static void
test_system_wide (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { record_helper (), "threads", "2", NULL };
  const char *extra[] = { "-a", NULL };
  g_autoptr (RecordTrace) trace = NULL;
  char why[256];
  guint others = 0, traced = 0;

  if (!record_need_perf ())
    return;
  if (weft_perf_probe (WEFT_PERF_SYSTEM, why, sizeof why) < 0)
    {
      g_printerr ("# skipped: system-wide perf events refused here: %s\n", why);
      g_test_skip ("system-wide perf events refused here");
      return;
    }
  g_assert_cmpint (record_run (f->out, extra, cmd, NULL, NULL), ==, 0);
  trace = record_trace_load (f->out);
  check_workers (trace, 2);
  g_assert_cmpstr (record_trace_meta (trace, "system_wide"), ==, "true");
  for (guint i = 0; i < trace->switches->len; i++)
    {
      RecordSwitch *s = &g_array_index (trace->switches, RecordSwitch, i);

      g_assert_cmpint (s->prev, !=, s->next);
      if (s->next == WEFT_TID_OTHER || s->next == WEFT_TID_IDLE)
        others++;
      else
        {
          g_assert_nonnull (record_trace_thread (trace, (guint32) s->next));
          traced++;
        }
    }
  g_assert_cmpuint (others, >, 0);
  g_assert_cmpuint (traced, >, 0);
  g_assert_cmpuint (record_trace_broken_switches (trace), ==, 0);
}

/* --- hooks --- */

static guint
sum_threads (RecordTrace *trace, gsize offset)
{
  GHashTableIter it;
  RecordThread *t;
  guint n = 0;

  g_hash_table_iter_init (&it, trace->threads);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) &t))
    n += G_STRUCT_MEMBER (guint, t, offset);
  return n;
}

static void
test_mutex (Fixture *f, gconstpointer data)
{
  const char *contended[] = { record_helper (), "mutex", "contended", NULL };
  const char *uncontended[] = { record_helper (), "mutex", "uncontended", NULL };
  const char *no_hooks[] = { "--no-hooks", NULL };
  g_autoptr (RecordTrace) trace = NULL;
  guint waits;

  g_assert_cmpint (record_run (f->out, NULL, contended, NULL, NULL), ==, 0);
  trace = record_trace_load (f->out);
  waits = sum_threads (trace, G_STRUCT_OFFSET (RecordThread, n_lock_waits));
  g_assert_cmpuint (waits, >, 0);
  g_assert_cmpuint (waits, <=, 400);
  g_assert_cmpuint (sum_threads (trace, G_STRUCT_OFFSET (RecordThread, n_lock_acquired)), ==,
                    waits);
  g_clear_pointer (&trace, record_trace_free);

  /* Uncontended: not one event. */
  g_assert_cmpint (record_run (f->out, NULL, uncontended, NULL, NULL), ==, 0);
  trace = record_trace_load (f->out);
  g_assert_cmpuint (trace->kinds[WEFT_EV_LOCK_WAIT], ==, 0);
  g_assert_cmpuint (trace->kinds[WEFT_EV_LOCK_ACQUIRED], ==, 0);
  g_clear_pointer (&trace, record_trace_free);

  /* Without the hooks, contention is not seen. */
  g_assert_cmpint (record_run (f->out, no_hooks, contended, NULL, NULL), ==, 0);
  trace = record_trace_load (f->out);
  g_assert_cmpuint (trace->kinds[WEFT_EV_LOCK_WAIT], ==, 0);
}

static void
test_condvar (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { record_helper (), "condvar", "100", NULL };
  g_autoptr (RecordTrace) trace = NULL;
  GHashTableIter it;
  RecordThread *t;
  guint waiters = 0;

  g_assert_cmpint (record_run (f->out, NULL, cmd, NULL, NULL), ==, 0);
  trace = record_trace_load (f->out);
  g_hash_table_iter_init (&it, trace->threads);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) &t))
    {
      /* Every wait ends; a thread waits at most once per round. */
      g_assert_cmpuint (t->n_cond_waits, ==, t->n_cond_woken);
      g_assert_cmpuint (t->n_cond_waits, <=, 101);
      waiters += t->n_cond_waits > 0;
    }
  /* Both handoff threads waited for the token. */
  g_assert_cmpuint (waiters, ==, 2);
  g_assert_cmpuint (trace->kinds[WEFT_EV_COND_WAIT], >=, 100);
}

/* --- memory, output, metadata --- */

static void
test_memory (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { record_helper (), "threads", "2", NULL };
  const char *off[] = { "--memory-period", "0", NULL };
  g_autoptr (RecordTrace) trace = NULL;
  RecordThread *root;

  g_assert_cmpint (record_run (f->out, NULL, cmd, NULL, NULL), ==, 0);
  trace = record_trace_load (f->out);
  root = record_trace_find_name (trace, "record-helper");
  g_assert_nonnull (root);
  g_assert_cmpuint (root->tid, ==, root->pid);
  g_assert_cmpuint (root->n_counters, >=, 1);
  g_assert_cmpfloat (root->last_counter, >, 100 * 1024);
  g_clear_pointer (&trace, record_trace_free);

  g_assert_cmpint (record_run (f->out, off, cmd, NULL, NULL), ==, 0);
  trace = record_trace_load (f->out);
  g_assert_cmpuint (trace->kinds[WEFT_EV_COUNTER], ==, 0);
}

static void
test_default_output (Fixture *f, gconstpointer data)
{
  const char *argv[] = { record_weft (), "record", "--", record_helper (), "exit", "0", NULL };
  g_autofree char *trace = g_build_filename (f->dir, "trace.weft", NULL);
  g_autofree char *old = g_build_filename (f->dir, "trace.weft.old", NULL);
  g_autoptr (GError) error = NULL;
  mode_t mask = umask (027);
  struct stat st;
  int status;

  for (int i = 0; i < 2; i++)
    {
      g_spawn_sync (f->dir, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                    NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    }
  umask (mask);
  g_assert_cmpint (stat (trace, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  g_assert_true (g_file_test (old, G_FILE_TEST_IS_REGULAR));
}

static void
test_metadata (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { record_helper (), "exit", "0", NULL };
  static const char *const keys[] = { "hostname", "start_time", "kernel", "cpu_model",
                                      "cpu_count", "weft_version", "sched", "system_wide" };
  g_autoptr (RecordTrace) trace = NULL;
  g_autofree char *command = g_strdup_printf ("%s exit 0", record_helper ());
  g_autofree char *err = NULL;

  g_assert_cmpint (record_run (f->out, NULL, cmd, NULL, &err), ==, 0);
  trace = record_trace_load (f->out);
  g_assert_cmpstr (record_trace_meta (trace, "command"), ==, command);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_nonnull (record_trace_meta (trace, keys[i]));
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d",
                                       record_trace_meta (trace, "start_time"), 0, 0));
  g_assert_cmpstr (record_trace_meta (trace, "weft_version"), ==, WEFT_TEST_VERSION);
  /* The summary: events, processes, threads, lost events, size. */
  g_assert_true (g_regex_match_simple ("^weft: recorded .*out\\.weft: \\d+ events, 1 processes, "
                                       "1 threads, 0 lost events, ",
                                       err, G_REGEX_MULTILINE, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  TEST ("threads", test_threads);
  TEST ("threads-no-perf", test_threads_no_perf);
  TEST ("no-sched-option", test_no_sched_option);
  g_test_add ("/weft/record/many-threads", Fixture, GINT_TO_POINTER (1), fixture_set_up,
              test_many_threads, fixture_tear_down);
  g_test_add ("/weft/record/many-threads-no-perf", Fixture, NULL, fixture_set_up,
              test_many_threads, fixture_tear_down);
  TEST ("chain", test_chain);
  TEST ("main-exits", test_main_exits);
  g_test_add ("/weft/record/fork-in-threads", Fixture, GINT_TO_POINTER (1), fixture_set_up,
              test_fork_in_threads, fixture_tear_down);
  g_test_add ("/weft/record/fork-in-threads-no-perf", Fixture, NULL, fixture_set_up,
              test_fork_in_threads, fixture_tear_down);
  TEST ("exit-status", test_exit_status);
  TEST ("cannot-run", test_cannot_run);
  TEST ("own-failures", test_own_failures);
  TEST ("ctrl-c", test_ctrl_c);
  TEST ("sigterm-forwarded", test_sigterm_forwarded);
  TEST ("perf-refused", test_perf_refused);
  g_test_add ("/weft/record/attach", Fixture, GINT_TO_POINTER (1), fixture_set_up, test_attach,
              fixture_tear_down);
  g_test_add ("/weft/record/attach-no-perf", Fixture, NULL, fixture_set_up, test_attach,
              fixture_tear_down);
  TEST ("system-wide", test_system_wide);
  TEST ("mutex", test_mutex);
  TEST ("condvar", test_condvar);
  TEST ("memory", test_memory);
  TEST ("default-output", test_default_output);
  TEST ("metadata", test_metadata);
  return g_test_run ();
}
