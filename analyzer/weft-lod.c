/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod.c: the level-of-detail index's life cycle and its build, which
 * runs one job per lane on every core. The lanes' queries are in
 * weft-lod-cpu.c, -state.c, -spans.c, -tasks.c, -counters.c and
 * -parallel.c.
 */
#include "weft-lod-private.h"

#include <stdlib.h>
#include <string.h>

typedef enum
{
  JOB_CPU,
  JOB_THREAD,
  JOB_TASK_ROW,
  JOB_COUNTER,
  JOB_PARALLEL,
} JobKind;

typedef struct
{
  WeftLod *lod;
  GCancellable *cancellable;
  guint n_jobs;
  gint next;           /* atomic: next job to take */
  gint failed;         /* atomic: cancelled */
  guint64 total_weight;
  guint64 done_weight; /* atomic */
  guint64 *weights;
} Build;

static JobKind
job_kind (const WeftLod *lod, guint job, guint *index)
{
  if (job < lod->n_cpus)
    return *index = job, JOB_CPU;
  job -= lod->n_cpus;
  if (job < lod->n_threads)
    return *index = job, JOB_THREAD;
  job -= lod->n_threads;
  if (job < lod->n_task_rows)
    return *index = job, JOB_TASK_ROW;
  job -= lod->n_task_rows;
  if (job < lod->n_counters)
    return *index = job, JOB_COUNTER;
  return *index = 0, JOB_PARALLEL;
}

static guint64
job_weight (const WeftLod *lod, guint job)
{
  WeftModel *m = lod->model;
  guint index;

  switch (job_kind (lod, job, &index))
    {
    case JOB_CPU:
      return weft_model_get_cpu (m, index)->n_slices + 1;
    case JOB_THREAD:
      {
        const WeftModelThread *t = weft_model_get_thread (m, index);
        return t->n_slices * 2 + t->n_spans + t->n_waits * 4 + 1;
      }
    case JOB_TASK_ROW:
      return lod->task_rows[index].n_tasks * 4 + 1;
    case JOB_COUNTER:
      return weft_model_get_counter (m, index)->n + 1;
    case JOB_PARALLEL:
    default:
      return weft_model_get_n_events (m) / 4 + 1;
    }
}

static gboolean
run_job (Build *b, guint job)
{
  WeftLod *lod = b->lod;
  guint index;

  switch (job_kind (lod, job, &index))
    {
    case JOB_CPU:
      _weft_lod_cpu_build (lod, index);
      break;
    case JOB_THREAD:
      _weft_lod_state_build (lod, index);
      _weft_lod_spans_build (lod, index);
      break;
    case JOB_TASK_ROW:
      _weft_lod_task_build (lod, index);
      break;
    case JOB_COUNTER:
      _weft_lod_counter_build (lod, index);
      break;
    case JOB_PARALLEL:
      return _weft_lod_parallel_build (lod, b->cancellable);
    }
  return TRUE;
}

/* Takes jobs until none is left or the build is cancelled. */
static gpointer
worker (gpointer data)
{
  Build *b = data;

  for (;;)
    {
      guint job = (guint) g_atomic_int_add (&b->next, 1);

      if (job >= b->n_jobs || g_atomic_int_get (&b->failed))
        break;
      if (g_cancellable_is_cancelled (b->cancellable) || !run_job (b, job))
        {
          g_atomic_int_set (&b->failed, 1);
          break;
        }
      __atomic_add_fetch (&b->done_weight, b->weights[job], __ATOMIC_RELAXED);
    }
  return NULL;
}

static guint64
row_pyramid_nodes (guint64 n_spans)
{
  WeftLodLevels levels;

  _weft_lod_levels_init (&levels, (n_spans + WEFT_LOD_SPAN_BLOCK - 1) / WEFT_LOD_SPAN_BLOCK);
  return MAX (levels.total, 1);
}

static gsize
memory_size (const WeftLod *lod)
{
  gsize size = sizeof (WeftLod) + (lod->n_cpus + 1) * sizeof (guint64);

  size += lod->n_cpus * sizeof (WeftLodCpuIndex);
  for (guint c = 0; c < lod->n_cpus; c++)
    size += _weft_lod_cpu_size ((WeftLod *) lod, c);
  size += lod->n_threads * sizeof (WeftLodThreadIndex);
  for (guint i = 0; i < lod->n_threads; i++)
    {
      const WeftLodThreadIndex *t = &lod->threads[i];
      const WeftModelThread *th = weft_model_get_thread (lod->model, i);

      if (t->state_blocks != NULL)
        size += (t->state_levels.len[0] + 1) * sizeof (WeftLodStateBlock)
                + t->state_levels.total * sizeof (WeftLodDom);
      if (t->wait_split != NULL)
        size += th->n_waits * sizeof (WeftLodWaitSplit)
                + (th->n_waits / WEFT_LOD_WAIT_BLOCK + 1) * sizeof (WeftLodWaitBlock);
      size += t->n_rows * sizeof (WeftLodSpanRow);
      for (guint d = 0; d < t->n_rows; d++)
        size += (t->rows[d].order != NULL ? t->rows[d].n * sizeof (guint32) : 0)
                + ((t->rows[d].n + WEFT_LOD_COVER_STEP - 1) / WEFT_LOD_COVER_STEP + 1)
                    * sizeof (guint64)
                + row_pyramid_nodes (t->rows[d].n) * (sizeof (WeftLodDom) + sizeof (float));
    }
  size += lod->n_task_rows * (sizeof (WeftLodTaskRow) + sizeof (WeftLodTaskIndex));
  for (guint r = 0; r < lod->n_task_rows; r++)
    size += lod->task_rows[r].n_tasks * (sizeof (guint32) + sizeof (guint64))
            + (lod->task_index[r].levels.len[0] + 1) * sizeof (WeftLodTaskBlock)
            + lod->task_index[r].levels.total * sizeof (WeftLodDom);
  size += lod->n_counters * sizeof (WeftLodCounterIndex);
  for (guint i = 0; i < lod->n_counters; i++)
    size += lod->counters[i].levels.total * 2 * sizeof (double);
  size += lod->bucket_levels.total * sizeof (float);
  if (lod->bucket_cum != NULL)
    size += (lod->n_buckets + 1) * sizeof (double);
  return size;
}

static void
lod_free (WeftLod *lod)
{
  for (guint c = 0; lod->cpus != NULL && c < lod->n_cpus; c++)
    _weft_lod_cpu_clear (&lod->cpus[c]);
  g_free (lod->cpus);
  g_free (lod->cpu_first);
  g_free (lod->lanes);
  for (guint i = 0; lod->threads != NULL && i < lod->n_threads; i++)
    {
      _weft_lod_state_clear (&lod->threads[i]);
      _weft_lod_spans_clear (&lod->threads[i]);
    }
  g_free (lod->threads);
  _weft_lod_tasks_clear (lod);
  _weft_lod_counters_clear (lod);
  _weft_lod_parallel_clear (lod);
  weft_model_unref (lod->model);
  g_free (lod);
}

/* weft_lod_new (), taking the parallelism buckets from swept when the
 * model's build filled them. */
static WeftLod *
lod_new (WeftModel *model, WeftLodSweep *swept, WeftModelProgressFunc progress,
         gpointer user_data, GCancellable *cancellable, GError **error)
{
  WeftLod *lod;
  Build b = { 0 };
  guint n_workers;
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  lod = g_new0 (WeftLod, 1);
  g_atomic_ref_count_init (&lod->ref_count);
  lod->model = weft_model_ref (model);
  lod->duration = weft_model_get_duration (model);
  lod->grow_rows = g_getenv ("WEFT_LOD_GROW_ROWS") != NULL;
  lod->n_cpus = weft_model_get_n_cpus (model);
  lod->n_threads = weft_model_get_n_threads (model);
  lod->n_counters = weft_model_get_n_counters (model);
  lod->swept = swept;
  lod->cpu_first = g_new (guint64, lod->n_cpus + 1);
  lod->lanes = g_new (const WeftModelCpu *, MAX (lod->n_cpus, 1));
  for (guint c = 0; c < lod->n_cpus; c++)
    {
      lod->lanes[c] = weft_model_get_cpu (model, c);
      lod->cpu_first[c] = lod->lanes[c]->first_slice;
    }
  lod->cpu_first[lod->n_cpus] = lod->n_cpus > 0 ? lod->cpu_first[lod->n_cpus - 1]
                                                    + weft_model_get_cpu (model, lod->n_cpus - 1)->n_slices
                                                : 0;
  lod->cpus = g_new0 (WeftLodCpuIndex, MAX (lod->n_cpus, 1));
  lod->threads = g_new0 (WeftLodThreadIndex, MAX (lod->n_threads, 1));
  lod->counters = g_new0 (WeftLodCounterIndex, MAX (lod->n_counters, 1));
  _weft_lod_build_task_rows (lod);
  lod->task_index = g_new0 (WeftLodTaskIndex, MAX (lod->n_task_rows, 1));

  b.lod = lod;
  b.cancellable = cancellable;
  b.n_jobs = lod->n_cpus + lod->n_threads + lod->n_task_rows + lod->n_counters + 1;
  b.weights = g_new (guint64, b.n_jobs);
  for (guint j = 0; j < b.n_jobs; j++)
    b.total_weight += b.weights[j] = job_weight (lod, j);

  /* Helpers take jobs beside this thread, which also reports progress
   * between its own jobs. */
  n_workers = MIN (MAX (g_get_num_processors (), 1), b.n_jobs);
  /* For measurements: WEFT_LOD_THREADS=1 builds on this thread alone. */
  if (g_getenv ("WEFT_LOD_THREADS") != NULL)
    n_workers = MAX (1, atoi (g_getenv ("WEFT_LOD_THREADS")));
  for (guint i = 1; i < n_workers; i++)
    {
      GThread *t = g_thread_try_new ("weft-lod", worker, &b, NULL);
      if (t == NULL)
        break;
      g_ptr_array_add (threads, t);
    }
  for (;;)
    {
      guint job = (guint) g_atomic_int_add (&b.next, 1);

      if (job >= b.n_jobs || g_atomic_int_get (&b.failed))
        break;
      if (g_cancellable_is_cancelled (cancellable) || !run_job (&b, job))
        {
          g_atomic_int_set (&b.failed, 1);
          break;
        }
      __atomic_add_fetch (&b.done_weight, b.weights[job], __ATOMIC_RELAXED);
      if (progress != NULL)
        progress ((double) __atomic_load_n (&b.done_weight, __ATOMIC_RELAXED)
                    / (double) b.total_weight,
                  user_data);
    }
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  g_free (b.weights);
  lod->swept = NULL;

  if (b.failed)
    {
      lod_free (lod);
      if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
      return NULL;
    }
  lod->memory = memory_size (lod);
  if (progress != NULL)
    progress (1.0, user_data);
  return lod;
}

WeftLod *
weft_lod_new (WeftModel *model, WeftModelProgressFunc progress, gpointer user_data,
              GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return lod_new (model, NULL, progress, user_data, cancellable, error);
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
  WeftLodSweep swept;
  WeftModelSweepSink sink;
  WeftLod *lod;

  g_return_val_if_fail (reader != NULL, NULL);

  /* The model's build merges the CPU lanes in time order anyway: the
   * parallelism strip's buckets and the thread state strips are filled
   * there, not by a second merge and a walk. */
  _weft_lod_sweep_sink (&swept, &sink);
  model = _weft_model_new_swept (reader, &sink, progress != NULL ? progress_split : NULL, &split,
                                 cancellable, error);
  if (model == NULL)
    {
      _weft_lod_sweep_clear (&swept);
      return NULL;
    }
  split.offset = 0.85;
  split.scale = 0.15;
  lod = lod_new (model, &swept, progress != NULL ? progress_split : NULL, &split, cancellable,
                 error);
  _weft_lod_sweep_clear (&swept);
  return lod;
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
  lod_free (lod);
}

WeftModel *
weft_lod_get_model (WeftLod *lod)
{
  return lod->model;
}

gsize
weft_lod_get_memory_size (WeftLod *lod)
{
  return lod->memory;
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

