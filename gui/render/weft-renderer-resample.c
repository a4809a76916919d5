/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-resample.c: a lane's columns at the view's pixels. Without
 * a cache they come from the level-of-detail index directly; with one,
 * from the row's tiles: occupancy fractions are linear, so a pixel's value
 * is the overlap-weighted mean of the tile columns under it (the dominant
 * id: the one with the largest weighted share); span items are mapped to
 * pixels, joined across tile edges and merged again where narrower than a
 * pixel, so the four-per-column bound holds at the view's resolution.
 */
#include "weft-renderer-tiles-private.h"

#include <string.h>

static const RowSource *
source_of (WeftFrame *f, RowKind kind, guint index, guint depth)
{
  RowKey key = { kind, index, depth };

  if (f->tiles == NULL)
    return NULL;
  return _weft_tile_cache_source (f->tiles, &key);
}

/* The column of the source at global column k, or NULL (no tile: empty). */
static gconstpointer
column_at (const RowSource *s, gint64 k, gsize size)
{
  gint64 t = k >= 0 ? k / TILE_COLS : -1;
  Tile *tile;

  if (t < s->first_tile || t >= s->first_tile + (gint64) s->n_tiles)
    return NULL;
  tile = s->tiles[t - s->first_tile];
  if (tile == NULL || tile->columns == NULL)
    return NULL;
  return (const guint8 *) tile->columns + (k - t * TILE_COLS) * size;
}

/* Adds a column's share w to a pixel; best is the pixel's largest share
 * of a dominant id so far (the id with the most weighted time wins). */
typedef void (*Combine) (gpointer out, gconstpointer column, double w, double *best);

/* Pixel p of the view gets the overlap-weighted combination of the
 * source columns under it. */
static void
resample (WeftFrame *f, const RowSource *s, gsize size, Combine combine, gpointer out)
{
  double col = level_column (s->level), a = (double) f->win.start;
  double px = (double) (f->win.end - f->win.start) / f->win.n_columns;

  memset (out, 0, size * f->win.n_columns);
  for (guint p = 0; p < f->win.n_columns; p++)
    {
      double u0 = (a + px * p) / col, u1 = (a + px * (p + 1)) / col, best = -1;
      gint64 k0 = (gint64) floor (u0), k1 = (gint64) ceil (u1);
      gpointer o = (guint8 *) out + p * size;

      for (gint64 k = k0; k < k1; k++)
        {
          gconstpointer c = column_at (s, k, size);
          double w = (MIN (u1, (double) (k + 1)) - MAX (u0, (double) k)) / (u1 - u0);

          if (c != NULL && w > 0)
            combine (o, c, w, &best);
        }
      if (best < 0)
        combine (o, NULL, 0, &best); /* nothing under it: its ids say none */
    }
}

static void
combine_parallel (gpointer out, gconstpointer column, double w, double *best)
{
  WeftLodParallelColumn *o = out;
  const WeftLodParallelColumn *c = column;

  *best = 0;
  if (c == NULL)
    return;
  o->mean += (float) (w * c->mean);
  o->max = MAX (o->max, c->max);
}

static void
combine_cpu (gpointer out, gconstpointer column, double w, double *best)
{
  WeftLodCpuColumn *o = out;
  const WeftLodCpuColumn *c = column;

  if (c == NULL)
    {
      o->thread = WEFT_MODEL_NONE;
      return;
    }
  o->busy += (float) (w * c->busy);
  o->other += (float) (w * c->other);
  o->count += c->count;
  if (w * c->busy > *best)
    {
      *best = w * c->busy;
      o->thread = c->thread;
    }
}

static void
combine_state (gpointer out, gconstpointer column, double w, double *best)
{
  WeftLodStateColumn *o = out;
  const WeftLodStateColumn *c = column;

  if (c == NULL)
    {
      o->cpu = WEFT_MODEL_NONE;
      return;
    }
  o->running += (float) (w * c->running);
  o->runnable += (float) (w * c->runnable);
  o->blocked += (float) (w * c->blocked);
  o->lock_wait += (float) (w * c->lock_wait);
  o->cond_wait += (float) (w * c->cond_wait);
  if (w * c->running > *best)
    {
      *best = w * c->running;
      o->cpu = c->cpu;
    }
}

static void
combine_tasks (gpointer out, gconstpointer column, double w, double *best)
{
  WeftLodTaskColumn *o = out;
  const WeftLodTaskColumn *c = column;

  if (c == NULL)
    {
      o->task = WEFT_MODEL_NONE;
      return;
    }
  o->active += (float) (w * c->active);
  o->suspended += (float) (w * c->suspended);
  o->count = MAX (o->count, c->count);
  if (w * (c->active + c->suspended) > *best)
    {
      *best = w * (c->active + c->suspended);
      o->task = c->task;
    }
}

static void
combine_counter (gpointer out, gconstpointer column, double w, double *best)
{
  WeftLodCounterColumn *o = out;
  const WeftLodCounterColumn *c = column;

  *best = 0;
  if (c == NULL)
    return;
  if (c->defined)
    {
      o->min = o->defined ? MIN (o->min, c->min) : c->min;
      o->max = o->defined ? MAX (o->max, c->max) : c->max;
      o->defined = TRUE;
    }
  o->last = c->last;
  o->n_samples += c->n_samples;
}

void
_weft_fetch_parallelism (WeftFrame *f, WeftLodParallelColumn *out)
{
  const RowSource *s = source_of (f, ROW_PARALLEL, 0, 0);

  if (s == NULL)
    weft_lod_parallelism (f->lod, &f->win, out);
  else
    resample (f, s, sizeof *out, combine_parallel, out);
}

void
_weft_fetch_cpu (WeftFrame *f, guint cpu, WeftLodCpuColumn *out)
{
  const RowSource *s = source_of (f, ROW_CPU, cpu, 0);

  if (s == NULL)
    weft_lod_cpu_columns (f->lod, cpu, &f->win, out);
  else
    resample (f, s, sizeof *out, combine_cpu, out);
}

void
_weft_fetch_states (WeftFrame *f, guint thread, WeftLodStateColumn *out)
{
  const RowSource *s = source_of (f, ROW_STATE, thread, 0);

  if (s == NULL)
    weft_lod_thread_states (f->lod, thread, &f->win, out);
  else
    resample (f, s, sizeof *out, combine_state, out);
}

void
_weft_fetch_tasks (WeftFrame *f, guint row, WeftLodTaskColumn *out)
{
  const RowSource *s = source_of (f, ROW_TASKS, row, 0);

  if (s == NULL)
    weft_lod_task_columns (f->lod, row, &f->win, out);
  else
    resample (f, s, sizeof *out, combine_tasks, out);
}

void
_weft_fetch_counter (WeftFrame *f, guint counter, WeftLodCounterColumn *out)
{
  const RowSource *s = source_of (f, ROW_COUNTER, counter, 0);

  if (s == NULL)
    weft_lod_counter_columns (f->lod, counter, &f->win, out);
  else
    resample (f, s, sizeof *out, combine_counter, out);
}

/* Span rows: the tiles' items in view pixels, a span cut by tile edges
 * joined again, and items narrower than a pixel merged per pixel (so the
 * four-per-column bound holds at the view's resolution too). */
void
_weft_fetch_span_row (WeftFrame *f, guint thread, guint depth, GArray *items)
{
  const RowSource *s = source_of (f, ROW_SPANS, thread, depth);
  double col, a, px, n;
  WeftLodItem merged = { 0 };
  double merged_cover = 0, best_cover = 0;
  gboolean open = FALSE;

  if (s == NULL)
    {
      weft_lod_span_row (f->lod, thread, depth, &f->win, 1.0, items);
      return;
    }
  g_array_set_size (items, 0);
  col = level_column (s->level);
  a = (double) f->win.start;
  px = (double) (f->win.end - f->win.start) / f->win.n_columns;
  n = f->win.n_columns;
  for (guint t = 0; t < s->n_tiles; t++)
    {
      const Tile *tile = s->tiles[t];
      double base = (double) (s->first_tile + t) * TILE_COLS;

      for (guint k = 0; tile != NULL && tile->items != NULL && k < tile->items->len; k++)
        {
          WeftLodItem it = g_array_index (tile->items, WeftLodItem, k);
          WeftLodItem *prev = items->len > 0 ? &g_array_index (items, WeftLodItem, items->len - 1)
                                             : NULL;

          it.x0 = CLAMP (((base + it.x0) * col - a) / px, 0.0, n);
          it.x1 = CLAMP (((base + it.x1) * col - a) / px, 0.0, n);
          if (it.x1 <= it.x0)
            continue;
          /* a span cut by a tile edge */
          if (!open && prev != NULL && it.kind == WEFT_LOD_ITEM_SPAN
              && prev->kind == WEFT_LOD_ITEM_SPAN && prev->span == it.span)
            {
              prev->x1 = MAX (prev->x1, it.x1);
              continue;
            }
          if (it.x1 - it.x0 >= 1.0 && it.kind == WEFT_LOD_ITEM_SPAN)
            {
              if (open)
                {
                  merged.coverage = (float) MIN (1.0, merged_cover / (merged.x1 - merged.x0));
                  g_array_append_val (items, merged);
                  open = FALSE;
                }
              g_array_append_val (items, it);
              continue;
            }
          /* narrower than a pixel: into the pixel's merged item */
          if (open && floor (it.x0) != floor (merged.x0))
            {
              merged.coverage = (float) MIN (1.0, merged_cover / (merged.x1 - merged.x0));
              g_array_append_val (items, merged);
              open = FALSE;
            }
          if (!open)
            {
              merged = it;
              merged.kind = WEFT_LOD_ITEM_MERGED;
              merged_cover = best_cover = (it.x1 - it.x0) * it.coverage;
              open = TRUE;
              continue;
            }
          {
            double cover = (it.x1 - it.x0) * it.coverage;

            merged.x1 = MAX (merged.x1, it.x1);
            merged.end = MAX (merged.end, it.end);
            merged.count += it.count;
            merged_cover += cover;
            if (cover > best_cover)
              {
                best_cover = cover;
                merged.name = it.name;
              }
          }
        }
    }
  if (open)
    {
      merged.coverage = (float) MIN (1.0, merged_cover / (merged.x1 - merged.x0));
      g_array_append_val (items, merged);
    }
}
