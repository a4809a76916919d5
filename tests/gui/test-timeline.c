/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The timeline in a real window: its lanes against the model, zooming,
 * panning and scrolling through the actions and through real key and
 * wheel events (xdotool's XTest input on the X display). Every check is an
 * exact value of the session. Clicks, tooltips, selection, folding and the
 * minimap are test-timeline-items.c.
 */
#include "weft-config.h"

#include "timeline-util.h"
#include "weft-timeline-private.h" /* the pinch, which no tool can make */

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

/* Pinch zooms around where it began, by the scale since it began. */
static void
test_pinch (void)
{
  Fixture f;

  fixture_open (&f);
  _weft_timeline_pinch_begin (f.timeline, x_of (&f, 5 * MS));
  _weft_timeline_pinch_scale (f.timeline, 2.0);
  assert_visible (&f, 2500000, 7500000);
  _weft_timeline_pinch_scale (f.timeline, 4.0);
  assert_visible (&f, 3750000, 6250000);
  _weft_timeline_pinch_scale (f.timeline, 1.0);
  assert_visible (&f, 0, DURATION);
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
  g_test_add_func ("/weft/gui/timeline/pinch", test_pinch);
  status = gui_app_run ();
  g_free (xdotool);
  return status;
}
