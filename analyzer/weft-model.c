/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-model.c: the model's life cycle, interned names and accessors. The
 * pass that fills it is weft-model-build.c; the scheduler's lanes are
 * weft-model-sched.c.
 */
#include "weft-model-private.h"

G_DEFINE_QUARK (weft-model-error-quark, weft_model_error)

guint32
_weft_model_intern (WeftModel *model, const char *str)
{
  gpointer value;
  char *copy;
  guint32 id;

  if (str == NULL || *str == '\0')
    return 0;
  if (g_hash_table_lookup_extended (model->name_ids, str, NULL, &value))
    return GPOINTER_TO_UINT (value);
  copy = g_string_chunk_insert (model->strings, str);
  id = model->names->len;
  g_ptr_array_add (model->names, copy);
  g_hash_table_insert (model->name_ids, copy, GUINT_TO_POINTER (id));
  return id;
}

static WeftModel *
weft_model_alloc (void)
{
  WeftModel *model = g_new0 (WeftModel, 1);

  g_atomic_ref_count_init (&model->ref_count);
  model->cpu_count = -1;
  model->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  model->names = g_ptr_array_new ();
  model->name_ids = g_hash_table_new (g_str_hash, g_str_equal);
  model->strings = g_string_chunk_new (64 * 1024);
  g_ptr_array_add (model->names, (gpointer) "");
  model->thread_by_tid = g_hash_table_new (NULL, NULL);
  model->locks = g_array_new (FALSE, FALSE, sizeof (WeftModelLock));
  return model;
}

static void
weft_model_free (WeftModel *model)
{
  for (guint i = 0; i < model->n_threads; i++)
    {
      WeftThreadData *t = &model->threads[i];
      WeftVecSpan_clear (&t->spans);
      WeftVecSpanArgs_clear (&t->span_args);
      WeftVecU64_clear (&t->instant_times);
      WeftVecU32_clear (&t->instant_names);
      WeftVecWait_clear (&t->waits);
      WeftVecU32_clear (&t->slices);
      WeftVecU64_clear (&t->other_times);
      WeftVecU64_clear (&t->depth_spans);
      WeftVecU32_clear (&t->open_spans);
      WeftVecU32_clear (&t->open_waits);
    }
  g_free (model->threads);
  for (guint i = 0; i < model->n_cpus; i++)
    {
      WeftVecU64_clear (&model->cpus[i].starts);
      WeftVecU32_clear (&model->cpus[i].who);
    }
  g_free (model->cpus);
  for (guint i = 0; i < model->n_counters; i++)
    {
      WeftVecU64_clear (&model->counters[i].times);
      WeftVecF64_clear (&model->counters[i].values);
    }
  g_free (model->counters);
  g_free (model->processes);
  g_free (model->process_threads);
  WeftVecTask_clear (&model->tasks);
  WeftVecU64_clear (&model->task_times);
  WeftVecU64_clear (&model->task_noop_times);
  WeftVecFlow_clear (&model->flows);
  WeftVecLost_clear (&model->lost);
  g_array_unref (model->locks);
  _weft_model_sched_totals_clear (&model->whole);
  g_hash_table_unref (model->thread_by_tid);
  g_hash_table_unref (model->name_ids);
  g_ptr_array_unref (model->names);
  g_string_chunk_free (model->strings);
  g_hash_table_unref (model->metadata);
  g_free (model->source);
  g_free (model);
}

WeftModel *
weft_model_new (WeftReader *reader, WeftModelProgressFunc progress, gpointer user_data,
                GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (reader != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _weft_model_new_swept (reader, NULL, progress, user_data, cancellable, error);
}

WeftModel *
_weft_model_new_swept (WeftReader *reader, const WeftModelSweepSink *sweep,
                       WeftModelProgressFunc progress, gpointer user_data,
                       GCancellable *cancellable, GError **error)
{
  WeftModel *model = weft_model_alloc ();

  if (!_weft_model_build (model, reader, NULL, sweep, progress, user_data, cancellable, error))
    {
      weft_model_free (model);
      return NULL;
    }
  return model;
}

WeftModel *
_weft_model_new_folding (WeftReader *reader, const WeftModelSpanSink *sink,
                         GCancellable *cancellable, gboolean *overlapped, GError **error)
{
  WeftModel *model = weft_model_alloc ();

  if (!_weft_model_build (model, reader, sink, NULL, NULL, NULL, cancellable, error))
    {
      *overlapped = model->fold_overlapped;
      weft_model_free (model);
      return NULL;
    }
  *overlapped = FALSE;
  return model;
}

WeftModel *
weft_model_ref (WeftModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_atomic_ref_count_inc (&model->ref_count);
  return model;
}

void
weft_model_unref (WeftModel *model)
{
  g_return_if_fail (model != NULL);
  if (g_atomic_ref_count_dec (&model->ref_count))
    weft_model_free (model);
}

guint64
weft_model_get_time_zero (WeftModel *model)
{
  return model->time_zero;
}

guint64
weft_model_get_duration (WeftModel *model)
{
  return model->duration;
}

guint64
weft_model_get_n_events (WeftModel *model)
{
  return model->n_events;
}

guint64
weft_model_get_lost_events (WeftModel *model)
{
  return model->lost_events;
}

gboolean
weft_model_has_sched (WeftModel *model)
{
  return model->sched;
}

gboolean
weft_model_has_other (WeftModel *model)
{
  return model->other;
}

int
weft_model_get_cpu_count (WeftModel *model)
{
  return model->cpu_count;
}

const char *
weft_model_get_metadata (WeftModel *model, const char *key)
{
  return g_hash_table_lookup (model->metadata, key);
}

const char *
weft_model_get_source (WeftModel *model)
{
  return model->source;
}

guint64
weft_model_get_unmatched_ends (WeftModel *model)
{
  return model->unmatched_ends;
}

const char *
weft_model_get_name (WeftModel *model, guint32 id)
{
  if (id >= model->names->len)
    return "";
  return g_ptr_array_index (model->names, id);
}

guint
weft_model_get_n_names (WeftModel *model)
{
  return model->names->len;
}

guint
weft_model_get_n_processes (WeftModel *model)
{
  return model->n_processes;
}

const WeftModelProcess *
weft_model_get_process (WeftModel *model, guint index)
{
  g_return_val_if_fail (index < model->n_processes, NULL);
  return &model->processes[index];
}

const guint64 *
_weft_model_get_depth_spans (WeftModel *model, guint thread, guint *n)
{
  *n = thread < model->n_threads ? (guint) model->threads[thread].depth_spans.len : 0;
  return *n > 0 ? model->threads[thread].depth_spans.data : NULL;
}

guint
weft_model_get_n_threads (WeftModel *model)
{
  return model->n_threads;
}

const WeftModelThread *
weft_model_get_thread (WeftModel *model, guint index)
{
  g_return_val_if_fail (index < model->n_threads, NULL);
  return &model->threads[index].pub;
}

guint
weft_model_get_n_cpus (WeftModel *model)
{
  return model->n_cpus;
}

const WeftModelCpu *
weft_model_get_cpu (WeftModel *model, guint index)
{
  g_return_val_if_fail (index < model->n_cpus, NULL);
  return &model->cpus[index].pub;
}

guint64
weft_model_get_slice_end (WeftModel *model, guint cpu_index, guint64 slice)
{
  const WeftModelCpu *cpu;

  g_return_val_if_fail (cpu_index < model->n_cpus, 0);
  cpu = &model->cpus[cpu_index].pub;
  if (slice + 1 < cpu->n_slices)
    return cpu->starts[slice + 1];
  return model->duration;
}

gboolean
weft_model_lookup_slice (WeftModel *model, guint64 global, guint *cpu_index, guint64 *slice)
{
  guint lo = 0, hi = model->n_cpus;

  /* The lane whose first_slice is the last one <= global. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (model->cpus[mid].pub.first_slice <= global)
        lo = mid + 1;
      else
        hi = mid;
    }
  while (lo > 0)
    {
      const WeftModelCpu *cpu = &model->cpus[lo - 1].pub;
      if (global - cpu->first_slice < cpu->n_slices)
        {
          *cpu_index = lo - 1;
          *slice = global - cpu->first_slice;
          return TRUE;
        }
      /* Empty lanes share first_slice with the next one: look left. */
      if (cpu->n_slices != 0)
        break;
      lo--;
    }
  return FALSE;
}

guint
weft_model_get_n_counters (WeftModel *model)
{
  return model->n_counters;
}

const WeftModelCounter *
weft_model_get_counter (WeftModel *model, guint index)
{
  g_return_val_if_fail (index < model->n_counters, NULL);
  return &model->counters[index].pub;
}

guint
weft_model_get_n_tasks (WeftModel *model)
{
  return model->tasks.len;
}

const WeftModelTask *
weft_model_get_task (WeftModel *model, guint index)
{
  g_return_val_if_fail (index < model->tasks.len, NULL);
  return &model->tasks.data[index];
}

const guint64 *
weft_model_get_task_times (WeftModel *model, const WeftModelTask *task)
{
  return model->task_times.data + task->first_time;
}

const guint64 *
weft_model_get_task_noop_times (WeftModel *model, guint64 *n)
{
  *n = model->task_noop_times.len;
  return model->task_noop_times.data;
}

guint64
weft_model_get_n_flows (WeftModel *model)
{
  return model->flows.len;
}

const WeftModelFlow *
weft_model_get_flows (WeftModel *model)
{
  return model->flows.data;
}

guint
weft_model_get_n_locks (WeftModel *model)
{
  return model->locks->len;
}

const WeftModelLock *
weft_model_get_lock (WeftModel *model, guint index)
{
  g_return_val_if_fail (index < model->locks->len, NULL);
  return &g_array_index (model->locks, WeftModelLock, index);
}

const WeftModelLost *
weft_model_get_lost (WeftModel *model, guint64 *n)
{
  *n = model->lost.len;
  return model->lost.data;
}

gsize
weft_model_get_memory_size (WeftModel *model)
{
  gsize size = sizeof (WeftModel);

  size += model->threads_cap * sizeof (WeftThreadData);
  for (guint i = 0; i < model->n_threads; i++)
    {
      const WeftThreadData *t = &model->threads[i];
      size += t->spans.cap * sizeof (WeftModelSpan) + t->span_args.cap * sizeof (WeftModelSpanArgs)
              + t->instant_times.cap * 8 + t->instant_names.cap * 4
              + t->waits.cap * sizeof (WeftModelWait) + t->slices.cap * 4
              + t->other_times.cap * 8 + t->depth_spans.cap * 8;
    }
  for (guint i = 0; i < model->n_cpus; i++)
    size += sizeof (WeftCpuData) + model->cpus[i].starts.cap * 8 + model->cpus[i].who.cap * 4;
  for (guint i = 0; i < model->n_counters; i++)
    size += sizeof (WeftCounterData) + model->counters[i].times.cap * 16;
  size += model->tasks.cap * sizeof (WeftModelTask) + model->task_times.cap * 8
          + model->task_noop_times.cap * 8 + model->flows.cap * sizeof (WeftModelFlow)
          + model->locks->len * sizeof (WeftModelLock) + model->lost.cap * sizeof (WeftModelLost);
  return size;
}

guint64
weft_model_thread_find_span (const WeftModelThread *thread, guint64 t)
{
  guint64 lo = 0, hi = thread->n_spans, i;

  /* First span starting at or after t. */
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      if (thread->spans[mid].start < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  /* Spans before it that may still be open at t all descend from the last
   * outermost span starting before t: walk back to it. */
  i = lo;
  while (i > 0)
    {
      i--;
      if (WEFT_MODEL_SPAN_DEPTH (&thread->spans[i]) == 0)
        return thread->spans[i].end >= t ? i : lo;
    }
  return 0; /* no outermost span before lo (only after an odd merge): walk all */
}
