/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * timeline-util.h: the timeline tests' trace, a window open on it, where
 * a time, a lane or a span row is on the widget, and real input through
 * xdotool (gui-xdo.h).
 */
#pragma once

#include <math.h>
#include <string.h>

#include "gui-app-util.h"
#include "gui-xdo.h"
#include "weft-minimap.h"
#include "weft-renderer-private.h" /* the lane geometry: state strip and row heights */
#include "weft-timeline.h"
#include "weft-trace-view.h"

/* The trace: 10 ms; "app" (pid 100: main, worker) and "helper" (pid 200:
 * server); two cores. worker runs "compute" 2–6 ms with "inner" 3–4 ms
 * inside it. */
#define T0 G_GUINT64_CONSTANT (1000000000)
#define MS G_GUINT64_CONSTANT (1000000)
#define DURATION (10 * MS)

static inline char *
trace_write (void)
{
  char *path = g_build_filename (tmpdir, "timeline.weft", NULL);
  WeftBuilder *b = weft_builder_new (path);
  WeftBuilderStream main_s, worker, server, cpu0, cpu1;

  g_assert_nonnull (b);
  weft_builder_set_metadata (b, "command", "timeline test");
  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_set_metadata (b, "sched", "true");
  main_s = weft_builder_thread (b, 100, 100);
  worker = weft_builder_thread (b, 100, 101);
  server = weft_builder_thread (b, 200, 200);
  cpu0 = weft_builder_cpu (b, 0);
  cpu1 = weft_builder_cpu (b, 1);

  weft_builder_process_name (b, main_s, T0, "app");
  weft_builder_thread_name (b, main_s, T0, "main");
  weft_builder_thread_name (b, worker, T0, "worker");
  weft_builder_process_name (b, server, T0, "helper");
  weft_builder_thread_name (b, server, T0, "server");

  weft_builder_span_begin (b, main_s, T0, "run");
  weft_builder_span_end (b, main_s, T0 + DURATION);
  weft_builder_span_begin (b, worker, T0 + 2 * MS, "compute");
  weft_builder_span_begin (b, worker, T0 + 3 * MS, "inner");
  weft_builder_span_end (b, worker, T0 + 4 * MS);
  weft_builder_span_end (b, worker, T0 + 6 * MS);
  weft_builder_span_begin (b, server, T0 + 1 * MS, "serve");
  weft_builder_span_end (b, server, T0 + 9 * MS);

  weft_builder_switch (b, cpu0, T0, WEFT_TID_IDLE, WEFT_SWITCH_PREEMPTED, 100);
  weft_builder_switch (b, cpu0, T0 + 8 * MS, 100, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  weft_builder_switch (b, cpu1, T0 + 2 * MS, WEFT_TID_IDLE, WEFT_SWITCH_PREEMPTED, 101);
  weft_builder_switch (b, cpu1, T0 + 6 * MS, 101, WEFT_SWITCH_BLOCKED, 200);
  weft_builder_switch (b, cpu1, T0 + 9 * MS, 200, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);

  g_assert_cmpint (weft_builder_finish (b), ==, 0);
  return path;
}

typedef struct
{
  WeftWindow *window;
  WeftSession *session;
  WeftTimeline *timeline;
  WeftMinimap *minimap;
} Fixture;

static inline gboolean
drawn (gpointer data)
{
  Fixture *f = data;
  WeftViewport vp;

  return weft_timeline_get_viewport (f->timeline, &vp)
         && gtk_widget_get_width (GTK_WIDGET (f->minimap)) > 0;
}

static inline void
fixture_open (Fixture *f)
{
  g_autofree char *path = trace_write ();
  GtkWidget *view;

  f->window = open_path (path);
  g_assert_cmpstr (page_of (f->window), ==, "trace");
  f->session = weft_window_get_session (f->window);
  view = TEMPLATE_CHILD (f->window, WEFT_TYPE_WINDOW, "trace_view");
  f->timeline = WEFT_TIMELINE (weft_trace_view_get_timeline (WEFT_TRACE_VIEW (view)));
  f->minimap = WEFT_MINIMAP (find_named (view, "minimap"));
  g_assert_nonnull (f->minimap);
  run_until (drawn, f);
  g_assert_cmpuint (weft_session_get_duration (f->session), ==, DURATION);
}

static inline void
fixture_close (Fixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  run_idle ();
}

static inline void
assert_visible (Fixture *f, guint64 start, guint64 end)
{
  g_assert_cmpuint (weft_session_get_visible_start (f->session), ==, start);
  g_assert_cmpuint (weft_session_get_visible_end (f->session), ==, end);
}

static inline void
lane_area (Fixture *f, WeftRect *area)
{
  WeftViewport vp;

  g_assert_true (weft_timeline_get_viewport (f->timeline, &vp));
  weft_renderer_get_lane_area (weft_timeline_get_renderer (f->timeline), &vp, area);
}

/* The widget x of time t in the visible range. */
static inline double
x_of (Fixture *f, guint64 t)
{
  WeftRect area;
  guint64 start = weft_session_get_visible_start (f->session);
  guint64 end = weft_session_get_visible_end (f->session);

  lane_area (f, &area);
  return area.x + (double) (t - start) / (double) (end - start) * area.width;
}

/* The time the timeline reads at widget x (its rule: rounded). */
static inline guint64
time_at (Fixture *f, double x)
{
  WeftRect area;
  guint64 start = weft_session_get_visible_start (f->session);
  guint64 end = weft_session_get_visible_end (f->session);

  lane_area (f, &area);
  return start + (guint64) llround (CLAMP ((x - area.x) / area.width, 0, 1) * (end - start));
}

static inline guint
thread_of_tid (Fixture *f, guint32 tid)
{
  WeftModel *m = weft_session_get_model (f->session);

  for (guint i = 0; i < weft_model_get_n_threads (m); i++)
    if (weft_model_get_thread (m, i)->tid == tid)
      return i;
  g_assert_not_reached ();
}

static inline guint
lane_of (Fixture *f, WeftLaneKind kind, guint index)
{
  WeftRenderer *r = weft_timeline_get_renderer (f->timeline);

  for (guint i = 0; i < weft_renderer_get_n_lanes (r); i++)
    if (weft_renderer_get_lane (r, i)->kind == kind && weft_renderer_get_lane (r, i)->index == index)
      return i;
  g_assert_not_reached ();
}

/* The widget y of span row depth of a thread's lane (its middle). */
static inline double
row_y (Fixture *f, guint thread, guint depth)
{
  WeftRenderer *r = weft_timeline_get_renderer (f->timeline);
  const WeftLane *lane = weft_renderer_get_lane (r, lane_of (f, WEFT_LANE_THREAD, thread));
  WeftRect area;

  lane_area (f, &area);
  return area.y - gtk_adjustment_get_value (weft_timeline_get_vadjustment (f->timeline)) + lane->y
         + WEFT_R_STATE_H + depth * WEFT_R_ROW_H + WEFT_R_ROW_H / 2;
}

static inline guint
process_of_pid (Fixture *f, guint32 pid)
{
  WeftModel *m = weft_session_get_model (f->session);

  for (guint i = 0; i < weft_model_get_n_processes (m); i++)
    if (weft_model_get_process (m, i)->pid == pid)
      return i;
  g_assert_not_reached ();
}

/* ---- real input (gui-xdo.h) ---- */

/* Focuses the window and the timeline, the pointer off the window (W and
 * S then zoom around the middle). */
static inline void
xdo_focus (Fixture *f)
{
  xdo_focus_window (GTK_WINDOW (f->window));
  gtk_widget_grab_focus (GTK_WIDGET (f->timeline));
  run_for (100);
}

static inline void
xdo_move (Fixture *f, GtkWidget *widget, double *x, double *y)
{
  xdo_move_window (GTK_WINDOW (f->window), widget, x, y);
}

typedef struct
{
  Fixture *f;
  guint64 start, end;
  gboolean has_selection;
  guint64 sel_start, sel_end;
} Watch;

static inline void
watch (Watch *w, Fixture *f)
{
  w->f = f;
  w->start = weft_session_get_visible_start (f->session);
  w->end = weft_session_get_visible_end (f->session);
  w->has_selection = weft_session_get_has_selection (f->session);
  w->sel_start = weft_session_get_selection_start (f->session);
  w->sel_end = weft_session_get_selection_end (f->session);
}

static inline gboolean
changed (gpointer data)
{
  Watch *w = data, now;

  watch (&now, w->f);
  return now.start != w->start || now.end != w->end || now.has_selection != w->has_selection
         || now.sel_start != w->sel_start || now.sel_end != w->sel_end;
}

/* Runs xdotool's key (or other command) and waits for the session to
 * change. */
static inline void
key_and_wait (Fixture *f, const char *key)
{
  Watch w;

  watch (&w, f);
  xdo ("key", key, NULL);
  run_until (changed, &w);
}
