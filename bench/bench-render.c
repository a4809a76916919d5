/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-render: one 1920×1080 frame of the renderer (the viewer's and
 * `weft export`'s) on a 100 M-event trace, at full zoom-out, a middle
 * zoom and a deep zoom, each frame a slightly different window (panning):
 * median, p99 and max against SPEC §7 (16 / 33 / 50 ms).
 *
 * Two ways: the export path (no cache: every frame asks the level-of-detail
 * index for every lane, as `weft export` does), each frame at another
 * place; and the viewer's (tile cache, 10 ms budget a frame), in what a
 * user does: redraws of the whole trace, panning 40 pixels a frame at a
 * middle and a deep zoom, zooming in from the whole trace to 20 µs and
 * out again 10 % a frame. Every frame counts, the first (cold) ones too;
 * frames drawn partly from another resolution (the cache still filling)
 * are counted. The baseline, measured in the same run, is the same frames
 * of a 10 k-event trace: the ratio says what the event count costs.
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

#include "bench-trace-gen.h"
#include "weft-builder.h"
#include "weft-lod.h"
#include "weft-render-export.h"
#include "weft-renderer.h"
#include "weft-trace-file.h"

#define CACHE_MIB 48
#define BUDGET_US 6000

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
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

  bench_trace_build (b, n_events, "bench-render");
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
  guint n;
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
  out.n = n;
  return out;
}

typedef struct
{
  const char *name;
  guint kind;     /* 0 redraw, 1 pan, 2 zoom in, 3 zoom out */
  double span;    /* the window: a fraction of the trace, or ns when > 1 */
} Sequence;

/* One user action as frames; the times of all of them. */
static Times
sequence (WeftRenderer *r, const Sequence *q, guint n, guint *partial)
{
  guint64 duration = weft_model_get_duration (weft_lod_get_model (weft_renderer_get_lod (r)));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1920, 1080);
  const WeftPalette *pal = weft_palette_get (WEFT_THEME_LIGHT);
  double span = q->span > 1 ? q->span : duration * q->span, centre = duration / 2.0;
  g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (double));
  double lo = 20000, step = 40.0 / 1700;
  Times out;

  *partial = 0;
  if (q->kind == 2)
    span = duration;
  else if (q->kind == 3)
    span = lo;
  /* a zoom runs until it gets there */
  for (guint i = 0; q->kind >= 2 ? i < 1000 : i < n; i++)
    {
      cairo_t *cr = cairo_create (surface);
      double start = centre - span / 2, t0;
      WeftViewport vp;

      if (start < 0)
        start = 0;
      weft_viewport_init (&vp, (guint64) start, (guint64) (start + MAX (span, 1000)), 1920, 1080);
      t0 = now ();
      weft_renderer_draw (r, cr, &vp, pal);
      cairo_surface_flush (surface);
      t0 = now () - t0;
      g_array_append_val (t, t0);
      *partial += !weft_renderer_is_complete (r);
      cairo_destroy (cr);
      if (q->kind == 1)
        centre += span * step;
      else if (q->kind == 2 && span * 0.9 >= lo)
        span *= 0.9;
      else if (q->kind == 3 && span / 0.9 <= duration)
        span /= 0.9;
      else if (q->kind >= 2)
        break;
    }
  cairo_surface_destroy (surface);
  qsort (t->data, t->len, sizeof (double), compare_double);
  out.median = g_array_index (t, double, t->len / 2) * 1e3;
  out.p99 = g_array_index (t, double, MIN (t->len - 1, (guint) (t->len * 0.99))) * 1e3;
  out.max = g_array_index (t, double, t->len - 1) * 1e3;
  out.n = t->len;
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

  bench_trace_build (b, n_events, "bench-render");
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
  static const Sequence sequences[] = {
    { "whole trace, redrawn", 0, 1.0 },
    { "pan, 1/1000 of the trace", 1, 0.001 },
    { "pan, 20 us", 1, 20000 },
    { "zoom in, whole trace to 20 us", 2, 0 },
    { "zoom out, 20 us to whole trace", 3, 0 },
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
  printf ("export path, no cache, each frame elsewhere:\n");
  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      guint64 span = zooms[z].fraction > 0 ? (guint64) (duration * zooms[z].fraction) : 20000;
      guint64 small_span = zooms[z].fraction > 0
                             ? (guint64) (weft_model_get_duration (weft_lod_get_model (small))
                                          * zooms[z].fraction)
                             : 20000;
      Times big = frames (r, span, n), base = frames (rs, MAX (small_span, 1000), n);

      printf ("  %-22s %u frames: median %.2f ms, p99 %.2f ms, max %.2f ms | 10 k events: "
              "median %.2f ms | ratio %.2f\n",
              zooms[z].name, n, big.median, big.p99, big.max, base.median,
              big.median / base.median);
    }

  printf ("viewer, tile cache (%u MiB, %.0f ms budget a frame), every frame counted:\n",
          CACHE_MIB, BUDGET_US / 1000.0);
  weft_renderer_set_tile_cache (r, (gsize) CACHE_MIB << 20, BUDGET_US);
  weft_renderer_set_tile_cache (rs, (gsize) CACHE_MIB << 20, BUDGET_US);
  {
    /* what opening a trace does once its index is built: the whole
     * trace's first picture, computed in the loading thread */
    WeftViewport vp;
    double t0 = now ();

    weft_viewport_init (&vp, 0, duration, 1920, 1080);
    weft_renderer_warm (r, &vp);
    printf ("  warming the first picture (at load): %.1f ms\n", (now () - t0) * 1e3);
    weft_viewport_init (&vp, 0, weft_model_get_duration (weft_lod_get_model (small)), 1920, 1080);
    weft_renderer_warm (rs, &vp);
  }
  for (guint k = 0; k < G_N_ELEMENTS (sequences); k++)
    {
      guint partial, partial_small;
      Times big = sequence (r, &sequences[k], n, &partial);
      Times base = sequence (rs, &sequences[k], n, &partial_small);
      gboolean met = big.median <= 16 && big.p99 <= 33 && big.max <= 50;

      printf ("  %-34s %3u frames: median %.2f ms, p99 %.2f ms, max %.2f ms %s, %u partly "
              "coarser | 10 k events: median %.2f ms | ratio %.2f\n",
              sequences[k].name, big.n, big.median, big.p99, big.max,
              met ? "(meets 16/33/50)" : "(MISSES 16/33/50)", partial, base.median,
              big.median / base.median);
      ok &= met;
    }
  export_vs_read (20000000);
  return ok ? 0 : 1;
}
