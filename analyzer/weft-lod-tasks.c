/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-tasks.c: async task rows. Each process's tasks are packed into
 * rows where they do not overlap (interval partitioning: a task takes the
 * first row free at its start), so a row is a sorted run of segments,
 * alternately active and suspended. Each row keeps the active and
 * suspended time before every WEFT_LOD_TASK_BLOCK-th segment and a pyramid
 * of the task that took most of each block.
 */
#include "weft-lod-private.h"

#include <stdlib.h>

#define B WEFT_LOD_TASK_BLOCK

typedef struct
{
  guint32 pid;
  guint32 task;
  guint64 start;
  guint64 end;
} TaskRef;

static int
compare_task_ref (const void *a, const void *b)
{
  const TaskRef *x = a, *y = b;

  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->task < y->task ? -1 : x->task > y->task;
}

static guint32
process_of (WeftModel *m, guint32 pid)
{
  for (guint i = 0; i < weft_model_get_n_processes (m); i++)
    if (weft_model_get_process (m, i)->pid == pid)
      return i;
  return WEFT_MODEL_NONE;
}

/* Binary heaps of u64 keys with a u32 payload (row ends, free rows). */
typedef struct
{
  guint64 key;
  guint32 row;
} HeapItem;

static void
heap_push (GArray *heap, guint64 key, guint32 row)
{
  HeapItem item = { key, row };
  HeapItem *h;
  guint i;

  g_array_append_val (heap, item);
  h = (HeapItem *) heap->data;
  for (i = heap->len - 1; i > 0 && h[(i - 1) / 2].key > item.key; i = (i - 1) / 2)
    h[i] = h[(i - 1) / 2];
  h[i] = item;
}

static HeapItem
heap_pop (GArray *heap)
{
  HeapItem *h = (HeapItem *) heap->data, top = h[0], last = h[heap->len - 1];
  guint n = heap->len - 1, i = 0;

  for (;;)
    {
      guint child = 2 * i + 1;
      if (child >= n)
        break;
      if (child + 1 < n && h[child + 1].key < h[child].key)
        child++;
      if (h[child].key >= last.key)
        break;
      h[i] = h[child];
      i = child;
    }
  if (n > 0)
    h[i] = last;
  g_array_set_size (heap, n);
  return top;
}

void
_weft_lod_build_task_rows (WeftLod *lod)
{
  WeftModel *m = lod->model;
  guint n = weft_model_get_n_tasks (m);
  g_autofree TaskRef *refs = g_new (TaskRef, MAX (n, 1));
  g_autofree guint32 *row_of = g_new (guint32, MAX (n, 1));
  g_autoptr (GArray) busy = g_array_new (FALSE, FALSE, sizeof (HeapItem));
  g_autoptr (GArray) free_rows = g_array_new (FALSE, FALSE, sizeof (HeapItem));
  guint32 *counts;
  guint n_rows = 0;

  for (guint i = 0; i < n; i++)
    {
      const WeftModelTask *t = weft_model_get_task (m, i);
      const guint64 *times = weft_model_get_task_times (m, t);
      refs[i] = (TaskRef) { t->pid, i, times[0], times[t->n_times - 1] };
    }
  /* The model's tasks come sorted by start: with one process (the usual
   * case for async tasks) the refs are sorted already. */
  for (guint i = 1; i < n; i++)
    if (compare_task_ref (&refs[i - 1], &refs[i]) > 0)
      {
        qsort (refs, n, sizeof (TaskRef), compare_task_ref);
        break;
      }

  /* Per process, by start: a task takes the lowest-numbered row free at
   * its start. Rows in use wait in a heap by their end; freed rows in a
   * heap by number: O(n log n) however many tasks overlap. */
  for (guint i = 0; i < n;)
    {
      guint j = i, first_row = n_rows, rows = 0;

      g_array_set_size (busy, 0);
      g_array_set_size (free_rows, 0);
      for (; j < n && refs[j].pid == refs[i].pid; j++)
        {
          guint32 r;

          while (busy->len > 0 && g_array_index (busy, HeapItem, 0).key <= refs[j].start)
            {
              HeapItem done = heap_pop (busy);
              heap_push (free_rows, done.row, done.row);
            }
          r = free_rows->len > 0 ? heap_pop (free_rows).row : rows++;
          heap_push (busy, refs[j].end, r);
          row_of[j] = first_row + r;
        }
      n_rows += rows;
      i = j;
    }

  lod->n_task_rows = n_rows;
  lod->task_rows = g_new0 (WeftLodTaskRow, MAX (n_rows, 1));
  lod->task_row_tasks = g_new (guint32, MAX (n, 1));
  counts = g_new0 (guint32, MAX (n_rows, 1) + 1);
  for (guint i = 0; i < n; i++)
    counts[row_of[i] + 1]++;
  for (guint r = 0; r < n_rows; r++)
    counts[r + 1] += counts[r];
  for (guint r = 0; r < n_rows; r++)
    {
      lod->task_rows[r].tasks = lod->task_row_tasks + counts[r];
      lod->task_rows[r].n_tasks = 0;
    }
  /* refs are by (pid, start): each row's tasks come out by start. */
  for (guint i = 0, process = WEFT_MODEL_NONE; i < n; i++)
    {
      WeftLodTaskRow *row = &lod->task_rows[row_of[i]];

      if (i == 0 || refs[i].pid != refs[i - 1].pid)
        process = process_of (m, refs[i].pid);
      if (row->n_tasks == 0)
        {
          row->pid = refs[i].pid;
          row->process = process;
        }
      lod->task_row_tasks[counts[row_of[i]] + row->n_tasks++] = refs[i].task;
    }
  for (guint r = 0, first = 0; r < n_rows; r++)
    {
      if (r > 0 && lod->task_rows[r].pid != lod->task_rows[r - 1].pid)
        first = r;
      lod->task_rows[r].row = r - first;
    }
  g_free (counts);
}

static inline const WeftModelTask *
row_task (const WeftLod *lod, const WeftLodTaskRow *row, guint64 p)
{
  return weft_model_get_task (lod->model, row->tasks[p]);
}

static inline gboolean
segment_active (const WeftModelTask *task, guint64 k)
{
  return (k % 2 == 0) == !(task->flags & WEFT_MODEL_TASK_STARTS_SUSPENDED);
}

static inline guint64
task_segments (const WeftModelTask *task)
{
  return task->n_times >= 2 ? task->n_times - 1 : 0;
}

void
_weft_lod_task_build (WeftLod *lod, guint r)
{
  const WeftLodTaskRow *row = &lod->task_rows[r];
  WeftLodTaskIndex *index = &lod->task_index[r];
  guint64 n_segments = 0, n_blocks, f = 0;
  WeftLodTaskBlock acc = { 0 };
  WeftLodCandidates cand = { 0 };

  index->seg_start = g_new (guint64, row->n_tasks + 1);
  for (guint p = 0; p < row->n_tasks; p++)
    {
      index->seg_start[p] = n_segments;
      n_segments += task_segments (row_task (lod, row, p));
    }
  index->seg_start[row->n_tasks] = n_segments;
  index->n_segments = n_segments;
  n_blocks = (n_segments + B - 1) / B;
  index->blocks = g_new (WeftLodTaskBlock, n_blocks + 1);
  _weft_lod_levels_init (&index->levels, n_blocks);
  index->dom = g_new (WeftLodDom, MAX (index->levels.total, 1));

  for (guint p = 0; p < row->n_tasks; p++)
    {
      const WeftModelTask *task = row_task (lod, row, p);
      const guint64 *times = weft_model_get_task_times (lod->model, task);

      for (guint64 k = 0; k < task_segments (task); k++, f++)
        {
          guint64 len = times[k + 1] > times[k] ? times[k + 1] - times[k] : 0;

          if (f % B == 0)
            {
              acc.task = p;
              index->blocks[f / B] = acc;
              memset (&cand, 0, sizeof cand);
            }
          if (segment_active (task, k))
            acc.active += len;
          else
            acc.suspended += len;
          _weft_lod_candidates_add (&cand, row->tasks[p], (double) len + 1e-3);
          if (f % B == B - 1 || f + 1 == n_segments)
            {
              double ns;
              index->dom[f / B].id = _weft_lod_candidates_best (&cand, &ns);
              index->dom[f / B].ns = (float) ns;
            }
        }
    }
  acc.task = row->n_tasks;
  index->blocks[n_blocks] = acc;
  _weft_lod_dom_finish (&index->levels, index->dom);
}

void
_weft_lod_tasks_clear (WeftLod *lod)
{
  for (guint r = 0; lod->task_index != NULL && r < lod->n_task_rows; r++)
    {
      g_free (lod->task_index[r].seg_start);
      g_free (lod->task_index[r].blocks);
      g_free (lod->task_index[r].dom);
    }
  g_clear_pointer (&lod->task_index, g_free);
  g_clear_pointer (&lod->task_rows, g_free);
  g_clear_pointer (&lod->task_row_tasks, g_free);
  lod->n_task_rows = 0;
}

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

#define TASK_START(p) (weft_model_get_task_times (lod->model, row_task (lod, row, (p)))[0])
#define TASK_END(p)                                                                          \
  (weft_model_get_task_times (lod->model, row_task (lod, row, (p)))                          \
     [row_task (lod, row, (p))->n_times - 1])

/* Segments starting before key: (task position, segment in it). */
typedef struct
{
  guint64 f;        /* segments starting before the edge */
  guint64 p;        /* task of segment f - 1 */
  guint64 k;        /* its number in the task */
} SegPos;

static SegPos
seg_locate (const WeftLod *lod, const WeftLodTaskRow *row, const WeftLodTaskIndex *index,
            guint64 key, guint64 hint_task)
{
  SegPos pos = { 0 };
  const WeftModelTask *task;
  const guint64 *times;
  guint64 p, k;

  WEFT_LOD_LOWER_BOUND (p, row->n_tasks, hint_task, key, TASK_START);
  if (p == 0)
    return pos;
  p--;
  task = row_task (lod, row, p);
  times = weft_model_get_task_times (lod->model, task);
  /* Segment starts are times[0 … n - 2]. */
#define TIME_OF(i) (times[i])
  WEFT_LOD_LOWER_BOUND (k, task_segments (task), 0, key, TIME_OF);
#undef TIME_OF
  pos.f = index->seg_start[p] + k;
  pos.p = p;
  /* A task always has a segment; G_MAXUINT64 marks one without. */
  pos.k = k > 0 ? k - 1 : G_MAXUINT64;
  return pos;
}

typedef struct
{
  guint64 at; /* segment */
  guint64 p;  /* its task */
  WeftLodTaskBlock acc;
} TaskCursor;

static void
task_seek (const WeftLod *lod, const WeftLodTaskRow *row, const WeftLodTaskIndex *index,
           TaskCursor *c, guint64 target)
{
  if (target < c->at || target - c->at > B)
    {
      c->at = target / B * B;
      c->acc = index->blocks[target / B];
      c->p = c->acc.task;
    }
  while (c->at < target)
    {
      const WeftModelTask *task;
      const guint64 *times;
      guint64 k;

      while (c->p + 1 < row->n_tasks && index->seg_start[c->p + 1] <= c->at)
        c->p++;
      task = row_task (lod, row, c->p);
      times = weft_model_get_task_times (lod->model, task);
      k = c->at - index->seg_start[c->p];
      if (times[k + 1] > times[k])
        {
          if (segment_active (task, k))
            c->acc.active += times[k + 1] - times[k];
          else
            c->acc.suspended += times[k + 1] - times[k];
        }
      c->at++;
    }
}

typedef struct
{
  SegPos pos;
  WeftLodCum active, suspended;
} TaskPoint;

static TaskPoint
task_point (const WeftLod *lod, const WeftLodTaskRow *row, const WeftLodTaskIndex *index,
            TaskCursor *c, WeftLodEdge e)
{
  TaskPoint pt = { 0 };
  const WeftModelTask *task;
  const guint64 *times;

  pt.pos = seg_locate (lod, row, index, _weft_lod_edge_ceil (e), c->p);
  if (pt.pos.f == 0 || pt.pos.k == G_MAXUINT64)
    return pt;
  task_seek (lod, row, index, c, pt.pos.f - 1);
  pt.active.i = (gint64) c->acc.active;
  pt.suspended.i = (gint64) c->acc.suspended;
  task = row_task (lod, row, pt.pos.p);
  times = weft_model_get_task_times (lod->model, task);
  if (segment_active (task, pt.pos.k))
    pt.active.f = _weft_lod_part (times[pt.pos.k], MAX (times[pt.pos.k + 1], times[pt.pos.k]), e);
  else
    pt.suspended.f
      = _weft_lod_part (times[pt.pos.k], MAX (times[pt.pos.k + 1], times[pt.pos.k]), e);
  return pt;
}

static guint32
task_dominant (const WeftLod *lod, const WeftLodTaskRow *row, const WeftLodTaskIndex *index,
               guint64 first, guint64 last, WeftLodEdge a, WeftLodEdge b)
{
  WeftLodCandidates cand = { 0 };

  if (last - first < WEFT_LOD_EXACT_ITEMS)
    {
      guint64 p = 0;
#define SEG_START(i) (index->seg_start[i])
      WEFT_LOD_LOWER_BOUND (p, row->n_tasks + 1, 0, first + 1, SEG_START);
#undef SEG_START
      p = p > 0 ? p - 1 : 0;
      for (guint64 f = first; f <= last; f++)
        {
          const WeftModelTask *task;
          const guint64 *times;
          guint64 k, s, e;
          double ov;

          while (p + 1 < row->n_tasks && index->seg_start[p + 1] <= f)
            p++;
          task = row_task (lod, row, p);
          times = weft_model_get_task_times (lod->model, task);
          k = f - index->seg_start[p];
          s = times[k];
          e = MAX (times[k + 1], s);
          ov = _weft_lod_part (s, e, b) - _weft_lod_part (s, e, a);
          if (ov > 0)
            _weft_lod_candidates_add (&cand, row->tasks[p], ov);
        }
    }
  else
    {
      guint64 bf = first / B, bl = last / B;
      const WeftLodDom *leaf = index->dom;

      _weft_lod_candidates_add (&cand, leaf[bf].id,
                                leaf[bf].ns * (double) (MIN (last + 1, (bf + 1) * B) - first) / B);
      if (bl > bf)
        _weft_lod_candidates_add (&cand, leaf[bl].id,
                                  leaf[bl].ns * (double) (last + 1 - bl * B) / B);
      if (bl > bf + 1)
        _weft_lod_dom_range (&index->levels, index->dom, bf + 1, bl, &cand);
    }
  return _weft_lod_candidates_best (&cand, NULL);
}

void
weft_lod_task_columns (WeftLod *lod, guint r, const WeftLodWindow *w, WeftLodTaskColumn *out)
{
  const WeftLodTaskRow *row;
  const WeftLodTaskIndex *index;
  TaskCursor c = { 0 };
  TaskPoint prev;
  WeftLodEdge a;
  double width;
  guint64 ended = 0, started = 0;

  if (!_weft_lod_window_ok (w))
    return;
  g_return_if_fail (r < lod->n_task_rows);
  row = &lod->task_rows[r];
  index = &lod->task_index[r];
  width = _weft_lod_width (w);
  c.acc = index->blocks[0];

  a = _weft_lod_edge (w, 0);
  prev = task_point (lod, row, index, &c, a);
  for (guint i = 0; i < w->n_columns; i++)
    {
      WeftLodEdge b = _weft_lod_edge (w, i + 1);
      TaskPoint cur = task_point (lod, row, index, &c, b);
      WeftLodTaskColumn *col = &out[i];
      double act = _weft_lod_cum_diff (cur.active, prev.active);
      double sus = _weft_lod_cum_diff (cur.suspended, prev.suspended);

      col->active = _weft_lod_fraction (act, width);
      col->suspended = MIN (_weft_lod_fraction (sus, width), 1.0f - col->active);
      /* Tasks overlapping: begun before b, not ended by a. */
      WEFT_LOD_LOWER_BOUND (started, row->n_tasks, started, _weft_lod_edge_ceil (b), TASK_START);
      WEFT_LOD_LOWER_BOUND (ended, row->n_tasks, ended, a.ti + 1, TASK_END);
      col->count = started > ended ? (guint32) MIN (started - ended, G_MAXUINT32) : 0;
      col->task = WEFT_MODEL_NONE;
      if (cur.pos.f > 0 && act + sus > 0)
        col->task = task_dominant (lod, row, index, prev.pos.f > 0 ? prev.pos.f - 1 : 0,
                                   cur.pos.f - 1, a, b);
      prev = cur;
      a = b;
    }
}

gboolean
weft_lod_task_at (WeftLod *lod, guint r, guint64 t, guint64 slop, guint32 *task_out,
                  guint32 *segment, gboolean *active)
{
  const WeftLodTaskRow *row;
  const WeftLodTaskIndex *index;
  SegPos pos;
  guint64 best_f = G_MAXUINT64, best_d = G_MAXUINT64;

  g_return_val_if_fail (r < lod->n_task_rows, FALSE);
  row = &lod->task_rows[r];
  index = &lod->task_index[r];
  t = MIN (t, G_MAXUINT64 - 1); /* t + 1 below */
  pos = seg_locate (lod, row, index, t + 1, 0);
  /* Segment f - 1 (starting at or before t), or the next one. */
  for (guint side = 0; side < 2; side++)
    {
      guint64 f = side == 0 ? pos.f - 1 : pos.f, p, k, s, e, d;
      const WeftModelTask *task;
      const guint64 *times;

      if ((side == 0 && pos.f == 0) || f >= index->n_segments)
        continue;
#define SEG_START(i) (index->seg_start[i])
      WEFT_LOD_LOWER_BOUND (p, row->n_tasks + 1, 0, f + 1, SEG_START);
#undef SEG_START
      p--;
      task = row_task (lod, row, p);
      times = weft_model_get_task_times (lod->model, task);
      k = f - index->seg_start[p];
      s = times[k];
      e = MAX (times[k + 1], s + 1);
      d = t < s ? s - t : t >= e ? t - e + 1 : 0;
      if (d <= slop && d < best_d)
        {
          best_d = d;
          best_f = f;
          *task_out = row->tasks[p];
          *segment = (guint32) k;
          *active = segment_active (task, k);
        }
    }
  return best_f != G_MAXUINT64;
}
