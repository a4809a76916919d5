/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The timeline in a real window: its lanes against the model, zooming and
 * panning through the actions and through real key, wheel and pointer
 * events (xdotool's XTest input on the X display), clicking a span,
 * selecting a range, folding process groups, and the minimap. Every check
 * is an exact value of the session.
 */
#include "weft-config.h"

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

static char *
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

static gboolean
drawn (gpointer data)
{
  Fixture *f = data;
  WeftViewport vp;

  return weft_timeline_get_viewport (f->timeline, &vp)
         && gtk_widget_get_width (GTK_WIDGET (f->minimap)) > 0;
}

static void
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

static void
fixture_close (Fixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  run_idle ();
}

static void
assert_visible (Fixture *f, guint64 start, guint64 end)
{
  g_assert_cmpuint (weft_session_get_visible_start (f->session), ==, start);
  g_assert_cmpuint (weft_session_get_visible_end (f->session), ==, end);
}

static void
lane_area (Fixture *f, WeftRect *area)
{
  WeftViewport vp;

  g_assert_true (weft_timeline_get_viewport (f->timeline, &vp));
  weft_renderer_get_lane_area (weft_timeline_get_renderer (f->timeline), &vp, area);
}

/* The widget x of time t in the visible range. */
static double
x_of (Fixture *f, guint64 t)
{
  WeftRect area;
  guint64 start = weft_session_get_visible_start (f->session);
  guint64 end = weft_session_get_visible_end (f->session);

  lane_area (f, &area);
  return area.x + (double) (t - start) / (double) (end - start) * area.width;
}

/* The time the timeline reads at widget x (its rule: rounded). */
static guint64
time_at (Fixture *f, double x)
{
  WeftRect area;
  guint64 start = weft_session_get_visible_start (f->session);
  guint64 end = weft_session_get_visible_end (f->session);

  lane_area (f, &area);
  return start + (guint64) llround (CLAMP ((x - area.x) / area.width, 0, 1) * (end - start));
}

static guint
thread_of_tid (Fixture *f, guint32 tid)
{
  WeftModel *m = weft_session_get_model (f->session);

  for (guint i = 0; i < weft_model_get_n_threads (m); i++)
    if (weft_model_get_thread (m, i)->tid == tid)
      return i;
  g_assert_not_reached ();
}

static guint
lane_of (Fixture *f, WeftLaneKind kind, guint index)
{
  WeftRenderer *r = weft_timeline_get_renderer (f->timeline);

  for (guint i = 0; i < weft_renderer_get_n_lanes (r); i++)
    if (weft_renderer_get_lane (r, i)->kind == kind && weft_renderer_get_lane (r, i)->index == index)
      return i;
  g_assert_not_reached ();
}

/* The widget y of span row depth of a thread's lane (its middle). */
static double
row_y (Fixture *f, guint thread, guint depth)
{
  WeftRenderer *r = weft_timeline_get_renderer (f->timeline);
  const WeftLane *lane = weft_renderer_get_lane (r, lane_of (f, WEFT_LANE_THREAD, thread));
  WeftRect area;

  lane_area (f, &area);
  return area.y - gtk_adjustment_get_value (weft_timeline_get_vadjustment (f->timeline)) + lane->y
         + WEFT_R_STATE_H + depth * WEFT_R_ROW_H + WEFT_R_ROW_H / 2;
}

static guint
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
static void
xdo_focus (Fixture *f)
{
  xdo_focus_window (GTK_WINDOW (f->window));
  gtk_widget_grab_focus (GTK_WIDGET (f->timeline));
  run_for (100);
}

static void
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

static void
watch (Watch *w, Fixture *f)
{
  w->f = f;
  w->start = weft_session_get_visible_start (f->session);
  w->end = weft_session_get_visible_end (f->session);
  w->has_selection = weft_session_get_has_selection (f->session);
  w->sel_start = weft_session_get_selection_start (f->session);
  w->sel_end = weft_session_get_selection_end (f->session);
}

static gboolean
changed (gpointer data)
{
  Watch *w = data, now;

  watch (&now, w->f);
  return now.start != w->start || now.end != w->end || now.has_selection != w->has_selection
         || now.sel_start != w->sel_start || now.sel_end != w->sel_end;
}

/* Runs xdotool's key (or other command) and waits for the session to
 * change. */
static void
key_and_wait (Fixture *f, const char *key)
{
  Watch w;

  watch (&w, f);
  xdo ("key", key, NULL);
  run_until (changed, &w);
}

/* ---- tests ---- */

/* The lanes are the model's: the strip, a lane per core, then per process
 * (by pid) its header and its threads. */
static void
test_lanes (void)
{
  Fixture f;
  WeftRenderer *r;
  WeftModel *m;
  guint i = 0;

  fixture_open (&f);
  r = weft_timeline_get_renderer (f.timeline);
  m = weft_session_get_model (f.session);
  g_assert_cmpuint (weft_model_get_n_cpus (m), ==, 2);
  g_assert_cmpuint (weft_model_get_n_processes (m), ==, 2);
  g_assert_cmpuint (weft_model_get_n_threads (m), ==, 3);

  g_assert_cmpint (weft_renderer_get_lane (r, i++)->kind, ==, WEFT_LANE_PARALLELISM);
  for (guint c = 0; c < weft_model_get_n_cpus (m); c++, i++)
    {
      const WeftLane *lane = weft_renderer_get_lane (r, i);
      g_autofree char *label = g_strdup_printf ("CPU %u", weft_model_get_cpu (m, c)->cpu);

      g_assert_cmpint (lane->kind, ==, WEFT_LANE_CPU);
      g_assert_cmpuint (lane->index, ==, c);
      g_assert_cmpstr (lane->label, ==, label);
    }
  for (guint p = 0; p < weft_model_get_n_processes (m); p++)
    {
      const WeftModelProcess *proc = weft_model_get_process (m, p);
      const WeftLane *lane = weft_renderer_get_lane (r, i++);
      g_autofree char *label = g_strdup_printf (
          "%s  pid %u", weft_model_get_name (m, proc->name), proc->pid);

      g_assert_cmpint (lane->kind, ==, WEFT_LANE_PROCESS);
      g_assert_cmpuint (lane->index, ==, p);
      g_assert_cmpstr (lane->label, ==, label);
      g_assert_false (lane->collapsed);
      for (guint k = 0; k < proc->n_threads; k++)
        {
          const WeftModelThread *t = weft_model_get_thread (m, proc->threads[k]);
          g_autofree char *tlabel = NULL;

          lane = weft_renderer_get_lane (r, i++);
          tlabel = g_strdup_printf ("%s  %u", weft_model_get_name (m, t->name), t->tid);
          g_assert_cmpint (lane->kind, ==, WEFT_LANE_THREAD);
          g_assert_cmpuint (lane->index, ==, proc->threads[k]);
          g_assert_cmpstr (lane->label, ==, tlabel);
          g_assert_cmpuint (lane->n_rows, ==, t->max_depth);
        }
    }
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, i);
  g_assert_cmpstr (weft_renderer_get_lane (r, 3)->label, ==, "app  pid 100");
  g_assert_cmpstr (weft_renderer_get_lane (r, 5)->label, ==, "worker  101");
  g_assert_cmpuint (weft_renderer_get_lane (r, 5)->n_rows, ==, 2);
  fixture_close (&f);
}

static void
test_zoom_pan_actions (void)
{
  Fixture f;
  GtkWidget *tl;
  GtkAdjustment *adj;
  WeftRect area;
  double upper, page;

  if (!have_xdotool ())
    return;
  fixture_open (&f);
  tl = GTK_WIDGET (f.timeline);
  xdo_focus (&f); /* the pointer off the lanes: W and S zoom at the middle */

  assert_visible (&f, 0, DURATION);
  gtk_widget_activate_action (tl, "timeline.zoom-in", NULL);
  assert_visible (&f, 1 * MS, 9 * MS);
  gtk_widget_activate_action (tl, "timeline.pan-right", NULL);
  assert_visible (&f, 1800000, 9800000);
  /* past the end: slid back inside, the width kept */
  gtk_widget_activate_action (tl, "timeline.pan-right", NULL);
  assert_visible (&f, 2 * MS, 10 * MS);
  gtk_widget_activate_action (tl, "timeline.pan-left", NULL);
  assert_visible (&f, 1200000, 9200000);
  gtk_widget_activate_action (tl, "timeline.zoom-out", NULL);
  assert_visible (&f, 0, DURATION);

  /* Ctrl+wheel's action: a quarter of the way in stays where it is */
  lane_area (&f, &area);
  gtk_widget_activate_action (tl, "timeline.zoom-at", "(dd)", area.x + area.width / 4, 0.5);
  assert_visible (&f, 1250000, 6250000);
  /* Shift+wheel's and the drags' action: a fifth of the lanes' width */
  gtk_widget_activate_action (tl, "timeline.pan", "d", area.width / 5);
  assert_visible (&f, 2250000, 7250000);
  gtk_widget_activate_action (tl, "timeline.pan", "d", -area.width);
  assert_visible (&f, 0, 5 * MS);
  gtk_widget_activate_action (tl, "timeline.zoom-to-fit", NULL);
  assert_visible (&f, 0, DURATION);

  /* the wheel's action: the lanes scroll, within their height */
  adj = weft_timeline_get_vadjustment (f.timeline);
  upper = gtk_adjustment_get_upper (adj);
  page = gtk_adjustment_get_page_size (adj);
  g_assert_cmpfloat (upper, ==, MAX (page, weft_renderer_get_content_height (
                                               weft_timeline_get_renderer (f.timeline))));
  gtk_widget_activate_action (tl, "timeline.scroll", "d", 50.0);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, MIN (50.0, upper - page));
  gtk_widget_activate_action (tl, "timeline.scroll", "d", -500.0);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0.0);
  fixture_close (&f);
}

/* The same through real keys: W, D, A, S, 0 and Home. */
static void
test_keys (void)
{
  Fixture f;

  if (!have_xdotool ())
    return;
  fixture_open (&f);
  xdo_focus (&f);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (f.timeline)));

  key_and_wait (&f, "w");
  assert_visible (&f, 1 * MS, 9 * MS);
  key_and_wait (&f, "w");
  assert_visible (&f, 1800000, 8200000);
  key_and_wait (&f, "d");
  assert_visible (&f, 2440000, 8840000);
  key_and_wait (&f, "a");
  assert_visible (&f, 1800000, 8200000);
  key_and_wait (&f, "s");
  assert_visible (&f, 1 * MS, 9 * MS);
  key_and_wait (&f, "0");
  assert_visible (&f, 0, DURATION);
  key_and_wait (&f, "w");
  key_and_wait (&f, "Home");
  assert_visible (&f, 0, DURATION);
  fixture_close (&f);
}

static gboolean
lanes_overflow (gpointer data)
{
  Fixture *f = data;
  GtkAdjustment *adj = weft_timeline_get_vadjustment (f->timeline);

  return gtk_adjustment_get_upper (adj) > gtk_adjustment_get_page_size (adj)
         && gtk_widget_get_child_visible (gtk_widget_get_last_child (GTK_WIDGET (f->timeline)));
}

static gboolean
scrolled (gpointer data)
{
  return gtk_adjustment_get_value (data) > 0;
}

/* Ctrl+wheel zooms at the pointer, Shift+wheel pans, the wheel scrolls. */
static void
test_wheel (void)
{
  Fixture f;
  GtkWidget *tl;
  WeftRect area;
  double x, y, anchor;

  if (!have_xdotool ())
    return;
  fixture_open (&f);
  tl = GTK_WIDGET (f.timeline);
  xdo_focus (&f);
  lane_area (&f, &area);

  x = area.x + area.width / 4;
  y = area.y + 10;
  xdo_move (&f, tl, &x, &y);
  xdo ("keydown", "ctrl", NULL);
  {
    Watch w;

    watch (&w, &f);
    xdo ("click", "4", NULL); /* wheel up: zoom in ×0.8 at x */
    run_until (changed, &w);
  }
  xdo ("keyup", "ctrl", NULL);
  /* the time under the pointer stays under it: anchor·D − anchor·0.8·D */
  anchor = (x - area.x) / area.width;
  g_assert_cmpuint (weft_session_get_visible_end (f.session)
                        - weft_session_get_visible_start (f.session), ==, 8 * MS);
  g_assert_cmpuint (weft_session_get_visible_start (f.session), ==,
                    (guint64) round (anchor * DURATION - anchor * 8e6));

  gtk_widget_activate_action (tl, "timeline.zoom-to-fit", NULL);
  assert_visible (&f, 0, DURATION);
  xdo ("keydown", "shift", NULL);
  {
    Watch w;

    gtk_widget_activate_action (tl, "timeline.zoom-at", "(dd)", area.x, 0.5);
    assert_visible (&f, 0, 5 * MS);
    watch (&w, &f);
    xdo ("click", "5", NULL); /* wheel down with Shift: a tenth later */
    run_until (changed, &w);
  }
  xdo ("keyup", "shift", NULL);
  assert_visible (&f, 500000, 5500000);

  /* the plain wheel scrolls the lanes: a window too short for them */
  gtk_window_set_default_size (GTK_WINDOW (f.window), 900, 330);
  run_until (lanes_overflow, &f);
  {
    GtkAdjustment *adj = weft_timeline_get_vadjustment (f.timeline);
    double room = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

    g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);
    lane_area (&f, &area);
    x = area.x + 10;
    y = area.y + 10;
    xdo_move (&f, tl, &x, &y);
    xdo ("click", "5", NULL);
    run_until (scrolled, adj);
    g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, MIN (48.0, room));
    assert_visible (&f, 500000, 5500000);
  }
  fixture_close (&f);
}

static gboolean
item_changed (gpointer data)
{
  Fixture *f = data;
  const WeftHit *item = weft_session_get_item (f->session);

  return item != NULL && item->depth == 0;
}

/* select-at: the span at a point is the session's item; a real click too. */
static void
test_click (void)
{
  Fixture f;
  GtkWidget *tl;
  guint worker;
  const WeftHit *item;
  const WeftModelThread *t;
  double x, y;

  fixture_open (&f);
  tl = GTK_WIDGET (f.timeline);
  worker = thread_of_tid (&f, 101);
  t = weft_model_get_thread (weft_session_get_model (f.session), worker);

  gtk_widget_activate_action (tl, "timeline.select-at", "(dd)", x_of (&f, 3500000),
                              row_y (&f, worker, 1));
  item = weft_session_get_item (f.session);
  g_assert_nonnull (item);
  g_assert_cmpint (item->kind, ==, WEFT_HIT_SPAN);
  g_assert_cmpuint (item->thread, ==, worker);
  g_assert_cmpuint (item->depth, ==, 1);
  g_assert_cmpstr (weft_model_get_name (weft_session_get_model (f.session),
                                        t->spans[item->span].name), ==, "inner");
  g_assert_cmpuint (t->spans[item->span].start, ==, 3 * MS);
  g_assert_cmpuint (t->spans[item->span].end, ==, 4 * MS);
  /* where the timeline outlines it: its row, from 3 to 4 ms */
  {
    WeftViewport vp;
    WeftRect rect;

    g_assert_true (weft_timeline_get_viewport (f.timeline, &vp));
    g_assert_true (weft_renderer_get_item_rect (weft_timeline_get_renderer (f.timeline), &vp,
                                                item, &rect));
    g_assert_cmpfloat_with_epsilon (rect.x, x_of (&f, 3 * MS), 1e-6);
    g_assert_cmpfloat_with_epsilon (rect.x + rect.width, x_of (&f, 4 * MS), 1e-6);
    g_assert_cmpfloat (rect.y, <=, row_y (&f, worker, 1));
    g_assert_cmpfloat (rect.y + rect.height, >=, row_y (&f, worker, 1));
    g_assert_cmpfloat (rect.y, >, row_y (&f, worker, 0));
    /* folded away, it has no place */
    weft_timeline_set_process_collapsed (f.timeline, t->process, TRUE);
    g_assert_false (weft_renderer_get_item_rect (weft_timeline_get_renderer (f.timeline), &vp,
                                                 item, &rect));
    weft_timeline_set_process_collapsed (f.timeline, t->process, FALSE);
  }

  if (xdotool != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      xdo_focus (&f);
      x = x_of (&f, 5 * MS);
      y = row_y (&f, worker, 0);
      xdo_move (&f, tl, &x, &y);
      xdo ("click", "1", NULL);
      run_until (item_changed, &f);
      item = weft_session_get_item (f.session);
      g_assert_cmpint (item->kind, ==, WEFT_HIT_SPAN);
      g_assert_cmpuint (item->depth, ==, 0);
      g_assert_cmpstr (weft_model_get_name (weft_session_get_model (f.session),
                                            t->spans[item->span].name), ==, "compute");
      /* a click changes no range */
      g_assert_false (weft_session_get_has_selection (f.session));
      assert_visible (&f, 0, DURATION);
    }
  fixture_close (&f);
}

/* Hovering: the tooltip names the item, its duration, thread and CPU. */
static void
test_tooltip (void)
{
  Fixture f;
  guint worker, server;
  char *markup;

  fixture_open (&f);
  worker = thread_of_tid (&f, 101);
  server = thread_of_tid (&f, 200);

  /* "inner" (3–4 ms) in worker's second row, while worker runs on CPU 1 */
  markup = weft_timeline_get_tooltip_markup (f.timeline, x_of (&f, 3500000),
                                             row_y (&f, worker, 1));
  g_assert_cmpstr (markup, ==, "<b>inner</b>  1.00 ms\nworker (thread 101) · CPU 1");
  g_free (markup);

  /* "serve" (1–9 ms) at 4 ms: server is not running then (it runs 6–9 ms) */
  markup = weft_timeline_get_tooltip_markup (f.timeline, x_of (&f, 4 * MS),
                                             row_y (&f, server, 0));
  g_assert_cmpstr (markup, ==, "<b>serve</b>  8.00 ms\nserver (thread 200) · not on a CPU");
  g_free (markup);

  /* the label column has no tooltip */
  g_assert_null (weft_timeline_get_tooltip_markup (f.timeline, 1, row_y (&f, server, 0)));
  fixture_close (&f);
}

/* Ctrl+F's matches are outlined: the frame's viewport holds the
 * session's mask of matching names. */
static void
test_search_highlight (void)
{
  Fixture f;
  WeftViewport vp;
  WeftModel *m;
  guint32 inner = WEFT_VIEWPORT_NONE;

  fixture_open (&f);
  m = weft_session_get_model (f.session);
  for (guint32 id = 0; id < weft_model_get_n_names (m); id++)
    if (g_str_equal (weft_model_get_name (m, id), "inner"))
      inner = id;
  g_assert_cmpuint (inner, !=, WEFT_VIEWPORT_NONE);

  g_assert_true (weft_timeline_get_viewport (f.timeline, &vp));
  g_assert_null (vp.highlight_names);
  weft_session_set_search_text (f.session, "inner");
  g_assert_true (weft_timeline_get_viewport (f.timeline, &vp));
  g_assert_nonnull (vp.highlight_names);
  for (guint32 id = 0; id < weft_model_get_n_names (m); id++)
    g_assert_cmpint (weft_viewport_highlights_name (&vp, id), ==, id == inner);
  weft_session_set_search_text (f.session, "");
  g_assert_true (weft_timeline_get_viewport (f.timeline, &vp));
  g_assert_null (vp.highlight_names);
  fixture_close (&f);
}

/* select-range, zoom-to-selection, Escape; a real left-drag selects. */
static void
test_select (void)
{
  Fixture f;
  GtkWidget *tl;
  double x0, y0, x1, y1;
  guint64 t0, t1;
  Watch w;

  fixture_open (&f);
  tl = GTK_WIDGET (f.timeline);
  gtk_widget_activate_action (tl, "timeline.select-range", "(tt)", 3 * MS, 1 * MS);
  g_assert_true (weft_session_get_has_selection (f.session));
  g_assert_cmpuint (weft_session_get_selection_start (f.session), ==, 1 * MS);
  g_assert_cmpuint (weft_session_get_selection_end (f.session), ==, 3 * MS);
  gtk_widget_activate_action (tl, "timeline.zoom-to-selection", NULL);
  assert_visible (&f, 1 * MS, 3 * MS);
  gtk_widget_activate_action (tl, "timeline.clear-selection", NULL);
  g_assert_false (weft_session_get_has_selection (f.session));
  gtk_widget_activate_action (tl, "timeline.zoom-to-fit", NULL);

  if (xdotool == NULL || !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      fixture_close (&f);
      return;
    }
  xdo_focus (&f);
  x0 = x_of (&f, 2 * MS);
  y0 = row_y (&f, thread_of_tid (&f, 200), 0);
  x1 = x_of (&f, 7 * MS);
  y1 = y0;
  xdo_move (&f, tl, &x0, &y0);
  xdo ("mousedown", "1", NULL);
  xdo_move (&f, tl, &x1, &y1);
  watch (&w, &f);
  xdo ("mouseup", "1", NULL);
  if (!changed (&w))
    run_until (changed, &w);
  run_idle ();
  t0 = time_at (&f, x0);
  t1 = time_at (&f, x1);
  g_assert_true (weft_session_get_has_selection (f.session));
  g_assert_cmpuint (weft_session_get_selection_start (f.session), ==, t0);
  g_assert_cmpuint (weft_session_get_selection_end (f.session), ==, t1);
  /* within a pixel of what was aimed at */
  {
    WeftRect area;
    guint64 pixel;

    lane_area (&f, &area);
    pixel = (guint64) ceil (DURATION / area.width);
    g_assert_cmpuint (t0 + pixel, >=, 2 * MS);
    g_assert_cmpuint (t0, <=, 2 * MS + pixel);
    g_assert_cmpuint (t1 + pixel, >=, 7 * MS);
    g_assert_cmpuint (t1, <=, 7 * MS + pixel);
  }
  assert_visible (&f, 0, DURATION);
  /* Escape clears it */
  key_and_wait (&f, "Escape");
  g_assert_false (weft_session_get_has_selection (f.session));

  /* Space+drag and middle-drag pan: the content follows the pointer */
  gtk_widget_activate_action (tl, "timeline.zoom-at", "(dd)", x_of (&f, 0), 0.5);
  assert_visible (&f, 0, 5 * MS);
  x0 = x_of (&f, 3 * MS);
  x1 = x0 - 100;
  xdo_move (&f, tl, &x0, &y0);
  xdo ("keydown", "space", "mousedown", "1", NULL);
  xdo_move (&f, tl, &x1, &y1);
  xdo ("mouseup", "1", "keyup", "space", NULL);
  run_idle ();
  {
    WeftRect area;
    guint64 dt;

    lane_area (&f, &area);
    dt = (guint64) llround ((x0 - x1) / area.width * 5e6);
    assert_visible (&f, dt, dt + 5 * MS);
    g_assert_false (weft_session_get_has_selection (f.session));

    xdo_move (&f, tl, &x1, &y1);
    xdo ("mousedown", "2", NULL);
    xdo_move (&f, tl, &x0, &y0);
    xdo ("mouseup", "2", NULL);
    run_idle ();
    assert_visible (&f, 0, 5 * MS);
  }
  fixture_close (&f);
}

/* Process groups fold and unfold: by action and by a click on the header. */
static void
test_collapse (void)
{
  Fixture f;
  GtkWidget *tl;
  WeftRenderer *r;
  guint n, app_p, helper, server;
  guint server_key;
  double height;
  const WeftLane *header;
  WeftRect area;

  fixture_open (&f);
  tl = GTK_WIDGET (f.timeline);
  r = weft_timeline_get_renderer (f.timeline);
  n = weft_renderer_get_n_lanes (r);
  g_assert_cmpuint (n, ==, 1 + 2 + 2 + 3);
  height = weft_renderer_get_content_height (r);
  app_p = process_of_pid (&f, 100);
  helper = process_of_pid (&f, 200);
  server = thread_of_tid (&f, 200);
  server_key = weft_renderer_get_lane (r, lane_of (&f, WEFT_LANE_THREAD, server))->color_key;

  gtk_widget_activate_action (tl, "timeline.toggle-process", "u", app_p);
  g_assert_true (weft_timeline_get_process_collapsed (f.timeline, app_p));
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, n - 2);
  g_assert_true (weft_renderer_get_lane (r, lane_of (&f, WEFT_LANE_PROCESS, app_p))->collapsed);
  g_assert_cmpfloat (weft_renderer_get_content_height (r), <, height);
  /* the other threads keep their colours */
  g_assert_cmpuint (weft_renderer_get_lane (r, lane_of (&f, WEFT_LANE_THREAD, server))->color_key,
                    ==, server_key);

  /* a click on the helper's header folds it too */
  header = weft_renderer_get_lane (r, lane_of (&f, WEFT_LANE_PROCESS, helper));
  lane_area (&f, &area);
  gtk_widget_activate_action (tl, "timeline.select-at", "(dd)", 20.0,
                              area.y + header->y + header->height / 2);
  g_assert_true (weft_timeline_get_process_collapsed (f.timeline, helper));
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, n - 3);
  g_assert_null (weft_session_get_item (f.session));

  gtk_widget_activate_action (tl, "timeline.toggle-process", "u", app_p);
  gtk_widget_activate_action (tl, "timeline.toggle-process", "u", helper);
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, n);
  g_assert_cmpfloat (weft_renderer_get_content_height (r), ==, height);
  fixture_close (&f);
}

/* The minimap: its actions, and a real drag of its window. */
static void
test_minimap (void)
{
  Fixture f;
  GtkWidget *mm;
  int width;
  guint64 dt;
  double x0, y0, x1, y1;

  fixture_open (&f);
  mm = GTK_WIDGET (f.minimap);
  width = gtk_widget_get_width (mm);
  weft_session_set_visible_range (f.session, 1 * MS, 3 * MS);

  dt = weft_minimap_time_at (f.minimap, 100.0 + width / 10)
       - weft_minimap_time_at (f.minimap, 100.0);
  gtk_widget_activate_action (mm, "minimap.move-window", "(dd)", 100.0, 100.0 + width / 10);
  assert_visible (&f, 1 * MS + dt, 3 * MS + dt);
  gtk_widget_activate_action (mm, "minimap.move-window", "(dd)", 100.0 + width / 10, 100.0);
  assert_visible (&f, 1 * MS, 3 * MS);
  gtk_widget_activate_action (mm, "minimap.center-at", "d", weft_minimap_x_at (f.minimap, 5 * MS));
  assert_visible (&f, 4 * MS, 6 * MS);
  gtk_widget_activate_action (mm, "minimap.center-at", "d", (double) width);
  assert_visible (&f, 8 * MS, 10 * MS);

  if (xdotool != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      xdo_focus (&f);
      x0 = weft_minimap_x_at (f.minimap, 9 * MS);
      y0 = gtk_widget_get_height (mm) / 2.0;
      xdo_move (&f, mm, &x0, &y0);
      x1 = x0 - 50;
      y1 = y0;
      xdo ("mousedown", "1", NULL);
      xdo_move (&f, mm, &x1, &y1);
      xdo ("mouseup", "1", NULL);
      run_idle ();
      dt = weft_minimap_time_at (f.minimap, x0) - weft_minimap_time_at (f.minimap, x1);
      assert_visible (&f, 8 * MS - dt, 10 * MS - dt);
    }
  fixture_close (&f);
}

int
main (int argc, char **argv)
{
  int status;

  if (!gui_app_setup (&argc, &argv))
    {
      g_test_add_func ("/weft/gui/timeline/no-display", gui_test_skip_no_display);
      return gui_app_run ();
    }
  xdotool = g_find_program_in_path ("xdotool");

  g_test_add_func ("/weft/gui/timeline/lanes", test_lanes);
  g_test_add_func ("/weft/gui/timeline/zoom-pan-actions", test_zoom_pan_actions);
  g_test_add_func ("/weft/gui/timeline/keys", test_keys);
  g_test_add_func ("/weft/gui/timeline/wheel", test_wheel);
  g_test_add_func ("/weft/gui/timeline/click", test_click);
  g_test_add_func ("/weft/gui/timeline/tooltip", test_tooltip);
  g_test_add_func ("/weft/gui/timeline/select", test_select);
  g_test_add_func ("/weft/gui/timeline/collapse", test_collapse);
  g_test_add_func ("/weft/gui/timeline/search-highlight", test_search_highlight);
  g_test_add_func ("/weft/gui/timeline/minimap", test_minimap);
  status = gui_app_run ();
  g_free (xdotool);
  return status;
}
