/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Folding process groups (weft_renderer_set_process_collapsed): a folded
 * group keeps its header and loses its threads, task rows and counters;
 * the lanes below move up by exactly what it lost; threads keep their
 * colours; the disclosure triangle is drawn only when asked for (pictures
 * stay as they were). And weft_renderer_get_item_rect: where a clicked
 * span or slice is drawn.
 */
#include "render-util.h"
#include "weft-renderer-private.h"

/* Two processes: "front" (pid 10: ui, net) with a counter, "back" (pid
 * 20: db) with spans; two cores. */
static void
build (WeftBuilder *b)
{
  WeftBuilderStream cpu0 = weft_builder_cpu (b, 0), cpu1 = weft_builder_cpu (b, 1);
  WeftBuilderStream ui = weft_builder_thread (b, 10, 10), net = weft_builder_thread (b, 10, 11);
  WeftBuilderStream db = weft_builder_thread (b, 20, 20);

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_process_name (b, ui, RT0, "front");
  weft_builder_thread_name (b, ui, RT0, "ui");
  weft_builder_thread_name (b, net, RT0, "net");
  weft_builder_process_name (b, db, RT0, "back");
  weft_builder_thread_name (b, db, RT0, "db");
  weft_builder_span_begin (b, ui, RT0, "frame");
  weft_builder_span_end (b, ui, RT0 + 10 * MS);
  weft_builder_counter (b, ui, RT0 + 1 * MS, "rss", 100.0);
  weft_builder_span_begin (b, net, RT0 + 2 * MS, "fetch");
  weft_builder_span_end (b, net, RT0 + 8 * MS);
  weft_builder_span_begin (b, db, RT0 + 1 * MS, "query");
  weft_builder_span_begin (b, db, RT0 + 3 * MS, "scan");
  weft_builder_span_end (b, db, RT0 + 5 * MS);
  weft_builder_span_end (b, db, RT0 + 9 * MS);
  weft_builder_switch (b, cpu0, RT0, WEFT_TID_IDLE, WEFT_SWITCH_PREEMPTED, 10);
  weft_builder_switch (b, cpu0, RT0 + 4 * MS, 10, WEFT_SWITCH_BLOCKED, 11);
  weft_builder_switch (b, cpu0, RT0 + 7 * MS, 11, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  weft_builder_switch (b, cpu1, RT0 + 1 * MS, WEFT_TID_IDLE, WEFT_SWITCH_PREEMPTED, 20);
  weft_builder_switch (b, cpu1, RT0 + 9 * MS, 20, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
}

static guint
find (WeftRenderer *r, WeftLaneKind kind, guint index)
{
  for (guint i = 0; i < weft_renderer_get_n_lanes (r); i++)
    if (weft_renderer_get_lane (r, i)->kind == kind && weft_renderer_get_lane (r, i)->index == index)
      return i;
  return G_MAXUINT;
}

static guint
process_of_pid (WeftModel *m, guint32 pid)
{
  for (guint i = 0; i < weft_model_get_n_processes (m); i++)
    if (weft_model_get_process (m, i)->pid == pid)
      return i;
  g_assert_not_reached ();
}

static guint
thread_of_tid (WeftModel *m, guint32 tid)
{
  for (guint i = 0; i < weft_model_get_n_threads (m); i++)
    if (weft_model_get_thread (m, i)->tid == tid)
      return i;
  g_assert_not_reached ();
}

static void
test_fold (void)
{
  g_autoptr (WeftLod) lod = render_util_lod_of (build);
  g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
  WeftModel *m = weft_lod_get_model (lod);
  guint front = process_of_pid (m, 10), back = process_of_pid (m, 20);
  guint db = thread_of_tid (m, 20);
  guint n = weft_renderer_get_n_lanes (r), first_lost, last_lost, db_key;
  double height = weft_renderer_get_content_height (r), lost, db_y;
  const WeftLane *header;

  /* strip, 2 cores, front (header, ui, net, rss), back (header, db) */
  g_assert_cmpuint (n, ==, 1 + 2 + 4 + 2);
  first_lost = find (r, WEFT_LANE_THREAD, thread_of_tid (m, 10));
  last_lost = find (r, WEFT_LANE_COUNTER, 0);
  g_assert_cmpuint (last_lost, ==, first_lost + 2);
  /* what front's lanes take, from its first lane's top to below its last
   * lane's gap */
  lost = weft_renderer_get_lane (r, last_lost)->y + weft_renderer_get_lane (r, last_lost)->height
         + WEFT_R_GAP - weft_renderer_get_lane (r, first_lost)->y;
  db_y = weft_renderer_get_lane (r, find (r, WEFT_LANE_THREAD, db))->y;
  db_key = weft_renderer_get_lane (r, find (r, WEFT_LANE_THREAD, db))->color_key;

  g_assert_false (weft_renderer_get_process_collapsed (r, front));
  weft_renderer_set_process_collapsed (r, front, TRUE);
  g_assert_true (weft_renderer_get_process_collapsed (r, front));
  g_assert_false (weft_renderer_get_process_collapsed (r, back));
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, n - 3);
  header = weft_renderer_get_lane (r, find (r, WEFT_LANE_PROCESS, front));
  g_assert_true (header->collapsed);
  g_assert_false (weft_renderer_get_lane (r, find (r, WEFT_LANE_PROCESS, back))->collapsed);
  g_assert_cmpuint (find (r, WEFT_LANE_THREAD, thread_of_tid (m, 10)), ==, G_MAXUINT);
  g_assert_cmpuint (find (r, WEFT_LANE_COUNTER, 0), ==, G_MAXUINT);
  /* what is below moves up by what front lost; colours stay */
  g_assert_cmpfloat (weft_renderer_get_lane (r, find (r, WEFT_LANE_THREAD, db))->y, ==,
                     db_y - lost);
  g_assert_cmpfloat (weft_renderer_get_content_height (r), ==, height - lost);
  g_assert_cmpuint (weft_renderer_get_lane (r, find (r, WEFT_LANE_THREAD, db))->color_key, ==,
                    db_key);

  /* folding twice is folding once; unfolding restores the layout */
  weft_renderer_set_process_collapsed (r, front, TRUE);
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, n - 3);
  weft_renderer_set_process_collapsed (r, back, TRUE);
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, n - 4);
  weft_renderer_set_process_collapsed (r, front, FALSE);
  weft_renderer_set_process_collapsed (r, back, FALSE);
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, n);
  g_assert_cmpfloat (weft_renderer_get_content_height (r), ==, height);
  /* a group that does not exist changes nothing */
  weft_renderer_set_process_collapsed (r, 77, TRUE);
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, n);
}

/* The triangle is only drawn when asked for: pictures (export, golden
 * images) are unchanged; it differs in the label column only. */
static void
test_disclosure (void)
{
  g_autoptr (WeftLod) lod = render_util_lod_of (build);
  g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
  cairo_surface_t *plain, *marked;
  WeftViewport vp;
  WeftRect area;
  guint differ = 0, differ_in_lanes = 0;

  plain = render_util_draw (r, 0, 10 * MS, 800, 400, 1, WEFT_VIEWPORT_SHOW_AXIS, WEFT_THEME_LIGHT);
  weft_renderer_set_show_disclosure (r, TRUE);
  marked = render_util_draw (r, 0, 10 * MS, 800, 400, 1, WEFT_VIEWPORT_SHOW_AXIS, WEFT_THEME_LIGHT);
  weft_viewport_init (&vp, 0, 10 * MS, 800, 400);
  vp.flags = WEFT_VIEWPORT_SHOW_AXIS;
  weft_renderer_get_lane_area (r, &vp, &area);
  for (int y = 0; y < 400; y++)
    for (int x = 0; x < 800; x++)
      if (render_util_pixel (plain, x, y) != render_util_pixel (marked, x, y))
        {
          differ++;
          /* the header's band: the triangle and its label moved right */
          differ_in_lanes += x >= area.x + 200;
        }
  g_assert_cmpuint (differ, >, 0);
  g_assert_cmpuint (differ_in_lanes, ==, 0);
  cairo_surface_destroy (plain);
  cairo_surface_destroy (marked);
}

static void
test_item_rect (void)
{
  g_autoptr (WeftLod) lod = render_util_lod_of (build);
  g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
  WeftModel *m = weft_lod_get_model (lod);
  guint db = thread_of_tid (m, 20);
  WeftViewport vp;
  WeftRect area, rect;
  WeftHit hit, none = { 0 };
  const WeftLane *lane;
  double x;

  weft_viewport_init (&vp, 0, 10 * MS, 1000, 600);
  vp.flags = WEFT_VIEWPORT_SHOW_AXIS;
  weft_renderer_get_lane_area (r, &vp, &area);
  lane = weft_renderer_get_lane (r, find (r, WEFT_LANE_THREAD, db));

  /* "scan", db's depth 1, [3, 5) ms trace-relative */
  x = area.x + area.width * 0.4;
  g_assert_true (weft_renderer_hit_test (r, &vp, x,
                                         area.y + lane->y + WEFT_R_STATE_H + WEFT_R_ROW_H * 1.5,
                                         &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_SPAN);
  g_assert_cmpuint (hit.depth, ==, 1);
  g_assert_true (weft_renderer_get_item_rect (r, &vp, &hit, &rect));
  g_assert_cmpfloat_with_epsilon (rect.x, area.x + area.width * 0.3, 1e-9);
  g_assert_cmpfloat_with_epsilon (rect.width, area.width * 0.2, 1e-9);
  g_assert_cmpfloat (rect.y, ==, area.y + lane->y + WEFT_R_STATE_H + WEFT_R_ROW_H);
  g_assert_cmpfloat (rect.height, ==, WEFT_R_ROW_H - 1);

  /* scrolled: it moves up with its lane */
  vp.scroll_y = 30;
  g_assert_true (weft_renderer_get_item_rect (r, &vp, &hit, &rect));
  g_assert_cmpfloat (rect.y, ==, area.y + lane->y + WEFT_R_STATE_H + WEFT_R_ROW_H - 30);
  vp.scroll_y = 0;

  /* a core's slice: db ran on CPU 1 from 1 to 9 ms */
  lane = weft_renderer_get_lane (r, find (r, WEFT_LANE_CPU, 1));
  g_assert_true (weft_renderer_hit_test (r, &vp, area.x + area.width / 2,
                                         area.y + lane->y + lane->height / 2, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_CPU_SLICE);
  g_assert_true (weft_renderer_get_item_rect (r, &vp, &hit, &rect));
  g_assert_cmpfloat_with_epsilon (rect.x, area.x + area.width * 0.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (rect.width, area.width * 0.8, 1e-9);
  g_assert_cmpfloat (rect.height, ==, lane->height);

  /* nothing to outline: other kinds, and a folded group's span */
  none.kind = WEFT_HIT_LANE;
  g_assert_false (weft_renderer_get_item_rect (r, &vp, &none, &rect));
  lane = weft_renderer_get_lane (r, find (r, WEFT_LANE_THREAD, db));
  g_assert_true (weft_renderer_hit_test (
      r, &vp, x, area.y + lane->y + WEFT_R_STATE_H + WEFT_R_ROW_H * 1.5, &hit));
  weft_renderer_set_process_collapsed (r, weft_model_get_thread (m, db)->process, TRUE);
  g_assert_false (weft_renderer_get_item_rect (r, &vp, &hit, &rect));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  render_util_pin_fonts ();
  g_test_add_func ("/weft/render/collapse/fold", test_fold);
  g_test_add_func ("/weft/render/collapse/disclosure", test_disclosure);
  g_test_add_func ("/weft/render/collapse/item-rect", test_item_rect);
  return g_test_run ();
}
