/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libweft under load and across process events: many threads, fork,
 * exec, signals arriving mid-event, a full buffer, weft_flush() while the
 * program runs. Every event is in the trace once, or counted lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "weft-test-trace.h"

/* 8 threads × 1 M events: exact counts, nothing lost. */
static void
test_threads (void)
{
  g_autoptr (WeftTestRun) run = weft_test_run_new ();
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) streams = NULL;
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint process_names = 0;
  gint64 pid;

  weft_test_run_spawn (run, NULL, (const char *[]){ "threads", "8", "1000000", NULL }, NULL);
  g_assert_cmpint (run->status, ==, 0);
  pid = weft_test_run_value (run, "pid");
  reader = weft_test_open (run->trace);
  streams = weft_test_streams_of (reader, (guint32) pid);
  /* The main thread recorded nothing: no stream. */
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 8);
  g_assert_cmpuint (streams->len, ==, 8);
  for (guint s = 0; s < streams->len; s++)
    {
      guint index = g_array_index (streams, guint, s);
      const WeftStreamInfo *info = weft_reader_get_stream (reader, index);
      g_autoptr (GArray) events = weft_test_events (reader, index);
      guint first = 0, n;

      g_assert_cmpuint (info->tid, !=, pid);
      g_assert_cmpuint (info->lost_in_chunks, ==, 0);
      g_assert_cmpuint (WEFT_TEST_EV (events, first++)->kind, ==, WEFT_EV_THREAD_START);
      if (WEFT_TEST_EV (events, first)->kind == WEFT_EV_PROCESS_NAME)
        {
          process_names++;
          first++;
        }
      g_assert_cmpuint (WEFT_TEST_EV (events, first++)->kind, ==, WEFT_EV_THREAD_NAME);
      g_assert_cmpuint (WEFT_TEST_EV (events, first)->kind, ==, WEFT_EV_THREAD_NAME);
      g_hash_table_add (
          names, g_strdup (weft_reader_get_string (reader, WEFT_TEST_EV (events, first)->name)));
      first++;
      n = events->len - first - 1;
      g_assert_cmpuint (n, ==, 1000000);
      for (guint i = 0; i < n; i++)
        {
          const WeftEvent *ev = WEFT_TEST_EV (events, first + i);

          if (ev->kind != (i % 2 == 0 ? WEFT_EV_SPAN_BEGIN : WEFT_EV_SPAN_END))
            g_error ("stream %u event %u: kind 0x%x", s, first + i, ev->kind);
        }
      g_assert_cmpuint (weft_test_count (reader, events, WEFT_EV_SPAN_BEGIN, "tick"), ==, 500000);
      g_assert_cmpuint (WEFT_TEST_EV (events, events->len - 1)->kind, ==, WEFT_EV_THREAD_EXIT);
      g_assert_cmpuint (weft_test_lost (events), ==, 0);
      weft_test_assert_times (events, run->t0, run->t1);
    }
  g_assert_cmpuint (process_names, ==, 1);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("worker %u", i);

      g_assert_true (g_hash_table_contains (names, name));
    }
}

static guint
count_in_file (WeftReader *reader, guint8 kind, const char *name)
{
  guint n = 0;

  for (guint s = 0; s < weft_reader_get_n_streams (reader); s++)
    {
      g_autoptr (GArray) events = weft_test_events (reader, s);

      n += weft_test_count (reader, events, kind, name);
    }
  return n;
}

/* A fork child's events appear once, under its pid; the parent's from
 * before the fork are not duplicated; a thread recording while the
 * process forks stays the parent's. */
static void
test_fork (void)
{
  g_autoptr (WeftTestRun) run = weft_test_run_new ();
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) parent = NULL;
  g_autoptr (GArray) child = NULL;
  g_autoptr (GArray) pe = NULL;
  g_autoptr (GArray) ce = NULL;
  const guint pairs = 200000;
  gint64 pid, child_pid, spins;

  weft_test_run_spawn (run, NULL, (const char *[]){ "fork", "200000", NULL }, NULL);
  g_assert_cmpint (run->status, ==, 0);
  pid = weft_test_run_value (run, "pid");
  child_pid = weft_test_run_value (run, "child");
  g_assert_cmpint (weft_test_run_value (run, "child_status"), ==, 0);
  spins = weft_test_run_value (run, "spins");
  reader = weft_test_open (run->trace);
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 3);
  parent = weft_test_streams_of (reader, (guint32) pid);
  child = weft_test_streams_of (reader, (guint32) child_pid);
  g_assert_cmpuint (parent->len, ==, 2);
  g_assert_cmpuint (child->len, ==, 1);
  g_assert_cmpuint (weft_reader_get_stream (reader, g_array_index (child, guint, 0))->tid, ==,
                    child_pid);

  /* The main thread's stream: the spinner's has THREAD_START first. */
  pe = weft_test_events (reader, g_array_index (parent, guint, 0));
  if (WEFT_TEST_EV (pe, 0)->kind == WEFT_EV_THREAD_START)
    {
      g_array_unref (pe);
      pe = weft_test_events (reader, g_array_index (parent, guint, 1));
    }
  g_assert_cmpuint (pe->len, ==, 5);
  g_assert_cmpuint (WEFT_TEST_EV (pe, 0)->kind, ==, WEFT_EV_THREAD_NAME);
  g_assert_cmpstr (weft_reader_get_string (reader, WEFT_TEST_EV (pe, 1)->name), ==,
                   "parent-before");
  g_assert_cmpstr (weft_reader_get_string (reader, WEFT_TEST_EV (pe, 3)->name), ==, "parent-after");

  ce = weft_test_events (reader, g_array_index (child, guint, 0));
  g_assert_cmpuint (ce->len, ==, 2 + 1 + 2 * pairs + 2);
  g_assert_cmpuint (WEFT_TEST_EV (ce, 0)->kind, ==, WEFT_EV_PROCESS_NAME);
  g_assert_cmpstr (weft_reader_get_string (reader, WEFT_TEST_EV (ce, 0)->name), ==, "weft-helper");
  g_assert_cmpuint (WEFT_TEST_EV (ce, 1)->kind, ==, WEFT_EV_THREAD_NAME);
  g_assert_cmpstr (weft_reader_get_string (reader, WEFT_TEST_EV (ce, 2)->name), ==, "child");
  g_assert_cmpuint (weft_test_count (reader, ce, WEFT_EV_SPAN_BEGIN, "child-tick"), ==, pairs);
  g_assert_cmpuint (weft_test_count (reader, ce, WEFT_EV_SPAN_END, NULL), ==, pairs + 1);
  g_assert_cmpuint (weft_test_count (reader, ce, WEFT_EV_INSTANT, "child-instant"), ==, 1);
  g_assert_cmpuint (weft_test_lost (ce), ==, 0);
  weft_test_assert_times (ce, run->t0, run->t1);

  g_assert_cmpuint (count_in_file (reader, WEFT_EV_SPAN_BEGIN, "parent-before"), ==, 1);
  g_assert_cmpuint (count_in_file (reader, WEFT_EV_SPAN_BEGIN, "child"), ==, 1);
  g_assert_cmpuint (count_in_file (reader, WEFT_EV_SPAN_BEGIN, "spin"), ==, spins);
  g_assert_cmpuint (weft_test_count (reader, ce, WEFT_EV_SPAN_BEGIN, "spin"), ==, 0);
}

/* A 50 µs timer's handler records on the thread that records in a loop:
 * the trace decodes cleanly, the loop's events are all there, and every
 * handler event is either there or counted lost. */
static void
test_signal (void)
{
  g_autoptr (WeftTestRun) run = weft_test_run_new ();
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) events = NULL;
  gint64 pairs, signals;
  guint64 lost, instants, next = 0;

  weft_test_run_spawn (run, NULL, (const char *[]){ "signal", "2000", NULL }, NULL);
  g_assert_cmpint (run->status, ==, 0);
  pairs = weft_test_run_value (run, "pairs");
  signals = weft_test_run_value (run, "signals");
  reader = weft_test_open (run->trace);
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 1);
  events = weft_test_events (reader, 0);

  g_assert_cmpuint (weft_test_count (reader, events, WEFT_EV_SPAN_BEGIN, "loop"), ==, pairs);
  g_assert_cmpuint (weft_test_count (reader, events, WEFT_EV_SPAN_END, NULL), ==, pairs);
  /* The loop's counter values come in order, none missing. */
  for (guint i = 0; i < events->len; i++)
    if (WEFT_TEST_EV (events, i)->kind == WEFT_EV_COUNTER)
      {
        if (WEFT_TEST_EV (events, i)->value != (double) next)
          g_error ("counter %" G_GUINT64_FORMAT ": %g", next, WEFT_TEST_EV (events, i)->value);
        next++;
      }
  g_assert_cmpuint (next, ==, pairs);
  instants = weft_test_count (reader, events, WEFT_EV_INSTANT, "sig");
  lost = weft_test_lost (events);
  g_test_message ("%" G_GINT64_FORMAT " signals: %" G_GUINT64_FORMAT " recorded, %" G_GUINT64_FORMAT
                  " lost (arrived mid-event)",
                  signals, instants, lost);
  g_assert_cmpuint (instants + lost, ==, signals);
  g_assert_cmpuint (instants, >, 0);
  weft_test_assert_times (events, run->t0, run->t1);
}

/* Reads fd until the child exits and the pipe is empty. */
static GBytes *
drain_fifo (int fd, GPid pid, int *status)
{
  GByteArray *data = g_byte_array_new ();
  guint8 buf[65536];
  gboolean exited = FALSE;

  g_unix_set_fd_nonblocking (fd, TRUE, NULL);
  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);

      if (n > 0)
        {
          g_byte_array_append (data, buf, (guint) n);
          continue;
        }
      g_assert_true (n < 0 && errno == EAGAIN);
      if (exited)
        break;
      exited = waitpid (pid, status, WNOHANG) == pid;
      if (!exited)
        g_usleep (1000);
    }
  return g_byte_array_free_to_bytes (data);
}

/* The trace is a FIFO nobody reads until the program is done: its small
 * buffer (WEFT_BUFFER_CAP=128K) overflows. The program never blocks, and
 * every event is in the trace or counted lost. */
static void
test_overflow (void)
{
  g_autoptr (WeftTestRun) run = weft_test_run_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) events = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_auto (GStrv) envp = NULL;
  const char *argv[] = { weft_test_helper_path (), "overflow", "2000000", NULL };
  const guint64 total = 4000000;
  GIOChannel *out;
  g_autofree char *line = NULL;
  guint64 begins, ends, lost;
  GPid pid;
  int fifo, out_fd, status;

  g_assert_cmpint (mkfifo (run->trace, 0600), ==, 0);
  /* O_RDWR: opening does not wait for the writer, and we see no EOF. */
  fifo = open (run->trace, O_RDWR | O_CLOEXEC);
  g_assert_cmpint (fifo, >=, 0);
  envp = weft_test_run_envp (run, (const char *[]){ "WEFT_BUFFER_CAP=128K", NULL });
  g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                            NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  out = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (out, TRUE);
  do
    {
      g_clear_pointer (&line, g_free);
      g_assert_cmpint (g_io_channel_read_line (out, &line, NULL, NULL, &error), ==,
                       G_IO_STATUS_NORMAL);
    }
  while (strcmp (line, "done\n") != 0);
  g_io_channel_unref (out);

  bytes = drain_fifo (fifo, pid, &status);
  close (fifo);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  reader = weft_reader_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (weft_reader_get_damage (reader), ==, NULL);
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 1);
  events = weft_test_events (reader, 0);
  begins = weft_test_count (reader, events, WEFT_EV_SPAN_BEGIN, "fast");
  ends = weft_test_count (reader, events, WEFT_EV_SPAN_END, NULL);
  lost = weft_test_lost (events);
  g_test_message ("%" G_GUINT64_FORMAT " events: %" G_GUINT64_FORMAT " recorded, %" G_GUINT64_FORMAT
                  " lost",
                  total, begins + ends, lost);
  g_assert_cmpuint (lost, >, 0);
  g_assert_cmpuint (begins + ends + lost, ==, total);
}

static char *
read_line (GIOChannel *channel)
{
  g_autoptr (GError) error = NULL;
  char *line = NULL;

  g_assert_cmpint (g_io_channel_read_line (channel, &line, NULL, NULL, &error), ==,
                   G_IO_STATUS_NORMAL);
  g_assert_no_error (error);
  return line;
}

/* After weft_flush() returns, what was recorded is in the file while the
 * program runs; what follows in the same block is written later, once. */
static void
test_flush (void)
{
  g_autoptr (WeftTestRun) run = weft_test_run_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) envp = weft_test_run_envp (run, NULL);
  const char *argv[] = { weft_test_helper_path (), "flush", NULL };
  g_autoptr (GArray) events = NULL;
  GIOChannel *out;
  char *line;
  GPid pid;
  int in_fd, out_fd, status;

  run->t0 = weft_test_monotonic_ns ();
  g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                            &in_fd, &out_fd, NULL, &error);
  g_assert_no_error (error);
  out = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (out, TRUE);
  g_free (read_line (out)); /* pid= */
  line = read_line (out);
  g_assert_cmpstr (line, ==, "flushed\n");
  g_free (line);
  {
    g_autoptr (WeftReader) reader = weft_test_open (run->trace);
    g_autoptr (GArray) now = weft_test_events (reader, 0);

    g_assert_cmpuint (now->len, ==, 2 + 2000);
    /* A file cut now (the program killed) converts its times: two pairs
     * came before the events. */
    g_autofree char *bytes = NULL;
    gsize size;
    guint pairs;

    g_assert_true (g_file_get_contents (run->trace, &bytes, &size, NULL));
    g_assert_cmpuint (weft_test_first_tsc_chunk ((const guint8 *) bytes, size, &pairs), >, 0);
    g_assert_cmpuint (pairs, >=, 2);
    g_assert_cmpuint (weft_test_count (reader, now, WEFT_EV_SPAN_BEGIN, "first"), ==, 1000);
    g_assert_cmpuint (weft_test_count (reader, now, WEFT_EV_SPAN_END, NULL), ==, 1000);
  }
  g_assert_cmpint (write (in_fd, "go\n", 3), ==, 3);
  close (in_fd);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_io_channel_unref (out);
  run->t1 = weft_test_monotonic_ns ();
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_autoptr (WeftReader) reader = weft_test_open (run->trace);
    const WeftStreamInfo *info = weft_reader_get_stream (reader, 0);

    g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 1);
    /* One block, three pieces: two flushes and the exit. */
    g_assert_cmpuint (info->n_chunks, ==, 3);
    events = weft_test_events (reader, 0);
    g_assert_cmpuint (events->len, ==, 2 + 2000 + 2000 + 20);
    for (guint i = 2; i < events->len; i++)
      {
        const char *want = i < 2002 ? "first" : i < 4002 ? "second" : "third";
        const WeftEvent *ev = WEFT_TEST_EV (events, i);

        g_assert_cmpuint (ev->kind, ==, i % 2 == 0 ? WEFT_EV_SPAN_BEGIN : WEFT_EV_SPAN_END);
        if (ev->kind == WEFT_EV_SPAN_BEGIN)
          g_assert_cmpstr (weft_reader_get_string (reader, ev->name), ==, want);
      }
    weft_test_assert_times (events, run->t0, run->t1);
  }
}

/* A program exec'd by a recorded one appends to the same trace: one
 * header, one METADATA, the same pid in a new stream. */
static void
test_exec (void)
{
  g_autoptr (WeftTestRun) run = weft_test_run_new ();
  g_autoptr (WeftReader) reader = NULL;
  g_autofree char *command = NULL;
  gint64 pid;

  weft_test_run_spawn (run, NULL, (const char *[]){ "exec", NULL }, NULL);
  g_assert_cmpint (run->status, ==, 0);
  pid = weft_test_run_value (run, "pid");
  reader = weft_test_open (run->trace);
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 2);
  command = g_strdup_printf ("%s exec", weft_test_helper_path ());
  g_assert_cmpstr (weft_reader_get_metadata (reader, "command"), ==, command);
  for (guint s = 0; s < 2; s++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, s);
      g_autoptr (GArray) events = weft_test_events (reader, s);
      const char *name = weft_reader_get_string (reader, WEFT_TEST_EV (events, 2)->name);

      g_assert_cmpuint (info->pid, ==, pid);
      g_assert_cmpuint (info->tid, ==, pid);
      g_assert_cmpuint (events->len, ==, 4);
      g_assert_cmpuint (WEFT_TEST_EV (events, 0)->kind, ==, WEFT_EV_PROCESS_NAME);
      g_assert_true (g_str_equal (name, "before-exec") || g_str_equal (name, "after-exec"));
    }
  g_assert_cmpuint (weft_reader_get_stream (reader, 0)->stream_id, !=,
                    weft_reader_get_stream (reader, 1)->stream_id);
  g_assert_cmpuint (count_in_file (reader, WEFT_EV_SPAN_BEGIN, "before-exec"), ==, 1);
  g_assert_cmpuint (count_in_file (reader, WEFT_EV_SPAN_BEGIN, "after-exec"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/runtime/threads", test_threads);
  g_test_add_func ("/weft/runtime/fork", test_fork);
  g_test_add_func ("/weft/runtime/signal", test_signal);
  g_test_add_func ("/weft/runtime/overflow", test_overflow);
  g_test_add_func ("/weft/runtime/flush", test_flush);
  g_test_add_func ("/weft/runtime/exec", test_exec);
  return g_test_run ();
}
