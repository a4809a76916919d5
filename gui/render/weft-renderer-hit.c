/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-hit.c: what is under a point of the picture, for the
 * viewer's clicks and tooltips. Uses the same layout as drawing and the
 * level-of-detail index's point queries, with half a device pixel of slop
 * so a thin item is still hit.
 */
#include "weft-renderer-private.h"

#include <math.h>
#include <string.h>

static guint
lane_at (WeftRenderer *self, double cy)
{
  guint lo = 0, hi = self->lanes->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const WeftLane *l = &g_array_index (self->lanes, WeftLane, mid);

      if (l->y + l->height <= cy)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo < self->lanes->len && g_array_index (self->lanes, WeftLane, lo).y <= cy)
    return lo;
  return G_MAXUINT;
}

static void
hit_cpu (WeftRenderer *self, const WeftLane *lane, guint64 t, guint64 slop, WeftHit *hit)
{
  const WeftModelCpu *cpu = weft_model_get_cpu (self->model, lane->index);
  guint64 slice;

  hit->cpu = lane->index;
  hit->kind = WEFT_HIT_CPU_IDLE;
  if (!weft_lod_cpu_slice_at (self->lod, lane->index, t, slop, &slice) || slice >= cpu->n_slices)
    return;
  {
    guint32 who = WEFT_MODEL_SLICE_THREAD (cpu->who[slice]);

    if (who == WEFT_MODEL_SLICE_IDLE)
      return;
    hit->kind = WEFT_HIT_CPU_SLICE;
    hit->slice = slice;
    hit->thread = who < weft_model_get_n_threads (self->model) ? who : WEFT_MODEL_NONE;
  }
}

static void
hit_thread (WeftRenderer *self, const WeftLane *lane, double ly, guint64 t, guint64 slop,
            WeftHit *hit)
{
  hit->thread = lane->index;
  hit->kind = WEFT_HIT_LANE;
  if (lane->n_rows > 0 && ly >= WEFT_R_STATE_H)
    {
      guint depth = (guint) ((ly - WEFT_R_STATE_H) / WEFT_R_ROW_H);
      guint64 span;

      if (depth < lane->n_rows
          && weft_lod_span_at (self->lod, lane->index, depth, t, slop, &span))
        {
          hit->kind = WEFT_HIT_SPAN;
          hit->depth = depth;
          hit->span = span;
        }
      return;
    }
  hit->state = weft_lod_thread_state_at (self->lod, lane->index, t, &hit->cpu);
  if (hit->state != WEFT_LOD_STATE_NONE)
    hit->kind = WEFT_HIT_THREAD_STATE;
}

static void
hit_counter (WeftRenderer *self, const WeftLane *lane, guint64 t, WeftHit *hit)
{
  const WeftModelCounter *c = weft_model_get_counter (self->model, lane->index);
  guint64 lo = 0, hi = c->n;

  hit->counter = lane->index;
  hit->kind = WEFT_HIT_COUNTER;
  /* the last sample at or before t: a counter holds its value */
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (c->times[mid] <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
  hit->defined = lo > 0;
  hit->value = lo > 0 ? c->values[lo - 1] : 0;
}

gboolean
weft_renderer_hit_test (WeftRenderer *self, const WeftViewport *vp, double x, double y,
                        WeftHit *hit)
{
  WeftRect area;
  const WeftLane *lane;
  double frac, ns_per_unit;
  guint64 t, slop;
  guint index;

  g_return_val_if_fail (WEFT_IS_RENDERER (self), FALSE);
  g_return_val_if_fail (hit != NULL, FALSE);

  memset (hit, 0, sizeof *hit);
  hit->kind = WEFT_HIT_NONE;
  hit->lane = G_MAXUINT;
  hit->thread = hit->cpu = hit->task = hit->counter = WEFT_MODEL_NONE;
  g_return_val_if_fail (weft_viewport_is_valid (vp), FALSE);
  if (x < 0 || y < 0 || x >= vp->width || y >= vp->height || isnan (x) || isnan (y))
    return FALSE;

  _weft_renderer_area (vp, &area);
  ns_per_unit = (double) (vp->end - vp->start) / area.width;
  frac = CLAMP (x - area.x, 0.0, area.width);
  t = vp->start + (guint64) (frac * ns_per_unit);
  slop = (guint64) ceil (ns_per_unit / vp->scale / 2);
  hit->time = t;

  if ((vp->flags & WEFT_VIEWPORT_SHOW_HEADER) && y < WEFT_R_HEADER_H)
    hit->kind = WEFT_HIT_HEADER;
  else if ((vp->flags & WEFT_VIEWPORT_SHOW_AXIS) && y < area.y && y >= area.y - WEFT_R_AXIS_H
           && x >= area.x)
    hit->kind = WEFT_HIT_AXIS;
  else if ((vp->flags & WEFT_VIEWPORT_SHOW_LEGEND) && y >= vp->height - WEFT_R_LEGEND_H)
    hit->kind = WEFT_HIT_LEGEND;
  if (hit->kind != WEFT_HIT_NONE)
    return TRUE;
  if (y < area.y || y >= area.y + area.height)
    return FALSE;

  index = lane_at (self, y - area.y + vp->scroll_y);
  if (index == G_MAXUINT)
    return FALSE;
  lane = &g_array_index (self->lanes, WeftLane, index);
  hit->lane = index;
  if (x < area.x)
    {
      hit->kind = WEFT_HIT_LABEL;
      if (lane->kind == WEFT_LANE_THREAD)
        hit->thread = lane->index;
      else if (lane->kind == WEFT_LANE_CPU)
        hit->cpu = lane->index;
      return TRUE;
    }
  switch (lane->kind)
    {
    case WEFT_LANE_PARALLELISM:
      hit->kind = WEFT_HIT_PARALLELISM;
      break;
    case WEFT_LANE_CPU:
      hit_cpu (self, lane, t, slop, hit);
      break;
    case WEFT_LANE_THREAD:
      hit_thread (self, lane, y - area.y + vp->scroll_y - lane->y, t, slop, hit);
      break;
    case WEFT_LANE_TASKS:
      hit->kind = WEFT_HIT_LANE;
      if (weft_lod_task_at (self->lod, lane->index, t, slop, &hit->task, &hit->segment,
                            &hit->active))
        hit->kind = WEFT_HIT_TASK;
      break;
    case WEFT_LANE_COUNTER:
      hit_counter (self, lane, t, hit);
      break;
    case WEFT_LANE_PROCESS:
    default:
      hit->kind = WEFT_HIT_LANE;
      break;
    }
  return TRUE;
}

/* The first lane of kind showing index, or NULL (folded away). */
static const WeftLane *
find_lane (WeftRenderer *self, WeftLaneKind kind, guint index)
{
  for (guint i = 0; i < self->lanes->len; i++)
    {
      const WeftLane *l = &g_array_index (self->lanes, WeftLane, i);

      if (l->kind == kind && l->index == index)
        return l;
    }
  return NULL;
}

gboolean
weft_renderer_get_item_rect (WeftRenderer *self, const WeftViewport *vp, const WeftHit *item,
                             WeftRect *rect)
{
  const WeftLane *lane = NULL;
  guint64 start = 0, end = 0;
  double y = 0, h = 0;
  WeftRect area;

  g_return_val_if_fail (WEFT_IS_RENDERER (self), FALSE);
  g_return_val_if_fail (item != NULL && rect != NULL, FALSE);
  g_return_val_if_fail (weft_viewport_is_valid (vp), FALSE);

  switch (item->kind)
    {
    case WEFT_HIT_SPAN:
      {
        const WeftModelThread *t;

        if (item->thread >= weft_model_get_n_threads (self->model))
          return FALSE;
        t = weft_model_get_thread (self->model, item->thread);
        lane = find_lane (self, WEFT_LANE_THREAD, item->thread);
        if (lane == NULL || item->span >= t->n_spans || item->depth >= lane->n_rows)
          return FALSE;
        start = t->spans[item->span].start;
        end = t->spans[item->span].end;
        y = WEFT_R_STATE_H + item->depth * WEFT_R_ROW_H;
        h = WEFT_R_ROW_H - 1;
        break;
      }
    case WEFT_HIT_CPU_SLICE:
      {
        const WeftModelCpu *cpu;

        if (item->cpu >= weft_model_get_n_cpus (self->model))
          return FALSE;
        cpu = weft_model_get_cpu (self->model, item->cpu);
        lane = find_lane (self, WEFT_LANE_CPU, item->cpu);
        if (lane == NULL || item->slice >= cpu->n_slices)
          return FALSE;
        start = cpu->starts[item->slice];
        end = weft_model_get_slice_end (self->model, item->cpu, item->slice);
        h = lane->height;
        break;
      }
    case WEFT_HIT_TASK:
      {
        const WeftModelTask *task;
        const guint64 *times;

        /* a task's row is the lane it was hit in (rows do not move
         * unless a group folds, which leaves it out) */
        if (item->lane >= self->lanes->len || item->task >= weft_model_get_n_tasks (self->model))
          return FALSE;
        lane = &g_array_index (self->lanes, WeftLane, item->lane);
        task = weft_model_get_task (self->model, item->task);
        if (lane->kind != WEFT_LANE_TASKS || item->segment + 1 >= task->n_times)
          return FALSE;
        times = weft_model_get_task_times (self->model, task);
        start = times[item->segment];
        end = times[item->segment + 1];
        h = lane->height;
        break;
      }
    default:
      return FALSE;
    }
  if (end < start)
    return FALSE;
  _weft_renderer_area (vp, &area);
  rect->x = area.x + ((double) start - (double) vp->start) / (double) (vp->end - vp->start)
                         * area.width;
  rect->width = (double) (end - start) / (double) (vp->end - vp->start) * area.width;
  rect->y = area.y - vp->scroll_y + lane->y + y;
  rect->height = h;
  return TRUE;
}
