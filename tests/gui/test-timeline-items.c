/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The timeline's items in a real window: clicking a span (the action and
 * a real click), the hover tooltip, selecting a range, folding process
 * groups, search matches outlined, and the minimap. Every check is an
 * exact value of the session or the widget.
 */
#include "weft-config.h"

#include "timeline-util.h"

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
  g_assert_cmpstr (markup, ==, "<b>inner</b>  1.00 ms\nworker (TID 101) · CPU 1");
  g_free (markup);

  /* "serve" (1–9 ms) at 4 ms: server is not running then (it runs 6–9 ms) */
  markup = weft_timeline_get_tooltip_markup (f.timeline, x_of (&f, 4 * MS),
                                             row_y (&f, server, 0));
  g_assert_cmpstr (markup, ==, "<b>serve</b>  8.00 ms\nserver (TID 200) · not on a CPU");
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

  /* A click on an item keeps the range; on empty time (CPU 0 is idle
   * from 8 ms) it drops it, as in Perfetto. */
  gtk_widget_activate_action (tl, "timeline.select-range", "(tt)", 1 * MS, 3 * MS);
  gtk_widget_activate_action (tl, "timeline.select-at", "(dd)", x_of (&f, 4 * MS),
                              row_y (&f, thread_of_tid (&f, 101), 0));
  g_assert_cmpint (weft_session_get_item (f.session)->kind, ==, WEFT_HIT_SPAN);
  g_assert_true (weft_session_get_has_selection (f.session));
  {
    WeftRenderer *r = weft_timeline_get_renderer (f.timeline);
    const WeftLane *cpu0 = weft_renderer_get_lane (r, lane_of (&f, WEFT_LANE_CPU, 0));
    WeftRect area;

    lane_area (&f, &area);
    gtk_widget_activate_action (
        tl, "timeline.select-at", "(dd)", x_of (&f, 9 * MS),
        area.y - gtk_adjustment_get_value (weft_timeline_get_vadjustment (f.timeline)) + cpu0->y
            + cpu0->height / 2);
  }
  g_assert_null (weft_session_get_item (f.session));
  g_assert_false (weft_session_get_has_selection (f.session));

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
      g_test_add_func ("/weft/gui/timeline-items/no-display", gui_test_skip_no_display);
      return gui_app_run ();
    }
  xdotool = g_find_program_in_path ("xdotool");

  g_test_add_func ("/weft/gui/timeline-items/click", test_click);
  g_test_add_func ("/weft/gui/timeline-items/tooltip", test_tooltip);
  g_test_add_func ("/weft/gui/timeline-items/select", test_select);
  g_test_add_func ("/weft/gui/timeline-items/collapse", test_collapse);
  g_test_add_func ("/weft/gui/timeline-items/search-highlight", test_search_highlight);
  g_test_add_func ("/weft/gui/timeline-items/minimap", test_minimap);
  status = gui_app_run ();
  g_free (xdotool);
  return status;
}
