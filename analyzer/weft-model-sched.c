/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-model-sched.c: one sweep over every CPU lane's switches in time
 * order (a k-way merge of the lanes, which are each sorted). It gives each
 * thread its on-CPU, runnable and blocked time, switches and migrations,
 * each core its busy time, and the histogram of how many cores ran traced
 * threads. The model's build runs it once over the whole trace, also
 * filling the threads' slice lists; a range runs it again over its part.
 */
#include "weft-model-private.h"

enum
{
  STATE_NONE = 8,    /* not seen on a CPU yet */
  STATE_RUNNING = 9, /* on a CPU now */
};

typedef struct
{
  guint64 out_time; /* when it last left a CPU */
  guint32 last_cpu; /* lane it last ran on, or WEFT_MODEL_NONE */
  guint32 state;    /* WeftSwitchState it left with, or STATE_* */
  guint32 on;       /* lanes running it now: a hand-off between two lanes at
                     * one instant may be swept in either order */
} ThreadState;

typedef struct
{
  guint64 time; /* of the lane's next switch */
  guint32 lane;
} HeapEntry;

typedef struct
{
  guint64 slice; /* current slice, G_MAXUINT64 before the first */
  guint64 start; /* when the current slice began, clipped to the range */
  guint32 thread; /* its thread, or a WEFT_MODEL_SLICE_* value, or NONE */
} LaneState;

void
_weft_model_sched_totals_init (WeftModel *model, WeftSchedTotals *totals)
{
  totals->threads = g_new0 (WeftSchedThreadTotals, MAX (model->n_threads, 1));
  totals->cpus = g_new0 (WeftSchedCpuTotals, MAX (model->n_cpus, 1));
  totals->n_histogram = model->n_cpus + 1;
  totals->histogram = g_new0 (guint64, totals->n_histogram);
}

void
_weft_model_sched_totals_clear (WeftSchedTotals *totals)
{
  g_clear_pointer (&totals->threads, g_free);
  g_clear_pointer (&totals->cpus, g_free);
  g_clear_pointer (&totals->histogram, g_free);
  totals->n_histogram = 0;
}

/* Switches at one instant go in lane order, whatever the heap's shape, so
 * that every sweep sees them in the same order. */
static inline gboolean
heap_before (const HeapEntry *x, const HeapEntry *y)
{
  return x->time < y->time || (x->time == y->time && x->lane < y->lane);
}

static void
heap_sift_down (HeapEntry *heap, guint n, guint i)
{
  HeapEntry e = heap[i];

  for (;;)
    {
      guint child = 2 * i + 1;
      if (child >= n)
        break;
      if (child + 1 < n && heap_before (&heap[child + 1], &heap[child]))
        child++;
      if (!heap_before (&heap[child], &e))
        break;
      heap[i] = heap[child];
      i = child;
    }
  heap[i] = e;
}

/* Few lanes: the first entry becomes the least by a scan, not a sift (the
 * rest stay unordered). Picking by index lets the compiler use a
 * conditional move where the heap's sift took a branch no predictor can
 * guess: which lane switches next. */
#define SMALL_HEAP 8

static inline void
heap_scan_min (HeapEntry *heap, guint n)
{
  guint best = 0;
  HeapEntry e;

  if (n < 2)
    return;
  for (guint i = 1; i < n; i++)
    best = heap_before (&heap[i], &heap[best]) ? i : best;
  e = heap[0];
  heap[0] = heap[best];
  heap[best] = e;
}

/* Number of slices of lane starting before t. */
static guint64
count_before (const WeftCpuData *lane, guint64 t)
{
  guint64 lo = 0, hi = lane->starts.len;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      if (lane->starts.data[mid] < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Where a thread stands at time a, from its slice list (sorted by start,
 * ties in sweep order). The last slice it began before a is where it last
 * ran. Unless a lane still runs it (st->on), how it left is the end state
 * of the slice whose switch-out the sweep met last, in (time, lane, slice)
 * order: the last one begun, or, when zero-length slices and hand-offs
 * end several at one instant, one just before it. Slices of one thread
 * do not overlap, so their ends rise with their starts and the walk back
 * stops at the first that ended before the last one began; a thread a
 * hostile file ran on two lanes at once (slices_overlap) is walked back
 * whole. */
static void
thread_state_at (WeftModel *model, const WeftThreadData *t, guint64 a, ThreadState *st)
{
  guint64 lo = 0, hi = t->slices.len, slice, best_slice, best_end, last_start;
  guint lane, best_lane;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      if (weft_model_lookup_slice (model, t->slices.data[mid], &lane, &slice)
          && model->cpus[lane].starts.data[slice] < a)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0 || !weft_model_lookup_slice (model, t->slices.data[lo - 1], &lane, &slice))
    return;
  st->last_cpu = lane;
  if (st->on > 0)
    return;
  best_lane = lane;
  best_slice = slice;
  best_end = weft_model_get_slice_end (model, lane, slice);
  last_start = model->cpus[lane].starts.data[slice];
  for (guint64 j = lo - 1; j-- > 0;)
    {
      guint64 end;

      if (!weft_model_lookup_slice (model, t->slices.data[j], &lane, &slice))
        continue;
      end = weft_model_get_slice_end (model, lane, slice);
      if (end < last_start && !t->slices_overlap)
        break;
      if (end > best_end
          || (end == best_end && (lane > best_lane || (lane == best_lane && slice > best_slice))))
        {
          best_lane = lane;
          best_slice = slice;
          best_end = end;
        }
    }
  st->out_time = best_end;
  st->state = WEFT_MODEL_SLICE_END_STATE (model->cpus[best_lane].who.data[best_slice]);
}

/* Without branches: how a thread left its CPU is as random as the
 * schedule, and a mispredicted branch a switch cost more than the sums. */
static inline void
add_waiting (WeftSchedThreadTotals *tot, const ThreadState *st, guint64 from, guint64 to)
{
  guint64 d = to > from ? to - from : 0;

  tot->runnable += st->state == WEFT_SWITCH_PREEMPTED ? d : 0;
  tot->blocked += st->state == WEFT_SWITCH_BLOCKED ? d : 0;
}

void
_weft_model_sched_sweep (WeftModel *model, guint64 a, guint64 b, gboolean b_inclusive,
                         gboolean build_refs, const WeftModelSweepSink *sink,
                         WeftSchedTotals *out)
{
  guint n_lanes = model->n_cpus;
  g_autofree LaneState *lanes = g_new0 (LaneState, MAX (n_lanes, 1));
  g_autofree HeapEntry *heap = g_new (HeapEntry, MAX (n_lanes, 1));
  g_autofree ThreadState *states = g_new0 (ThreadState, MAX (model->n_threads, 1));
  guint n_heap = 0, running = 0;
  guint64 last = a;
  guint64 quiet_end = 0; /* see WeftModelSweepSink */
  float *peak = NULL;

  if (sink != NULL)
    sink->begin (sink->data, model);
  for (guint c = 0; c < n_lanes; c++)
    {
      const WeftCpuData *lane = &model->cpus[c];
      guint64 before = count_before (lane, a);

      lanes[c].thread = WEFT_MODEL_NONE;
      lanes[c].slice = G_MAXUINT64;
      if (before > 0)
        {
          lanes[c].slice = before - 1;
          lanes[c].start = a;
          lanes[c].thread = WEFT_MODEL_SLICE_THREAD (lane->who.data[before - 1]);
          if (lanes[c].thread < model->n_threads)
            running++;
        }
      if (before < lane->starts.len)
        heap[n_heap++] = (HeapEntry) { lane->starts.data[before], c };
    }
  if (n_lanes <= SMALL_HEAP)
    heap_scan_min (heap, n_heap);
  else
    for (guint i = n_heap / 2; i-- > 0;)
      heap_sift_down (heap, n_heap, i);

  for (guint i = 0; i < model->n_threads; i++)
    {
      states[i].state = STATE_NONE;
      states[i].last_cpu = WEFT_MODEL_NONE;
    }
  for (guint c = 0; c < n_lanes; c++)
    if (lanes[c].thread < model->n_threads)
      {
        states[lanes[c].thread].on++;
        states[lanes[c].thread].state = STATE_RUNNING;
      }
  for (guint i = 0; i < model->n_threads; i++)
    if (a > 0 && model->threads[i].slices.len > 0)
      thread_state_at (model, &model->threads[i], a, &states[i]);

  while (n_heap > 0)
    {
      guint64 t = heap[0].time;
      guint c = heap[0].lane;
      const WeftCpuData *lane = &model->cpus[c];
      LaneState *ls = &lanes[c];
      guint64 k;
      guint32 next;

      if (t > b || (t == b && !b_inclusive))
        break;
      if (t > last)
        {
          out->histogram[running] += t - last;
          if (t < quiet_end)
            *peak = running > 0 && *peak < (float) running ? (float) running : *peak;
          else if (sink != NULL)
            quiet_end = sink->hold (sink->data, last, t, running, &peak);
          last = t;
        }

      /* The current slice ends. */
      if (ls->thread < model->n_threads)
        {
          ThreadState *st = &states[ls->thread];
          WeftSchedThreadTotals *tot = &out->threads[ls->thread];

          /* Another lane runs it too, since before this slice began: the
           * slices overlap (a hand-off at one instant does not). */
          if (build_refs && st->on > 1)
            for (guint o = 0; o < n_lanes; o++)
              if (o != c && lanes[o].thread == ls->thread && lanes[o].start < ls->start)
                model->threads[ls->thread].slices_overlap = TRUE;

          tot->on_cpu += t - ls->start;
          out->cpus[c].busy += t - ls->start;
          tot->switches++;
          /* Still on another lane (switched in there at this instant):
           * not waiting. */
          if (st->on > 0 && --st->on == 0)
            {
              st->out_time = t;
              st->state = WEFT_MODEL_SLICE_END_STATE (lane->who.data[ls->slice]);
            }
          running--;
        }
      else if (ls->thread == WEFT_MODEL_SLICE_OTHER)
        out->cpus[c].other += t - ls->start;

      /* The next one begins. */
      k = ls->slice == G_MAXUINT64 ? 0 : ls->slice + 1;
      next = WEFT_MODEL_SLICE_THREAD (lane->who.data[k]);
      ls->slice = k;
      ls->start = t;
      ls->thread = next;
      if (next < model->n_threads)
        {
          ThreadState *st = &states[next];
          WeftSchedThreadTotals *tot = &out->threads[next];

          if (st->on == 0)
            add_waiting (tot, st, MAX (st->out_time, a), t);
          tot->migrations += st->last_cpu != WEFT_MODEL_NONE && st->last_cpu != c;
          st->last_cpu = c;
          st->on++;
          st->state = STATE_RUNNING;
          running++;
          if (build_refs)
            {
              WeftVecU32_append (&model->threads[next].slices,
                                 (guint32) (lane->pub.first_slice + k));
              if (sink != NULL)
                sink->slice (sink->data, next, c, k);
            }
        }

      if (k + 1 < lane->starts.len)
        heap[0].time = lane->starts.data[k + 1];
      else
        heap[0] = heap[--n_heap];
      if (n_heap > 0 && n_lanes <= SMALL_HEAP)
        heap_scan_min (heap, n_heap);
      else if (n_heap > 0)
        heap_sift_down (heap, n_heap, 0);
    }

  if (sink != NULL)
    sink->end (sink->data, last, running);
  /* Close what is open at the end of the range. */
  if (b > last)
    out->histogram[running] += b - last;
  for (guint c = 0; c < n_lanes; c++)
    {
      LaneState *ls = &lanes[c];

      if (ls->slice == G_MAXUINT64 || b <= ls->start)
        continue;
      if (ls->thread < model->n_threads)
        {
          out->threads[ls->thread].on_cpu += b - ls->start;
          out->cpus[c].busy += b - ls->start;
        }
      else if (ls->thread == WEFT_MODEL_SLICE_OTHER)
        out->cpus[c].other += b - ls->start;
    }
  for (guint i = 0; i < model->n_threads; i++)
    {
      const ThreadState *st = &states[i];
      if (st->state == WEFT_SWITCH_PREEMPTED || st->state == WEFT_SWITCH_BLOCKED)
        add_waiting (&out->threads[i], st, MAX (st->out_time, a),
                     MIN (b, model->threads[i].pub.alive_end));
    }
}
