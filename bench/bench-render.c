/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-render: one 1920×1080 frame of the renderer (the viewer's and
 * `weft export`'s) on a 100 M-event trace, at full zoom-out, a middle
 * zoom and a deep zoom, each frame a slightly different window (panning):
 * median, p99 and max against SPEC §7 (16 / 33 / 50 ms). The baseline,
 * measured in the same run, is the same frames of a 10 k-event trace:
 * the ratio says what the event count costs (it should be close to 1).
 *
 * Then `weft export` of a 20 M-event trace file to PNG against reading
 * it (the model alone): SPEC asks for at most about one second more.
 *
 * Usage: bench-render [MILLION_EVENTS [FRAMES]] (default 100 and 60).
 */
#include <cairo.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "weft-builder.h"
#include "weft-lod.h"
#include "weft-render-export.h"
#include "weft-renderer.h"
#include "weft-trace-file.h"

#define N_THREADS 8
#define T0 G_GUINT64_CONSTANT (1000000000)

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static guint32
next (guint64 *state)
{
  *state = *state * 6364136223846793005ull + 1442695040888963407ull;
  return (guint32) (*state >> 33);
}

/* A recording's mix: half the events context switches of eight threads
 * on two cores (slices of 0.2 to 20 µs), half nested spans (three levels,
 * 50 ns to 0.4 ms), lock waits now and then, a memory counter. */
static void
build (WeftBuilder *b, guint64 n_events)
{
  WeftBuilderStream cpu[2] = { weft_builder_cpu (b, 0), weft_builder_cpu (b, 1) };
  WeftBuilderStream th[N_THREADS];
  guint64 state = 7, per_cpu = n_events / 4, per_thread = n_events / 2 / N_THREADS;

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_set_metadata (b, "sched", "true");
  weft_builder_set_metadata (b, "command", "bench-render");
  for (guint i = 0; i < N_THREADS; i++)
    {
      th[i] = weft_builder_thread (b, 1000 + i / 4, 1000 + i);
      weft_builder_thread_name (b, th[i], T0, i % 4 ? "worker" : "main");
    }
  for (guint c = 0; c < 2; c++)
    {
      gint64 prev = WEFT_TID_IDLE;
      guint64 t = T0;

      for (guint64 i = 0; i < per_cpu; i++)
        {
          guint32 r = next (&state);
          gint64 who = r % 7 == 0 ? WEFT_TID_IDLE : 1000 + c * 4 + (r >> 8) % 4;

          t += 200 + (r >> 12) % (i % 1000 < 10 ? 20000 : 1500);
          weft_builder_switch (b, cpu[c], t, prev,
                               (r & 0x10) ? WEFT_SWITCH_PREEMPTED : WEFT_SWITCH_BLOCKED, who);
          prev = who;
        }
    }
  for (guint i = 0; i < N_THREADS; i++)
    {
      const char *names[] = { "request", "parse", "compute", "io", "render", "db" };
      guint depth = 0;
      guint64 t = T0;

      for (guint64 k = 0; k < per_thread; k++)
        {
          guint32 r = next (&state);

          t += 50 + (r % 211 == 0 ? 400000 : r % 700);
          if (k % 64 == 3)
            {
              weft_builder_lock_wait (b, th[i], t, 0x1000);
              weft_builder_lock_acquired (b, th[i], t += 300 + r % 500, 0x1000);
              k++;
            }
          else if (depth < 3 && (depth == 0 || r % 3 != 0))
            {
              weft_builder_span_begin (b, th[i], t, names[(r >> 4) % 6]);
              depth++;
            }
          else
            {
              weft_builder_span_end (b, th[i], t);
              depth--;
            }
          if (i % 4 == 0 && k % 100000 == 0)
            weft_builder_counter (b, th[i], t, "memory.rss", 1e6 * (10 + (k / 100000) % 50));
        }
      while (depth-- > 0)
        weft_builder_span_end (b, th[i], t += 100);
    }
}

static WeftLod *
lod_in_memory (guint64 n_events, double *build_s)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) reader = NULL;
  uint8_t *data;
  size_t size;
  WeftLod *lod;
  double t;

  build (b, n_events);
  if (weft_builder_finish_memory (b, &data, &size) != 0)
    g_error ("builder failed");
  bytes = g_bytes_new_take (data, size);
  reader = weft_reader_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  t = now ();
  lod = weft_lod_new_for_reader (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  *build_s = now () - t;
  return lod;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

typedef struct
{
  double median, p99, max;
} Times;

/* frames frames of window `span` ns, panned across the trace. */
static Times
frames (WeftRenderer *r, guint64 span, guint n)
{
  guint64 duration = weft_model_get_duration (weft_lod_get_model (weft_renderer_get_lod (r)));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1920, 1080);
  g_autofree double *t = g_new (double, n);
  const WeftPalette *pal = weft_palette_get (WEFT_THEME_LIGHT);
  Times out;

  span = MIN (span, duration);
  for (guint i = 0; i <= n; i++)
    {
      guint64 start = span >= duration ? 0 : (duration - span) / (n + 1) * i;
      cairo_t *cr = cairo_create (surface);
      WeftViewport vp;
      double t0;

      weft_viewport_init (&vp, start, start + span + (span >= duration ? 0 : i), 1920, 1080);
      t0 = now ();
      weft_renderer_draw (r, cr, &vp, pal);
      cairo_surface_flush (surface);
      if (i > 0) /* the first frame loads fonts: not a steady frame */
        t[i - 1] = now () - t0;
      cairo_destroy (cr);
    }
  cairo_surface_destroy (surface);
  qsort (t, n, sizeof *t, compare_double);
  out.median = t[n / 2] * 1e3;
  out.p99 = t[MIN (n - 1, (guint) (n * 0.99))] * 1e3;
  out.max = t[n - 1] * 1e3;
  return out;
}

static void
export_vs_read (guint64 n_events)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-bench-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "bench.weft", NULL);
  g_autofree char *png = g_build_filename (dir, "bench.png", NULL);
  WeftBuilder *b = weft_builder_new (trace);
  double read_s = G_MAXDOUBLE, export_s = G_MAXDOUBLE;

  build (b, n_events);
  if (weft_builder_finish (b) != 0)
    g_error ("cannot write %s", trace);
  /* alternated, best of three each: reading is the model alone, export
   * is what `weft export -o x.png` does */
  for (guint k = 0; k < 3; k++)
    {
      g_autoptr (GError) error = NULL;
      double t = now ();

      {
        g_autoptr (WeftReader) reader = weft_trace_file_open (trace, NULL, &error);
        g_autoptr (WeftModel) model = weft_model_new (reader, NULL, NULL, NULL, &error);

        g_assert_no_error (error);
        read_s = MIN (read_s, now () - t);
      }
      t = now ();
      {
        g_autoptr (WeftReader) reader = weft_trace_file_open (trace, NULL, &error);
        g_autoptr (WeftLod) lod = weft_lod_new_for_reader (reader, NULL, NULL, NULL, &error);
        g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
        WeftImageOptions options;

        weft_image_options_init (&options, weft_lod_get_model (lod));
        if (!weft_render_export (r, png, WEFT_IMAGE_PNG, &options, &error))
          g_error ("%s", error->message);
        export_s = MIN (export_s, now () - t);
      }
    }
  printf ("export %.0f M events to PNG: %.3f s, reading it (the model): %.3f s, "
          "difference %+.3f s (target: about 1 s or less), ratio %.2f\n",
          n_events / 1e6, export_s, read_s, export_s - read_s, export_s / read_s);
  g_unlink (png);
  g_unlink (trace);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  guint64 millions = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 100;
  guint n = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 60;
  double build_s, small_s;
  g_autoptr (WeftLod) lod = NULL;
  g_autoptr (WeftLod) small = NULL;
  g_autoptr (WeftRenderer) r = NULL;
  g_autoptr (WeftRenderer) rs = NULL;
  guint64 duration;
  struct
  {
    const char *name;
    double fraction; /* of the trace's duration; 0: a fixed 20 µs */
  } zooms[] = {
    { "full zoom-out", 1.0 },
    { "middle zoom (1/1000)", 0.001 },
    { "deep zoom (20 µs)", 0.0 },
  };
  gboolean ok = TRUE;

  if (millions == 0 || n == 0)
    {
      fprintf (stderr, "usage: bench-render [MILLION_EVENTS [FRAMES]]\n");
      return 2;
    }
  lod = lod_in_memory (millions * 1000000, &build_s);
  small = lod_in_memory (10000, &small_s);
  r = weft_renderer_new (lod);
  rs = weft_renderer_new (small);
  duration = weft_model_get_duration (weft_lod_get_model (lod));
  printf ("trace: %" G_GUINT64_FORMAT " events, %.2f s long; model and index built in %.2f s "
          "(%.1f M events/s)\n",
          weft_model_get_n_events (weft_lod_get_model (lod)), duration / 1e9, build_s,
          weft_model_get_n_events (weft_lod_get_model (lod)) / build_s / 1e6);
  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      guint64 span = zooms[z].fraction > 0 ? (guint64) (duration * zooms[z].fraction) : 20000;
      guint64 small_span = zooms[z].fraction > 0
                             ? (guint64) (weft_model_get_duration (weft_lod_get_model (small))
                                          * zooms[z].fraction)
                             : 20000;
      Times big = frames (r, span, n), base = frames (rs, MAX (small_span, 1000), n);
      gboolean met = big.median <= 16 && big.p99 <= 33 && big.max <= 50;

      printf ("%-22s 1920x1080, %u frames: median %.2f ms, p99 %.2f ms, max %.2f ms %s | "
              "10 k events: median %.2f ms | ratio %.2f\n",
              zooms[z].name, n, big.median, big.p99, big.max, met ? "(meets 16/33/50)" : "(MISSES 16/33/50)",
              base.median, big.median / base.median);
      ok &= met;
    }
  export_vs_read (20000000);
  return ok ? 0 : 1;
}
