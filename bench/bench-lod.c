/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-lod: opening a big trace and drawing it. Generates a trace with
 * the builder (default 100 M events: nested spans on 8 threads of 2
 * processes, lock and condition waits, instants, memory counters, async
 * tasks, and 4 CPUs of context switches), then measures:
 *
 * - loading: reader + model + level-of-detail index, in events per
 *   CPU-second, against the reader alone decoding every event (baseline,
 *   same run); peak anonymous memory during the load (RssAnon sampled every
 *   millisecond; the mapped file's pages are not anonymous) and bytes per
 *   event, against SPEC §7's 16 bytes per event + 64 MiB;
 * - queries at 1920 columns and three zoom levels (the whole trace, a
 *   thousandth of it, 20 us): CPU lanes, span rows and the parallelism
 *   strip, median and worst latency and primitives per column, against a
 *   query that walks every slice in the window (baseline, same run).
 *
 * Usage: bench-lod [MILLION_EVENTS [TRACE [MIX]]] (default 100). With
 * TRACE (not empty), an existing file is read instead of generated, or the
 * generated trace is kept there. MIX "switches" generates the rendering
 * benchmarks' trace instead (bench-trace-gen.c: half the events context
 * switches of 8 threads on 2 CPUs): loading costs several times more per
 * switch than per span event, so the figure depends on the mix.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-trace-gen.h"
#include "weft-builder.h"
#include "weft-lod.h"
#include "weft-reader.h"

#define N_PROCESSES 2
#define N_THREADS 8
#define N_CPUS 4
#define COLUMNS 1920

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
wall_seconds (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* Queries are timed in this thread's CPU time: the machine may be shared,
 * and a preemption is not the query's cost. */
static double
thread_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the trace ---- */

static guint64
generate (const char *path, guint64 n_events)
{
  WeftBuilder *b = weft_builder_new (path);
  const char *names[] = { "request", "parse", "compute", "io", "render", "db", "net", "log" };
  WeftBuilderStream s[N_THREADS], cpu[N_CPUS];
  guint64 t[N_THREADS], events = 0, now = 1000000000ull, k = 0, task = 1;
  gint64 on[N_CPUS] = { 0 };
  guint32 rng = 12345;

  if (b == NULL)
    g_error ("%s: %s", path, g_strerror (errno));
  weft_builder_set_metadata (b, "cpu_count", "4");
  weft_builder_set_metadata (b, "sched", "true");
  weft_builder_set_metadata (b, "command", "bench-lod");
  for (guint i = 0; i < N_THREADS; i++)
    {
      guint32 pid = 2000 + (i % N_PROCESSES) * 100;
      s[i] = weft_builder_thread (b, pid, pid + i / N_PROCESSES);
      t[i] = now;
    }
  for (guint c = 0; c < N_CPUS; c++)
    cpu[c] = weft_builder_cpu (b, c);

  /* Rounds: each thread a request span with children and a grandchild
   * (about 8 events), waits and instants now and then; then a context
   * switch on each CPU. About 70 events a round. */
  while (events < n_events)
    {
      for (guint i = 0; i < N_THREADS; i++, k++)
        {
          rng = rng * 1103515245u + 12345u;
          weft_builder_span_begin (b, s[i], t[i], names[0]);
          weft_builder_span_begin (b, s[i], t[i] += 40, names[1 + k % 3]);
          weft_builder_span_end (b, s[i], t[i] += 200 + (rng >> 16) % 97);
          weft_builder_span_begin (b, s[i], t[i] += 15, names[4 + k % 4]);
          weft_builder_span_begin (b, s[i], t[i] += 20, names[1 + (k + 1) % 3]);
          weft_builder_span_end (b, s[i], t[i] += 300 + (rng >> 8) % 211);
          weft_builder_span_end (b, s[i], t[i] += 10);
          events += 6;
          if (k % 4 == 0)
            {
              weft_builder_lock_wait (b, s[i], t[i] += 5, 0x1000 + k % 3);
              weft_builder_lock_acquired (b, s[i], t[i] += 50 + k % 31, 0x1000 + k % 3);
              weft_builder_lock_released (b, s[i], t[i] += 30, 0x1000 + k % 3);
              events += 3;
            }
          if (k % 16 == 3)
            {
              weft_builder_cond_wait (b, s[i], t[i] += 5, 0x2000, 0x1000);
              weft_builder_cond_woken (b, s[i], t[i] += 400 + k % 113, 0x2000);
              events += 2;
            }
          if (k % 8 == 0)
            {
              weft_builder_instant (b, s[i], t[i] += 3, "tick");
              events++;
            }
          if (i == 0 && k % 32 == 0)
            {
              /* An async task: created, awaits once, resumes, ends. */
              weft_builder_task_begin (b, s[i], t[i] += 2, task, "fetch");
              weft_builder_task_suspend (b, s[i], t[i] += 30, task);
              weft_builder_task_resume (b, s[i], t[i] += 200, task);
              weft_builder_task_end (b, s[i], t[i] += 20, task);
              task++;
              events += 4;
            }
          if (i < N_PROCESSES && k % 1024 == i)
            {
              weft_builder_counter (b, s[i], t[i] += 1, "rss", (double) (1 << 20) + (rng % 4096));
              events++;
            }
          weft_builder_span_end (b, s[i], t[i] += 25);
          events++;
          now = MAX (now, t[i]);
        }
      for (guint c = 0; c < N_CPUS; c++)
        {
          /* A random thread (or idle, one time in five), never one that
           * another CPU runs. */
          guint pick = (rng >> 8) % (N_THREADS + N_THREADS / 4);
          gint64 next = 0;

          rng = rng * 1103515245u + 12345u;
          if (pick < N_THREADS)
            next = 2000 + (pick % N_PROCESSES) * 100 + pick / N_PROCESSES;
          for (guint d = 0; d < N_CPUS; d++)
            if (d != c && on[d] == next)
              next = 0;
          now += 130 + (rng >> 20) % 64;
          weft_builder_switch (b, cpu[c], now, on[c],
                               (rng >> 12) % 3 == 0 ? WEFT_SWITCH_BLOCKED : WEFT_SWITCH_PREEMPTED,
                               next);
          on[c] = next;
          events++;
        }
    }
  if (weft_builder_finish (b) < 0)
    g_error ("%s: %s", path, g_strerror (errno));
  return events;
}

/* The rendering benchmarks' mix, half context switches. */
static void
generate_switches (const char *path, guint64 n_events)
{
  WeftBuilder *b = weft_builder_new (path);

  if (b == NULL)
    g_error ("%s: %s", path, g_strerror (errno));
  bench_trace_build (b, n_events, "bench-lod switches");
  if (weft_builder_finish (b) < 0)
    g_error ("%s: %s", path, g_strerror (errno));
}

/* ---- anonymous memory ---- */

static guint64
rss_anon (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (p = strstr (status, "RssAnon:")) == NULL)
    return 0;
  return g_ascii_strtoull (p + 8, NULL, 10) * 1024;
}

typedef struct
{
  gint stop;
  guint64 peak;
} Sampler;

static gpointer
sample (gpointer data)
{
  Sampler *s = data;

  while (!g_atomic_int_get (&s->stop))
    {
      s->peak = MAX (s->peak, rss_anon ());
      g_usleep (1000);
    }
  return NULL;
}

/* ---- the baselines ---- */

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

/* Busy fraction per column by walking every slice in the window. */
static void
walk_cpu (WeftModel *m, guint lane, const WeftLodWindow *w, float *busy)
{
  const WeftModelCpu *cpu = weft_model_get_cpu (m, lane);
  double width = (double) (w->end - w->start) / w->n_columns;
  guint64 lo = 0, hi = cpu->n_slices;

  memset (busy, 0, w->n_columns * sizeof (float));
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      if (cpu->starts[mid] <= w->start)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (guint64 k = lo > 0 ? lo - 1 : 0; k < cpu->n_slices && cpu->starts[k] < w->end; k++)
    {
      double s = MAX ((double) cpu->starts[k], (double) w->start);
      double e = MIN ((double) weft_model_get_slice_end (m, lane, k), (double) w->end);

      if (WEFT_MODEL_SLICE_THREAD (cpu->who[k]) >= weft_model_get_n_threads (m))
        continue;
      while (s < e)
        {
          guint col = MIN ((guint) ((s - w->start) / width), w->n_columns - 1);
          double cut = MIN (e, w->start + (col + 1) * width);
          busy[col] += (float) ((cut - s) / width);
          if (cut <= s)
            break;
          s = cut;
        }
    }
}

/* ---- queries ---- */

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

typedef struct
{
  double *t;
  guint n;
} Times;

static void
times_add (Times *ts, double v)
{
  ts->t[ts->n++] = v;
}

static void
times_print (const char *what, Times *ts, const char *extra)
{
  qsort (ts->t, ts->n, sizeof (double), compare_double);
  g_print ("    %-22s median %8.1f us   max %8.1f us%s\n", what, ts->t[ts->n / 2] * 1e6,
           ts->t[ts->n - 1] * 1e6, extra);
}

static void
query_zoom (WeftLod *lod, const char *label, guint64 window_ns, guint runs)
{
  WeftModel *m = weft_lod_get_model (lod);
  guint64 duration = weft_model_get_duration (m);
  guint n_cpus = weft_model_get_n_cpus (m), n_threads = weft_model_get_n_threads (m);
  g_autofree WeftLodCpuColumn *cols = g_new (WeftLodCpuColumn, COLUMNS);
  g_autofree WeftLodParallelColumn *par = g_new (WeftLodParallelColumn, COLUMNS);
  g_autofree WeftLodStateColumn *states = g_new (WeftLodStateColumn, COLUMNS);
  g_autofree float *busy = g_new (float, COLUMNS);
  g_autoptr (GArray) items = g_array_new (FALSE, FALSE, sizeof (WeftLodItem));
  g_autofree double *t_cpu = g_new (double, runs * MAX (n_cpus, 1));
  g_autofree double *t_span = g_new (double, runs * MAX (n_threads, 1) * 3);
  g_autofree double *t_par = g_new (double, runs);
  g_autofree double *t_state = g_new (double, runs * MAX (n_threads, 1));
  g_autofree double *t_frame = g_new (double, runs);
  g_autofree double *t_walk = g_new (double, runs);
  Times cpu_t = { t_cpu, 0 }, span_t = { t_span, 0 }, par_t = { t_par, 0 };
  Times frame_t = { t_frame, 0 }, walk_t = { t_walk, 0 }, state_t = { t_state, 0 };
  guint max_touch = 0, max_items = 0;
  guint64 total_items = 0, rows = 0;
  guint32 rng = 99;
  char extra[128];

  window_ns = MIN (window_ns, duration);
  for (guint r = 0; r < runs; r++)
    {
      WeftLodWindow w;
      double t0, frame = 0;

      rng = rng * 1103515245u + 12345u;
      w.start = window_ns >= duration ? 0
                                      : (guint64) ((double) rng / G_MAXUINT32 * (duration - window_ns));
      w.end = w.start + window_ns;
      w.n_columns = COLUMNS;

      for (guint c = 0; c < n_cpus; c++)
        {
          t0 = thread_seconds ();
          weft_lod_cpu_columns (lod, c, &w, cols);
          times_add (&cpu_t, thread_seconds () - t0);
          frame += thread_seconds () - t0;
        }
      t0 = thread_seconds ();
      walk_cpu (m, 0, &w, busy);
      times_add (&walk_t, thread_seconds () - t0);

      for (guint i = 0; i < n_threads; i++)
        for (guint d = 0; d < 3 && d < weft_model_get_thread (m, i)->max_depth; d++)
          {
            g_autofree guint *touch = NULL;

            t0 = thread_seconds ();
            weft_lod_span_row (lod, i, d, &w, 1.0, items);
            times_add (&span_t, thread_seconds () - t0);
            frame += thread_seconds () - t0;
            touch = g_new0 (guint, COLUMNS);
            for (guint k = 0; k < items->len; k++)
              {
                const WeftLodItem *it = &g_array_index (items, WeftLodItem, k);
                for (guint x = (guint) it->x0; x < COLUMNS && x < MAX (it->x1, it->x0 + 1e-9); x++)
                  max_touch = MAX (max_touch, ++touch[x]);
              }
            max_items = MAX (max_items, items->len);
            total_items += items->len;
            rows++;
          }

      for (guint i = 0; i < n_threads; i++)
        {
          t0 = thread_seconds ();
          weft_lod_thread_states (lod, i, &w, states);
          times_add (&state_t, thread_seconds () - t0);
          frame += thread_seconds () - t0;
        }

      t0 = thread_seconds ();
      weft_lod_parallelism (lod, &w, par);
      times_add (&par_t, thread_seconds () - t0);
      frame += thread_seconds () - t0;
      times_add (&frame_t, frame);
    }

  g_print ("  %s (%.3g ns per column)\n", label, (double) window_ns / COLUMNS);
  times_print ("CPU lane", &cpu_t, " (<= 2 bars a column)");
  g_snprintf (extra, sizeof extra, " (%.2f items/column on average, at most %u on one column)",
              (double) total_items / MAX (rows, 1) / COLUMNS, max_touch);
  times_print ("span row", &span_t, extra);
  times_print ("thread state strip", &state_t, " (5 fractions: <= 4 stacked bars, waits share one)");
  times_print ("parallelism strip", &par_t, " (1 area + 1 line a column)");
  g_snprintf (extra, sizeof extra,
              " (%u CPU lanes, %" G_GUINT64_FORMAT " span rows, %u state strips, strip)", n_cpus,
              rows / runs, n_threads);
  times_print ("all of these", &frame_t, extra);
  qsort (cpu_t.t, cpu_t.n, sizeof (double), compare_double);
  qsort (walk_t.t, walk_t.n, sizeof (double), compare_double);
  g_print ("    baseline: CPU lane walking every slice: median %.1f us; ratio %.2f\n",
           walk_t.t[walk_t.n / 2] * 1e6, walk_t.t[walk_t.n / 2] / cpu_t.t[cpu_t.n / 2]);
}

int
main (int argc, char **argv)
{
  guint64 millions = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 100;
  g_autofree char *dir = NULL, *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (WeftLod) lod = NULL;
  WeftModel *m;
  Sampler sampler = { 0, 0 };
  GThread *thread;
  guint64 n_events, decoded, before, after, model_bytes, index_bytes;
  double c0, c1, cm, w0, w1, decode_cpu, load_cpu, model_cpu, load_wall, budget;
  gboolean keep = argc > 2 && argv[2][0] != '\0';
  gboolean switches = argc > 3 && strcmp (argv[3], "switches") == 0;

  if (millions == 0)
    millions = 100;
  if (keep)
    path = g_strdup (argv[2]);
  else
    {
      dir = g_dir_make_tmp ("bench-lod-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (dir, "trace.weft", NULL);
    }
  if (!keep || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_print ("generating %" G_GUINT64_FORMAT " M events (%s) into %s...\n", millions,
               switches ? "half of them context switches" : "spans, 6 % context switches", path);
      w0 = wall_seconds ();
      if (switches)
        generate_switches (path, millions * 1000000);
      else
        generate (path, millions * 1000000);
      g_print ("  %.1f s\n", wall_seconds () - w0);
    }

  /* Baseline: open and decode every event. */
  c0 = cpu_seconds ();
  reader = weft_reader_open (path, &error);
  g_assert_no_error (error);
  decoded = decode_all (reader);
  decode_cpu = cpu_seconds () - c0;
  g_clear_pointer (&reader, weft_reader_free);

  /* Timed alone, then again for memory: the sampler's reads of /proc are
   * not the load's CPU time. The load is what the viewer does
   * (weft_lod_new_for_reader, which fills the parallelism strip during
   * the model's sweep); the model is then timed apart, for the split. */
  malloc_trim (0);
  c0 = cpu_seconds ();
  w0 = wall_seconds ();
  reader = weft_reader_open (path, &error);
  g_assert_no_error (error);
  lod = weft_lod_new_for_reader (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  c1 = cpu_seconds ();
  w1 = wall_seconds ();
  load_cpu = c1 - c0;
  load_wall = w1 - w0;
  g_clear_pointer (&lod, weft_lod_unref);
  g_clear_pointer (&reader, weft_reader_free);

  /* The model alone, for the split, with the load's memory freed (a VM
   * may be slow to back memory the guest has not used lately). */
  malloc_trim (0);
  c0 = cpu_seconds ();
  {
    g_autoptr (WeftReader) again = weft_reader_open (path, &error);
    g_autoptr (WeftModel) model = NULL;

    g_assert_no_error (error);
    model = weft_model_new (again, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    cm = cpu_seconds ();
  }
  model_cpu = cm - c0;

  /* What the loads freed and malloc kept would be reused, and not
   * counted. */
  malloc_trim (0);
  before = rss_anon ();
  thread = g_thread_new ("rss", sample, &sampler);
  reader = weft_reader_open (path, &error);
  g_assert_no_error (error);
  lod = weft_lod_new_for_reader (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&sampler.stop, 1);
  g_thread_join (thread);
  sampler.peak = MAX (sampler.peak, rss_anon ());
  after = rss_anon ();


  m = weft_lod_get_model (lod);
  n_events = weft_model_get_n_events (m);
  model_bytes = weft_model_get_memory_size (m);
  index_bytes = weft_lod_get_memory_size (lod);
  budget = 16.0 * n_events + 64.0 * 1024 * 1024;

  g_print ("trace: %" G_GUINT64_FORMAT " events (SPEC count), %" G_GUINT64_FORMAT
           " decoded records, %u threads, %u CPUs, %.3f s long\n",
           n_events, decoded, weft_model_get_n_threads (m), weft_model_get_n_cpus (m),
           weft_model_get_duration (m) / 1e9);
  g_print ("loading\n");
  g_print ("  baseline, open + decode only:  %.2f CPU-s  %6.1f M events/CPU-s\n", decode_cpu,
           n_events / decode_cpu / 1e6);
  g_print ("  open + model + index:          %.2f CPU-s  %6.1f M events/CPU-s (target >= 50), "
           "%.2f s wall\n",
           load_cpu, n_events / load_cpu / 1e6, load_wall);
  g_print ("    open + model (timed apart):  %.2f CPU-s  %6.1f M events/CPU-s\n", model_cpu,
           n_events / model_cpu / 1e6);
  g_print ("    the rest (the index):        %.2f CPU-s\n", load_cpu - model_cpu);
  g_print ("  ratio load / decode:           %.2f\n", load_cpu / decode_cpu);
  g_print ("memory\n");
  g_print ("  peak anonymous memory:         %.1f MB = %.2f bytes/event (budget 16/event + 64 MiB "
           "= %.1f MB: %.0f %%)\n",
           (sampler.peak - before) / 1e6, (double) (sampler.peak - before) / n_events,
           budget / 1e6, 100.0 * (sampler.peak - before) / budget);
  g_print ("  after loading:                 %.1f MB\n", (after - before) / 1e6);
  g_print ("  model arrays:                  %.1f MB = %.2f bytes/event\n", model_bytes / 1e6,
           (double) model_bytes / n_events);
  g_print ("  index:                         %.1f MB = %.2f bytes/event\n", index_bytes / 1e6,
           (double) index_bytes / n_events);

  g_print ("queries, %u columns\n", COLUMNS);
  query_zoom (lod, "full: the whole trace", weft_model_get_duration (m), 9);
  query_zoom (lod, "middle: a thousandth", weft_model_get_duration (m) / 1000, 31);
  query_zoom (lod, "deep: 20 us", 20000, 101);

  if (!keep)
    {
      g_unlink (path);
      g_rmdir (dir);
    }
  return 0;
}
