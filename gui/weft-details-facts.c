/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-details-facts.h"

/* A span with more CPU slices than this lists the CPUs of the first ones:
 * the scan stays short on a span of a long-running thread. */
#define MAX_SLICES_SCANNED 100000

static guint32
cpu_number (WeftModel *model, guint32 lane)
{
  return lane < weft_model_get_n_cpus (model) ? weft_model_get_cpu (model, lane)->cpu : lane;
}

char *
weft_details_span_cpus (WeftModel *model, const WeftModelThread *t, guint64 start, guint64 end,
                        guint64 *on_cpu)
{
  g_autoptr (GString) list = g_string_new (NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint64 lo = 0, hi = t->n_slices;

  *on_cpu = 0;
  /* the first slice ending after start (slices are in time order) */
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      guint cpu;
      guint64 slice;

      if (weft_model_lookup_slice (model, t->slices[mid], &cpu, &slice)
          && weft_model_get_slice_end (model, cpu, slice) <= start)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (guint64 i = lo; i < t->n_slices && i < lo + MAX_SLICES_SCANNED; i++)
    {
      guint cpu;
      guint64 slice, s, e;

      if (!weft_model_lookup_slice (model, t->slices[i], &cpu, &slice))
        continue;
      s = weft_model_get_cpu (model, cpu)->starts[slice];
      e = weft_model_get_slice_end (model, cpu, slice);
      if (s >= end)
        break;
      if (e <= start)
        continue;
      *on_cpu += MIN (e, end) - MAX (s, start);
      if (!g_hash_table_contains (seen, GUINT_TO_POINTER (cpu + 1)))
        {
          g_hash_table_add (seen, GUINT_TO_POINTER (cpu + 1));
          g_string_append_printf (list, list->len > 0 ? ", %u" : "%u", cpu_number (model, cpu));
        }
    }
  return list->len > 0 ? g_string_free (g_steal_pointer (&list), FALSE) : NULL;
}

guint64
weft_details_span_self_time (const WeftModelThread *t, guint64 index)
{
  const WeftModelSpan *s = &t->spans[index];
  guint32 depth = WEFT_MODEL_SPAN_DEPTH (s);
  guint64 children = 0;

  for (guint64 i = index + 1; i < t->n_spans; i++)
    {
      const WeftModelSpan *c = &t->spans[i];
      guint32 d = WEFT_MODEL_SPAN_DEPTH (c);

      if (d <= depth || c->start >= s->end)
        break;
      if (d == depth + 1)
        children += MIN (c->end, s->end) - c->start;
    }
  return s->end - s->start - MIN (children, s->end - s->start);
}

const char *
weft_details_span_args (WeftModel *model, const WeftModelThread *t, guint64 index)
{
  guint64 lo = 0, hi = t->n_span_args;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (t->span_args[mid].span < index)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo < t->n_span_args && t->span_args[lo].span == index)
    return weft_model_get_name (model, t->span_args[lo].args);
  return NULL;
}

const WeftModelWait *
weft_details_find_wait (const WeftModelThread *t, guint64 time)
{
  guint64 lo = 0, hi = t->n_waits;

  /* the last wait starting at or before time */
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (t->waits[mid].start <= time)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo > 0 && t->waits[lo - 1].end >= time)
    return &t->waits[lo - 1];
  return NULL;
}

void
weft_details_task_times (WeftModel *model, const WeftModelTask *task, guint64 *active,
                         guint64 *suspended)
{
  const guint64 *times = weft_model_get_task_times (model, task);
  gboolean first_active = !(task->flags & WEFT_MODEL_TASK_STARTS_SUSPENDED);

  *active = *suspended = 0;
  if (times == NULL)
    return;
  /* segments alternate active and suspended from the first */
  for (guint32 i = 0; i + 1 < task->n_times; i++)
    {
      guint64 d = times[i + 1] > times[i] ? times[i + 1] - times[i] : 0;

      if ((i % 2 == 0) == first_active)
        *active += d;
      else
        *suspended += d;
    }
}
