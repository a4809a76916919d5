/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-record-session: the cost of one recorded event under `weft
 * record`, where libweft's pool is a memfd shared with the recorder
 * (weft-session-shared.c), against the floor loop of SPEC §7 in the same
 * process; then two threads x 20 M events while the recorder drains.
 * This process plays the recorder (weft-record-pools.h, the code `weft
 * record` runs) and re-executes itself as the traced program; afterwards
 * every event is counted in the trace with the reader.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "bench-record-loops.h"
#include "weft-reader.h"
#include "weft-record-pools.h"

static void *
thread_main (void *data)
{
  weft_thread_set_name ((const char *) data);
  for (long i = 0; i < THREAD_EVENTS; i += 2)
    {
      weft_span_begin ("disk");
      weft_span_end ();
    }
  return NULL;
}

/* The traced program. */
static int
child (void)
{
  double floor_best, event_best, ratio, t0, secs;
  pthread_t threads[2];

  if (!floor_ring_init ())
    return 1;
  ratio = floor_and_event (&floor_best, &event_best);
  printf ("floor loop (SPEC §7):                  %6.2f ns/iteration (best of %d)\n", floor_best,
          RUNS);
  printf ("weft_span_begin/end, shared pool:      %6.2f ns/event (best of %d)\n", event_best, RUNS);
  printf ("ratio event / floor iteration:         %6.2f (target <= 1.30)%s\n", ratio,
          ratio <= 1.3 ? "" : "  ABOVE TARGET");
  t0 = now_ns ();
  pthread_create (&threads[0], NULL, thread_main, "disk-1");
  pthread_create (&threads[1], NULL, thread_main, "disk-2");
  pthread_join (threads[0], NULL);
  pthread_join (threads[1], NULL);
  secs = (now_ns () - t0) / 1e9;
  printf ("2 threads x 20 M events, recorder draining: %.2f s (%.1f M events/s)\n", secs,
          2.0 * THREAD_EVENTS / secs / 1e6);
  fflush (stdout);
  return 0;
}

static guint64
count (const char *path, const char *prefix, guint64 *lost)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_reader_open (path, &error);
  guint64 n = 0;

  g_assert_no_error (error);
  *lost = 0;
  for (guint s = 0; s < weft_reader_get_n_streams (reader); s++)
    {
      WeftStreamIter iter;
      WeftEvent ev;

      weft_stream_iter_init (&iter, reader, s);
      while (weft_stream_iter_next (&iter, &ev))
        if (ev.kind == WEFT_EV_SPAN_BEGIN
            && g_str_has_prefix (weft_reader_get_string (reader, ev.name), prefix))
          n += 2;
        else if (ev.kind == WEFT_EV_LOST)
          *lost += ev.id;
    }
  return n;
}

/* The recorder: drains the child's pool until it exits, then checks. */
static int
recorder (char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-bench-session-XXXXXX", &error);
  g_autofree char *sock = g_build_filename (dir, "session", NULL);
  g_autofree char *out = g_build_filename (dir, "bench.weft", NULL);
  WeftBuilder *b = weft_builder_new (out);
  WeftPools *pools = b != NULL ? weft_pools_new (b, sock) : NULL;
  guint64 literal, disk, lost;
  WeftPoolsStats st;
  int status = 0, failed = 0;
  pid_t pid;

  g_assert_no_error (error);
  if (pools == NULL)
    {
      fprintf (stderr, "bench-record-session: %s: %s\n", sock, g_strerror (errno));
      return 1;
    }
  g_setenv ("WEFT_SESSION", sock, TRUE);
  g_setenv ("WEFT_BENCH_SESSION_CHILD", "1", TRUE);
  g_unsetenv ("WEFT_TRACE");
  pid = fork ();
  if (pid == 0)
    {
      execv ("/proc/self/exe", argv);
      _exit (127);
    }
  while (waitpid (pid, &status, WNOHANG) == 0)
    {
      struct pollfd p = { .fd = weft_pools_get_fd (pools), .events = POLLIN };

      poll (&p, 1, WEFT_POOLS_PERIOD_MS);
      weft_pools_service (pools, (uint64_t) now_ns ());
    }
  weft_pools_finish (pools);
  weft_pools_get_stats (pools, &st);
  weft_pools_free (pools);
  if (weft_builder_finish (b) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "bench-record-session: the run failed\n");
      return 1;
    }
  literal = count (out, "literal", &lost);
  disk = count (out, "disk", &lost);
  printf ("in the trace: %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT
          " lost, %" G_GUINT64_FORMAT " chunks from %" G_GUINT64_FORMAT " pool\n",
          literal, disk, lost, st.stream_chunks, st.processes);
  if (literal != (guint64) RUNS * EVENTS_PER_RUN + EVENTS_PER_RUN / 10 || disk != 2 * THREAD_EVENTS
      || lost != 0)
    {
      printf ("EVENTS LOST OR MISSING\n");
      failed = 1;
    }
  g_remove (out);
  g_rmdir (dir);
  return failed;
}

int
main (int argc, char **argv)
{
  if (g_getenv ("WEFT_BENCH_SESSION_CHILD") != NULL)
    return child ();
  return recorder (argv);
}
