/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-layout.c: the lanes from top to bottom (the parallelism
 * strip, the cores, then per process its threads, task rows and counters)
 * with their heights, and where a viewport puts them.
 */
#include "weft-renderer-private.h"

#include <math.h>

double
_weft_renderer_gutter (const WeftViewport *vp)
{
  return floor (CLAMP (vp->width * 0.13, 130.0, 180.0));
}

void
_weft_renderer_area (const WeftViewport *vp, WeftRect *area)
{
  double top = 0, bottom = vp->height, right = vp->width;

  if (vp->flags & WEFT_VIEWPORT_SHOW_HEADER)
    {
      top += WEFT_R_HEADER_H;
      right -= WEFT_R_PAD; /* a picture gets a margin; the viewer's lanes run to the edge */
    }
  if (vp->flags & WEFT_VIEWPORT_SHOW_AXIS)
    top += WEFT_R_AXIS_H;
  if (vp->flags & WEFT_VIEWPORT_SHOW_LEGEND)
    bottom -= WEFT_R_LEGEND_H;
  area->x = _weft_renderer_gutter (vp);
  area->y = top;
  area->width = MAX (1.0, right - area->x);
  area->height = MAX (0.0, bottom - top);
}

typedef struct
{
  WeftRenderer *self;
  double y;
  guint next_key;
} Builder;

static void
add_lane (Builder *b, WeftLaneKind kind, guint index, guint process, double height, char *label)
{
  WeftLane lane = { 0 };

  lane.kind = kind;
  lane.index = index;
  lane.process = process;
  lane.y = b->y;
  lane.height = height;
  lane.label = label;
  lane.color_key = G_MAXUINT;
  g_ptr_array_add (b->self->labels, label);
  g_array_append_val (b->self->lanes, lane);
  b->y += height;
}

/* A thread of a folded group: no lane, but its colour key, so that it
 * keeps its colour in the CPU lanes whatever is folded. */
static void
skip_thread (Builder *b, guint index)
{
  b->self->thread_keys[index] = b->next_key++;
}

static gboolean
is_collapsed (WeftRenderer *self, guint process)
{
  return g_hash_table_contains (self->collapsed, GUINT_TO_POINTER (process + 1u));
}

/* A group's header; the group's lanes follow unless it is folded. */
static void
add_process (Builder *b, guint process, char *label)
{
  WeftRenderer *self = b->self;

  b->y += WEFT_R_GROUP_GAP;
  add_lane (b, WEFT_LANE_PROCESS, process, process, WEFT_R_PROCESS_H, label);
  g_array_index (self->lanes, WeftLane, self->lanes->len - 1).collapsed
      = is_collapsed (self, process);
  b->y += WEFT_R_GAP;
}

static char *
thread_label (WeftModel *m, const WeftModelThread *t)
{
  const char *name = weft_model_get_name (m, t->name);

  if (*name == '\0')
    return g_strdup_printf ("thread %u", t->tid);
  return g_strdup_printf ("%s  %u", name, t->tid);
}

static void
add_thread (Builder *b, guint index, guint process)
{
  WeftRenderer *self = b->self;
  const WeftModelThread *t = weft_model_get_thread (self->model, index);
  guint all_rows = weft_lod_get_n_span_rows (self->lod, index);
  guint rows = MIN (all_rows, self->max_span_rows);
  double h = rows > 0 ? WEFT_R_STATE_H + rows * WEFT_R_ROW_H
                      : floor (WEFT_R_STATE_ALONE_H * MIN (self->lane_scale, 2.0));
  WeftLane *lane;

  add_lane (b, WEFT_LANE_THREAD, index, process, h, thread_label (self->model, t));
  lane = &g_array_index (self->lanes, WeftLane, self->lanes->len - 1);
  lane->n_rows = rows;
  lane->hidden_rows = all_rows - rows;
  lane->color_key = self->thread_keys[index] = b->next_key++;
  b->y += WEFT_R_GAP;
}

/* The task rows and counters of process (WEFT_MODEL_NONE: of none). */
static void
add_tasks_and_counters (Builder *b, guint process)
{
  WeftRenderer *self = b->self;
  gboolean first = TRUE;

  for (guint r = 0; r < weft_lod_get_n_task_rows (self->lod); r++)
    if (weft_lod_get_task_row (self->lod, r)->process == process)
      {
        add_lane (b, WEFT_LANE_TASKS, r, process, WEFT_R_TASK_H,
                  g_strdup (first ? "async tasks" : ""));
        b->y += 2;
        first = FALSE;
      }
  for (guint c = 0; c < weft_model_get_n_counters (self->model); c++)
    {
      const WeftModelCounter *counter = weft_model_get_counter (self->model, c);

      if (counter->process == process)
        {
          add_lane (b, WEFT_LANE_COUNTER, c, process,
                    floor (WEFT_R_COUNTER_H * MIN (self->lane_scale, 1.5)),
                    g_strdup (weft_model_get_name (self->model, counter->name)));
          b->y += WEFT_R_GAP;
        }
    }
}

static gboolean
has_orphans (WeftRenderer *self, const gboolean *placed)
{
  for (guint i = 0; i < weft_model_get_n_threads (self->model); i++)
    if (!placed[i])
      return TRUE;
  for (guint r = 0; r < weft_lod_get_n_task_rows (self->lod); r++)
    if (weft_lod_get_task_row (self->lod, r)->process == WEFT_MODEL_NONE)
      return TRUE;
  for (guint c = 0; c < weft_model_get_n_counters (self->model); c++)
    if (weft_model_get_counter (self->model, c)->process == WEFT_MODEL_NONE)
      return TRUE;
  return FALSE;
}

static void
counter_ranges (WeftRenderer *self)
{
  guint n = weft_model_get_n_counters (self->model);
  WeftLodWindow whole = { 0, weft_model_get_duration (self->model) + 1, 1 };

  g_free (self->counter_min);
  g_free (self->counter_max);
  self->counter_min = g_new0 (double, MAX (n, 1));
  self->counter_max = g_new0 (double, MAX (n, 1));
  for (guint c = 0; c < n; c++)
    {
      WeftLodCounterColumn col;

      weft_lod_counter_columns (self->lod, c, &whole, &col);
      /* the scale starts at 0 unless values go below it */
      self->counter_min[c] = MIN (0.0, col.min);
      self->counter_max[c] = MAX (0.0, col.max);
      if (!isfinite (self->counter_min[c]) || !isfinite (self->counter_max[c]))
        self->counter_min[c] = self->counter_max[c] = 0;
    }
}

void
_weft_renderer_layout (WeftRenderer *self)
{
  WeftModel *m = self->model;
  guint n_threads = weft_model_get_n_threads (m);
  g_autofree gboolean *placed = g_new0 (gboolean, MAX (n_threads, 1));
  Builder b = { self, 0, 0 };
  int cpus = weft_model_get_cpu_count (m);

  g_clear_pointer (&self->lanes, g_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_free (self->thread_keys);
  self->lanes = g_array_new (FALSE, FALSE, sizeof (WeftLane));
  self->labels = g_ptr_array_new_with_free_func (g_free);
  self->thread_keys = g_new0 (guint32, MAX (n_threads, 1));

  /* The strip's top line: the core count, or as many lanes as there are
   * (Chrome JSON without metadata), at least 1. */
  self->parallel_top = cpus > 0 ? (guint) cpus : MAX (1, weft_model_get_n_cpus (m));
  add_lane (&b, WEFT_LANE_PARALLELISM, 0, WEFT_MODEL_NONE,
            floor (WEFT_R_PARALLEL_H * MIN (self->lane_scale, 2.0)),
            g_strdup ("running threads"));
  b.y += WEFT_R_GAP;
  for (guint c = 0; c < weft_model_get_n_cpus (m); c++)
    {
      add_lane (&b, WEFT_LANE_CPU, c, WEFT_MODEL_NONE, floor (WEFT_R_CPU_H * self->lane_scale),
                g_strdup_printf ("CPU %u", weft_model_get_cpu (m, c)->cpu));
      b.y += WEFT_R_GAP;
    }
  self->n_lanes_before_groups = self->lanes->len;

  for (guint p = 0; p < weft_model_get_n_processes (m); p++)
    {
      const WeftModelProcess *proc = weft_model_get_process (m, p);
      const char *name = weft_model_get_name (m, proc->name);

      gboolean folded = is_collapsed (self, p);

      add_process (&b, p,
                   *name != '\0' ? g_strdup_printf ("%s  pid %u", name, proc->pid)
                                 : g_strdup_printf ("process %u", proc->pid));
      for (guint i = 0; i < proc->n_threads; i++)
        if (proc->threads[i] < n_threads && !placed[proc->threads[i]])
          {
            placed[proc->threads[i]] = TRUE;
            if (folded)
              skip_thread (&b, proc->threads[i]);
            else
              add_thread (&b, proc->threads[i], p);
          }
      if (!folded)
        add_tasks_and_counters (&b, p);
    }
  if (has_orphans (self, placed))
    {
      gboolean folded = is_collapsed (self, WEFT_MODEL_NONE);

      add_process (&b, WEFT_MODEL_NONE, g_strdup ("other"));
      for (guint i = 0; i < n_threads; i++)
        if (!placed[i])
          {
            if (folded)
              skip_thread (&b, i);
            else
              add_thread (&b, i, WEFT_MODEL_NONE);
          }
      if (!folded)
        add_tasks_and_counters (&b, WEFT_MODEL_NONE);
    }
  self->content_height = b.y + WEFT_R_GAP;
  counter_ranges (self);
}

const char *
_weft_renderer_thread_label (WeftRenderer *self, guint thread)
{
  for (guint i = self->n_lanes_before_groups; i < self->lanes->len; i++)
    {
      const WeftLane *l = &g_array_index (self->lanes, WeftLane, i);

      if (l->kind == WEFT_LANE_THREAD && l->index == thread)
        return l->label;
    }
  return NULL;
}
