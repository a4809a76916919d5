/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-tasks.c: async task rows (active time strong, suspended
 * time pale, each as high as its share of the column), counter tracks (a
 * filled line on a scale fixed for the whole trace) and flow arrows.
 */
#include "weft-renderer-private.h"

#include <math.h>
#include <string.h>

static void
label_task_runs (WeftFrame *f, const WeftLodTaskColumn *cols, double y, double h)
{
  guint n = f->win.n_columns;
  double min_cols = 30.0 / f->col_w;

  for (guint i = 0; i < n;)
    {
      guint32 task = cols[i].task;
      guint j = i;

      while (j < n && cols[j].task == task && cols[j].active + cols[j].suspended > 0.9f)
        j++;
      if (j == i)
        {
          i++;
          continue;
        }
      if (task != WEFT_MODEL_NONE && task < weft_model_get_n_tasks (f->model) && j - i >= min_cols)
        {
          const WeftModelTask *t = weft_model_get_task (f->model, task);
          double x0 = _weft_frame_x (f, i) + 3, w = (j - i) * f->col_w - 6;
          double drawn = _weft_frame_text (f, f->small, weft_model_get_name (f->model, t->name),
                                           x0, y + (h - WEFT_R_SMALL_FONT) / 2 - 2, w,
                                           WEFT_ALIGN_LEFT, &f->pal->foreground, 2);

          if (drawn > 0)
            _weft_frame_count (f, (x0 - f->area.x) / f->col_w,
                               (x0 + drawn - f->area.x) / f->col_w);
        }
      i = j;
    }
}

void
_weft_draw_tasks (WeftFrame *f, const WeftLane *lane, double y)
{
  WeftLodTaskColumn *cols = _weft_frame_columns (f, sizeof *cols);
  guint n = f->win.n_columns;
  double h = lane->height - 1, bottom = y + h;

  _weft_fetch_tasks (f, lane->index, cols);
  for (guint i = 0; i < n;)
    {
      double a = cols[i].active * h;
      guint j = i + 1;

      while (j < n && fabs (cols[j].active * h - a) < 0.05)
        j++;
      if (a > 0)
        _weft_frame_rect (f, &f->pal->task_active, i, j, bottom - a, bottom);
      i = j;
    }
  for (guint i = 0; i < n;)
    {
      double a = cols[i].active * h, s = cols[i].suspended * h;
      guint j = i + 1;

      while (j < n && fabs (cols[j].active * h - a) < 0.05
             && fabs (cols[j].suspended * h - s) < 0.05)
        j++;
      if (s > 0)
        _weft_frame_rect (f, &f->pal->task_suspended, i, j, bottom - a - s, bottom - a);
      i = j;
    }
  _weft_batch_flush (f->batch);
  label_task_runs (f, cols, y, h);
}

static gboolean
is_bytes (const char *name)
{
  return strstr (name, "rss") != NULL || strstr (name, "memory") != NULL
         || strstr (name, "bytes") != NULL;
}

void
_weft_draw_counter (WeftFrame *f, const WeftLane *lane, double y)
{
  cairo_t *cr = f->cr;
  WeftLodCounterColumn *cols = _weft_frame_columns (f, sizeof *cols);
  const WeftModelCounter *counter = weft_model_get_counter (f->model, lane->index);
  double lo = f->self->counter_min[lane->index], hi = f->self->counter_max[lane->index];
  double h = lane->height - 4, bottom = y + lane->height - 1, base;
  guint n = f->win.n_columns;
  gboolean open = FALSE;
  g_autofree char *scale = NULL;

  if (hi <= lo)
    hi = lo + 1;
  base = bottom - h * (0 - lo) / (hi - lo);
  _weft_fetch_counter (f, lane->index, cols);

  /* the filled area under the column maxima, broken where undefined */
  cairo_save (cr);
  for (guint i = 0; i <= n; i++)
    {
      gboolean defined = i < n && cols[i].defined && isfinite (cols[i].max);

      if (defined)
        {
          double v = CLAMP (cols[i].max, lo, hi), vy = bottom - h * (v - lo) / (hi - lo);

          if (!open)
            cairo_move_to (cr, _weft_frame_x (f, i), base);
          cairo_line_to (cr, _weft_frame_x (f, i), vy);
          cairo_line_to (cr, _weft_frame_x (f, i + 1), vy);
          open = TRUE;
        }
      else if (open)
        {
          cairo_line_to (cr, _weft_frame_x (f, i), base);
          cairo_close_path (cr);
          open = FALSE;
        }
    }
  weft_color_set_source (cr, &f->pal->counter_fill);
  cairo_fill (cr);
  /* and its top edge */
  cairo_set_line_width (cr, 1.25);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  open = FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (cols[i].defined && isfinite (cols[i].max))
        {
          double v = CLAMP (cols[i].max, lo, hi), vy = bottom - h * (v - lo) / (hi - lo);

          if (!open)
            cairo_move_to (cr, _weft_frame_x (f, i), vy);
          else
            cairo_line_to (cr, _weft_frame_x (f, i), vy);
          cairo_line_to (cr, _weft_frame_x (f, i + 1), vy);
          open = TRUE;
        }
      else
        open = FALSE;
    }
  weft_color_set_source (cr, &f->pal->counter_line);
  cairo_stroke (cr);
  cairo_restore (cr);
  /* the fill and its edge: a segment of each per defined column */
  for (guint i = 0; f->count != NULL && i < n; i++)
    if (cols[i].defined && isfinite (cols[i].max))
      {
        _weft_frame_count (f, i, i + 1);
        _weft_frame_count (f, i, i + 1);
      }

  /* the scale's top, in the lane's corner */
  scale = _weft_format_value (hi, is_bytes (weft_model_get_name (f->model, counter->name)));
  _weft_frame_text (f, f->small, scale, f->area.x + 4, y + 1, f->area.width / 3,
                    WEFT_ALIGN_LEFT, &f->pal->dim, 3);
}

/* ---- flows ---- */

/* The y of a thread's flow anchor (its first span row or its strip), or
 * -1 when the thread has no lane. */
static double
thread_anchor (WeftFrame *f, const double *anchors, guint32 thread)
{
  if (thread >= weft_model_get_n_threads (f->model))
    return -1;
  return anchors[thread];
}

static void
arrow (cairo_t *cr, double x0, double y0, double x1, double y1, gboolean has_begin)
{
  double dx = x1 - x0, lift = fabs (y1 - y0) < 1 ? -MIN (14.0, 6 + fabs (dx) / 4) : 0;
  double ex, ey, len, ux, uy;

  if (has_begin)
    {
      cairo_move_to (cr, x0, y0);
      cairo_curve_to (cr, x0 + dx / 2, y0 + lift, x0 + dx / 2, y1 + lift, x1, y1);
      cairo_stroke (cr);
      cairo_arc (cr, x0, y0, 1.8, 0, 2 * G_PI);
      cairo_fill (cr);
      /* the head points along the curve's last tangent */
      ex = x1 - (x0 + dx / 2);
      ey = y1 - (y1 + lift);
    }
  else
    {
      ex = 0;
      ey = 1;
    }
  len = MAX (1e-6, sqrt (ex * ex + ey * ey));
  ux = ex / len;
  uy = ey / len;
  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x1 - 6 * ux + 3 * uy, y1 - 6 * uy - 3 * ux);
  cairo_line_to (cr, x1 - 6 * ux - 3 * uy, y1 - 6 * uy + 3 * ux);
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* Arrows of flows beginning in the view or up to one view's length to its
 * left: at most one per 8 device pixels of begin time, and at most three
 * over any column (the overlay's own row in the primitive count, which
 * the lost-event marks share). */
void
_weft_draw_flows (WeftFrame *f)
{
  guint64 n_flows = weft_model_get_n_flows (f->model);
  const WeftModelFlow *flows = weft_model_get_flows (f->model);
  guint n = f->win.n_columns, n_threads = weft_model_get_n_threads (f->model);
  guint64 len = f->win.end - f->win.start, from;
  g_autofree double *anchors = NULL;
  g_autofree guint8 *cover = NULL;
  guint n_buckets = MAX (1u, n / 8) * 2;
  guint lane_saved = f->lane;
  guint64 lo = 0;

  if (n_flows == 0 || n_threads == 0)
    return;
  anchors = g_new (double, n_threads);
  for (guint i = 0; i < n_threads; i++)
    anchors[i] = -1;
  for (guint i = 0; i < f->self->lanes->len; i++)
    {
      const WeftLane *l = &g_array_index (f->self->lanes, WeftLane, i);

      if (l->kind == WEFT_LANE_THREAD && l->index < n_threads)
        anchors[l->index] = f->top + l->y
                            + (l->n_rows > 0 ? WEFT_R_STATE_H + WEFT_R_ROW_H / 2 : l->height / 2);
    }
  cover = g_new0 (guint8, n);
  from = f->win.start > len ? f->win.start - len : 0;
  f->sub = 0;
  f->lane = f->self->lanes->len; /* the overlay row */

  cairo_save (f->cr);
  cairo_set_line_width (f->cr, 1.2);
  weft_color_set_source (f->cr, &f->pal->flow);
  for (guint b = 0; b < n_buckets; b++)
    {
      guint64 t0 = from + (guint64) ((double) (f->win.end - from) * b / n_buckets);
      guint64 t1 = from + (guint64) ((double) (f->win.end - from) * (b + 1) / n_buckets);
      guint64 hi = n_flows, k;
      const WeftModelFlow *fl;
      double c0, c1, y0, y1;
      gint64 a, z;
      gboolean full = FALSE;

      /* the first flow beginning at or after t0 */
      while (lo < hi)
        {
          guint64 mid = lo + (hi - lo) / 2;

          if (flows[mid].begin < t0)
            lo = mid + 1;
          else
            hi = mid;
        }
      k = lo;
      if (k >= n_flows || flows[k].begin >= MAX (t1, t0 + 1))
        continue;
      fl = &flows[k];
      if (fl->end < f->win.start)
        continue;
      c0 = weft_lod_window_time_to_x (&f->win, (double) fl->begin);
      c1 = weft_lod_window_time_to_x (&f->win, (double) fl->end);
      y1 = thread_anchor (f, anchors, fl->to_thread);
      y0 = fl->from_thread == WEFT_MODEL_NONE ? y1 - 8 : thread_anchor (f, anchors, fl->from_thread);
      if (y0 < 0 || y1 < 0 || c1 < 0 || c0 > n)
        continue;
      /* an arrow shorter than its own head says nothing: zoom in for it */
      if (fl->from_thread != WEFT_MODEL_NONE
          && hypot ((c1 - c0) * f->col_w, y1 - y0) < 12)
        continue;
      a = (gint64) MAX (0.0, floor (MIN (c0, c1)));
      z = (gint64) MIN ((double) n, ceil (MAX (c0, c1)) + 1);
      for (gint64 c = a; c < z; c++)
        full |= cover[c] >= 3;
      if (full)
        continue;
      for (gint64 c = a; c < z; c++)
        cover[c]++;
      _weft_frame_count (f, (double) a, (double) z);
      arrow (f->cr, _weft_frame_x (f, c0), y0, _weft_frame_x (f, c1), y1,
             fl->from_thread != WEFT_MODEL_NONE);
    }
  cairo_restore (f->cr);
  f->lane = lane_saved;
}
