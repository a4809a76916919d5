/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-stats: `weft stats` on a builder-generated trace, in events per
 * CPU-second: the whole-trace statistics as the command computes them
 * (weft_stats_new_from_reader: the model built with the spans folded into
 * the span table as they are read) and their JSON. The baseline, measured
 * in the same run, is the reader alone decoding every event of every
 * stream: the ratio says what the statistics add on top of reading. Also
 * timed, alternated with both: the viewer's path (the whole model, span
 * rows kept, then weft_stats_new_whole), which `--range` takes, and both
 * models' bytes per event (SPEC §7: <= 16 + 64 MiB).
 *
 * The trace mixes what a recording holds: four threads of nested spans
 * (three levels), instants and contended lock waits, and two CPUs of
 * context switches among those threads.
 *
 * Usage: bench-stats [MILLION_EVENTS [SAVE_AS]] (default 20); SAVE_AS keeps
 * the trace, to time `weft stats` itself (e.g. under /usr/bin/time -v).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "weft-builder.h"
#include "weft-model.h"
#include "weft-reader.h"
#include "weft-stats.h"

#define N_THREADS 4

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static GBytes *
build_trace (guint64 n_events)
{
  WeftBuilder *b = weft_builder_new_memory ();
  const char *names[] = { "request", "parse", "compute", "io", "render", "db", "net", "log" };
  WeftBuilderStream s[N_THREADS], cpu[2];
  guint64 t[N_THREADS], events = 0, now = 1000000000ull, k = 0;
  gint64 on[2] = { 0, 0 };
  uint8_t *data;
  size_t size;

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_set_metadata (b, "sched", "true");
  for (guint i = 0; i < N_THREADS; i++)
    {
      s[i] = weft_builder_thread (b, 1000, 1000 + i);
      t[i] = now;
    }
  cpu[0] = weft_builder_cpu (b, 0);
  cpu[1] = weft_builder_cpu (b, 1);

  /* Rounds of: each thread a request span with two children (one holding
   * a grandchild), an instant now and then, a contended lock wait now and
   * then; then a few context switches. About 20 events a round. */
  while (events < n_events)
    {
      for (guint i = 0; i < N_THREADS; i++, k++)
        {
          weft_builder_span_begin (b, s[i], t[i], names[0]);
          weft_builder_span_begin (b, s[i], t[i] += 40, names[1 + k % 3]);
          weft_builder_span_end (b, s[i], t[i] += 200 + k % 97);
          weft_builder_span_begin (b, s[i], t[i] += 15, names[4 + k % 4]);
          weft_builder_span_begin (b, s[i], t[i] += 20, names[1 + (k + 1) % 3]);
          weft_builder_span_end (b, s[i], t[i] += 300 + k % 211);
          weft_builder_span_end (b, s[i], t[i] += 10);
          events += 7;
          if (k % 4 == 0)
            {
              weft_builder_lock_wait (b, s[i], t[i] += 5, 0x1000 + k % 3);
              weft_builder_lock_acquired (b, s[i], t[i] += 50 + k % 31, 0x1000 + k % 3);
              weft_builder_lock_released (b, s[i], t[i] += 30, 0x1000 + k % 3);
              events += 3;
            }
          if (k % 8 == 0)
            {
              weft_builder_instant (b, s[i], t[i] += 3, "tick");
              events++;
            }
          weft_builder_span_end (b, s[i], t[i] += 25);
          events++;
          now = MAX (now, t[i]);
        }
      for (guint j = 0; j < 2; j++)
        {
          guint c = (k + j) % 2;
          gint64 next = 1000 + (k + j * 3) % N_THREADS;
          if (on[1 - c] == next)
            next = 0;
          now += 150;
          weft_builder_switch (b, cpu[c], now, on[c], (k + j) % 3 == 0 ? WEFT_SWITCH_BLOCKED
                                                                       : WEFT_SWITCH_PREEMPTED,
                               next);
          on[c] = next;
          events++;
        }
    }
  if (weft_builder_finish_memory (b, &data, &size) < 0)
    g_error ("builder failed");
  return g_bytes_new_with_free_func (data, size, free, data);
}

/* The baseline: decode every event, touching its fields. */
static guint64
decode_all (WeftReader *reader)
{
  guint64 sum = 0, n = 0;

  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      WeftStreamIter iter;
      WeftEvent ev;

      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        {
          sum += ev.time + ev.kind + ev.name;
          n++;
        }
    }
  if (sum == 42)
    g_print (" ");
  return n;
}

int
main (int argc, char **argv)
{
  guint64 millions = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 20;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GError) error = NULL;
  double best_decode = G_MAXDOUBLE, best_stats = G_MAXDOUBLE, best_model = G_MAXDOUBLE;
  guint64 n_events = 0, decoded = 0;
  gsize model_bytes = 0, folded_bytes = 0;
  g_autofree char *verdict = NULL;

  if (millions == 0)
    millions = 20;
  g_print ("building a trace of %" G_GUINT64_FORMAT " M events...\n", millions);
  bytes = build_trace (millions * 1000000);
  if (argc > 2 && !g_file_set_contents (argv[2], g_bytes_get_data (bytes, NULL),
                                        g_bytes_get_size (bytes), &error))
    g_error ("%s", error->message);
  reader = weft_reader_new_from_bytes (bytes, &error);
  g_assert_no_error (error);

  /* Runs alternated, best of three. */
  for (int run = 0; run < 3; run++)
    {
      double t0 = cpu_seconds (), t1;
      g_autoptr (WeftModel) model = NULL;
      g_autoptr (WeftStats) stats = NULL, folded = NULL;
      g_autofree char *json = NULL, *folded_json = NULL;

      decoded = decode_all (reader);
      t1 = cpu_seconds ();
      best_decode = MIN (best_decode, t1 - t0);

      t0 = cpu_seconds ();
      folded = weft_stats_new_from_reader (reader, NULL, &error);
      g_assert_no_error (error);
      folded_json = weft_stats_to_json (folded, 0);
      t1 = cpu_seconds ();
      best_stats = MIN (best_stats, t1 - t0);
      folded_bytes = weft_model_get_memory_size (folded->model);

      t0 = cpu_seconds ();
      model = weft_model_new (reader, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      stats = weft_stats_new_whole (model);
      json = weft_stats_to_json (stats, 0);
      t1 = cpu_seconds ();
      best_model = MIN (best_model, t1 - t0);
      /* Both paths must say the same, or the speed means nothing. */
      if (g_strcmp0 (json, folded_json) != 0)
        g_error ("weft_stats_new_from_reader and the model's statistics differ");
      n_events = weft_model_get_n_events (model);
      model_bytes = weft_model_get_memory_size (model);
      g_free (verdict);
      verdict = g_strdup (stats->verdict);
    }

  g_print ("trace: %" G_GUINT64_FORMAT " events (SPEC count), %" G_GUINT64_FORMAT
           " decoded records, %.1f MB\n",
           n_events, decoded, g_bytes_get_size (bytes) / 1e6);
  g_print ("verdict: %s\n", verdict);
  g_print ("baseline, decode only:        %.3f CPU-s  %6.1f M events/CPU-s\n", best_decode,
           n_events / best_decode / 1e6);
  g_print ("weft stats (spans folded):    %.3f CPU-s  %6.1f M events/CPU-s (target >= 50)\n",
           best_stats, n_events / best_stats / 1e6);
  g_print ("ratio stats / decode:         %.2f\n", best_stats / best_decode);
  g_print ("viewer's path (span rows):    %.3f CPU-s  %6.1f M events/CPU-s, ratio to decode %.2f\n",
           best_model, n_events / best_model / 1e6, best_model / best_decode);
  g_print ("model memory, spans folded:   %.2f bytes/event (%.1f MB)\n",
           (double) folded_bytes / n_events, folded_bytes / 1e6);
  g_print ("model memory, span rows:      %.2f bytes/event (%.1f MB)\n",
           (double) model_bytes / n_events, model_bytes / 1e6);
  return 0;
}
