/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-record-kill.c: a traced program killed by SIGKILL keeps every
 * event it finished writing (SPEC §4): kill-helper records a known number
 * of instants per thread, then dies; the trace has exactly those, weft
 * record exits 128 + 9 and says so, and leaves no file behind. With and
 * without perf (the pools do not depend on it). A recorder killed itself
 * leaves its directory, which the next one removes if it holds nothing.
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record-trace.h"
#include "weft-test-trace.h"

/* 300,000 instants of 3 bytes: several 256 KiB blocks per thread, so
 * both full blocks drained while it runs and the last partial one. */
#define N_EVENTS 300000
#define N_THREADS 3

static const char *const no_perf[] = { "WEFT_RECORD_NO_PERF=1", NULL };

typedef struct
{
  char *dir;
  char *tmp; /* TMPDIR of weft record: must be empty at the end */
  char *out;
  const char *const *env;
  char *env_tmp[3];
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer with_perf)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("weft-record-kill-XXXXXX", &error);
  g_assert_no_error (error);
  f->tmp = g_build_filename (f->dir, "tmp", NULL);
  g_assert_cmpint (g_mkdir (f->tmp, 0700), ==, 0);
  f->out = g_build_filename (f->dir, "out.weft", NULL);
  f->env_tmp[0] = g_strdup_printf ("TMPDIR=%s", f->tmp);
  f->env_tmp[1] = with_perf ? NULL : g_strdup (no_perf[0]);
  f->env = (const char *const *) f->env_tmp;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->tmp);
  g_free (f->out);
  g_free (f->env_tmp[0]);
  g_free (f->env_tmp[1]);
}

/* weft record removed its directory (socket, fallback file). */
static void
assert_nothing_left (Fixture *f)
{
  g_autoptr (GDir) dir = g_dir_open (f->tmp, 0, NULL);

  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
}

static void
assert_instants (RecordTrace *trace, const char *name, guint64 n)
{
  RecordThread *t = record_trace_find_any_name (trace, name);

  if (t == NULL)
    g_error ("no thread named %s", name);
  g_assert_cmpuint (t->n_instants, ==, n);
}

static void
assert_workers (RecordTrace *trace)
{
  for (int i = 0; i < N_THREADS; i++)
    {
      g_autofree char *name = g_strdup_printf ("killer-%d", i);

      assert_instants (trace, name, N_EVENTS);
    }
}

static void
assert_killed_summary (const char *err)
{
  g_assert_nonnull (strstr (err, "killed by signal 9"));
  g_assert_nonnull (strstr (err, "exit status 137"));
  g_assert_nonnull (strstr (err, " 0 lost events"));
}

/* The program raises SIGKILL itself once every thread finished. */
static void
test_self (Fixture *f, gconstpointer data)
{
  g_autofree char *n_threads = g_strdup_printf ("%d", N_THREADS);
  g_autofree char *n_events = g_strdup_printf ("%d", N_EVENTS);
  const char *cmd[] = { record_kill_helper (), "self", n_threads, n_events, NULL };
  g_autofree char *err = NULL;
  g_autoptr (RecordTrace) trace = NULL;

  g_assert_cmpint (record_run (f->out, NULL, cmd, f->env, &err), ==, 128 + SIGKILL);
  assert_killed_summary (err);
  trace = record_trace_load (f->out);
  assert_instants (trace, "killer-main", N_EVENTS);
  assert_workers (trace);
  g_assert_cmpuint (trace->kinds[WEFT_EV_INSTANT], ==, (N_THREADS + 1) * N_EVENTS);
  g_assert_cmpuint (trace->lost, ==, 0);
  g_assert_cmpuint (record_trace_n_processes (trace), ==, 1);
  assert_nothing_left (f);
}

/* Killed by someone else (the test) once it said it is ready. */
static void
test_outside (Fixture *f, gconstpointer data)
{
  g_autofree char *n_threads = g_strdup_printf ("%d", N_THREADS);
  g_autofree char *n_events = g_strdup_printf ("%d", N_EVENTS);
  const char *argv[] = { record_weft (),        "record",  "-o",      f->out,   "--",
                         record_kill_helper (), "outside", n_threads, n_events, NULL };
  g_auto (GStrv) env = g_get_environ ();
  g_autoptr (GError) error = NULL;
  g_autoptr (RecordTrace) trace = NULL;
  g_autofree char *err = NULL;
  char line[64] = "";
  GPid record;
  int out_fd, err_fd, status, pid = 0;
  FILE *out;

  env = g_environ_unsetenv (env, "WEFT_RECORD_NO_PERF");
  for (int i = 0; f->env[i] != NULL; i++)
    {
      g_auto (GStrv) kv = g_strsplit (f->env[i], "=", 2);

      env = g_environ_setenv (env, kv[0], kv[1], TRUE);
    }
  g_spawn_async_with_pipes (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &record, NULL, &out_fd, &err_fd, &error);
  g_assert_no_error (error);
  out = fdopen (out_fd, "r");
  g_assert_nonnull (fgets (line, sizeof line, out));
  fclose (out);
  g_assert_cmpint (sscanf (line, "%d ready", &pid), ==, 1);
  g_assert_cmpint (pid, >, 1);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);

  {
    g_autoptr (GIOChannel) ch = g_io_channel_unix_new (err_fd);

    g_io_channel_set_close_on_unref (ch, TRUE);
    g_io_channel_read_to_end (ch, &err, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (waitpid (record, &status, 0), ==, record);
  g_spawn_close_pid (record);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 128 + SIGKILL);
  assert_killed_summary (err);

  trace = record_trace_load (f->out);
  assert_instants (trace, "killer-main", N_EVENTS);
  assert_workers (trace);
  g_assert_cmpuint (trace->lost, ==, 0);
  assert_nothing_left (f);
}

static RecordThread *
main_thread_besides (RecordTrace *trace, guint32 pid)
{
  GHashTableIter it;
  RecordThread *t;

  g_hash_table_iter_init (&it, trace->threads);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) &t))
    if (t->pid != pid && t->all_names != NULL && strstr (t->all_names, "\nkiller-main\n") != NULL)
      return t;
  return NULL;
}

/* A forked child is killed; its parent goes on recording and exits 0. */
static void
test_fork_child (Fixture *f, gconstpointer data)
{
  g_autofree char *n_threads = g_strdup_printf ("%d", N_THREADS);
  g_autofree char *n_events = g_strdup_printf ("%d", N_EVENTS);
  const char *cmd[] = { record_kill_helper (), "fork", n_threads, n_events, NULL };
  g_autoptr (RecordTrace) trace = NULL;
  RecordThread *parent, *child;

  g_assert_cmpint (record_run (f->out, NULL, cmd, f->env, NULL), ==, 0);
  trace = record_trace_load (f->out);
  child = record_trace_find_any_name (trace, "killer-child");
  g_assert_nonnull (child);
  /* The child's main thread was "killer-main" too until it renamed. */
  parent = main_thread_besides (trace, child->pid);
  g_assert_nonnull (parent);
  g_assert_cmpuint (parent->pid, !=, child->pid);
  /* N before the fork and N after the child died. */
  g_assert_cmpuint (parent->n_instants, ==, 2 * N_EVENTS);
  g_assert_cmpuint (child->n_instants, ==, N_EVENTS);
  assert_workers (trace);
  g_assert_cmpuint (trace->kinds[WEFT_EV_INSTANT], ==, (N_THREADS + 3) * N_EVENTS);
  g_assert_cmpuint (trace->lost, ==, 0);
  g_assert_cmpuint (record_trace_n_processes (trace), ==, 2);
  assert_nothing_left (f);
}

/* A cap far too small: what did not fit is counted lost, to the event,
 * killed or not (the count pending in the thread's slot is written by
 * the final drain). */
static void
test_over_cap (Fixture *f, gconstpointer data)
{
  const char *extra[] = { "--buffer-cap", "128K", NULL };
  const char *cmd[] = { record_kill_helper (), "self", "0", "2000000", NULL };
  g_autoptr (RecordTrace) trace = NULL;
  RecordThread *t;

  g_assert_cmpint (record_run (f->out, extra, cmd, f->env, NULL), ==, 128 + SIGKILL);
  trace = record_trace_load (f->out);
  t = record_trace_find_any_name (trace, "killer-main");
  g_assert_nonnull (t);
  g_assert_cmpuint (trace->lost, >, 0);
  g_assert_cmpuint (t->n_instants, >, 0);
  g_assert_cmpuint (t->n_instants + trace->lost, ==, 2000000);
  assert_nothing_left (f);
}

/* A TMPDIR too long for a socket path: no session, libweft's file is
 * merged instead (a killed process loses what it had not written out,
 * the rest is there). */
static void
test_long_tmpdir (Fixture *f, gconstpointer data)
{
  g_autofree char *name = g_strnfill (100, 'x');
  g_autofree char *tmp = g_build_filename (f->tmp, name, NULL);
  g_autofree char *env0 = g_strdup_printf ("TMPDIR=%s", tmp);
  const char *env[] = { env0, NULL };
  const char *cmd[] = { record_kill_helper (), "fork", "1", "1000", NULL };
  g_autoptr (RecordTrace) trace = NULL;
  RecordThread *child;

  g_assert_cmpint (g_mkdir (tmp, 0700), ==, 0);
  g_assert_cmpint (record_run (f->out, NULL, cmd, env, NULL), ==, 0);
  trace = record_trace_load (f->out);
  child = record_trace_find_any_name (trace, "killer-child");
  g_assert_nonnull (child);
  g_assert_cmpuint (main_thread_besides (trace, child->pid)->n_instants, ==, 2000);
  g_assert_cmpint (g_rmdir (tmp), ==, 0);
  assert_nothing_left (f);
}

/* Without weft record's socket, libweft falls back to WEFT_TRACE. */
static void
test_no_session (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "no-such-socket", NULL);
  const char *argv[] = { record_kill_helper (), "fork", "1", "1000", NULL };
  g_auto (GStrv) env = g_get_environ ();
  g_autoptr (GError) error = NULL;
  g_autoptr (RecordTrace) trace = NULL;
  int status;

  env = g_environ_setenv (env, "WEFT_SESSION", missing, TRUE);
  env = g_environ_setenv (env, "WEFT_TRACE", f->out, TRUE);
  env = g_environ_unsetenv (env, "WEFT_TRACE_APPEND");
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  trace = record_trace_load (f->out);
  /* The parent's events: it exited normally. */
  assert_instants (trace, "killer-main", 2000);
}

/* weft record itself dying leaves its file cut after any chunk: from the
 * first stream chunk on, the file must already hold two clock pairs, so
 * the TSC times of what is left still convert (no "no clock sync"). */
static void
test_cut_after_first_stream (Fixture *f, gconstpointer data)
{
  g_autofree char *n_threads = g_strdup_printf ("%d", N_THREADS);
  g_autofree char *n_events = g_strdup_printf ("%d", N_EVENTS);
  const char *cmd[] = { record_kill_helper (), "self", n_threads, n_events, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree guint8 *data_bytes = NULL;
  gsize size, cut;
  guint n_pairs;

  g_assert_cmpint (record_run (f->out, NULL, cmd, f->env, &err), ==, 128 + SIGKILL);
  g_assert_true (g_file_get_contents (f->out, (char **) &data_bytes, &size, &error));
  g_assert_no_error (error);
  cut = weft_test_first_tsc_chunk (data_bytes, size, &n_pairs);
  g_assert_cmpuint (cut, >, 0);
  g_assert_cmpuint (n_pairs, >=, 2);
  {
    g_autoptr (GBytes) bytes = g_bytes_new (data_bytes, cut);
    g_autoptr (WeftReader) r = weft_reader_new_from_bytes (bytes, &error);

    g_assert_no_error (error);
    g_assert_true (weft_reader_get_damage (r) == NULL
                   || strstr (weft_reader_get_damage (r), "no clock sync") == NULL);
  }
}

/* A recorder killed outright left its directory: the next one removes
 * it when its recorder is gone and it holds no events, and leaves the
 * others (events in it, its recorder alive, a name without a pid). */
static void
test_stale_dirs (Fixture *f, gconstpointer data)
{
  const char *cmd[] = { "/bin/true", NULL };
  g_autofree char *empty = NULL, *full = NULL, *alive = NULL, *no_pid = NULL;
  g_autofree char *file = NULL;
  pid_t dead = fork ();
  int status;

  g_assert_cmpint (dead, >=, 0);
  if (dead == 0)
    _exit (0);
  g_assert_cmpint (waitpid (dead, &status, 0), ==, dead);

  empty = g_strdup_printf ("%s/weft-record-%d-aaaaaa", f->tmp, (int) dead);
  full = g_strdup_printf ("%s/weft-record-%d-bbbbbb", f->tmp, (int) dead);
  alive = g_strdup_printf ("%s/weft-record-%d-cccccc", f->tmp, (int) getpid ());
  no_pid = g_strdup_printf ("%s/weft-record-dddddd", f->tmp);
  for (const char *const *d = (const char *const[]) { empty, full, alive, no_pid, NULL }; *d; d++)
    {
      g_autofree char *lib = g_build_filename (*d, "libweft.weft", NULL);
      g_autofree char *sock = g_build_filename (*d, "session", NULL);

      g_assert_cmpint (g_mkdir (*d, 0700), ==, 0);
      g_assert_true (g_file_set_contents (lib, *d == full ? "events" : "", -1, NULL));
      g_assert_true (g_file_set_contents (sock, "", -1, NULL));
    }

  g_assert_cmpint (record_run (f->out, NULL, cmd, f->env, NULL), ==, 0);
  g_assert_false (g_file_test (empty, G_FILE_TEST_EXISTS));
  file = g_build_filename (full, "libweft.weft", NULL);
  g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (alive, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (no_pid, G_FILE_TEST_IS_DIR));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/weft/record/kill/self", Fixture, GINT_TO_POINTER (1), fixture_set_up, test_self,
              fixture_tear_down);
  g_test_add ("/weft/record/kill/self-no-perf", Fixture, NULL, fixture_set_up, test_self,
              fixture_tear_down);
  g_test_add ("/weft/record/kill/outside", Fixture, GINT_TO_POINTER (1), fixture_set_up,
              test_outside, fixture_tear_down);
  g_test_add ("/weft/record/kill/outside-no-perf", Fixture, NULL, fixture_set_up, test_outside,
              fixture_tear_down);
  g_test_add ("/weft/record/kill/fork-child", Fixture, GINT_TO_POINTER (1), fixture_set_up,
              test_fork_child, fixture_tear_down);
  g_test_add ("/weft/record/kill/fork-child-no-perf", Fixture, NULL, fixture_set_up,
              test_fork_child, fixture_tear_down);
  g_test_add ("/weft/record/kill/over-cap", Fixture, NULL, fixture_set_up, test_over_cap,
              fixture_tear_down);
  g_test_add ("/weft/record/kill/long-tmpdir", Fixture, NULL, fixture_set_up, test_long_tmpdir,
              fixture_tear_down);
  g_test_add ("/weft/record/kill/no-session", Fixture, NULL, fixture_set_up, test_no_session,
              fixture_tear_down);
  g_test_add ("/weft/record/kill/cut-after-first-stream", Fixture, NULL, fixture_set_up,
              test_cut_after_first_stream, fixture_tear_down);
  g_test_add ("/weft/record/kill/stale-dirs", Fixture, NULL, fixture_set_up, test_stale_dirs,
              fixture_tear_down);
  return g_test_run ();
}
