/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-stats.c: SPEC §5 over a range of a model: threads, CPUs,
 * parallelism, concurrency, locks, tasks, the event count and the verdict.
 * The span table is weft-stats-spans.c; the estimate without scheduler
 * data weft-estimate.c (shared with the level-of-detail index).
 */
#include "weft-stats-private.h"

#include <math.h>
#include <string.h>

static double
ratio (guint64 num, guint64 den)
{
  return den == 0 ? 0.0 : (double) num / (double) den;
}

char *
weft_stats_verdict_label (double threads_alive, double tasks_in_progress, int cpus,
                          double average_running)
{
  double t = threads_alive, q = tasks_in_progress, a = average_running;
  double c = cpus > 0 ? (double) cpus : t;
  double m = MIN (c, t);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (t < 1.25 && q < 1.25)
    return g_strdup ("sequential: one thing at a time");
  if (a < 0.25 * m)
    return g_strdup ("mostly waiting");
  if (a < 1.25)
    {
      if (q >= 1.25)
        return g_strdup_printf ("concurrent, interleaved: %s tasks in progress",
                                g_ascii_formatd (buf, sizeof buf, "%.1f", q));
      return g_strdup ("concurrent, interleaved: about one core at a time");
    }
  if (a >= 0.75 * m)
    {
      long cores = lround (a);
      return g_strdup_printf ("parallel: about %ld core%s busy at once", cores,
                              cores == 1 ? "" : "s");
    }
  return g_strdup ("partly parallel");
}

char *
weft_stats_verdict (double threads_alive, double tasks_in_progress, int cpus,
                    double average_running, gboolean estimated)
{
  g_autofree char *label = weft_stats_verdict_label (threads_alive, tasks_in_progress, cpus,
                                                     average_running);
  char t[G_ASCII_DTOSTR_BUF_SIZE], a[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *cores = NULL;

  g_ascii_formatd (t, sizeof t, "%.1f", threads_alive);
  g_ascii_formatd (a, sizeof a, "%.2f", average_running);
  if (cpus > 0)
    cores = g_strdup_printf (" on %d core%s", cpus, cpus == 1 ? "" : "s");
  return g_strdup_printf ("%s threads alive, %s running on average%s: %s%s", t, a,
                          cores != NULL ? cores : "", label, estimated ? " (estimated)" : "");
}

/* Threads alive in the range, with their lock waits; fills the per-lock
 * table and counts the wait events. */
static void
compute_threads (WeftStats *st, WeftModel *m, const WeftClip *r, guint32 *listed,
                 WeftStatsLock *locks, guint64 *events)
{
  for (guint i = 0; i < m->n_threads; i++)
    {
      const WeftModelThread *t = &m->threads[i].pub;
      WeftStatsThread *out;
      guint64 cur_end = 0, wait_total = 0;

      for (guint64 k = 0; k < t->n_waits; k++)
        {
          const WeftModelWait *w = &t->waits[k];
          guint64 s = MAX (w->start, r->a), e = MIN (w->end, r->b);

          *events += weft_clip_has (r, w->start);
          if (!(w->flags & WEFT_MODEL_WAIT_UNCLOSED))
            *events += weft_clip_has (r, w->end);
          if (weft_clip_overlaps (r, w->start, w->end))
            {
              locks[w->lock].contended++;
              locks[w->lock].wait_ns += weft_clip_len (r, w->start, w->end);
            }
          /* A thread's waits may overlap (a lock wait in a condition
           * wait): its wait time is their union. */
          if (e <= s)
            continue;
          if (s >= cur_end)
            wait_total += e - s;
          else if (e > cur_end)
            wait_total += e - cur_end;
          cur_end = MAX (cur_end, e);
        }
      *events += _weft_clip_count (r, t->instant_times, t->n_instants);
      *events += _weft_clip_count (r, t->other_times, t->n_other_times);

      /* Listed when the range holds an instant of [alive_start,
       * alive_end], its last event included: a thread switched out for
       * good at the range's start is there with that switch. */
      listed[i] = WEFT_MODEL_NONE;
      if (!st->whole && (t->alive_end < r->a || !weft_clip_has (r, MAX (t->alive_start, r->a))))
        continue;
      listed[i] = st->n_threads;
      out = &st->threads[st->n_threads++];
      out->pid = t->pid;
      out->tid = t->tid;
      out->name = t->name != 0 ? weft_model_get_name (m, t->name) : NULL;
      out->alive_ns = weft_clip_len (r, t->alive_start, t->alive_end);
      out->lock_wait_ns = wait_total;
    }
}

static void
compute_processes (WeftStats *st, WeftModel *m, const guint32 *listed)
{
  guint32 *tids = g_new (guint32, MAX (st->n_threads, 1));
  guint n_tids = 0;

  st->processes = g_new0 (WeftStatsProcess, MAX (m->n_processes, 1));
  /* The first process owns the tid storage (freed through it). */
  st->processes[0].tids = tids;
  for (guint p = 0; p < m->n_processes; p++)
    {
      const WeftModelProcess *mp = &m->processes[p];
      WeftStatsProcess *out = &st->processes[st->n_processes];
      guint first = n_tids;

      for (guint k = 0; k < mp->n_threads; k++)
        if (listed[mp->threads[k]] != WEFT_MODEL_NONE)
          tids[n_tids++] = m->threads[mp->threads[k]].pub.tid;
      if (n_tids == first)
        continue;
      out->pid = mp->pid;
      out->name = mp->name != 0 ? weft_model_get_name (m, mp->name) : NULL;
      out->tids = tids + first;
      out->n_tids = n_tids - first;
      st->n_processes++;
    }
}

static void
compute_sched (WeftStats *st, WeftModel *m, const WeftClip *r, const guint32 *listed)
{
  WeftSchedTotals range = { 0 };
  const WeftSchedTotals *tot = &m->whole;

  if (!st->whole)
    {
      _weft_model_sched_totals_init (m, &range);
      _weft_model_sched_sweep (m, r->a, r->b, r->inclusive, FALSE, NULL, &range);
      tot = &range;
    }
  for (guint i = 0; i < m->n_threads; i++)
    {
      WeftStatsThread *out;

      if (listed[i] == WEFT_MODEL_NONE)
        continue;
      out = &st->threads[listed[i]];
      out->on_cpu_ns = tot->threads[i].on_cpu;
      out->runnable_ns = tot->threads[i].runnable;
      out->blocked_ns = tot->threads[i].blocked;
      out->context_switches = tot->threads[i].switches;
      out->migrations = tot->threads[i].migrations;
    }
  st->n_cpu_list = m->n_cpus;
  st->cpu_list = g_new0 (WeftStatsCpu, MAX (m->n_cpus, 1));
  for (guint c = 0; c < m->n_cpus; c++)
    {
      st->cpu_list[c].cpu = m->cpus[c].pub.cpu;
      st->cpu_list[c].busy_ns = tot->cpus[c].busy;
      st->cpu_list[c].other_ns = tot->cpus[c].other;
      st->cpu_list[c].utilization = ratio (tot->cpus[c].busy, st->duration_ns);
    }
  st->n_running_histogram = tot->n_histogram;
  st->running_histogram_ns = g_memdup2 (tot->histogram, tot->n_histogram * sizeof (guint64));
  _weft_model_sched_totals_clear (&range);
}

/* The running histogram's share of the estimate's sweep. */
static void
hold_histogram (guint64 start, guint64 end, guint running, gpointer user_data)
{
  WeftStats *st = user_data;

  st->running_histogram_ns[MIN (running, st->n_running_histogram - 1)] += end - start;
}

static void
compute_estimate (WeftStats *st, WeftModel *m, const WeftClip *r, const guint32 *listed)
{
  g_autofree guint64 *on_cpu = g_new0 (guint64, MAX (m->n_threads, 1));
  guint cap = st->cpus > 0 ? (guint) st->cpus : MAX (m->n_threads, 1);

  st->n_running_histogram = cap + 1;
  st->running_histogram_ns = g_new0 (guint64, st->n_running_histogram);
  _weft_estimate_sweep (m, r->a, r->b, cap, on_cpu, hold_histogram, st, NULL);
  for (guint i = 0; i < m->n_threads; i++)
    if (listed[i] != WEFT_MODEL_NONE)
      st->threads[listed[i]].on_cpu_ns = on_cpu[i];
  /* Without a CPU count, the bins end at the largest count seen. */
  if (st->cpus <= 0)
    while (st->n_running_histogram > 1
           && st->running_histogram_ns[st->n_running_histogram - 1] == 0)
      st->n_running_histogram--;
  st->n_cpu_list = st->cpus > 0 ? (guint) st->cpus : 0;
  st->cpu_list = g_new0 (WeftStatsCpu, MAX (st->n_cpu_list, 1));
  for (guint c = 0; c < st->n_cpu_list; c++)
    st->cpu_list[c].cpu = c;
}

static void
compute_tasks (WeftStats *st, WeftModel *m, const WeftClip *r, guint64 *events,
               guint64 *in_progress)
{
  g_autofree gint32 *by_name = g_new (gint32, m->names->len);
  guint64 n_noop;
  const guint64 *noop = weft_model_get_task_noop_times (m, &n_noop);

  memset (by_name, 0xff, m->names->len * sizeof (gint32));
  st->tasks = g_new0 (WeftStatsTask, MAX (m->tasks.len, 1));
  *events += _weft_clip_count (r, noop, n_noop);
  for (gsize i = 0; i < m->tasks.len; i++)
    {
      const WeftModelTask *task = &m->tasks.data[i];
      const guint64 *times = m->task_times.data + task->first_time;
      guint last = task->n_times - 1;
      guint suspended = (task->flags & WEFT_MODEL_TASK_STARTS_SUSPENDED) ? 1 : 0;
      WeftStatsTask *out;

      for (guint k = 0; k < task->n_times; k++)
        if (k < last || !(task->flags & WEFT_MODEL_TASK_UNENDED))
          *events += weft_clip_has (r, times[k]);
      if (!weft_clip_overlaps (r, times[0], times[last]))
        continue;
      *in_progress += weft_clip_len (r, times[0], times[last]);
      if (by_name[task->name] < 0)
        {
          by_name[task->name] = st->n_tasks;
          st->tasks[st->n_tasks++].name
            = task->name != 0 ? weft_model_get_name (m, task->name) : "(unnamed)";
        }
      out = &st->tasks[by_name[task->name]];
      out->count++;
      for (guint k = 0; k < last; k++)
        {
          guint64 len = weft_clip_len (r, times[k], times[k + 1]);
          if ((k + suspended) & 1)
            out->suspended_ns += len;
          else
            out->active_ns += len;
        }
    }
}

static int
compare_lock (gconstpointer a, gconstpointer b)
{
  const WeftStatsLock *x = a, *y = b;

  if (x->wait_ns != y->wait_ns)
    return x->wait_ns > y->wait_ns ? -1 : 1;
  if (x->contended != y->contended)
    return x->contended > y->contended ? -1 : 1;
  return strcmp (x->name, y->name);
}

static int
compare_task (gconstpointer a, gconstpointer b)
{
  const WeftStatsTask *x = a, *y = b;
  guint64 tx = x->active_ns + x->suspended_ns, ty = y->active_ns + y->suspended_ns;

  if (tx != ty)
    return tx > ty ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* folded: the whole trace's span table, folded while the model was built
 * (weft-stats-fold.c; n_folded entries, names past them had no calls). */
static void
compute_spans (WeftStats *st, WeftModel *m, const WeftClip *r, const WeftSpanAcc *folded,
               guint n_folded, guint64 *events)
{
  g_autofree WeftSpanAcc *acc = g_new0 (WeftSpanAcc, m->names->len);

  if (folded != NULL)
    memcpy (acc, folded, MIN (n_folded, m->names->len) * sizeof (WeftSpanAcc));
  else
    _weft_stats_spans (m, r, acc, events);
  st->spans = g_new0 (WeftStatsSpan, MAX (m->names->len, 1));
  for (guint n = 0; n < m->names->len; n++)
    {
      WeftStatsSpan *out;

      if (acc[n].ncalls == 0)
        continue;
      out = &st->spans[st->n_spans++];
      out->name = weft_model_get_name (m, n);
      out->ncalls = acc[n].ncalls;
      out->tottime_ns = acc[n].tottime;
      out->cumtime_ns = acc[n].cumtime;
      /* Per call, rounded to the nearest ns. */
      out->percall_tottime_ns = (out->tottime_ns + out->ncalls / 2) / out->ncalls;
      out->percall_cumtime_ns = (out->cumtime_ns + out->ncalls / 2) / out->ncalls;
    }
}

static guint64
count_other_events (WeftModel *m, const WeftClip *r)
{
  guint64 events = 0;

  for (guint i = 0; i < m->n_counters; i++)
    events += _weft_clip_count (r, m->counters[i].pub.times, m->counters[i].pub.n);
  for (guint c = 0; c < m->n_cpus; c++)
    events += _weft_clip_count (r, m->cpus[c].pub.starts, m->cpus[c].pub.n_slices);
  for (gsize i = 0; i < m->flows.len; i++)
    events += weft_clip_has (r, m->flows.data[i].end);
  return events;
}

WeftStats *
_weft_stats_new_folded (WeftModel *m, guint64 start, guint64 end, const WeftSpanAcc *folded,
                        guint n_folded)
{
  WeftStats *st;
  WeftClip r;
  g_autofree guint32 *listed = NULL;
  g_autofree WeftStatsLock *locks = NULL;
  guint64 events = 0, in_progress = 0, alive = 0, running = 0;

  g_return_val_if_fail (m != NULL, NULL);

  st = g_new0 (WeftStats, 1);
  st->model = weft_model_ref (m);
  end = MIN (end, m->duration);
  start = MIN (start, end);
  /* The trace's last instant belongs to the range ending there, unless
   * that range is empty ([d, d] when d > 0): cut anywhere, [0, cut) and
   * [cut, d] then share no event. A trace of one instant is [0, 0]. */
  r = (WeftClip) { start, end, end == m->duration && (start < end || start == 0) };
  st->whole = start == 0 && end == m->duration;
  st->range_start = start;
  st->range_end = end;
  st->duration_ns = end - start;
  st->source = weft_model_get_source (m);
  st->sched = m->sched;
  st->other_known = m->other;
  st->cpus = m->cpu_count;
  st->command = weft_model_get_metadata (m, "command");
  st->start_time = weft_model_get_metadata (m, "start_time");

  listed = g_new (guint32, MAX (m->n_threads, 1));
  locks = g_new0 (WeftStatsLock, MAX (m->locks->len, 1));
  st->threads = g_new0 (WeftStatsThread, MAX (m->n_threads, 1));
  compute_threads (st, m, &r, listed, locks, &events);
  compute_processes (st, m, listed);
  if (m->sched)
    compute_sched (st, m, &r, listed);
  else
    compute_estimate (st, m, &r, listed);
  compute_spans (st, m, &r, folded, n_folded, &events);
  compute_tasks (st, m, &r, &events, &in_progress);
  events += count_other_events (m, &r);

  {
    guint64 n_lost;
    const WeftModelLost *lost = weft_model_get_lost (m, &n_lost);
    for (guint64 i = 0; i < n_lost; i++)
      if (weft_clip_has (&r, lost[i].time))
        st->lost_events += lost[i].count;
  }
  st->events = st->whole ? m->n_events : events;
  if (st->whole)
    st->lost_events = m->lost_events;

  st->locks = g_new0 (WeftStatsLock, MAX (m->locks->len, 1));
  for (guint i = 0; i < m->locks->len; i++)
    if (locks[i].contended > 0)
      {
        WeftStatsLock *out = &st->locks[st->n_locks++];
        *out = locks[i];
        out->name = g_array_index (m->locks, WeftModelLock, i).label;
      }
  /* Both arrays are allocated even when empty. */
  qsort (st->locks, st->n_locks, sizeof (WeftStatsLock), compare_lock);
  qsort (st->tasks, st->n_tasks, sizeof (WeftStatsTask), compare_task);
  weft_stats_sort_spans (st, WEFT_STATS_SORT_CUMTIME);

  for (guint i = 0; i < st->n_threads; i++)
    alive += st->threads[i].alive_ns;
  for (guint k = 0; k < st->n_running_histogram; k++)
    {
      running += k * st->running_histogram_ns[k];
      if (st->running_histogram_ns[k] > 0)
        st->max_running = k;
    }
  st->average_running = ratio (running, st->duration_ns);
  st->average_threads_alive = ratio (alive, st->duration_ns);
  st->average_tasks_in_progress = ratio (in_progress, st->duration_ns);
  st->verdict = weft_stats_verdict (st->average_threads_alive, st->average_tasks_in_progress,
                                    st->cpus, st->average_running, !st->sched);
  return st;
}

WeftStats *
weft_stats_new (WeftModel *model, guint64 start, guint64 end)
{
  return _weft_stats_new_folded (model, start, end, NULL, 0);
}

WeftStats *
weft_stats_new_whole (WeftModel *model)
{
  return weft_stats_new (model, 0, weft_model_get_duration (model));
}

void
weft_stats_free (WeftStats *st)
{
  if (st == NULL)
    return;
  /* processes[0].tids is the start of every process's tids. */
  if (st->processes != NULL)
    g_free ((gpointer) st->processes[0].tids);
  g_free (st->processes);
  g_free (st->threads);
  g_free (st->cpu_list);
  g_free (st->running_histogram_ns);
  g_free (st->spans);
  g_free (st->locks);
  g_free (st->tasks);
  g_free (st->verdict);
  weft_model_unref (st->model);
  g_free (st);
}

static int
compare_span (gconstpointer a, gconstpointer b, gpointer data)
{
  const WeftStatsSpan *x = a, *y = b;
  WeftStatsSort key = GPOINTER_TO_INT (data);
  guint64 vx = 0, vy = 0;

  switch (key)
    {
    case WEFT_STATS_SORT_CUMTIME:
      vx = x->cumtime_ns, vy = y->cumtime_ns;
      break;
    case WEFT_STATS_SORT_TOTTIME:
      vx = x->tottime_ns, vy = y->tottime_ns;
      break;
    case WEFT_STATS_SORT_NCALLS:
      vx = x->ncalls, vy = y->ncalls;
      break;
    case WEFT_STATS_SORT_NAME:
      break;
    }
  if (vx != vy)
    return vx > vy ? -1 : 1;
  return strcmp (x->name, y->name);
}

void
weft_stats_sort_spans (WeftStats *stats, WeftStatsSort key)
{
  g_qsort_with_data (stats->spans, stats->n_spans, sizeof (WeftStatsSpan), compare_span,
                     GINT_TO_POINTER (key));
}

gboolean
weft_stats_sort_from_string (const char *text, WeftStatsSort *key)
{
  static const char *const names[] = { "cumtime", "tottime", "ncalls", "name" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *key = (WeftStatsSort) i;
        return TRUE;
      }
  return FALSE;
}
