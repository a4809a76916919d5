/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-model-post.c: what the model does once every stream is read:
 * threads' ends and open spans, the scheduler's slice lists, tasks and
 * flows put together from several streams, processes and lock labels.
 */
#include "weft-model-build.h"

#include <stdlib.h>
#include <string.h>

/* Orders records by their first u64 (a time). */
static int
compare_u64 (gconstpointer a, gconstpointer b, gpointer data)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* Sorts n records (an empty array may be NULL). */
static void
sort_records (gpointer base, gsize n, gsize size, GCompareDataFunc compare, gpointer data)
{
  if (n > 1)
    g_qsort_with_data (base, n, size, compare, data);
}

static int
compare_span_index (gconstpointer a, gconstpointer b, gpointer data)
{
  const WeftModelSpan *spans = data;
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  if (spans[x].start != spans[y].start)
    return spans[x].start < spans[y].start ? -1 : 1;
  return x < y ? -1 : x > y;
}

static int
compare_wait (gconstpointer a, gconstpointer b, gpointer data)
{
  const WeftModelWait *x = a, *y = b;

  return x->start < y->start ? -1 : x->start > y->start;
}

static gboolean
times_sorted (const guint64 *times, gsize n)
{
  for (gsize i = 1; i < n; i++)
    if (times[i] < times[i - 1])
      return FALSE;
  return TRUE;
}

/* After the sort, spans of streams that overlapped may cross: nests them
 * again, in start order. A span is inside the last open one unless that
 * one ended before it began (touching: the span's recorded depth against
 * the depth the open one was given decides, so spans that nested already
 * keep their depths); one that would outlive its parent is cut at the
 * parent's end. Depth counts follow. */
static void
thread_renest (WeftThreadData *t)
{
  g_autofree guint32 *stack = g_new (guint32, MAX (t->spans.len, 1));
  WeftModelSpan *spans = t->spans.data;
  gsize sp = 0;

  t->pub.max_depth = 0;
  t->depth_spans.len = 0;
  for (gsize i = 0; i < t->spans.len; i++)
    {
      WeftModelSpan *s = &spans[i];
      guint32 recorded = WEFT_MODEL_SPAN_DEPTH (s), depth;

      while (sp > 0)
        {
          const WeftModelSpan *top = &spans[stack[sp - 1]];
          if (top->end > s->start
              || (top->end == s->start && recorded > WEFT_MODEL_SPAN_DEPTH (top)))
            break;
          sp--;
        }
      /* An end read in one stream may precede a begin from another. */
      if (s->end < s->start)
        s->end = s->start;
      if (sp > 0 && s->end > spans[stack[sp - 1]].end)
        s->end = spans[stack[sp - 1]].end;
      depth = (guint32) MIN (sp, WEFT_MODEL_SPAN_UNCLOSED - 1);
      s->depth = depth | (s->depth & WEFT_MODEL_SPAN_UNCLOSED);
      stack[sp++] = (guint32) i;
      if (depth + 1 > t->pub.max_depth)
        {
          t->pub.max_depth = depth + 1;
          while (t->depth_spans.len < MIN (t->pub.max_depth, WEFT_MODEL_DEPTH_COUNTS))
            WeftVecU64_append (&t->depth_spans, 0);
        }
      t->depth_spans.data[MIN (depth, WEFT_MODEL_DEPTH_COUNTS - 1)]++;
    }
}

/* Streams of one thread that overlapped in time (rare): restore the time
 * order the lookups rely on, and the nesting. Span arguments follow their
 * spans. */
static void
thread_sort (WeftThreadData *t)
{
  g_autofree guint32 *order = g_new (guint32, MAX (t->spans.len, 1));
  g_autofree guint32 *where = g_new (guint32, MAX (t->spans.len, 1));
  g_autofree WeftModelSpan *sorted = g_new (WeftModelSpan, MAX (t->spans.len, 1));

  for (gsize i = 0; i < t->spans.len; i++)
    order[i] = i;
  sort_records (order, t->spans.len, sizeof (guint32), compare_span_index, t->spans.data);
  for (gsize i = 0; i < t->spans.len; i++)
    {
      sorted[i] = t->spans.data[order[i]];
      where[order[i]] = i;
    }
  if (t->spans.len > 0)
    memcpy (t->spans.data, sorted, t->spans.len * sizeof (WeftModelSpan));
  thread_renest (t);
  for (gsize i = 0; i < t->span_args.len; i++)
    t->span_args.data[i].span = where[t->span_args.data[i].span];
  /* (span, args) pairs: sort by span through the u64 view of the pair. */
  for (gsize i = 1; i < t->span_args.len; i++)
    for (gsize j = i; j > 0 && t->span_args.data[j - 1].span > t->span_args.data[j].span; j--)
      {
        WeftModelSpanArgs tmp = t->span_args.data[j];
        t->span_args.data[j] = t->span_args.data[j - 1];
        t->span_args.data[j - 1] = tmp;
      }

  sort_records (t->waits.data, t->waits.len, sizeof (WeftModelWait), compare_wait, NULL);

  /* Instants: sort pairs through an order array. */
  {
    g_autofree guint64 *keys = g_new (guint64, MAX (t->instant_times.len, 1) * 2);
    for (gsize i = 0; i < t->instant_times.len; i++)
      {
        keys[2 * i] = t->instant_times.data[i];
        keys[2 * i + 1] = t->instant_names.data[i] | (guint64) i << 32;
      }
    sort_records (keys, t->instant_times.len, 2 * sizeof (guint64), compare_u64, NULL);
    for (gsize i = 0; i < t->instant_times.len; i++)
      {
        t->instant_times.data[i] = keys[2 * i];
        t->instant_names.data[i] = (guint32) keys[2 * i + 1];
      }
  }
}

void
_weft_model_post_threads (WeftBuild *b)
{
  WeftModel *m = b->model;
  guint64 first = 0;

  /* Lanes by CPU number, their slices numbered globally in that order. */
  for (guint i = 1; i < m->n_cpus; i++)
    for (guint j = i; j > 0 && m->cpus[j - 1].pub.cpu > m->cpus[j].pub.cpu; j--)
      {
        WeftCpuData tmp = m->cpus[j];
        m->cpus[j] = m->cpus[j - 1];
        m->cpus[j - 1] = tmp;
      }
  for (guint i = 0; i < m->n_cpus; i++)
    {
      WeftCpuData *lane = &m->cpus[i];

      WeftVecU64_shrink (&lane->starts);
      WeftVecU32_shrink (&lane->who);
      lane->pub.first_slice = first;
      lane->pub.n_slices = lane->starts.len;
      lane->pub.starts = lane->starts.data;
      lane->pub.who = lane->who.data;
      first += lane->starts.len;
      /* The last slice runs to the trace's end. */
      if (lane->who.len > 0)
        {
          guint32 who = WEFT_MODEL_SLICE_THREAD (lane->who.data[lane->who.len - 1]);
          if (who < m->n_threads)
            m->threads[who].last_event = MAX (m->threads[who].last_event, m->duration);
        }
    }

  for (guint i = 0; i < m->n_threads; i++)
    {
      WeftThreadData *t = &m->threads[i];

      t->pub.alive_start = t->first_event;
      t->pub.alive_end = t->last_event;
      if (t->has_created)
        t->pub.alive_start = MIN (t->pub.alive_start, t->created);
      if (t->has_exited)
        t->pub.alive_end = MAX (t->pub.alive_end, t->exited);

      /* Unclosed spans and waits end with the thread (those handed to a
       * sink when it finishes the thread, below). */
      for (gsize k = 0; k < t->open_spans.len; k++)
        if (t->open_spans.data[k] != WEFT_BUILD_SPAN_FOLDED)
          t->spans.data[t->open_spans.data[k]].end = t->pub.alive_end;
      for (gsize k = 0; k < t->open_waits.len; k++)
        {
          WeftModelWait *w = &t->waits.data[t->open_waits.data[k]];
          /* A nested wait acquired once is closed already. */
          if (w->flags & WEFT_MODEL_WAIT_UNCLOSED)
            w->end = t->pub.alive_end;
        }
      WeftVecU32_clear (&t->open_spans);
      WeftVecU32_clear (&t->open_waits);
      if (t->unsorted)
        thread_sort (t);
      /* Out of order also in one stream: the outer acquire of a nested
       * wait files the inner acquire's earlier time after whatever came
       * between. */
      if (!times_sorted (t->other_times.data, t->other_times.len))
        sort_records (t->other_times.data, t->other_times.len, sizeof (guint64), compare_u64,
                      NULL);
      if (b->sink != NULL)
        {
          if (t->spans.len > 0)
            b->sink->feed (b->sink->data, i, t->spans.data, t->spans.len, m->names->len, TRUE);
          b->sink->finish (b->sink->data, i, t->pub.alive_end);
          WeftVecSpan_clear (&t->spans);
        }
      m->unmatched_ends += t->pub.unmatched_ends;
    }

  _weft_model_sched_totals_init (m, &m->whole);
  /* The slice lists at their size (doubling copied them, and left the
   * old copies in malloc's heap). A model whose spans went to a sink
   * (weft stats) keeps none: its statistics are the whole trace's, which
   * need none. */
  if (b->sink == NULL)
    for (guint i = 0; i < m->n_threads; i++)
      WeftVecU32_reserve (&m->threads[i].slices, m->threads[i].n_switch_ins);
  _weft_model_sched_sweep (m, 0, m->duration, TRUE, b->sink == NULL, b->sweep, &m->whole);

  for (guint i = 0; i < m->n_threads; i++)
    {
      WeftThreadData *t = &m->threads[i];

      WeftVecSpan_shrink (&t->spans);
      WeftVecSpanArgs_shrink (&t->span_args);
      WeftVecU64_shrink (&t->instant_times);
      WeftVecU32_shrink (&t->instant_names);
      WeftVecWait_shrink (&t->waits);
      WeftVecU32_shrink (&t->slices);
      WeftVecU64_shrink (&t->other_times);
      t->pub.spans = t->spans.data;
      t->pub.n_spans = t->spans.len;
      t->pub.span_args = t->span_args.data;
      t->pub.n_span_args = t->span_args.len;
      t->pub.instant_times = t->instant_times.data;
      t->pub.instant_names = t->instant_names.data;
      t->pub.n_instants = t->instant_times.len;
      t->pub.waits = t->waits.data;
      t->pub.n_waits = t->waits.len;
      t->pub.slices = t->slices.data;
      t->pub.n_slices = t->slices.len;
      t->pub.other_times = t->other_times.data;
      t->pub.n_other_times = t->other_times.len;
    }

  sort_records (m->lost.data, m->lost.len, sizeof (WeftModelLost), compare_u64, NULL);
  WeftVecLost_shrink (&m->lost);
}

/* A stable counting sort of n records by key (< n_keys): the record
 * indices, grouped by key, and each group's start (n_keys + 1 entries). */
static guint32 *
group_by_key (const guint32 *keys, gsize stride, gsize n, gsize n_keys, guint32 **starts_out)
{
  guint32 *starts = g_new0 (guint32, n_keys + 1);
  guint32 *order = g_new (guint32, MAX (n, 1));
  g_autofree guint32 *fill = NULL;

  for (gsize i = 0; i < n; i++)
    starts[keys[i * stride] + 1]++;
  for (gsize k = 0; k < n_keys; k++)
    starts[k + 1] += starts[k];
  fill = g_memdup2 (starts, (n_keys + 1) * sizeof (guint32));
  for (gsize i = 0; i < n; i++)
    order[fill[keys[i * stride]]++] = i;
  *starts_out = starts;
  return order;
}

static int
compare_task_event (gconstpointer a, gconstpointer b, gpointer data)
{
  const WeftTaskEvent *events = data;
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  if (events[x].time != events[y].time)
    return events[x].time < events[y].time ? -1 : 1;
  return x < y ? -1 : x > y;
}

typedef struct
{
  WeftModel *m;
  WeftModelTask task;
  gboolean open;
  gboolean suspended;
} TaskWalk;

static void
task_open (TaskWalk *w, guint64 time, guint32 name, gboolean suspended)
{
  w->open = TRUE;
  w->suspended = suspended;
  w->task.name = name;
  w->task.first_time = w->m->task_times.len;
  w->task.n_times = 1;
  w->task.flags = suspended ? WEFT_MODEL_TASK_STARTS_SUSPENDED : 0;
  WeftVecU64_append (&w->m->task_times, time);
}

static void
task_close (TaskWalk *w, guint64 time, gboolean ended)
{
  WeftVecU64_append (&w->m->task_times, time);
  w->task.n_times++;
  if (!ended)
    w->task.flags |= WEFT_MODEL_TASK_UNENDED;
  WeftVecTask_append (&w->m->tasks, w->task);
  w->open = FALSE;
}

static void
task_step (TaskWalk *w, guint64 time, WeftTaskOp op, guint32 name)
{
  switch (op)
    {
    case WEFT_TASK_OP_BEGIN:
      if (w->open)
        task_close (w, time, FALSE); /* an id used again: the old task ended */
      task_open (w, time, name, FALSE);
      return;
    case WEFT_TASK_OP_SUSPEND:
    case WEFT_TASK_OP_RESUME:
      {
        gboolean suspend = op == WEFT_TASK_OP_SUSPEND;
        if (!w->open)
          task_open (w, time, 0, suspend);
        else if (w->suspended != suspend)
          {
            WeftVecU64_append (&w->m->task_times, time);
            w->task.n_times++;
            w->suspended = suspend;
          }
        else
          WeftVecU64_append (&w->m->task_noop_times, time);
        return;
      }
    case WEFT_TASK_OP_END:
      if (w->open)
        task_close (w, time, TRUE);
      else
        WeftVecU64_append (&w->m->task_noop_times, time);
      return;
    }
}

static int
compare_task_start (gconstpointer a, gconstpointer b, gpointer data)
{
  const guint64 *times = data;
  const WeftModelTask *x = a, *y = b;
  guint64 tx = times[x->first_time], ty = times[y->first_time];

  return tx < ty ? -1 : tx > ty;
}

void
_weft_model_post_tasks (WeftBuild *b)
{
  WeftModel *m = b->model;
  WeftTaskEvent *ev = b->task_events.data;
  gsize n = b->task_events.len, n_keys = b->task_key_ids.len;
  g_autofree guint32 *starts = NULL;
  g_autofree guint32 *order = NULL;

  if (n == 0)
    return;
  order = group_by_key (&ev[0].key, sizeof (WeftTaskEvent) / sizeof (guint32), n, n_keys,
                        &starts);
  for (gsize k = 0; k < n_keys; k++)
    {
      TaskWalk w = { .m = m };
      guint32 s = starts[k], e = starts[k + 1];

      /* A task that moved between threads came from several streams. */
      for (guint32 i = s + 1; i < e; i++)
        if (ev[order[i]].time < ev[order[i - 1]].time)
          {
            sort_records (order + s, e - s, sizeof (guint32), compare_task_event, ev);
            break;
          }
      w.task.id = b->task_key_ids.data[k];
      w.task.pid = b->task_key_pids.data[k];
      for (guint32 i = s; i < e; i++)
        {
          const WeftTaskEvent *te = &ev[order[i]];
          task_step (&w, te->time, te->kind_name >> 30, te->kind_name & WEFT_TASK_NAME_MASK);
        }
      if (w.open)
        task_close (&w, MAX (m->duration, m->task_times.data[m->task_times.len - 1]), FALSE);
    }
  WeftVecTaskEvent_clear (&b->task_events);
  sort_records (m->tasks.data, m->tasks.len, sizeof (WeftModelTask), compare_task_start,
                     m->task_times.data);
  WeftVecTask_shrink (&m->tasks);
  WeftVecU64_shrink (&m->task_times);
  sort_records (m->task_noop_times.data, m->task_noop_times.len, sizeof (guint64), compare_u64,
                NULL);
  WeftVecU64_shrink (&m->task_noop_times);
}

static int
compare_flow_event (gconstpointer a, gconstpointer b, gpointer data)
{
  const WeftFlowEvent *events = data;
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  if (events[x].time != events[y].time)
    return events[x].time < events[y].time ? -1 : 1;
  /* At one instant a begin comes before an end. */
  if ((events[x].thread_kind & 1) != (events[y].thread_kind & 1))
    return (events[x].thread_kind & 1) ? 1 : -1;
  return x < y ? -1 : x > y;
}

static int
compare_flow (gconstpointer a, gconstpointer b, gpointer data)
{
  const WeftModelFlow *x = a, *y = b;

  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

void
_weft_model_post_flows (WeftBuild *b)
{
  WeftModel *m = b->model;
  WeftFlowEvent *ev = b->flow_events.data;
  gsize n = b->flow_events.len, n_keys = b->flow_keys.len;
  g_autofree guint32 *starts = NULL;
  g_autofree guint32 *order = NULL;

  if (n == 0)
    return;
  order = group_by_key (&ev[0].key, sizeof (WeftFlowEvent) / sizeof (guint32), n, n_keys,
                        &starts);
  for (gsize k = 0; k < n_keys; k++)
    {
      guint32 s = starts[k], e = starts[k + 1];
      const WeftFlowEvent *pending = NULL;

      sort_records (order + s, e - s, sizeof (guint32), compare_flow_event, ev);
      for (guint32 i = s; i < e; i++)
        {
          const WeftFlowEvent *fe = &ev[order[i]];

          if (!(fe->thread_kind & 1))
            pending = fe;
          else if (pending != NULL)
            {
              WeftVecFlow_append (&m->flows, (WeftModelFlow) { pending->time, fe->time,
                                                               pending->thread_kind >> 1,
                                                               fe->thread_kind >> 1 });
              pending = NULL;
            }
          else
            WeftVecFlow_append (&m->flows, (WeftModelFlow) { fe->time, fe->time,
                                                             WEFT_MODEL_NONE,
                                                             fe->thread_kind >> 1 });
        }
    }
  WeftVecFlowEvent_clear (&b->flow_events);
  sort_records (m->flows.data, m->flows.len, sizeof (WeftModelFlow), compare_flow, NULL);
  WeftVecFlow_shrink (&m->flows);
}

void
_weft_model_post_counters (WeftBuild *b)
{
  WeftModel *m = b->model;

  for (guint i = 0; i < m->n_counters; i++)
    {
      WeftCounterData *c = &m->counters[i];

      if (c->unsorted)
        {
          /* (time, value bits) pairs sort together as u64 pairs by time;
           * equal times keep no particular order. */
          g_autofree guint64 *pairs = g_new (guint64, c->times.len * 2);
          for (gsize k = 0; k < c->times.len; k++)
            {
              pairs[2 * k] = c->times.data[k];
              memcpy (&pairs[2 * k + 1], &c->values.data[k], sizeof (double));
            }
          sort_records (pairs, c->times.len, 2 * sizeof (guint64), compare_u64, NULL);
          for (gsize k = 0; k < c->times.len; k++)
            {
              c->times.data[k] = pairs[2 * k];
              memcpy (&c->values.data[k], &pairs[2 * k + 1], sizeof (double));
            }
        }
      WeftVecU64_shrink (&c->times);
      WeftVecF64_shrink (&c->values);
      c->pub.times = c->times.data;
      c->pub.values = c->values.data;
      c->pub.n = c->times.len;
    }
}

void
_weft_model_post_locks (WeftBuild *b)
{
  WeftModel *m = b->model;

  for (guint i = 0; i < m->locks->len; i++)
    {
      WeftModelLock *lock = &g_array_index (m->locks, WeftModelLock, i);
      WeftKey key = { lock->address, lock->pid, 0 };
      g_autofree char *label = NULL;

      lock->name = GPOINTER_TO_UINT (g_hash_table_lookup (b->lock_names, &key));
      if (lock->name != 0)
        lock->label = weft_model_get_name (m, lock->name);
      else
        {
          label = g_strdup_printf ("%s@0x%" G_GINT64_MODIFIER "x", lock->cond ? "cond" : "mutex",
                                   lock->address);
          lock->label = g_string_chunk_insert_const (m->strings, label);
        }
    }
}

static int
compare_thread_index (gconstpointer a, gconstpointer b, gpointer data)
{
  const WeftThreadData *threads = data;
  const WeftModelThread *x = &threads[*(const guint32 *) a].pub;
  const WeftModelThread *y = &threads[*(const guint32 *) b].pub;

  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  if (x->tid != y->tid)
    return x->tid < y->tid ? -1 : 1;
  return *(const guint32 *) a < *(const guint32 *) b ? -1 : 1;
}

void
_weft_model_post_processes (WeftBuild *b)
{
  WeftModel *m = b->model;
  guint32 *order = g_new (guint32, MAX (m->n_threads, 1));
  g_autoptr (GHashTable) by_pid = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < m->n_threads; i++)
    order[i] = i;
  sort_records (order, m->n_threads, sizeof (guint32), compare_thread_index, m->threads);
  m->process_threads = order;
  m->processes = g_new0 (WeftModelProcess, MAX (m->n_threads, 1));

  for (guint i = 0; i < m->n_threads; i++)
    {
      WeftModelThread *t = &m->threads[order[i]].pub;
      WeftModelProcess *p;

      if (m->n_processes == 0 || m->processes[m->n_processes - 1].pid != t->pid)
        {
          p = &m->processes[m->n_processes];
          p->pid = t->pid;
          p->threads = &order[i];
          g_hash_table_insert (by_pid, GUINT_TO_POINTER (t->pid),
                               GUINT_TO_POINTER (m->n_processes + 1));
          m->n_processes++;
        }
      p = &m->processes[m->n_processes - 1];
      p->n_threads++;
      t->process = m->n_processes - 1;
      if (t->tid == t->pid && p->name == 0)
        p->name = t->name;
    }

  /* A process's own name, or its program, before its main thread's. */
  for (guint i = 0; i < m->n_processes; i++)
    {
      WeftModelProcess *p = &m->processes[i];
      guint32 name = GPOINTER_TO_UINT (g_hash_table_lookup (b->process_names,
                                                            GUINT_TO_POINTER (p->pid)));
      if (name == 0)
        name = GPOINTER_TO_UINT (g_hash_table_lookup (b->process_execs,
                                                      GUINT_TO_POINTER (p->pid)));
      if (name != 0)
        p->name = name;
    }

  for (guint i = 0; i < m->n_counters; i++)
    {
      gpointer value = g_hash_table_lookup (by_pid, GUINT_TO_POINTER (m->counters[i].pub.pid));
      m->counters[i].pub.process = value != NULL ? GPOINTER_TO_UINT (value) - 1 : WEFT_MODEL_NONE;
    }
}
