/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-cpu.c: the parallelism strip and the CPU lanes. Both draw
 * occupancy: a column's bar is as high as the fraction of its time the
 * core was busy (shared/design), coloured by the thread that ran most of
 * it; the strip's area is the mean number of threads running.
 */
#include "weft-renderer-private.h"

#include <math.h>

gpointer
_weft_frame_columns (WeftFrame *f, gsize item_size)
{
  g_array_set_size (f->self->columns, (guint) (item_size * f->win.n_columns));
  return f->self->columns->data;
}

/* The guide lines' step: every running count while they are at least
 * 6 units apart, else every 2nd, 5th, 10th… */
guint
_weft_parallel_guide_step (guint top, double height)
{
  static const guint steps[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (height * steps[i] / top >= 6.0)
      return steps[i];
  return MAX (top, 1);
}

void
_weft_draw_parallelism (WeftFrame *f, const WeftLane *lane, double y)
{
  cairo_t *cr = f->cr;
  WeftLodParallelColumn *cols = _weft_frame_columns (f, sizeof *cols);
  guint n = f->win.n_columns, top = f->self->parallel_top;
  double h = lane->height - 6, bottom = y + lane->height;
  guint step = _weft_parallel_guide_step (top, h);

  _weft_fetch_parallelism (f, cols);

  /* guides at 1 … cores, dashed; the top one solid (the most possible) */
  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  weft_color_set_source (cr, &f->pal->grid);
  for (guint k = step; k <= top; k += step)
    {
      double gy = floor (bottom - h * k / top) + 0.5;

      cairo_set_dash (cr, (double[]) { 3, 3 }, k == top ? 0 : 2, 0);
      cairo_move_to (cr, f->area.x, gy);
      cairo_line_to (cr, f->area.x + f->area.width, gy);
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  /* The mean number running as one bar per column (runs of equal bars
   * merged): up to one thread in the light colour, the part above one
   * (threads running at once: parallelism) in the strong one, and a
   * one-pixel edge on top. Pixel-aligned bars fill far faster than an
   * antialiased polygon of 2000 vertices, and read the same. */
  {
    double px = 1.0 / f->vp->scale;
    double unit = h / top;

    for (guint i = 0; i < n;)
      {
        double v = CLAMP (cols[i].mean, 0.0f, (float) top);
        double lo = round (MIN (v, 1.0) * unit * f->vp->scale) * px;
        double hi = round (v * unit * f->vp->scale) * px;
        guint j = i + 1;

        while (j < n)
          {
            double w = CLAMP (cols[j].mean, 0.0f, (float) top);

            if (round (MIN (w, 1.0) * unit * f->vp->scale) * px != lo
                || round (w * unit * f->vp->scale) * px != hi)
              break;
            j++;
          }
        if (lo > 0)
          _weft_frame_rect (f, &f->pal->parallel, i, j, bottom - lo, bottom);
        if (hi > lo)
          _weft_frame_rect (f, &f->pal->parallel_more, i, j, bottom - hi, bottom - lo);
        if (hi > 0)
          _weft_frame_rect (f, &f->pal->parallel_line, i, j, bottom - hi - px, bottom - hi + px);
        i = j;
      }
    _weft_batch_flush (f->batch);
  }

  /* the average over the range, marked and labelled */
  if (weft_model_get_n_events (f->model) > 0)
    {
      double v = CLAMP (f->average, 0.0, (double) top);
      double ay = floor (bottom - h * v / top) + 0.5;
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *label = NULL;
      double lw;

      cairo_save (cr);
      cairo_set_line_width (cr, 1.0);
      cairo_set_dash (cr, (double[]) { 6, 3 }, 2, 0);
      weft_color_set_source (cr, &f->pal->average);
      cairo_move_to (cr, f->area.x, ay);
      cairo_line_to (cr, f->area.x + f->area.width, ay);
      cairo_stroke (cr);
      cairo_restore (cr);
      g_ascii_formatd (buf, sizeof buf, "%.2f", f->average);
      label = g_strdup_printf ("average %s", buf);
      lw = _weft_frame_text_width (f, f->small, label) + 8;
      /* a backed label above the line, at the right end */
      {
        WeftColor back = f->pal->background;
        double lx = f->area.x + f->area.width - lw - 2;
        double ly = MAX (y, ay - WEFT_R_SMALL_FONT - 5);

        back.a = 0.85;
        weft_color_set_source (cr, &back);
        cairo_rectangle (cr, lx, ly, lw, WEFT_R_SMALL_FONT + 4);
        cairo_fill (cr);
        _weft_frame_text (f, f->small, label, lx + 4, ly + 1, lw, WEFT_ALIGN_LEFT,
                          &f->pal->average, 4);
      }
    }
}

/* Names of runs of columns that one thread filled, where they fit. */
static void
label_runs (WeftFrame *f, const WeftLodCpuColumn *cols, double y, double h)
{
  guint n = f->win.n_columns;
  double min_cols = 36.0 / f->col_w;

  for (guint i = 0; i < n;)
    {
      guint32 t = cols[i].thread;
      guint j = i;

      while (j < n && cols[j].thread == t && cols[j].busy > 0.9f)
        j++;
      if (j == i)
        {
          i++;
          continue;
        }
      if (t < weft_model_get_n_threads (f->model) && j - i >= min_cols)
        {
          const WeftModelThread *th = weft_model_get_thread (f->model, t);
          const char *name = weft_model_get_name (f->model, th->name);
          g_autofree char *text = *name ? g_strdup (name) : g_strdup_printf ("%u", th->tid);
          WeftColor bg = _weft_frame_thread_color (f, t);
          WeftColor fg = _weft_text_color_on (&bg);
          double x0 = _weft_frame_x (f, i) + 4, w = (j - i) * f->col_w - 8;
          double drawn = _weft_frame_text (f, f->small, text, x0, y + (h - WEFT_R_SMALL_FONT) / 2 - 2,
                                           w, WEFT_ALIGN_LEFT, &fg, 2);

          if (drawn > 0)
            _weft_frame_count (f, (x0 - f->area.x) / f->col_w,
                               (x0 + drawn - f->area.x) / f->col_w);
        }
      i = j;
    }
}

void
_weft_draw_cpu (WeftFrame *f, const WeftLane *lane, double y)
{
  WeftLodCpuColumn *cols = _weft_frame_columns (f, sizeof *cols);
  guint n = f->win.n_columns;
  double h = lane->height, bottom = y + h;

  _weft_fetch_cpu (f, lane->index, cols);

  /* busy: one bar per column from the bottom, its height the busy
   * fraction; untraced threads stacked above it when they were recorded
   * (-a; otherwise "other" only means "not a traced thread"). Runs of columns with the
   * same colour and height are one rectangle. */
  for (guint i = 0; i < n;)
    {
      guint32 t = cols[i].thread;
      double hb = cols[i].busy * h;
      guint j = i + 1;
      WeftColor c;

      while (j < n && cols[j].thread == t && fabs (cols[j].busy * h - hb) < 0.05)
        j++;
      if (hb > 0)
        {
          c = _weft_frame_thread_color (f, t);
          _weft_frame_rect (f, &c, i, j, bottom - hb, bottom);
        }
      i = j;
    }
  for (guint i = 0; i < n;)
    {
      double hb = cols[i].busy * h, ho = cols[i].other * h;
      guint j = i + 1;

      while (j < n && fabs (cols[j].busy * h - hb) < 0.05 && fabs (cols[j].other * h - ho) < 0.05)
        j++;
      if (ho > 0 && weft_model_has_other (f->model))
        _weft_frame_rect (f, &f->pal->other, i, j, bottom - hb - ho, bottom - hb);
      i = j;
    }
  _weft_batch_flush (f->batch);
  label_runs (f, cols, y, h);
}
