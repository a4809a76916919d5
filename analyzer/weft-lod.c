/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod.c: the level-of-detail index's life cycle, windows, and the
 * queries. First version: each query walks the items inside the window
 * (correct, not yet bounded).
 */
#include "weft-lod-private.h"

#include <math.h>
#include <string.h>

WeftLod *
weft_lod_new (WeftModel *model, WeftModelProgressFunc progress, gpointer user_data,
              GCancellable *cancellable, GError **error)
{
  WeftLod *lod;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  lod = g_new0 (WeftLod, 1);
  g_atomic_ref_count_init (&lod->ref_count);
  lod->model = weft_model_ref (model);
  _weft_lod_build_task_rows (lod);
  if (progress != NULL)
    progress (1.0, user_data);
  return lod;
}

typedef struct
{
  WeftModelProgressFunc progress;
  gpointer user_data;
  double offset;
  double scale;
} ProgressSplit;

static void
progress_split (double fraction, gpointer data)
{
  ProgressSplit *s = data;

  s->progress (s->offset + s->scale * fraction, s->user_data);
}

WeftLod *
weft_lod_new_for_reader (WeftReader *reader, WeftModelProgressFunc progress, gpointer user_data,
                         GCancellable *cancellable, GError **error)
{
  ProgressSplit split = { progress, user_data, 0.0, 0.85 };
  g_autoptr (WeftModel) model = NULL;

  g_return_val_if_fail (reader != NULL, NULL);

  model = weft_model_new (reader, progress != NULL ? progress_split : NULL, &split, cancellable,
                          error);
  if (model == NULL)
    return NULL;
  split.offset = 0.85;
  split.scale = 0.15;
  return weft_lod_new (model, progress != NULL ? progress_split : NULL, &split, cancellable,
                       error);
}

WeftLod *
weft_lod_ref (WeftLod *lod)
{
  g_return_val_if_fail (lod != NULL, NULL);
  g_atomic_ref_count_inc (&lod->ref_count);
  return lod;
}

void
weft_lod_unref (WeftLod *lod)
{
  g_return_if_fail (lod != NULL);
  if (!g_atomic_ref_count_dec (&lod->ref_count))
    return;
  g_free (lod->task_rows);
  g_free (lod->task_row_tasks);
  weft_model_unref (lod->model);
  g_free (lod);
}

WeftModel *
weft_lod_get_model (WeftLod *lod)
{
  return lod->model;
}

gsize
weft_lod_get_memory_size (WeftLod *lod)
{
  gsize size = sizeof (WeftLod);

  size += lod->n_task_rows * sizeof (WeftLodTaskRow);
  for (guint i = 0; i < lod->n_task_rows; i++)
    size += lod->task_rows[i].n_tasks * sizeof (guint32);
  return size;
}

double
weft_lod_window_column_start (const WeftLodWindow *w, guint column)
{
  if (w->n_columns == 0)
    return (double) w->start;
  return (double) w->start
         + (double) (w->end - w->start) * (double) column / (double) w->n_columns;
}

double
weft_lod_window_time_to_x (const WeftLodWindow *w, double t)
{
  if (!_weft_lod_window_ok (w))
    return 0.0;
  return _weft_lod_x (w, t);
}

/* Calls add (column, overlap) for every column [a, b) overlaps, overlap in
 * columns (= the fraction of that column). */
#define FOR_COLUMNS(w, a, b, col, ov)                                                         \
  for (double _x0 = MAX (0.0, _weft_lod_x ((w), (double) (a))),                              \
              _x1 = MIN ((double) (w)->n_columns, _weft_lod_x ((w), (double) (b))),          \
              _c = floor (_x0);                                                              \
       _c < _x1 && ((col = (guint) _c), (ov = MIN (_x1, _c + 1) - MAX (_x0, _c)), TRUE);     \
       _c += 1.0)

/* A column's running candidates for "who took most of it". */
typedef struct
{
  guint32 id[8];
  double ns[8];
  guint n;
} Candidates;

static void
candidates_add (Candidates *c, guint32 id, double amount)
{
  guint min = 0;

  for (guint i = 0; i < c->n; i++)
    if (c->id[i] == id)
      {
        c->ns[i] += amount;
        return;
      }
  if (c->n < G_N_ELEMENTS (c->id))
    {
      c->id[c->n] = id;
      c->ns[c->n++] = amount;
      return;
    }
  for (guint i = 1; i < c->n; i++)
    if (c->ns[i] < c->ns[min])
      min = i;
  if (c->ns[min] < amount)
    {
      c->id[min] = id;
      c->ns[min] = amount;
    }
}

static guint32
candidates_best (const Candidates *c)
{
  guint32 best = WEFT_MODEL_NONE;
  double ns = 0.0;

  for (guint i = 0; i < c->n; i++)
    if (c->ns[i] > ns)
      {
        ns = c->ns[i];
        best = c->id[i];
      }
  return best;
}

static guint64
first_slice_before (const WeftModelCpu *cpu, guint64 t)
{
  guint64 lo = 0, hi = cpu->n_slices;

  /* Number of slices starting at or before t. */
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      if (cpu->starts[mid] <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

void
weft_lod_cpu_columns (WeftLod *lod, guint cpu_index, const WeftLodWindow *w,
                      WeftLodCpuColumn *out)
{
  WeftModel *m = lod->model;
  const WeftModelCpu *cpu;
  g_autofree Candidates *cand = NULL;
  guint64 k;

  if (!_weft_lod_window_ok (w))
    return;
  memset (out, 0, w->n_columns * sizeof *out);
  for (guint i = 0; i < w->n_columns; i++)
    out[i].thread = WEFT_MODEL_NONE;
  g_return_if_fail (cpu_index < weft_model_get_n_cpus (m));
  cpu = weft_model_get_cpu (m, cpu_index);
  cand = g_new0 (Candidates, w->n_columns);

  k = first_slice_before (cpu, w->start);
  for (k = k > 0 ? k - 1 : 0; k < cpu->n_slices && cpu->starts[k] < w->end; k++)
    {
      guint64 s = cpu->starts[k];
      guint64 e = weft_model_get_slice_end (m, cpu_index, k);
      guint32 who = WEFT_MODEL_SLICE_THREAD (cpu->who[k]);
      guint col;
      double ov;

      if (who == WEFT_MODEL_SLICE_IDLE || e <= s)
        continue;
      FOR_COLUMNS (w, s, e, col, ov)
        {
          out[col].count++;
          if (who == WEFT_MODEL_SLICE_OTHER)
            out[col].other += ov;
          else
            {
              out[col].busy += ov;
              candidates_add (&cand[col], who, ov);
            }
        }
    }
  for (guint i = 0; i < w->n_columns; i++)
    {
      out[i].thread = candidates_best (&cand[i]);
      out[i].busy = MIN (out[i].busy, 1.0f);
      out[i].other = MIN (out[i].other, 1.0f - out[i].busy);
    }
}

gboolean
weft_lod_cpu_slice_at (WeftLod *lod, guint cpu_index, guint64 t, guint64 slop, guint64 *slice)
{
  WeftModel *m = lod->model;
  const WeftModelCpu *cpu;
  guint64 k, best = G_MAXUINT64, best_d = G_MAXUINT64;

  g_return_val_if_fail (cpu_index < weft_model_get_n_cpus (m), FALSE);
  cpu = weft_model_get_cpu (m, cpu_index);
  k = first_slice_before (cpu, t);
  if (k > 0 && t < weft_model_get_slice_end (m, cpu_index, k - 1)
      && WEFT_MODEL_SLICE_THREAD (cpu->who[k - 1]) != WEFT_MODEL_SLICE_IDLE)
    {
      *slice = k - 1;
      return TRUE;
    }
  if (slop == 0)
    return FALSE;
  /* The nearest non-idle slice on either side; idle slices alternate
   * with busy ones, so two steps each way suffice unless two idles meet. */
  for (guint64 j = k >= 3 ? k - 3 : 0; j < cpu->n_slices && j < k + 3; j++)
    {
      guint64 s = cpu->starts[j], e = weft_model_get_slice_end (m, cpu_index, j);
      guint64 d = t < s ? s - t : t >= e ? t - e + 1 : 0;

      if (WEFT_MODEL_SLICE_THREAD (cpu->who[j]) == WEFT_MODEL_SLICE_IDLE || e <= s)
        continue;
      if (d <= slop && d < best_d)
        {
          best = j;
          best_d = d;
        }
    }
  if (best == G_MAXUINT64)
    return FALSE;
  *slice = best;
  return TRUE;
}

void
weft_lod_parallelism (WeftLod *lod, const WeftLodWindow *w, WeftLodParallelColumn *out)
{
  WeftModel *m = lod->model;
  guint n_cpus = weft_model_get_n_cpus (m);
  g_autofree WeftLodCpuColumn *lane = NULL;

  if (!_weft_lod_window_ok (w))
    return;
  memset (out, 0, w->n_columns * sizeof *out);
  lane = g_new (WeftLodCpuColumn, w->n_columns);
  for (guint c = 0; c < n_cpus; c++)
    {
      weft_lod_cpu_columns (lod, c, w, lane);
      for (guint i = 0; i < w->n_columns; i++)
        {
          out[i].mean += lane[i].busy;
          /* Upper bound until the bounded index lands. */
          if (lane[i].busy > 0)
            out[i].max++;
        }
    }
}

/* ---- thread state strips ---- */

static void
add_state (WeftLodStateColumn *c, WeftLodState state, double ov)
{
  switch (state)
    {
    case WEFT_LOD_STATE_RUNNING: c->running += ov; break;
    case WEFT_LOD_STATE_RUNNABLE: c->runnable += ov; break;
    case WEFT_LOD_STATE_BLOCKED: c->blocked += ov; break;
    case WEFT_LOD_STATE_LOCK_WAIT: c->lock_wait += ov; break;
    case WEFT_LOD_STATE_COND_WAIT: c->cond_wait += ov; break;
    case WEFT_LOD_STATE_NONE: default: break;
    }
}

static WeftLodState
switch_state (guint32 who)
{
  switch (WEFT_MODEL_SLICE_END_STATE (who))
    {
    case WEFT_SWITCH_PREEMPTED: return WEFT_LOD_STATE_RUNNABLE;
    case WEFT_SWITCH_BLOCKED: return WEFT_LOD_STATE_BLOCKED;
    default: return WEFT_LOD_STATE_NONE;
    }
}

/* Adds the off-CPU interval [a, b) with state off, carving out the waits. */
static void
add_off_cpu (const WeftModelThread *th, const WeftLodWindow *w, guint64 a, guint64 b,
             WeftLodState off, WeftLodStateColumn *out)
{
  guint64 pos = a;
  guint col;
  double ov;

  for (guint64 i = 0; i < th->n_waits && pos < b; i++)
    {
      const WeftModelWait *wt = &th->waits[i];
      guint64 ws = MAX (wt->start, pos), we = MIN (wt->end, b);

      if (we <= ws)
        continue;
      if (ws > pos)
        FOR_COLUMNS (w, pos, ws, col, ov)
          add_state (&out[col], off, ov);
      FOR_COLUMNS (w, ws, we, col, ov)
        add_state (&out[col],
                   wt->flags & WEFT_MODEL_WAIT_COND ? WEFT_LOD_STATE_COND_WAIT
                                                    : WEFT_LOD_STATE_LOCK_WAIT,
                   ov);
      pos = we;
    }
  if (pos < b)
    FOR_COLUMNS (w, pos, b, col, ov)
      add_state (&out[col], off, ov);
}

void
weft_lod_thread_states (WeftLod *lod, guint thread, const WeftLodWindow *w,
                        WeftLodStateColumn *out)
{
  WeftModel *m = lod->model;
  const WeftModelThread *th;
  g_autofree Candidates *cand = NULL;
  guint64 lo, hi, pos;
  WeftLodState off = WEFT_LOD_STATE_NONE;

  if (!_weft_lod_window_ok (w))
    return;
  memset (out, 0, w->n_columns * sizeof *out);
  for (guint i = 0; i < w->n_columns; i++)
    out[i].cpu = WEFT_MODEL_NONE;
  g_return_if_fail (thread < weft_model_get_n_threads (m));
  th = weft_model_get_thread (m, thread);
  cand = g_new0 (Candidates, w->n_columns);
  lo = MAX (w->start, th->alive_start);
  hi = MIN (w->end, th->alive_end);
  pos = th->alive_start;

  for (guint64 j = 0; j < th->n_slices; j++)
    {
      guint lane;
      guint64 k, s, e;
      guint col;
      double ov;

      if (!weft_model_lookup_slice (m, th->slices[j], &lane, &k))
        continue;
      s = weft_model_get_cpu (m, lane)->starts[k];
      e = weft_model_get_slice_end (m, lane, k);
      if (s > pos)
        add_off_cpu (th, w, MAX (pos, lo), MIN (s, hi), off, out);
      FOR_COLUMNS (w, s, e, col, ov)
        {
          add_state (&out[col], WEFT_LOD_STATE_RUNNING, ov);
          candidates_add (&cand[col], lane, ov);
        }
      off = switch_state (weft_model_get_cpu (m, lane)->who[k]);
      pos = MAX (pos, e);
    }
  if (pos < hi)
    add_off_cpu (th, w, MAX (pos, lo), hi, off, out);
  for (guint i = 0; i < w->n_columns; i++)
    out[i].cpu = candidates_best (&cand[i]);
}

WeftLodState
weft_lod_thread_state_at (WeftLod *lod, guint thread, guint64 t, guint32 *cpu)
{
  WeftModel *m = lod->model;
  const WeftModelThread *th;
  WeftLodState off = WEFT_LOD_STATE_NONE;

  *cpu = WEFT_MODEL_NONE;
  g_return_val_if_fail (thread < weft_model_get_n_threads (m), WEFT_LOD_STATE_NONE);
  th = weft_model_get_thread (m, thread);
  if (t < th->alive_start || t >= th->alive_end)
    return WEFT_LOD_STATE_NONE;
  for (guint64 j = 0; j < th->n_slices; j++)
    {
      guint lane;
      guint64 k;

      if (!weft_model_lookup_slice (m, th->slices[j], &lane, &k))
        continue;
      if (weft_model_get_cpu (m, lane)->starts[k] > t)
        break;
      if (t < weft_model_get_slice_end (m, lane, k))
        {
          *cpu = lane;
          return WEFT_LOD_STATE_RUNNING;
        }
      off = switch_state (weft_model_get_cpu (m, lane)->who[k]);
    }
  for (guint64 i = 0; i < th->n_waits; i++)
    if (th->waits[i].start <= t && t < th->waits[i].end)
      return th->waits[i].flags & WEFT_MODEL_WAIT_COND ? WEFT_LOD_STATE_COND_WAIT
                                                       : WEFT_LOD_STATE_LOCK_WAIT;
  return off;
}

/* ---- span rows ---- */

void
weft_lod_span_row (WeftLod *lod, guint thread, guint depth, const WeftLodWindow *w,
                   double min_px, GArray *items)
{
  WeftModel *m = lod->model;
  const WeftModelThread *th;
  WeftLodItem merged = { 0 };
  Candidates cand = { 0 };
  gboolean open = FALSE;

  g_array_set_size (items, 0);
  if (!_weft_lod_window_ok (w))
    return;
  g_return_if_fail (thread < weft_model_get_n_threads (m));
  th = weft_model_get_thread (m, thread);

  for (guint64 i = weft_model_thread_find_span (th, w->start); i < th->n_spans; i++)
    {
      const WeftModelSpan *s = &th->spans[i];
      double x0, x1;

      if (s->start >= w->end)
        break;
      if (WEFT_MODEL_SPAN_DEPTH (s) != depth || s->end <= w->start)
        continue;
      x0 = _weft_lod_x (w, (double) s->start);
      x1 = _weft_lod_x (w, (double) s->end);
      if (x1 - x0 >= min_px)
        {
          WeftLodItem item = { MAX (x0, 0.0), MIN (x1, (double) w->n_columns), s->start, s->end,
                               i, s->name, 1, 1.0f, WEFT_LOD_ITEM_SPAN };
          if (open)
            {
              merged.name = candidates_best (&cand);
              g_array_append_val (items, merged);
              open = FALSE;
            }
          g_array_append_val (items, item);
          continue;
        }
      x0 = MAX (x0, 0.0);
      x1 = MIN (x1, (double) w->n_columns);
      /* Sub-pixel: joins the open merged item of this column, or opens one
       * (a span crossing a column boundary is cut there). */
      while (x0 < x1)
        {
          double col = floor (x0), cut = MIN (x1, col + 1.0);

          if (open && floor (merged.x0) != col)
            {
              merged.name = candidates_best (&cand);
              g_array_append_val (items, merged);
              open = FALSE;
            }
          if (!open)
            {
              merged = (WeftLodItem) { x0, cut, s->start, s->end, i, 0, 0, 0.0f,
                                       WEFT_LOD_ITEM_MERGED };
              memset (&cand, 0, sizeof cand);
              open = TRUE;
            }
          merged.x1 = cut;
          merged.end = MAX (merged.end, s->end);
          merged.count++;
          merged.coverage += (float) (cut - x0);
          candidates_add (&cand, s->name, cut - x0);
          x0 = cut;
        }
    }
  if (open)
    {
      merged.name = candidates_best (&cand);
      g_array_append_val (items, merged);
    }
  /* Coverage so far is in columns: make it a fraction of the item. */
  for (guint i = 0; i < items->len; i++)
    {
      WeftLodItem *it = &g_array_index (items, WeftLodItem, i);
      if (it->kind == WEFT_LOD_ITEM_MERGED && it->x1 > it->x0)
        it->coverage = MIN (1.0f, (float) (it->coverage / (it->x1 - it->x0)));
    }
}

gboolean
weft_lod_span_at (WeftLod *lod, guint thread, guint depth, guint64 t, guint64 slop,
                  guint64 *span)
{
  WeftModel *m = lod->model;
  const WeftModelThread *th;
  guint64 best = G_MAXUINT64, best_d = G_MAXUINT64;
  guint64 from = t > slop ? t - slop : 0;

  g_return_val_if_fail (thread < weft_model_get_n_threads (m), FALSE);
  th = weft_model_get_thread (m, thread);
  for (guint64 i = weft_model_thread_find_span (th, from); i < th->n_spans; i++)
    {
      const WeftModelSpan *s = &th->spans[i];
      guint64 d;

      if (s->start > t + slop)
        break;
      if (WEFT_MODEL_SPAN_DEPTH (s) != depth)
        continue;
      d = t < s->start ? s->start - t : t >= s->end ? t - s->end + 1 : 0;
      if (s->end == s->start && t == s->start)
        d = 0;
      if (d <= slop && d < best_d)
        {
          best = i;
          best_d = d;
        }
    }
  if (best == G_MAXUINT64)
    return FALSE;
  *span = best;
  return TRUE;
}

/* ---- task rows ---- */

guint
weft_lod_get_n_task_rows (WeftLod *lod)
{
  return lod->n_task_rows;
}

const WeftLodTaskRow *
weft_lod_get_task_row (WeftLod *lod, guint row)
{
  g_return_val_if_fail (row < lod->n_task_rows, NULL);
  return &lod->task_rows[row];
}

void
weft_lod_task_columns (WeftLod *lod, guint row, const WeftLodWindow *w, WeftLodTaskColumn *out)
{
  WeftModel *m = lod->model;
  const WeftLodTaskRow *r;
  g_autofree Candidates *cand = NULL;

  if (!_weft_lod_window_ok (w))
    return;
  memset (out, 0, w->n_columns * sizeof *out);
  for (guint i = 0; i < w->n_columns; i++)
    out[i].task = WEFT_MODEL_NONE;
  g_return_if_fail (row < lod->n_task_rows);
  r = &lod->task_rows[row];
  cand = g_new0 (Candidates, w->n_columns);
  for (guint j = 0; j < r->n_tasks; j++)
    {
      const WeftModelTask *task = weft_model_get_task (m, r->tasks[j]);
      const guint64 *times = weft_model_get_task_times (m, task);
      gboolean active = !(task->flags & WEFT_MODEL_TASK_STARTS_SUSPENDED);
      guint col;
      double ov;

      if (times[task->n_times - 1] <= w->start || times[0] >= w->end)
        continue;
      FOR_COLUMNS (w, times[0], times[task->n_times - 1], col, ov)
        {
          out[col].count++;
          candidates_add (&cand[col], r->tasks[j], ov);
        }
      for (guint k = 0; k + 1 < task->n_times; k++, active = !active)
        FOR_COLUMNS (w, times[k], times[k + 1], col, ov)
          {
            if (active)
              out[col].active += ov;
            else
              out[col].suspended += ov;
          }
    }
  for (guint i = 0; i < w->n_columns; i++)
    out[i].task = candidates_best (&cand[i]);
}

gboolean
weft_lod_task_at (WeftLod *lod, guint row, guint64 t, guint64 slop, guint32 *task,
                  guint32 *segment, gboolean *active)
{
  WeftModel *m = lod->model;
  const WeftLodTaskRow *r;
  guint64 best_d = G_MAXUINT64;

  g_return_val_if_fail (row < lod->n_task_rows, FALSE);
  r = &lod->task_rows[row];
  for (guint j = 0; j < r->n_tasks; j++)
    {
      const WeftModelTask *tk = weft_model_get_task (m, r->tasks[j]);
      const guint64 *times = weft_model_get_task_times (m, tk);
      gboolean first_active = !(tk->flags & WEFT_MODEL_TASK_STARTS_SUSPENDED);

      for (guint k = 0; k + 1 < tk->n_times; k++)
        {
          guint64 s = times[k], e = times[k + 1];
          guint64 d = t < s ? s - t : t >= e ? t - e + 1 : 0;

          if (d <= slop && d < best_d)
            {
              best_d = d;
              *task = r->tasks[j];
              *segment = k;
              *active = (k % 2 == 0) == first_active;
            }
        }
    }
  return best_d != G_MAXUINT64;
}

/* ---- counters ---- */

void
weft_lod_counter_columns (WeftLod *lod, guint counter, const WeftLodWindow *w,
                          WeftLodCounterColumn *out)
{
  WeftModel *m = lod->model;
  const WeftModelCounter *c;
  guint64 k = 0;

  if (!_weft_lod_window_ok (w))
    return;
  memset (out, 0, w->n_columns * sizeof *out);
  g_return_if_fail (counter < weft_model_get_n_counters (m));
  c = weft_model_get_counter (m, counter);

  for (guint i = 0; i < w->n_columns; i++)
    {
      double a = weft_lod_window_column_start (w, i), b = weft_lod_window_column_start (w, i + 1);
      WeftLodCounterColumn *col = &out[i];

      /* The value held at the column's start. */
      while (k < c->n && (double) c->times[k] <= a)
        k++;
      if (k > 0)
        {
          col->defined = TRUE;
          col->min = col->max = col->last = c->values[k - 1];
        }
      while (k < c->n && (double) c->times[k] < b)
        {
          double v = c->values[k++];
          if (!col->defined)
            col->min = col->max = v;
          col->defined = TRUE;
          col->min = MIN (col->min, v);
          col->max = MAX (col->max, v);
          col->last = v;
          col->n_samples++;
        }
    }
}
