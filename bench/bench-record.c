/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-record: the cost of recording one event with libweft, against
 * the floor loop of SPEC §7 (an rdtsc and two stores into a pre-faulted
 * 64 MiB ring), in the same process, runs alternated, best of several;
 * the bytes an event takes in the file; two threads × 20 M events to
 * disk with nothing lost. Every recorded event is checked in the file
 * with the reader. Runs are short (1 M events) and many: on a shared
 * machine the best of many short runs is the figure least disturbed.
 *
 * libweft reads WEFT_TRACE when it loads, so the benchmark re-executes
 * itself with WEFT_TRACE pointing into a temporary directory.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "bench-record-loops.h"
#include "weft-reader.h"

/* The same with ~1 µs of work between events (realistic time deltas), on
 * a thread of its own so that its stream holds only these. */
static void *
spaced_main (void *data)
{
  long n = *(long *) data;

  for (long i = 0; i < n; i += 2)
    {
      uint64_t until = __rdtsc () + 2000;

      weft_span_begin ("spaced");
      while (__rdtsc () < until)
        ;
      weft_span_end ();
      until = __rdtsc () + 2000;
      while (__rdtsc () < until)
        ;
    }
  return NULL;
}

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

typedef struct
{
  guint64 events; /* span begin/end */
  guint64 lost;
  guint64 bytes; /* encoded event bytes */
} Count;

/* Events of the streams whose first span has this name. */
static Count
count_spans (WeftReader *reader, const char *name, guint *n_streams)
{
  Count c = { 0 };

  *n_streams = 0;
  for (guint s = 0; s < weft_reader_get_n_streams (reader); s++)
    {
      WeftStreamIter iter;
      WeftEvent ev;
      Count here = { 0 };
      gboolean match = FALSE;

      weft_stream_iter_init (&iter, reader, s);
      while (weft_stream_iter_next (&iter, &ev))
        if (ev.kind == WEFT_EV_SPAN_BEGIN || ev.kind == WEFT_EV_SPAN_END)
          {
            if (ev.kind == WEFT_EV_SPAN_BEGIN)
              match = match || g_str_equal (weft_reader_get_string (reader, ev.name), name);
            here.events++;
          }
        else if (ev.kind == WEFT_EV_LOST)
          here.lost += ev.id;
      if (!match)
        continue;
      here.bytes = weft_reader_get_stream (reader, s)->encoded_bytes;
      c.events += here.events;
      c.lost += here.lost;
      c.bytes += here.bytes;
      (*n_streams)++;
    }
  return c;
}

/* Bytes per event of a stream that recorded only spans of one name. */
static double
bytes_per_event (const char *path, const char *name, guint64 *events)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = NULL;
  guint n;
  Count c;

  weft_flush ();
  reader = weft_reader_open (path, &error);
  g_assert_no_error (error);
  c = count_spans (reader, name, &n);
  *events = c.events;
  return c.events > 0 ? (double) c.bytes / (double) c.events : 0;
}

static int
bench (const char *path)
{
  double floor_best, event_best, ratio;
  double bpe_tight, bpe_spaced, t0, secs;
  guint64 tight_events, spaced_events;
  pthread_t threads[2];
  int failed = 0;

  if (!floor_ring_init ())
    return 1;
  ratio = floor_and_event (&floor_best, &event_best);
  printf ("floor loop (SPEC §7):                  %6.2f ns/iteration (best of %d)\n", floor_best,
          RUNS);
  printf ("weft_span_begin/end, literal name:     %6.2f ns/event (best of %d)\n", event_best, RUNS);
  printf ("ratio event / floor iteration:         %6.2f (target <= 1.30)%s\n", ratio,
          ratio <= 1.3 ? "" : "  ABOVE TARGET");

  bpe_tight = bytes_per_event (path, "literal", &tight_events);
  /* The runs and the warm-up, every event in the file. */
  if (tight_events != (guint64) RUNS * EVENTS_PER_RUN + EVENTS_PER_RUN / 10)
    {
      printf ("MISSING EVENTS: %" G_GUINT64_FORMAT " of %ld in the file\n", tight_events,
              RUNS * EVENTS_PER_RUN + EVENTS_PER_RUN / 10);
      failed = 1;
    }
  {
    long n = 200000;

    pthread_create (&threads[0], NULL, spaced_main, &n);
    pthread_join (threads[0], NULL);
  }
  bpe_spaced = bytes_per_event (path, "spaced", &spaced_events);
  printf ("bytes per event, begin/end in a loop:  %6.2f (target <= 6), %" G_GUINT64_FORMAT
          " events\n",
          bpe_tight, tight_events);
  printf ("  with ~1 us of work between events:   %6.2f\n", bpe_spaced);

  t0 = now_ns ();
  pthread_create (&threads[0], NULL, thread_main, "disk-1");
  pthread_create (&threads[1], NULL, thread_main, "disk-2");
  pthread_join (threads[0], NULL);
  pthread_join (threads[1], NULL);
  weft_flush ();
  secs = (now_ns () - t0) / 1e9;
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (WeftReader) reader = weft_reader_open (path, &error);
    guint n;
    Count c;

    g_assert_no_error (error);
    c = count_spans (reader, "disk", &n);
    printf ("2 threads x 20 M events to disk:       %" G_GUINT64_FORMAT
            " in the file, %" G_GUINT64_FORMAT " lost, %.2f s with the flush (%.1f M events/s)\n",
            c.events, c.lost, secs, (double) c.events / secs / 1e6);
    if (n != 2 || c.events != 2 * THREAD_EVENTS || c.lost != 0)
      {
        printf ("EVENTS LOST OR MISSING\n");
        failed = 1;
      }
  }
  return failed;
}

int
main (int argc, char **argv)
{
  const char *path = getenv ("WEFT_TRACE");
  g_autofree char *dir = NULL;
  int failed;

  if (path == NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *trace = NULL;

      dir = g_dir_make_tmp ("weft-bench-record-XXXXXX", &error);
      g_assert_no_error (error);
      trace = g_build_filename (dir, "bench.weft", NULL);
      g_setenv ("WEFT_TRACE", trace, TRUE);
      g_setenv ("WEFT_BENCH_DIR", dir, TRUE);
      g_unsetenv ("WEFT_TRACE_APPEND");
      execv ("/proc/self/exe", argv);
      fprintf (stderr, "bench-record: cannot re-execute: %s\n", g_strerror (errno));
      return 1;
    }
  failed = bench (path);
  g_remove (path);
  if (g_getenv ("WEFT_BENCH_DIR") != NULL)
    g_rmdir (g_getenv ("WEFT_BENCH_DIR"));
  return failed;
}
