/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-tasks.c: packs each process's async tasks into rows where they
 * do not overlap (interval partitioning: a task takes the first row free
 * at its start), so a task lane is a sorted run of segments.
 */
#include "weft-lod-private.h"

#include <stdlib.h>

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

void
_weft_lod_build_task_rows (WeftLod *lod)
{
  WeftModel *m = lod->model;
  guint n = weft_model_get_n_tasks (m);
  g_autofree TaskRef *refs = g_new (TaskRef, MAX (n, 1));
  g_autofree guint32 *row_of = g_new (guint32, MAX (n, 1));
  GArray *row_ends = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint32 *counts;
  guint n_rows = 0;

  for (guint i = 0; i < n; i++)
    {
      const WeftModelTask *t = weft_model_get_task (m, i);
      const guint64 *times = weft_model_get_task_times (m, t);
      refs[i] = (TaskRef) { t->pid, i, times[0], times[t->n_times - 1] };
    }
  qsort (refs, n, sizeof (TaskRef), compare_task_ref);

  /* Per process: first-fit by start over the rows' current ends. The
   * rows of one process stay few unless tasks overlap a lot; a scan over
   * them is what keeps the packing stable and simple. */
  for (guint i = 0; i < n;)
    {
      guint j = i, first_row = n_rows;

      g_array_set_size (row_ends, 0);
      for (; j < n && refs[j].pid == refs[i].pid; j++)
        {
          guint r;
          for (r = 0; r < row_ends->len; r++)
            if (g_array_index (row_ends, guint64, r) <= refs[j].start)
              break;
          if (r == row_ends->len)
            g_array_append_val (row_ends, refs[j].end);
          else
            g_array_index (row_ends, guint64, r) = refs[j].end;
          row_of[j] = first_row + r;
        }
      n_rows += row_ends->len;
      i = j;
    }
  g_array_unref (row_ends);

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
  for (guint i = 0; i < n; i++)
    {
      WeftLodTaskRow *row = &lod->task_rows[row_of[i]];
      if (row->n_tasks == 0)
        {
          row->pid = refs[i].pid;
          row->process = process_of (m, refs[i].pid);
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
