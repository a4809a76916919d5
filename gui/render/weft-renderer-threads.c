/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-threads.c: a thread's lane: the state strip (running in
 * the thread's colour, lock waits, runnable, blocked, each as high as its
 * share of the column) and its span rows, nested by depth, with names
 * where they fit.
 */
#include "weft-renderer-private.h"

#include <math.h>

typedef enum
{
  PART_RUNNING,
  PART_WAIT,
  PART_RUNNABLE,
  PART_BLOCKED,
  N_PARTS,
} Part;

/* The band [lo, hi) of part in column c: the fractions stack from the
 * bottom in Part order. */
static void
band (const WeftLodStateColumn *c, Part part, double *lo, double *hi)
{
  double v[N_PARTS] = { c->running, c->lock_wait + c->cond_wait, c->runnable, c->blocked };
  double acc = 0;

  for (guint k = 0; k < part; k++)
    acc += v[k];
  *lo = acc;
  *hi = MIN (1.0, acc + v[part]);
}

static void
draw_states (WeftFrame *f, const WeftLane *lane, double y, double h)
{
  WeftLodStateColumn *cols = _weft_frame_columns (f, sizeof *cols);
  guint n = f->win.n_columns;
  double bottom = y + h;
  WeftColor colors[N_PARTS];

  colors[PART_RUNNING] = _weft_frame_thread_color (f, lane->index);
  colors[PART_WAIT] = f->pal->lock_wait;
  colors[PART_RUNNABLE] = f->pal->runnable;
  colors[PART_BLOCKED] = f->pal->blocked;
  _weft_fetch_states (f, lane->index, cols);
  for (Part p = 0; p < N_PARTS; p++)
    for (guint i = 0; i < n;)
      {
        double lo, hi, lo2, hi2;
        guint j = i + 1;

        band (&cols[i], p, &lo, &hi);
        while (j < n)
          {
            band (&cols[j], p, &lo2, &hi2);
            if (fabs ((lo2 - lo) * h) >= 0.05 || fabs ((hi2 - hi) * h) >= 0.05)
              break;
            j++;
          }
        if (hi > lo)
          _weft_frame_rect (f, &colors[p], i, j, bottom - hi * h, bottom - lo * h);
        i = j;
      }
}

/* A ring of t device pixels inside [x0, x1) × [y, y + h) (columns, units). */
static void
draw_ring (WeftFrame *f, const WeftColor *c, double x0, double x1, double y, double h, double t)
{
  double px = 1.0 / f->vp->scale / f->col_w, ty = t / f->vp->scale;

  _weft_frame_rect (f, c, x0, x1, y, y + ty);
  _weft_frame_rect (f, c, x0, x1, y + h - ty, y + h);
  _weft_frame_rect (f, c, x0, x0 + t * px, y + ty, y + h - ty);
  _weft_frame_rect (f, c, x1 - t * px, x1, y + ty, y + h - ty);
}

/* A highlighted span: a ring two device pixels wide in the highlight
 * colour, lined inside with one pixel of the colour that contrasts with
 * it, so it shows on a span of a yellow thread too; a span too narrow for
 * a hole is filled. */
static void
draw_outline (WeftFrame *f, double x0, double x1, double y, double h)
{
  double px = 1.0 / f->vp->scale / f->col_w, unit = 1 / f->vp->scale;
  WeftColor lining = _weft_text_color_on (&f->pal->highlight);

  if ((x1 - x0) < 8 * px || h < 8 * unit)
    {
      _weft_frame_rect (f, &f->pal->highlight, x0, MAX (x1, x0 + px), y, y + h);
      return;
    }
  draw_ring (f, &f->pal->highlight, x0, x1, y, h, 2);
  draw_ring (f, &lining, x0 + 2 * px, x1 - 2 * px, y + 2 * unit, h - 4 * unit, 1);
}

static void
draw_row (WeftFrame *f, const WeftLane *lane, guint depth, double y)
{
  GArray *items = f->self->items;
  const WeftColor thread_color = _weft_frame_thread_color (f, lane->index);
  double h = WEFT_R_ROW_H - 1, px = 1.0 / f->vp->scale / f->col_w; /* a device pixel in columns */
  const WeftModelThread *t = weft_model_get_thread (f->model, lane->index);
  gboolean any_highlight = FALSE;

  f->sub = 1 + depth; /* each row is a lane of the level-of-detail index */
  _weft_fetch_span_row (f, lane->index, depth, items);
  for (guint k = 0; k < items->len; k++)
    {
      const WeftLodItem *it = &g_array_index (items, WeftLodItem, k);
      WeftColor c = weft_palette_span_color (f->pal, &thread_color, it->name);
      double x1 = it->x1;

      if (weft_viewport_highlights_name (f->vp, it->name))
        any_highlight = TRUE;
      if (it->kind == WEFT_LOD_ITEM_MERGED)
        {
          /* sub-pixel spans: the more of the column they cover, the
           * stronger (in eight steps, so the colour batches stay few) */
          double q = ceil (CLAMP (it->coverage, 0.0f, 1.0f) * 8) / 8;

          c = weft_color_mix (&f->pal->lane, &c, 0.25 + 0.75 * q);
          _weft_frame_rect (f, &c, it->x0, it->x1, y, y + h);
          continue;
        }
      /* a gap of one device pixel between spans wide enough to show it */
      if ((x1 - it->x0) * f->col_w >= 4)
        x1 -= px;
      _weft_frame_rect (f, &c, it->x0, x1, y, y + h);
    }
  _weft_batch_flush (f->batch);

  /* search matches, outlined over the fills (merged runs whose main
   * name matches are filled: too narrow for an outline) */
  if (any_highlight)
    {
      for (guint k = 0; k < items->len; k++)
        {
          const WeftLodItem *it = &g_array_index (items, WeftLodItem, k);
          double x1 = it->x1;

          if (!weft_viewport_highlights_name (f->vp, it->name))
            continue;
          if (it->kind == WEFT_LOD_ITEM_SPAN && (x1 - it->x0) * f->col_w >= 4)
            x1 -= px;
          draw_outline (f, it->x0, x1, y, h);
        }
      _weft_batch_flush (f->batch);
    }

  /* names inside the spans that are wide enough, elided */
  for (guint k = 0; k < items->len; k++)
    {
      const WeftLodItem *it = &g_array_index (items, WeftLodItem, k);
      double x0 = _weft_frame_x (f, it->x0) + 3, w = (it->x1 - it->x0) * f->col_w - 7;
      double drawn;

      if (it->kind != WEFT_LOD_ITEM_SPAN || w < 14 || it->span >= t->n_spans)
        continue;
      /* keep the name in view when the span starts left of it */
      if (x0 < f->area.x + 3)
        {
          w -= f->area.x + 3 - x0;
          x0 = f->area.x + 3;
        }
      drawn = _weft_frame_text (f, f->small, weft_model_get_name (f->model, it->name), x0,
                                y + (h - WEFT_R_SMALL_FONT) / 2 - 2, MIN (w, f->area.width),
                                WEFT_ALIGN_LEFT, &f->pal->foreground, 2);
      if (drawn > 0)
        _weft_frame_count (f, (x0 - f->area.x) / f->col_w, (x0 + drawn - f->area.x) / f->col_w);
    }
}

void
_weft_draw_thread (WeftFrame *f, const WeftLane *lane, double y)
{
  double strip = lane->n_rows > 0 ? WEFT_R_STATE_H - 1 : lane->height;
  double row_y = y + WEFT_R_STATE_H;
  double clip_top = f->area.y, clip_bottom = f->area.y + f->area.height;

  f->sub = 0;
  draw_states (f, lane, y, strip);
  _weft_batch_flush (f->batch);
  for (guint d = 0; d < lane->n_rows; d++, row_y += WEFT_R_ROW_H)
    if (row_y + WEFT_R_ROW_H > clip_top && row_y < clip_bottom)
      draw_row (f, lane, d, row_y);
}
