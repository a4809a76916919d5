/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-viewer-frames: real frames of the viewer's timeline widget on a
 * 100 M-event trace, in a 1920×1080 window on the display (Xvfb), while
 * the user redraws, pans and zooms: SPEC §7's median ≤ 16 ms, p99 ≤ 33 ms,
 * max ≤ 50 ms.
 *
 * The trace is bench-render's (bench-trace-gen.c), written to a file and
 * opened as the viewer opens it (weft_document_load: reader, model,
 * level-of-detail index, statistics). Each frame, a tick callback of the
 * widget's frame clock applies one step through the widget's actions
 * (timeline.pan 40 px, timeline.zoom-at ×0.9 at the middle, or a plain
 * redraw); the frame's time runs from that step (the clock's update
 * phase) to the end of its paint (after-paint): layout, the widget's
 * snapshot (the renderer's draw, tile cache on) and GSK rendering the
 * texture. Every frame counts, the cold ones too; frames the renderer drew
 * partly from another resolution (tiles still coming) are counted. The
 * baseline, in the same run: the same frames on a 10 k-event trace.
 *
 * Usage: bench-viewer-frames [MILLION_EVENTS] (default 100). Without a
 * display it says so and exits 77 (skipped).
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench-trace-gen.h"
#include "weft-session.h"
#include "weft-timeline.h"

#define WIDTH 1920
#define HEIGHT 1080
#define N_FRAMES 60
#define DEEP_NS 20000.0

typedef enum
{
  STEP_REDRAW,
  STEP_PAN,
  STEP_ZOOM_IN,
  STEP_ZOOM_OUT,
} StepKind;

typedef struct
{
  const char *name;
  StepKind kind;
  double span; /* the starting window: a fraction of the trace, or ns when > 1 */
} Sequence;

typedef struct
{
  double median, p99, max;                /* the whole frame */
  double draw_median, draw_p99, draw_max; /* the widget's snapshot alone */
  guint n, partial;
} Times;

typedef struct
{
  GtkWidget *timeline;
  WeftSession *session;
  GMainLoop *loop;
  const Sequence *q;
  guint frame;
  gint64 t_step;      /* when this frame's step was applied; 0 none */
  GArray *work;       /* ms per frame */
  GArray *draw;       /* ms of the widget's snapshot per frame */
  guint partial;
  gboolean done;
} Run;

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
quantile (GArray *a, double q)
{
  return g_array_index (a, double, MIN (a->len - 1, (guint) (a->len * q)));
}

static guint64
visible_width (Run *run)
{
  return weft_session_get_visible_end (run->session) - weft_session_get_visible_start (run->session);
}

/* The clock's update phase: apply one step (or finish). */
static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  Run *run = data;
  double mid = gtk_widget_get_width (widget) / 2.0;
  guint64 duration = weft_session_get_duration (run->session);

  switch (run->q->kind)
    {
    case STEP_REDRAW:
    case STEP_PAN:
      run->done = run->frame >= N_FRAMES;
      break;
    case STEP_ZOOM_IN:
      run->done = visible_width (run) * 0.9 < DEEP_NS || run->frame >= 1000;
      break;
    case STEP_ZOOM_OUT:
      run->done = visible_width (run) >= duration || run->frame >= 1000;
      break;
    }
  if (run->done)
    {
      g_main_loop_quit (run->loop);
      return G_SOURCE_REMOVE;
    }
  run->t_step = g_get_monotonic_time ();
  switch (run->q->kind)
    {
    case STEP_REDRAW:
      gtk_widget_queue_draw (widget);
      break;
    case STEP_PAN:
      gtk_widget_activate_action (widget, "timeline.pan", "d", 40.0);
      break;
    case STEP_ZOOM_IN:
      gtk_widget_activate_action (widget, "timeline.zoom-at", "(dd)", mid, 0.9);
      break;
    case STEP_ZOOM_OUT:
      gtk_widget_activate_action (widget, "timeline.zoom-at", "(dd)", mid, 1 / 0.9);
      break;
    }
  run->frame++;
  return G_SOURCE_CONTINUE;
}

static void
on_after_paint (GdkFrameClock *clock, gpointer data)
{
  Run *run = data;
  double ms, draw;

  if (run->t_step == 0)
    return;
  ms = (g_get_monotonic_time () - run->t_step) / 1e3;
  draw = weft_timeline_get_last_draw_us (WEFT_TIMELINE (run->timeline)) / 1e3;
  g_array_append_val (run->work, ms);
  g_array_append_val (run->draw, draw);
  run->partial += !weft_timeline_get_last_complete (WEFT_TIMELINE (run->timeline));
  run->t_step = 0;
}

static gboolean
quit_soon (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Lets the view settle before a sequence: two frames drawn after the
 * last change, then frames until the picture is complete (tiles still
 * arriving), up to 2 s; so a sequence starts from its view's tiles, as
 * when a user starts a gesture on a view they are looking at. */
static void
settle (GtkWidget *timeline, GMainLoop *loop)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (timeline);
  gint64 until = gdk_frame_clock_get_frame_counter (clock) + 2;

  gtk_widget_queue_draw (timeline);
  for (guint i = 0; i < 40 && (gdk_frame_clock_get_frame_counter (clock) < until
                               || !weft_timeline_get_last_complete (WEFT_TIMELINE (timeline)));
       i++)
    {
      g_timeout_add (50, quit_soon, loop);
      g_main_loop_run (loop);
    }
  g_timeout_add (100, quit_soon, loop);
  g_main_loop_run (loop);
}

static Times
run_sequence (GtkWidget *timeline, WeftSession *session, GMainLoop *loop, const Sequence *q)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (timeline);
  guint64 duration = weft_session_get_duration (session);
  double span = q->kind == STEP_ZOOM_OUT ? DEEP_NS
                : q->kind == STEP_ZOOM_IN ? duration
                : q->span > 1           ? q->span
                                        : duration * q->span;
  guint64 start = duration / 2 - MIN ((guint64) span, duration) / 2;
  Run run = { timeline, session, loop, q, 0, 0, NULL, NULL, 0, FALSE };
  gulong handler;
  Times out = { 0 };

  run.work = g_array_new (FALSE, FALSE, sizeof (double));
  run.draw = g_array_new (FALSE, FALSE, sizeof (double));
  weft_session_set_visible_range (session, start, start + (guint64) span);
  settle (timeline, loop);

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &run);
  gtk_widget_add_tick_callback (timeline, on_tick, &run, NULL);
  g_main_loop_run (loop);
  g_signal_handler_disconnect (clock, handler);

  if (run.work->len > 0)
    {
      qsort (run.work->data, run.work->len, sizeof (double), compare_double);
      qsort (run.draw->data, run.draw->len, sizeof (double), compare_double);
      out.median = quantile (run.work, 0.5);
      out.p99 = quantile (run.work, 0.99);
      out.max = g_array_index (run.work, double, run.work->len - 1);
      out.draw_median = quantile (run.draw, 0.5);
      out.draw_p99 = quantile (run.draw, 0.99);
      out.draw_max = g_array_index (run.draw, double, run.draw->len - 1);
      out.n = run.work->len;
      out.partial = run.partial;
    }
  g_array_unref (run.work);
  g_array_unref (run.draw);
  return out;
}

static char *
write_trace (const char *dir, guint64 n_events)
{
  char *path = g_strdup_printf ("%s/%" G_GUINT64_FORMAT ".weft", dir, n_events);
  WeftBuilder *b = weft_builder_new (path);

  if (b == NULL)
    g_error ("cannot write %s", path);
  bench_trace_build (b, n_events, "bench-viewer-frames");
  if (weft_builder_finish (b) != 0)
    g_error ("builder failed on %s", path);
  return path;
}

typedef struct
{
  GtkWidget *window, *timeline;
  WeftSession *session;
  double load_s, first_ms;
  guint64 n_events;
} Viewer;

static gboolean
first_frame_done (gpointer data)
{
  Viewer *v = data;

  return weft_timeline_get_last_draw_us (WEFT_TIMELINE (v->timeline)) > 0;
}

static void
open_viewer (Viewer *v, const char *path, GMainLoop *loop)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftDocument) document = NULL;
  gint64 t0 = g_get_monotonic_time ();

  document = weft_document_load (file, NULL, NULL, NULL, &error);
  if (document == NULL)
    g_error ("%s: %s", path, error->message);
  v->load_s = (g_get_monotonic_time () - t0) / 1e6;
  v->n_events = weft_document_get_facts (document)->n_events;
  v->session = weft_session_new ();
  weft_session_set_document (v->session, document);

  v->window = gtk_window_new ();
  gtk_window_set_decorated (GTK_WINDOW (v->window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (v->window), WIDTH, HEIGHT);
  v->timeline = weft_timeline_new ();
  weft_timeline_set_session (WEFT_TIMELINE (v->timeline), v->session);
  gtk_window_set_child (GTK_WINDOW (v->window), v->timeline);
  t0 = g_get_monotonic_time ();
  gtk_window_present (GTK_WINDOW (v->window));
  while (!first_frame_done (v))
    g_main_context_iteration (NULL, TRUE);
  v->first_ms = (g_get_monotonic_time () - t0) / 1e3;
  settle (v->timeline, loop);
}

static void
close_viewer (Viewer *v)
{
  gtk_window_destroy (GTK_WINDOW (v->window));
  g_clear_object (&v->session);
}

static const char *
verdict (double median, double p99, double max)
{
  return median <= 16 && p99 <= 33 && max <= 50 ? "met" : "not met";
}

static void
print_load (const char *when)
{
  g_autofree char *load = NULL;

  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    printf ("load average %s: %s", when, load);
}

int
main (int argc, char **argv)
{
  static const Sequence sequences[] = {
    { "whole trace, redrawn", STEP_REDRAW, 1.0 },
    { "pan at 1/1000 of the trace", STEP_PAN, 0.001 },
    { "pan at 20 µs", STEP_PAN, DEEP_NS },
    { "zoom in, whole trace → 20 µs", STEP_ZOOM_IN, 1.0 },
    { "zoom out, 20 µs → whole trace", STEP_ZOOM_OUT, 1.0 },
  };
  guint64 millions = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 100;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL, *big = NULL, *small = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  Times base[G_N_ELEMENTS (sequences)], full[G_N_ELEMENTS (sequences)];
  Viewer v = { 0 };
  gint64 t0;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      printf ("bench-viewer-frames: no display (run it under xvfb-run): skipped\n");
      return 77;
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();
  loop = g_main_loop_new (NULL, FALSE);
  print_load ("at the start");
  dir = g_dir_make_tmp ("weft-bench-frames-XXXXXX", &error);
  g_assert_no_error (error);

  small = write_trace (dir, 10000);
  t0 = g_get_monotonic_time ();
  big = write_trace (dir, millions * 1000000);
  printf ("bench-viewer-frames: %" G_GUINT64_FORMAT " M events written in %.1f s\n", millions,
          (g_get_monotonic_time () - t0) / 1e6);

  open_viewer (&v, small, loop);
  printf ("GSK renderer: %s; window %dx%d, scale %d\n",
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (v.window))),
          gtk_widget_get_width (v.timeline), gtk_widget_get_height (v.timeline),
          gtk_widget_get_scale_factor (v.timeline));
  for (gsize i = 0; i < G_N_ELEMENTS (sequences); i++)
    base[i] = run_sequence (v.timeline, v.session, loop, &sequences[i]);
  close_viewer (&v);

  open_viewer (&v, big, loop);
  printf ("opened %.1f M events in %.1f s (reader, model, index, statistics); first frame "
          "shown %.0f ms after the window\n",
          v.n_events / 1e6, v.load_s, v.first_ms);
  for (gsize i = 0; i < G_N_ELEMENTS (sequences); i++)
    full[i] = run_sequence (v.timeline, v.session, loop, &sequences[i]);
  close_viewer (&v);

  printf ("\nThe widget's frame (its snapshot: viewport, the renderer's draw with the tile cache,\n"
          "the texture), %.0f M events, against the same frames of 10 k events:\n\n"
          "| frames | median | p99 | max | partly coarser | 10 k events, median | ratio | "
          "target 16 / 33 / 50 ms |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n",
          millions * 1.0);
  for (gsize i = 0; i < G_N_ELEMENTS (sequences); i++)
    printf ("| %s (%u) | %.1f ms | %.1f ms | %.1f ms | %u | %.1f ms | %.1f | %s |\n",
            sequences[i].name, full[i].n, full[i].draw_median, full[i].draw_p99,
            full[i].draw_max, full[i].partial, base[i].draw_median,
            base[i].draw_median > 0 ? full[i].draw_median / base[i].draw_median : 0,
            verdict (full[i].draw_median, full[i].draw_p99, full[i].draw_max));
  printf ("\nThe whole frame on this display (clock update to after-paint: layout, snapshot, "
          "GSK):\n\n| frames | median | p99 | max | 10 k events, median | ratio | "
          "target 16 / 33 / 50 ms |\n| --- | --- | --- | --- | --- | --- | --- |\n");
  for (gsize i = 0; i < G_N_ELEMENTS (sequences); i++)
    printf ("| %s (%u) | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f | %s |\n", sequences[i].name,
            full[i].n, full[i].median, full[i].p99, full[i].max, base[i].median,
            base[i].median > 0 ? full[i].median / base[i].median : 0,
            verdict (full[i].median, full[i].p99, full[i].max));
  print_load ("at the end");

  g_unlink (small);
  g_unlink (big);
  g_rmdir (dir);
  return 0;
}
