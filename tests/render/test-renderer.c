/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The renderer's layout, hit testing, verdict, occupancy (a core busy half
 * of every pixel column draws half-height bars), the empty trace, a trace
 * of one event, a range outside the trace, the number formats of the axis
 * and the palettes.
 */
#include <math.h>
#include <glib/gstdio.h>
#include <string.h>

#include "render-util.h"
#include "weft-render-export.h"
#include "weft-renderer-private.h"
#include "weft-stats.h"

static guint
thread_index (WeftLod *lod, guint32 tid)
{
  WeftModel *m = weft_lod_get_model (lod);

  for (guint i = 0; i < weft_model_get_n_threads (m); i++)
    if (weft_model_get_thread (m, i)->tid == tid)
      return i;
  g_error ("no thread %u", tid);
  return 0;
}

static const WeftLane *
find_lane (WeftRenderer *r, WeftLaneKind kind, guint index, guint *lane_index)
{
  for (guint i = 0; i < weft_renderer_get_n_lanes (r); i++)
    {
      const WeftLane *l = weft_renderer_get_lane (r, i);

      if (l->kind == kind && l->index == index)
        {
          if (lane_index != NULL)
            *lane_index = i;
          return l;
        }
    }
  g_error ("no lane of kind %d index %u", kind, index);
  return NULL;
}

/* ---- layout ---- */

static void
test_layout_order (void)
{
  g_autoptr (WeftLod) lod = render_util_lod_of (render_util_build_cpu);
  g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
  static const WeftLaneKind kinds[] = { WEFT_LANE_PARALLELISM, WEFT_LANE_CPU, WEFT_LANE_CPU,
                                        WEFT_LANE_PROCESS, WEFT_LANE_THREAD, WEFT_LANE_THREAD,
                                        WEFT_LANE_THREAD };
  static const char *const labels[] = { "running threads", "CPU 0", "CPU 1", "demo  pid 100",
                                        "main  100", "worker-a  101", "worker-b  102" };
  double bottom = 0;

  g_assert_cmpstr (weft_renderer_get_title (r), ==, "demo --turns");
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, G_N_ELEMENTS (kinds));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      const WeftLane *l = weft_renderer_get_lane (r, i);

      g_assert_cmpint (l->kind, ==, kinds[i]);
      g_assert_cmpstr (l->label, ==, labels[i]);
      /* top to bottom, never overlapping */
      g_assert_cmpfloat (l->y, >=, bottom);
      g_assert_cmpfloat (l->height, >, 0);
      bottom = l->y + l->height;
      if (l->kind == WEFT_LANE_THREAD)
        {
          /* colour keys in lane order; one row for the one span depth */
          g_assert_cmpuint (l->color_key, ==, i - 4);
          g_assert_cmpuint (l->n_rows, ==, 1);
          g_assert_cmpuint (l->hidden_rows, ==, 0);
          g_assert_cmpfloat (l->height, ==, WEFT_R_STATE_H + WEFT_R_ROW_H);
        }
    }
  g_assert_cmpfloat (weft_renderer_get_content_height (r), >=, bottom);
  g_assert_cmpfloat (weft_renderer_get_lane (r, 1)->height, ==, WEFT_R_CPU_H);
  /* taller occupancy lanes for a picture, text rows unchanged */
  weft_renderer_set_lane_scale (r, 2);
  g_assert_cmpfloat (weft_renderer_get_lane (r, 1)->height, ==, 2 * WEFT_R_CPU_H);
  g_assert_cmpfloat (weft_renderer_get_lane (r, 4)->height, ==, WEFT_R_STATE_H + WEFT_R_ROW_H);
}

static void
test_layout_groups (void)
{
  g_autoptr (WeftLod) tasks = render_util_lod_of (render_util_build_tasks);
  g_autoptr (WeftRenderer) r = weft_renderer_new (tasks);
  g_autoptr (WeftLod) counters = render_util_lod_of (render_util_build_counters);
  g_autoptr (WeftRenderer) r2 = weft_renderer_new (counters);
  guint n = weft_renderer_get_n_lanes (r), i_tasks, i_counter;

  /* no scheduler data: no core lanes; then the process group: header,
   * its two threads, its task rows, its counter */
  find_lane (r, WEFT_LANE_TASKS, 0, &i_tasks);
  find_lane (r, WEFT_LANE_COUNTER, 0, &i_counter);
  g_assert_cmpuint (weft_model_get_n_cpus (weft_lod_get_model (tasks)), ==, 0);
  g_assert_cmpint (weft_renderer_get_lane (r, 1)->kind, ==, WEFT_LANE_PROCESS);
  g_assert_cmpint (weft_renderer_get_lane (r, 2)->kind, ==, WEFT_LANE_THREAD);
  g_assert_cmpint (weft_renderer_get_lane (r, 3)->kind, ==, WEFT_LANE_THREAD);
  g_assert_cmpuint (i_tasks, ==, 4);
  g_assert_cmpstr (weft_renderer_get_lane (r, i_tasks)->label, ==, "async tasks");
  g_assert_cmpuint (i_counter, >, i_tasks);
  g_assert_cmpuint (i_counter, ==, n - 1);
  g_assert_cmpstr (weft_renderer_get_lane (r, i_counter)->label, ==, "tasks in flight");
  /* tasks overlap in time: more than one row, all before the counter */
  g_assert_cmpuint (weft_lod_get_n_task_rows (tasks), >=, 2);
  for (guint i = 0; i < weft_lod_get_n_task_rows (tasks); i++)
    {
      guint k;

      find_lane (r, WEFT_LANE_TASKS, i, &k);
      g_assert_cmpuint (k, >=, i_tasks);
      g_assert_cmpuint (k, <, i_counter);
    }

  /* two processes, each with its counter after its thread */
  g_assert_cmpuint (weft_renderer_get_n_lanes (r2), ==, 1 + 2 * 3);
  for (guint p = 0; p < 2; p++)
    {
      const WeftLane *head = weft_renderer_get_lane (r2, 1 + 3 * p);
      const WeftLane *counter = weft_renderer_get_lane (r2, 3 + 3 * p);

      g_assert_cmpint (head->kind, ==, WEFT_LANE_PROCESS);
      g_assert_cmpint (counter->kind, ==, WEFT_LANE_COUNTER);
      g_assert_cmpuint (counter->process, ==, head->index);
    }
  g_assert_cmpstr (weft_renderer_get_lane (r2, 1)->label, ==, "demo  pid 500");
  g_assert_cmpstr (weft_renderer_get_lane (r2, 4)->label, ==, "helper  pid 510");
}

static void
test_layout_rows (void)
{
  g_autoptr (WeftLod) lod = render_util_lod_of (render_util_build_spans);
  g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
  guint parser = thread_index (lod, 200);
  const WeftLane *l = find_lane (r, WEFT_LANE_THREAD, parser, NULL);

  g_assert_cmpuint (l->n_rows, ==, 3);
  weft_renderer_set_max_span_rows (r, 2);
  l = find_lane (r, WEFT_LANE_THREAD, parser, NULL);
  g_assert_cmpuint (l->n_rows, ==, 2);
  g_assert_cmpuint (l->hidden_rows, ==, 1);
  g_assert_cmpfloat (l->height, ==, WEFT_R_STATE_H + 2 * WEFT_R_ROW_H);
  weft_renderer_set_max_span_rows (r, 0);
  l = find_lane (r, WEFT_LANE_THREAD, parser, NULL);
  g_assert_cmpuint (l->n_rows, ==, 0);
  g_assert_cmpuint (l->hidden_rows, ==, 3);
  g_assert_cmpfloat (l->height, ==, WEFT_R_STATE_ALONE_H);
}

/* ---- hit testing ---- */

/* The point of lane at time t (in the lane's vertical middle, or at dy
 * from its top). */
static void
point_of (WeftRenderer *r, const WeftViewport *vp, const WeftLane *lane, guint64 t, double dy,
          double *x, double *y)
{
  WeftRect area;

  weft_renderer_get_lane_area (r, vp, &area);
  *x = area.x + (double) (t - vp->start) / (double) (vp->end - vp->start) * area.width;
  *y = area.y - vp->scroll_y + lane->y + (dy >= 0 ? dy : lane->height / 2);
}

static void
test_hit (void)
{
  g_autoptr (WeftLod) lod = render_util_lod_of (render_util_build_cpu);
  g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
  guint a = thread_index (lod, 101), b = thread_index (lod, 102);
  const WeftLane *cpu0 = find_lane (r, WEFT_LANE_CPU, 0, NULL);
  const WeftLane *cpu1 = find_lane (r, WEFT_LANE_CPU, 1, NULL);
  const WeftLane *la = find_lane (r, WEFT_LANE_THREAD, a, NULL);
  WeftViewport vp;
  WeftHit hit;
  double x, y;
  guint lane_a;

  weft_viewport_init (&vp, 0, 40 * MS, 1000, 500);
  find_lane (r, WEFT_LANE_THREAD, a, &lane_a);

  /* a core: worker-a's first slice on CPU 0, worker-b both at once */
  point_of (r, &vp, cpu0, 1500 * US, -1, &x, &y);
  g_assert_true (weft_renderer_hit_test (r, &vp, x, y, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_CPU_SLICE);
  g_assert_cmpuint (hit.thread, ==, a);
  g_assert_cmpuint (hit.cpu, ==, 0);
  g_assert_cmpuint (weft_model_get_cpu (weft_lod_get_model (lod), 0)->starts[hit.slice], ==,
                    1 * MS);
  point_of (r, &vp, cpu1, 30 * MS, -1, &x, &y);
  g_assert_true (weft_renderer_hit_test (r, &vp, x, y, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_CPU_SLICE);
  g_assert_cmpuint (hit.thread, ==, b);
  /* CPU 1 is idle at 2.5 ms (the turns are on CPU 0 then) */
  point_of (r, &vp, cpu1, 2500 * US, -1, &x, &y);
  g_assert_true (weft_renderer_hit_test (r, &vp, x, y, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_CPU_IDLE);
  g_assert_cmpuint (hit.time, >=, 2500 * US - 50 * US);
  g_assert_cmpuint (hit.time, <=, 2500 * US + 50 * US);

  /* a thread's span row and its state strip */
  point_of (r, &vp, la, 10 * MS, WEFT_R_STATE_H + WEFT_R_ROW_H / 2, &x, &y);
  g_assert_true (weft_renderer_hit_test (r, &vp, x, y, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_SPAN);
  g_assert_cmpuint (hit.lane, ==, lane_a);
  g_assert_cmpuint (hit.thread, ==, a);
  g_assert_cmpuint (hit.depth, ==, 0);
  g_assert_cmpstr (weft_model_get_name (weft_lod_get_model (lod),
                                        weft_model_get_thread (weft_lod_get_model (lod), a)
                                          ->spans[hit.span].name), ==, "work");
  point_of (r, &vp, la, 30 * MS, 2, &x, &y);
  g_assert_true (weft_renderer_hit_test (r, &vp, x, y, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_THREAD_STATE);
  g_assert_cmpint (hit.state, ==, WEFT_LOD_STATE_RUNNING);
  g_assert_cmpuint (hit.cpu, ==, 0);
  /* preempted between its turns: runnable */
  point_of (r, &vp, la, 2500 * US, 2, &x, &y);
  g_assert_true (weft_renderer_hit_test (r, &vp, x, y, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_THREAD_STATE);
  g_assert_cmpint (hit.state, ==, WEFT_LOD_STATE_RUNNABLE);

  /* the label column, the header, the axis, the legend, empty space */
  g_assert_true (weft_renderer_hit_test (r, &vp, 10, y, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_LABEL);
  g_assert_cmpuint (hit.thread, ==, a);
  g_assert_true (weft_renderer_hit_test (r, &vp, 500, 5, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_HEADER);
  g_assert_true (weft_renderer_hit_test (r, &vp, 500, WEFT_R_HEADER_H + 5, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_AXIS);
  g_assert_true (weft_renderer_hit_test (r, &vp, 500, 495, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_LEGEND);
  g_assert_false (weft_renderer_hit_test (r, &vp, 500, 460, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_NONE);
  g_assert_false (weft_renderer_hit_test (r, &vp, -1, 100, &hit));
  g_assert_false (weft_renderer_hit_test (r, &vp, 500, 1000, &hit));

  /* scrolled: the lane moves up by the scroll */
  vp.scroll_y = 20;
  point_of (r, &vp, cpu1, 30 * MS, -1, &x, &y);
  g_assert_true (weft_renderer_hit_test (r, &vp, x, y, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_CPU_SLICE);
  g_assert_cmpuint (hit.cpu, ==, 1);
}

static void
test_hit_tasks_counters (void)
{
  g_autoptr (WeftLod) tasks = render_util_lod_of (render_util_build_tasks);
  g_autoptr (WeftRenderer) r = weft_renderer_new (tasks);
  g_autoptr (WeftLod) counters = render_util_lod_of (render_util_build_counters);
  g_autoptr (WeftRenderer) r2 = weft_renderer_new (counters);
  const WeftLane *row = find_lane (r, WEFT_LANE_TASKS, 0, NULL);
  const WeftLane *rss = find_lane (r2, WEFT_LANE_COUNTER, 0, NULL);
  WeftViewport vp;
  WeftHit hit;
  double x, y;

  weft_viewport_init (&vp, 0, 40 * MS, 1000, 500);
  point_of (r, &vp, row, 500 * US, -1, &x, &y);
  g_assert_true (weft_renderer_hit_test (r, &vp, x, y, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_TASK);
  g_assert_cmpuint (weft_model_get_task (weft_lod_get_model (tasks), hit.task)->id, ==, 100);
  g_assert_true (hit.active);
  g_assert_cmpuint (hit.segment, ==, 0);
  point_of (r, &vp, row, 3 * MS, -1, &x, &y);
  g_assert_true (weft_renderer_hit_test (r, &vp, x, y, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_TASK);
  g_assert_false (hit.active);
  g_assert_cmpuint (hit.segment, ==, 1);

  g_assert_cmpstr (rss->label, ==, "memory.rss");
  point_of (r2, &vp, rss, 12500 * US, -1, &x, &y);
  g_assert_true (weft_renderer_hit_test (r2, &vp, x, y, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_COUNTER);
  g_assert_true (hit.defined);
  g_assert_cmpfloat (hit.value, ==, 4096.0 * 1024 + 2 * 3 * 1048576.0);
}

/* ---- verdict ---- */

static void
test_verdict (void)
{
  void (*builds[]) (WeftBuilder *) = { render_util_build_cpu, render_util_build_states,
                                       render_util_build_tasks, render_util_build_spans };

  for (guint i = 0; i < G_N_ELEMENTS (builds); i++)
    {
      g_autoptr (WeftLod) lod = render_util_lod_of (builds[i]);
      g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
      g_autoptr (WeftStats) st = weft_stats_new_whole (weft_lod_get_model (lod));
      g_autofree char *verdict = NULL;
      g_autofree char *again = NULL;
      double average, average2;

      verdict = weft_renderer_get_verdict (r, 0, st->duration_ns, &average);
      g_assert_cmpstr (verdict, ==, st->verdict);
      if (weft_model_has_sched (weft_lod_get_model (lod)))
        g_assert_cmpfloat_with_epsilon (average, st->average_running, 1e-5);
      /* cached, and the same */
      again = weft_renderer_get_verdict (r, 0, st->duration_ns, &average2);
      g_assert_cmpstr (again, ==, verdict);
      g_assert_cmpfloat (average2, ==, average);
    }
  {
    /* the halves of the cpu trace: taking turns, then both at once */
    g_autoptr (WeftLod) lod = render_util_lod_of (render_util_build_cpu);
    g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
    g_autofree char *first = weft_renderer_get_verdict (r, 1 * MS, 20 * MS, NULL);
    g_autofree char *second = weft_renderer_get_verdict (r, 20 * MS, 38 * MS, NULL);

    g_assert_nonnull (strstr (first, "concurrent, interleaved"));
    g_assert_nonnull (strstr (second, "parallel: about 2 cores busy at once"));
  }
}

/* ---- occupancy ---- */

static guint32
rgb24 (const WeftColor *c)
{
  return (guint32) lround (c->r * 255) << 16 | (guint32) lround (c->g * 255) << 8
         | (guint32) lround (c->b * 255);
}

/* A core busy the first half of every period, at one period per pixel
 * column (and at 4 and 1/4 periods per column): every column's bar is
 * half the lane high, however many slices are in it. */
static void
test_occupancy (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);
  g_autoptr (WeftLod) lod = NULL;
  g_autoptr (WeftRenderer) r = NULL;
  const guint64 period = 1000;
  const WeftLane *lane;
  WeftViewport vp;
  WeftRect area;
  WeftColor color;
  const double per_column[] = { 1, 4, 0.25 };
  guint n_periods, columns;

  /* no header, axis or legend: the lanes start at the top */
  weft_viewport_init (&vp, 0, 1, 1000, 200);
  vp.flags = 0;
  _weft_renderer_area (&vp, &area);
  columns = (guint) area.width;
  g_assert_cmpfloat (area.width, ==, columns);
  n_periods = columns * 4;

  weft_builder_set_metadata (b, "cpu_count", "1");
  weft_builder_set_metadata (b, "sched", "true");
  render_util_thread (b, 11, 11, "spinner");
  for (guint i = 0; i < n_periods; i++)
    {
      weft_builder_switch (b, cpu, RT0 + i * period, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 11);
      weft_builder_switch (b, cpu, RT0 + i * period + period / 2, 11, WEFT_SWITCH_BLOCKED,
                           WEFT_TID_IDLE);
    }
  weft_builder_switch (b, cpu, RT0 + n_periods * period, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED,
                       WEFT_TID_IDLE);
  lod = render_util_lod (b);
  r = weft_renderer_new (lod);
  lane = find_lane (r, WEFT_LANE_CPU, 0, NULL);
  color = weft_palette_thread_color (weft_palette_get (WEFT_THEME_LIGHT),
                                     find_lane (r, WEFT_LANE_THREAD, 0, NULL)->color_key);

  for (guint k = 0; k < G_N_ELEMENTS (per_column); k++)
    {
      guint64 end = (guint64) (columns * per_column[k] * period);
      cairo_surface_t *s = render_util_draw (r, 0, end, 1000, 200, 1, 0, WEFT_THEME_LIGHT);

      for (guint c = 0; c < columns; c++)
        {
          int x = (int) area.x + (int) c, filled = 0;

          for (int y = (int) lane->y; y < (int) (lane->y + lane->height); y++)
            filled += render_util_pixel (s, x, y) == rgb24 (&color);
          if (per_column[k] >= 1)
            {
              /* half of every column's time: half the lane, from the
               * bottom up, however many slices are in it */
              g_assert_cmpint (filled, ==, (int) lane->height / 2);
              g_assert_cmpuint (render_util_pixel (s, x, (int) (lane->y + lane->height) - 1), ==,
                                rgb24 (&color));
            }
          else
            {
              /* a quarter period per column: full, full, empty, empty */
              g_assert_cmpint (filled, ==, c % 4 < 2 ? (int) lane->height : 0);
            }
        }
      cairo_surface_destroy (s);
    }
}

/* ---- odd traces and ranges ---- */

static void
test_empty (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftLod) lod = render_util_lod (b);
  g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
  g_autoptr (WeftRenderCount) count = NULL;
  g_autofree char *verdict = NULL;
  cairo_surface_t *s;
  WeftViewport vp;
  WeftHit hit;

  g_assert_cmpuint (weft_model_get_n_events (weft_lod_get_model (lod)), ==, 0);
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, 1);
  g_assert_cmpint (weft_renderer_get_lane (r, 0)->kind, ==, WEFT_LANE_PARALLELISM);
  g_assert_null (weft_renderer_get_title (r));
  _weft_renderer_set_counting (r, TRUE);
  s = render_util_draw (r, 0, 1000, 640, 240, 1, WEFT_VIEWPORT_SHOW_ALL, WEFT_THEME_LIGHT);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  count = _weft_renderer_take_count (r);
  g_assert_cmpuint (count->total, ==, 0);
  cairo_surface_destroy (s);
  verdict = weft_renderer_get_verdict (r, 0, 1000, NULL);
  g_assert_nonnull (strstr (verdict, "sequential"));
  weft_viewport_init (&vp, 0, 1000, 640, 240);
  g_assert_true (weft_renderer_hit_test (r, &vp, 300, 80, &hit));
  g_assert_cmpint (hit.kind, ==, WEFT_HIT_PARALLELISM);
}

static void
test_one_event (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 800, 800);
  g_autoptr (WeftLod) lod = NULL;
  g_autoptr (WeftRenderer) r = NULL;
  cairo_surface_t *surface;
  const WeftLane *lane;
  WeftViewport vp;
  WeftHit hit;
  double x, y;

  weft_builder_instant (b, s, RT0, "only");
  lod = render_util_lod (b);
  g_assert_cmpuint (weft_model_get_n_events (weft_lod_get_model (lod)), ==, 1);
  g_assert_cmpuint (weft_model_get_duration (weft_lod_get_model (lod)), ==, 0);
  r = weft_renderer_new (lod);
  g_assert_cmpuint (weft_renderer_get_n_lanes (r), ==, 3);
  lane = find_lane (r, WEFT_LANE_THREAD, 0, NULL);
  g_assert_cmpstr (lane->label, ==, "thread 800");
  g_assert_cmpuint (lane->n_rows, ==, 0);
  surface = render_util_draw (r, 0, 1000, 640, 240, 2, WEFT_VIEWPORT_SHOW_ALL, WEFT_THEME_DARK);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 1280);
  cairo_surface_destroy (surface);
  weft_viewport_init (&vp, 0, 1000, 640, 240);
  point_of (r, &vp, lane, 500, -1, &x, &y);
  g_assert_true (weft_renderer_hit_test (r, &vp, x, y, &hit));
  g_assert_cmpuint (hit.thread, ==, 0);
}

/* After the trace's end: nothing from the trace is drawn, the lanes are
 * their empty colour; a range reaching past the end is empty there. */
static void
test_range_outside (void)
{
  g_autoptr (WeftLod) lod = render_util_lod_of (render_util_build_cpu);
  g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
  g_autoptr (WeftRenderCount) count = NULL;
  const WeftPalette *pal = weft_palette_get (WEFT_THEME_LIGHT);
  const WeftLane *cpu0 = find_lane (r, WEFT_LANE_CPU, 0, NULL);
  cairo_surface_t *s;
  WeftViewport vp;
  WeftRect area;

  _weft_renderer_set_counting (r, TRUE);
  s = render_util_draw (r, 100 * MS, 200 * MS, 800, 300, 1, 0, WEFT_THEME_LIGHT);
  count = _weft_renderer_take_count (r);
  g_assert_cmpuint (count->total, ==, 0);
  weft_viewport_init (&vp, 100 * MS, 200 * MS, 800, 300);
  vp.flags = 0;
  weft_renderer_get_lane_area (r, &vp, &area);
  /* below the note, every pixel of the core's lane is the lane colour
   * (grid lines aside) */
  for (int x = (int) area.x; x < (int) (area.x + area.width); x++)
    {
      guint32 p = render_util_pixel (s, x, (int) (cpu0->y + cpu0->height - 2));

      if (p != rgb24 (&pal->lane))
        g_assert_cmpuint (p, ==, render_util_pixel (s, x, (int) (cpu0->y + 1)));
    }
  cairo_surface_destroy (s);
  g_clear_pointer (&count, weft_render_count_free);

  /* 30 ms to 60 ms: the second half (after 40 ms) is empty */
  s = render_util_draw (r, 30 * MS, 60 * MS, 800, 300, 1, 0, WEFT_THEME_LIGHT);
  count = _weft_renderer_take_count (r);
  g_assert_cmpuint (count->total, >, 0);
  weft_viewport_init (&vp, 30 * MS, 60 * MS, 800, 300);
  vp.flags = 0;
  weft_renderer_get_lane_area (r, &vp, &area);
  for (guint c = 0; c < (guint) area.width; c++)
    {
      int x = (int) area.x + (int) c;
      double t = 30.0 * MS + 30.0 * MS * (c + 0.5) / area.width;
      guint32 p = render_util_pixel (s, x, (int) (cpu0->y + cpu0->height - 2));

      if (t < 37.9 * MS)
        g_assert_cmpuint (p, !=, rgb24 (&pal->lane));
      else if (t > 40.1 * MS)
        {
          /* counted per lane: nothing there from 40 ms on */
          g_assert_cmpuint (count->counts[count->lane_rows[1] * count->n_columns + c], ==, 0);
        }
    }
  cairo_surface_destroy (s);
}

/* ---- axis and number formats ---- */

static void
test_axis (void)
{
  struct
  {
    guint64 t, step, ref;
    const char *text;
  } ticks[] = {
    { 1500000000, 500000000, 2000000000, "1.5 s" },
    { 2000000000, 1000000000, 9000000000, "2 s" },
    { 150000000, 50000000, 600000000, "150 ms" },
    { 1250000, 250000, 4000000, "1.25 ms" },
    { 0, 1000000, 40000000, "0 ms" },
    { 40, 20, 500, "40 ns" },
    { 3200000010, 10, 4000000000, "3.200\u2009000\u200901 s" },
    { 12345, 5, 20000, "12.345 µs" },
  };

  g_assert_cmpuint (_weft_axis_step (1e9, 1000, 60), ==, 100000000);
  g_assert_cmpuint (_weft_axis_step (1e9, 1000, 101), ==, 200000000);
  g_assert_cmpuint (_weft_axis_step (100, 1000, 60), ==, 10);
  g_assert_cmpuint (_weft_axis_step (3, 1000, 60), ==, 1);
  g_assert_cmpuint (_weft_axis_step (0, 1000, 60), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (ticks); i++)
    {
      g_autofree char *text = _weft_format_tick (ticks[i].t, ticks[i].step, ticks[i].ref);

      g_assert_cmpstr (text, ==, ticks[i].text);
    }
  {
    struct
    {
      guint64 ns;
      const char *text;
    } durations[] = {
      { 610506000, "611 ms" }, { 1500, "1.50 µs" }, { 12, "12 ns" },
      { 1620000000, "1.62 s" }, { 0, "0 ns" }, { 45600000, "45.6 ms" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (durations); i++)
      {
        g_autofree char *text = _weft_format_duration (durations[i].ns);

        g_assert_cmpstr (text, ==, durations[i].text);
      }
  }
  {
    g_autofree char *mib = _weft_format_value (3 * 1048576.0, TRUE);
    g_autofree char *bytes = _weft_format_value (512, TRUE);
    g_autofree char *gib = _weft_format_value (150.0 * 1073741824, TRUE);
    g_autofree char *neg = _weft_format_value (-400, FALSE);
    g_autofree char *frac = _weft_format_value (2.5, FALSE);
    g_autofree char *nan = _weft_format_value (NAN, FALSE);

    g_assert_cmpstr (mib, ==, "3.0 MiB");
    g_assert_cmpstr (bytes, ==, "512 B");
    g_assert_cmpstr (gib, ==, "150 GiB");
    g_assert_cmpstr (neg, ==, "-400");
    g_assert_cmpstr (frac, ==, "2.50");
    g_assert_cmpstr (nan, ==, "?");
  }
}

/* ---- palettes ---- */

static double
distance (const WeftColor *a, const WeftColor *b)
{
  return sqrt ((a->r - b->r) * (a->r - b->r) + (a->g - b->g) * (a->g - b->g)
               + (a->b - b->b) * (a->b - b->b));
}

static void
test_palette (void)
{
  const WeftPalette *light = weft_palette_get (WEFT_THEME_LIGHT);
  const WeftPalette *dark = weft_palette_get (WEFT_THEME_DARK);
  const WeftPalette *pals[] = { light, dark };
  WeftTheme theme;

  g_assert_true (weft_theme_from_string ("dark", &theme));
  g_assert_cmpint (theme, ==, WEFT_THEME_DARK);
  g_assert_true (weft_theme_from_string ("light", &theme));
  g_assert_cmpint (theme, ==, WEFT_THEME_LIGHT);
  g_assert_false (weft_theme_from_string ("blue", &theme));
  g_assert_false (weft_theme_from_string (NULL, &theme));
  g_assert_cmpfloat (weft_color_luminance (&light->background), >, 0.8);
  g_assert_cmpfloat (weft_color_luminance (&dark->background), <, 0.05);

  for (guint p = 0; p < G_N_ELEMENTS (pals); p++)
    for (guint k = 0; k < 100; k++)
      {
        WeftColor c = weft_palette_thread_color (pals[p], k);
        WeftColor again = weft_palette_thread_color (pals[p], k);
        WeftColor next = weft_palette_thread_color (pals[p], k + 1);
        WeftColor span = weft_palette_span_color (pals[p], &c, 7);

        /* stable, neighbours apart, and never the red of lock waits */
        g_assert_true (memcmp (&c, &again, sizeof c) == 0);
        g_assert_cmpfloat (distance (&c, &next), >, 0.4);
        g_assert_cmpfloat (distance (&c, &pals[p]->lock_wait), >, 0.15);
        /* a span's fill reads foreground text */
        g_assert_cmpfloat (fabs (weft_color_luminance (&span)
                                 - weft_color_luminance (&pals[p]->foreground)), >, 0.3);
      }
}

/* ---- export ---- */

static void
test_export_formats (void)
{
  g_autoptr (WeftLod) lod = render_util_lod_of (render_util_build_tasks);
  g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
  g_autofree char *dir = g_dir_make_tmp ("weft-render-XXXXXX", NULL);
  const char *names[] = { "a.png", "b.SVG", "c.pdf" };
  const char *magic[] = { "\x89PNG", "<?xml", "%PDF-" };
  WeftImageOptions options;

  weft_image_options_init (&options, weft_lod_get_model (lod));
  g_assert_cmpuint (options.end, ==, weft_model_get_duration (weft_lod_get_model (lod)));
  options.width = 700;
  options.height = 300;
  options.scale = 2;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *data = NULL;
      g_autoptr (GError) error = NULL;
      WeftImageFormat format;
      gsize len;

      g_assert_true (weft_image_format_from_path (path, &format));
      g_assert_cmpint (format, ==, (WeftImageFormat) i);
      g_assert_true (weft_render_export (r, path, format, &options, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      g_assert_cmpuint (len, >, 1000);
      g_assert_true (memcmp (data, magic[i], strlen (magic[i])) == 0);
      if (format == WEFT_IMAGE_PNG)
        {
          cairo_surface_t *s = cairo_image_surface_create_from_png (path);

          g_assert_cmpint (cairo_image_surface_get_width (s), ==, 1400);
          g_assert_cmpint (cairo_image_surface_get_height (s), ==, 600);
          cairo_surface_destroy (s);
        }
      g_remove (path);
    }
  /* the renderer's own settings are back after fitting the picture */
  g_assert_cmpfloat (weft_renderer_get_lane_scale (r), ==, 1.0);
  g_assert_cmpuint (weft_renderer_get_max_span_rows (r), ==, WEFT_R_DEFAULT_SPAN_ROWS);
  g_rmdir (dir);
}

static void
test_export_errors (void)
{
  g_autoptr (WeftLod) lod = render_util_lod_of (render_util_build_cpu);
  g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
  g_autofree char *dir = g_dir_make_tmp ("weft-render-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "dir.png", NULL);
  g_autofree char *ok = g_build_filename (dir, "ok.png", NULL);
  g_autoptr (GError) error = NULL;
  WeftImageOptions options;
  WeftImageFormat format;

  g_assert_false (weft_image_format_from_path ("trace.bmp", &format));
  g_assert_false (weft_image_format_from_path ("png", &format));
  weft_image_options_init (&options, weft_lod_get_model (lod));
  g_assert_false (weft_render_export (r, missing, WEFT_IMAGE_PNG, &options, &error));
  g_assert_error (error, WEFT_RENDER_ERROR, WEFT_RENDER_ERROR_WRITE);
  g_assert_cmpstr (error->message, ==, "cannot write: No such file or directory");
  g_clear_error (&error);
  options.width = 30000;
  options.height = 30000;
  g_assert_false (weft_render_export (r, ok, WEFT_IMAGE_PNG, &options, &error));
  g_assert_error (error, WEFT_RENDER_ERROR, WEFT_RENDER_ERROR_SIZE);
  g_assert_false (g_file_test (ok, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  /* an empty range */
  options.width = 300;
  options.height = 300;
  options.start = options.end;
  g_assert_false (weft_render_export (r, ok, WEFT_IMAGE_PDF, &options, &error));
  g_assert_error (error, WEFT_RENDER_ERROR, WEFT_RENDER_ERROR_SIZE);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  render_util_pin_fonts ();
  g_test_add_func ("/weft/render/layout/order", test_layout_order);
  g_test_add_func ("/weft/render/layout/groups", test_layout_groups);
  g_test_add_func ("/weft/render/layout/rows", test_layout_rows);
  g_test_add_func ("/weft/render/hit/lanes", test_hit);
  g_test_add_func ("/weft/render/hit/tasks-counters", test_hit_tasks_counters);
  g_test_add_func ("/weft/render/verdict", test_verdict);
  g_test_add_func ("/weft/render/occupancy", test_occupancy);
  g_test_add_func ("/weft/render/empty", test_empty);
  g_test_add_func ("/weft/render/one-event", test_one_event);
  g_test_add_func ("/weft/render/range-outside", test_range_outside);
  g_test_add_func ("/weft/render/axis", test_axis);
  g_test_add_func ("/weft/render/palette", test_palette);
  g_test_add_func ("/weft/render/export/formats", test_export_formats);
  g_test_add_func ("/weft/render/export/errors", test_export_errors);
  return g_test_run ();
}
