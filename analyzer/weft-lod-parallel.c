/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-parallel.c: the parallelism strip. With scheduler data its mean
 * is the sum of the CPU lanes' busy fractions (exact); the most threads
 * running at once is exact in a column holding few switches, else the
 * maximum over equal time buckets, built by one sweep over every lane in
 * time order. Without scheduler data both come from the buckets, filled
 * with the estimate of SPEC §5 (a thread runs while inside a span and not
 * waiting, capped at the CPU count).
 */
#include "weft-lod-state-private.h"

#include "weft-estimate-private.h"

#include <math.h>

/* Switches a column may hold and still be swept exactly for its max. */
#define EXACT_SWITCHES 256

static guint64
pow2_at_least (guint64 v)
{
  guint64 p = 1;

  while (p < v)
    p *= 2;
  return p;
}

static inline guint64
bucket_of (const WeftLod *lod, double t)
{
  double b = floor (t / lod->bucket_ns);

  if (b < 0)
    return 0;
  return MIN ((guint64) b, lod->n_buckets - 1);
}

/* The last bucket [?, t) reaches into. */
static inline guint64
bucket_before (const WeftLod *lod, double t)
{
  double b = ceil (t / lod->bucket_ns) - 1.0;

  if (b < 0)
    return 0;
  return MIN ((guint64) b, lod->n_buckets - 1);
}

/* Running count r held over [t1, t2). */
static void
bucket_hold (WeftLod *lod, guint64 t1, guint64 t2, guint r)
{
  guint64 b1, b2;

  if (t2 <= t1)
    return;
  /* The buckets [t1, t2) reaches into: the last is the one before the
   * bucket boundary at or after t2. */
  b1 = bucket_of (lod, (double) t1);
  b2 = MAX (bucket_before (lod, (double) t2), b1);
  for (guint64 b = b1; b <= b2; b++)
    {
      lod->bucket_max[b] = MAX (lod->bucket_max[b], (float) r);
      if (lod->bucket_cum != NULL && r > 0)
        {
          double lo = MAX ((double) t1, (double) b * lod->bucket_ns);
          double hi = MIN ((double) t2, (double) (b + 1) * lod->bucket_ns);
          if (hi > lo)
            lod->bucket_cum[b + 1] += r * (hi - lo);
        }
    }
}

typedef struct
{
  guint64 time;
  guint32 lane;
} Next;

static void
sift_down (Next *heap, guint n, guint i)
{
  Next e = heap[i];

  for (;;)
    {
      guint child = 2 * i + 1;
      if (child >= n)
        break;
      if (child + 1 < n && heap[child + 1].time < heap[child].time)
        child++;
      if (heap[child].time >= e.time)
        break;
      heap[i] = heap[child];
      i = child;
    }
  heap[i] = e;
}

/* The floor of q, clamped to [0, G_MAXUINT64] (NaN gives 0). */
static inline guint64
quotient_floor (double q)
{
  if (q >= 0x1p63)
    return q >= 0x1p64 ? G_MAXUINT64 : (guint64) q;
  return q >= 0 ? (guint64) q : 0;
}

/* The floor and the ceil of t / bucket_ns, as bucket_of () and
 * bucket_before () take them (truncation is the floor of a quotient
 * >= 0, and the ceil is one more when a fraction is left: floor () and
 * ceil () without SSE4.1 were a third of the sweep). Below 2^24 the
 * product by the reciprocal is within 1e-8 of the quotient, so where it
 * is farther than that from an integer, the floor and ceil are the
 * quotient's: the division is only needed at a bucket's edge. */
static inline void
bucket_edges (double bucket_ns, double inv, guint64 t, guint64 *floor_q, guint64 *ceil_q)
{
  double qa = (double) t * inv, q;
  guint64 i;

  if (qa < 0x1p24)
    {
      double frac;

      i = (guint64) qa;
      frac = qa - (double) i;
      if (frac > 1e-6 && frac < 1.0 - 1e-6)
        {
          *floor_q = i;
          *ceil_q = i + 1;
          return;
        }
    }
  q = (double) t / bucket_ns;
  i = quotient_floor (q);
  *floor_q = i;
  *ceil_q = i + (i < G_MAXUINT64 && (double) i < q);
}

/* One step of a sweep, r lanes running from the previous step to t:
 * bucket_hold () from the floor of the interval's start (kept in
 * *floor_last from the previous step) to the ceil of its end, and only
 * for r > 0, which is all a maximum needs. Both sweeps (sweep_sched ()
 * and the model's, swept_hold ()) take it, so they fill the same
 * buckets. */
static inline void
bucket_step (float *bucket_max, guint64 n_buckets, double bucket_ns, double inv,
             guint64 *floor_last, guint64 t, guint r)
{
  guint64 floor_t, ceil_t;

  bucket_edges (bucket_ns, inv, t, &floor_t, &ceil_t);
  if (r > 0)
    {
      guint64 b1 = MIN (*floor_last, n_buckets - 1);
      guint64 b2 = ceil_t == 0 ? 0 : MIN (ceil_t - 1, n_buckets - 1);

      for (guint64 b = b1; b <= MAX (b2, b1); b++)
        bucket_max[b] = MAX (bucket_max[b], (float) r);
    }
  *floor_last = floor_t;
}

static inline gboolean
is_traced (const WeftLod *lod, guint32 who)
{
  return WEFT_MODEL_SLICE_THREAD (who) < lod->n_threads;
}

static gboolean
sweep_sched (WeftLod *lod, GCancellable *cancellable)
{
  g_autofree Next *heap = g_new (Next, MAX (lod->n_cpus, 1));
  g_autofree guint64 *pos = g_new0 (guint64, MAX (lod->n_cpus, 1));
  guint n_heap = 0, running = 0;
  guint64 last = 0, steps = 0;
  guint64 floor_last = 0; /* of last / bucket_ns */
  double inv = 1.0 / lod->bucket_ns;

  for (guint c = 0; c < lod->n_cpus; c++)
    if (lod->lanes[c]->n_slices > 0)
      heap[n_heap++] = (Next) { lod->lanes[c]->starts[0], c };
  for (guint i = n_heap / 2; i-- > 0;)
    sift_down (heap, n_heap, i);
  while (n_heap > 0)
    {
      const WeftModelCpu *cpu = lod->lanes[heap[0].lane];
      guint64 t = heap[0].time, k = pos[heap[0].lane];

      if (t > last)
        {
          bucket_step (lod->bucket_max, lod->n_buckets, lod->bucket_ns, inv, &floor_last, t,
                       running);
          last = t;
        }
      if (k > 0 && is_traced (lod, cpu->who[k - 1]))
        running--;
      if (is_traced (lod, cpu->who[k]))
        running++;
      pos[heap[0].lane] = ++k;
      if (k < cpu->n_slices)
        heap[0].time = cpu->starts[k];
      else
        heap[0] = heap[--n_heap];
      if (n_heap > 0)
        sift_down (heap, n_heap, 0);
      if (G_UNLIKELY (++steps % 1000000 == 0) && g_cancellable_is_cancelled (cancellable))
        return FALSE;
    }
  bucket_hold (lod, last, lod->duration + 1, running);
  return TRUE;
}

/* ---- the estimate without scheduler data ---- */

static void
hold_bucket (guint64 start, guint64 end, guint running, gpointer user_data)
{
  if (running > 0)
    bucket_hold (user_data, start, end, running);
}

static gboolean
sweep_estimate (WeftLod *lod, GCancellable *cancellable)
{
  int cpus = weft_model_get_cpu_count (lod->model);

  return _weft_estimate_sweep (lod->model, 0, lod->duration + 1,
                               cpus > 0 ? (guint) cpus : G_MAXUINT, NULL, hold_bucket, lod,
                               cancellable);
}

/* About 64 switches (or outermost spans) a bucket, within bounds that
 * keep a small trace precise and a huge one within its memory. */
static guint64
bucket_count (guint64 items)
{
  return CLAMP (pow2_at_least (items / 64), 4096, 1 << 21);
}

static double
bucket_width (guint64 duration, guint64 n_buckets)
{
  return (double) (duration + 1) / (double) n_buckets;
}

gboolean
_weft_lod_parallel_build (WeftLod *lod, GCancellable *cancellable)
{
  WeftModel *m = lod->model;
  gboolean sched = weft_model_has_sched (m);
  WeftLodSweep *swept = lod->swept;
  guint64 items = 0;

  if (sched && swept != NULL && swept->begun && swept->ended)
    {
      /* The model's build swept the lanes: its buckets, and the hold
       * past the last switch that sweep_sched () ends with. */
      lod->n_buckets = swept->n_buckets;
      lod->bucket_ns = swept->bucket_ns;
      lod->bucket_levels = swept->levels;
      lod->bucket_max = g_steal_pointer (&swept->bucket_max);
      bucket_hold (lod, swept->end_last, lod->duration + 1, swept->end_running);
      _weft_lod_maxf_finish (&lod->bucket_levels, lod->bucket_max);
      return TRUE;
    }
  if (sched)
    for (guint c = 0; c < lod->n_cpus; c++)
      items += lod->lanes[c]->n_slices;
  else
    for (guint i = 0; i < lod->n_threads; i++)
      items += weft_model_get_thread (m, i)->n_spans;
  lod->n_buckets = bucket_count (items);
  lod->bucket_ns = bucket_width (lod->duration, lod->n_buckets);
  _weft_lod_levels_init (&lod->bucket_levels, lod->n_buckets);
  lod->bucket_max = g_new0 (float, lod->bucket_levels.total);
  if (!sched)
    lod->bucket_cum = g_new0 (double, lod->n_buckets + 1);

  if (!(sched ? sweep_sched (lod, cancellable) : sweep_estimate (lod, cancellable)))
    return FALSE;
  _weft_lod_maxf_finish (&lod->bucket_levels, lod->bucket_max);
  if (lod->bucket_cum != NULL)
    for (guint64 b = 0; b < lod->n_buckets; b++)
      lod->bucket_cum[b + 1] += lod->bucket_cum[b];
  return TRUE;
}

/* ---- the model's sweep, shown to the index ---- */

static void
swept_begin (gpointer data, WeftModel *model)
{
  WeftLodSweep *s = data;
  guint64 items = 0;

  for (guint c = 0; c < model->n_cpus; c++)
    items += model->cpus[c].starts.len;
  s->n_buckets = bucket_count (items);
  s->bucket_ns = bucket_width (model->duration, s->n_buckets);
  _weft_lod_levels_init (&s->levels, s->n_buckets);
  s->bucket_max = g_new0 (float, s->levels.total);
  s->inv = 1.0 / s->bucket_ns;
  s->last = 0;
  s->floor_last = 0;
  s->begun = TRUE;
  if (model->n_cpus < WEFT_LOD_DIRECT_IDS)
    s->states = _weft_lod_state_sweep_new (model);
}

/* What sweep_sched () does between two switch times. The holds that
 * follow inside bucket floor (t2 / bucket_ns), short of its end by a
 * margin wider than bucket_edges ()'s rounding, touch that bucket alone
 * and leave the floor where it is: the sweep raises it itself, through
 * *peak, until the returned time. The next call then finds t1 past
 * s->last and takes the floor from t1, as bucket_step () would have. */
static guint64
swept_hold (gpointer data, guint64 t1, guint64 t2, guint running, float **peak)
{
  WeftLodSweep *s = data;
  double end;

  /* t1 is the previous interval's end: the model sweeps in time order. */
  if (t1 != s->last)
    {
      guint64 ceil_t1;

      bucket_edges (s->bucket_ns, s->inv, t1, &s->floor_last, &ceil_t1);
    }
  bucket_step (s->bucket_max, s->n_buckets, s->bucket_ns, s->inv, &s->floor_last, t2, running);
  s->last = t2;
  if (s->floor_last >= s->n_buckets)
    return 0;
  *peak = &s->bucket_max[s->floor_last];
  end = ((double) (s->floor_last + 1) - 1e-5) * s->bucket_ns;
  return end > (double) t2 && end < 0x1p63 ? (guint64) end : 0;
}

static void
swept_end (gpointer data, guint64 last, guint running)
{
  WeftLodSweep *s = data;

  s->end_last = last;
  s->end_running = running;
  s->ended = TRUE;
  if (s->states != NULL)
    _weft_lod_state_sweep_end (s->states);
}

static void
swept_slice (gpointer data, guint32 thread, guint lane, guint64 k)
{
  WeftLodSweep *s = data;

  if (s->states != NULL)
    _weft_lod_state_sweep_slice (s->states, thread, lane, k);
}

void
_weft_lod_sweep_sink (WeftLodSweep *sweep, WeftModelSweepSink *sink)
{
  memset (sweep, 0, sizeof *sweep);
  *sink = (WeftModelSweepSink) { swept_begin, swept_hold, swept_slice, swept_end, sweep };
}

void
_weft_lod_sweep_clear (WeftLodSweep *sweep)
{
  g_clear_pointer (&sweep->bucket_max, g_free);
  g_clear_pointer (&sweep->states, _weft_lod_state_sweep_free);
}

void
_weft_lod_parallel_clear (WeftLod *lod)
{
  g_clear_pointer (&lod->bucket_max, g_free);
  g_clear_pointer (&lod->bucket_cum, g_free);
}

/* Estimated running threads in bucket k on average. */
static inline double
bucket_density (const WeftLod *lod, guint64 k)
{
  return MAX (0.0, lod->bucket_cum[k + 1] - lod->bucket_cum[k]) / lod->bucket_ns;
}

/* Mean estimated running threads over the column [a, b) of the given
 * width: the buckets' densities weighted by their overlap with it. The
 * overlaps come from the width and the bucket edges, not from a
 * difference of two running-time sums before a and b: deep into a long
 * trace (times near 1e16 ns resolve to 2 ns as doubles) a column may be a
 * small fraction of a ns, and such a difference is mostly rounding. */
static double
estimate_mean (const WeftLod *lod, WeftLodEdge a, WeftLodEdge b, double width)
{
  double ta = (double) a.ti + a.tf, tb = (double) b.ti + b.tf;
  double end = (double) lod->n_buckets * lod->bucket_ns;
  double beyond = MAX (0.0, tb - end); /* the part past the trace: none */
  double first, mid, last, sum;
  guint64 k1, k2;

  if (ta >= end || tb <= 0)
    return 0.0;
  k1 = bucket_of (lod, ta);
  k2 = MAX (bucket_before (lod, tb), k1);
  if (k1 == k2)
    return bucket_density (lod, k1) * CLAMP (width - beyond, 0.0, width) / width;
  first = CLAMP ((double) (k1 + 1) * lod->bucket_ns - ta, 0.0, width);
  mid = (double) (k2 - k1 - 1) * lod->bucket_ns;
  last = CLAMP (width - first - mid - beyond, 0.0, lod->bucket_ns);
  sum = bucket_density (lod, k1) * first
        + MAX (0.0, lod->bucket_cum[k2] - lod->bucket_cum[k1 + 1])
        + bucket_density (lod, k2) * last;
  return sum / width;
}

/* Most traced threads running at once in [a, b), sweeping the lanes'
 * switches inside it; FALSE when there are too many. pos and end are
 * per-lane scratch (pos kept between columns as a search hint). */
static gboolean
exact_max (const WeftLod *lod, guint64 *pos, guint64 *end, WeftLodEdge a, WeftLodEdge b,
           guint32 *max)
{
  guint64 ka = _weft_lod_edge_ceil (a), kb = _weft_lod_edge_ceil (b), total = 0, prev_t = 0;
  guint running = 0, best = 0;
  gboolean first = TRUE;

  for (guint c = 0; c < lod->n_cpus; c++)
    {
      const WeftModelCpu *cpu = lod->lanes[c];
#define START_OF(i) (cpu->starts[i])
      WEFT_LOD_LOWER_BOUND (pos[c], cpu->n_slices, pos[c], ka, START_OF);
      WEFT_LOD_LOWER_BOUND (end[c], cpu->n_slices, pos[c], kb, START_OF);
#undef START_OF
      total += end[c] - pos[c];
      if (pos[c] > 0 && is_traced (lod, cpu->who[pos[c] - 1]))
        running++;
    }
  if (total > EXACT_SWITCHES)
    return FALSE;
  /* Switches in time order (few lanes: a linear pick is enough); pos
   * walks up to end, where the next column starts. A count counts when it
   * held for some time inside the column. */
  for (;;)
    {
      guint next = G_MAXUINT;
      guint64 t = G_MAXUINT64;

      for (guint c = 0; c < lod->n_cpus; c++)
        if (pos[c] < end[c] && lod->lanes[c]->starts[pos[c]] < t)
          {
            t = lod->lanes[c]->starts[pos[c]];
            next = c;
          }
      if (next == G_MAXUINT)
        break;
      if (first ? !(a.tf == 0.0 && t == a.ti) : t > prev_t)
        best = MAX (best, running);
      first = FALSE;
      {
        const WeftModelCpu *cpu = lod->lanes[next];
        guint64 k = pos[next]++;

        if (k > 0 && is_traced (lod, cpu->who[k - 1]))
          running--;
        if (is_traced (lod, cpu->who[k]))
          running++;
      }
      prev_t = t;
    }
  /* What holds from the last switch to b. */
  *max = MAX (best, running);
  return TRUE;
}

void
weft_lod_parallelism (WeftLod *lod, const WeftLodWindow *w, WeftLodParallelColumn *out)
{
  double width;

  if (!_weft_lod_window_ok (w))
    return;
  width = _weft_lod_width (w);
  memset (out, 0, w->n_columns * sizeof *out);

  if (weft_model_has_sched (lod->model))
    {
      g_autofree float *mean = g_new0 (float, w->n_columns);
      g_autofree guint64 *pos = g_new0 (guint64, MAX (lod->n_cpus, 1));
      g_autofree guint64 *end = g_new0 (guint64, MAX (lod->n_cpus, 1));
      guint64 switches = 0;
      gboolean sweep;

      for (guint c = 0; c < lod->n_cpus; c++)
        {
          _weft_lod_cpu_add_busy (lod, c, w, mean);
          switches += lod->lanes[c]->n_slices;
        }
      /* Columns that on average hold many more switches than a sweep
       * takes go straight to the buckets (no searches per lane). */
      sweep = (double) switches * width / (double) MAX (lod->duration, 1) < 4 * EXACT_SWITCHES;
      for (guint i = 0; i < w->n_columns; i++)
        {
          WeftLodEdge a = _weft_lod_edge (w, i), b = _weft_lod_edge (w, i + 1);

          out[i].mean = mean[i];
          /* A column holding few switches sweeps them; others take the
           * buckets' maximum. */
          if (!sweep || !exact_max (lod, pos, end, a, b, &out[i].max))
            out[i].max = (guint32) _weft_lod_maxf_range (
              &lod->bucket_levels, lod->bucket_max, bucket_of (lod, (double) a.ti + a.tf),
              MAX (bucket_before (lod, (double) b.ti + b.tf), bucket_of (lod, (double) a.ti + a.tf)) + 1);
          /* A column with any running has at least one at once. */
          if (out[i].mean > 0 && out[i].max == 0)
            out[i].max = 1;
        }
      return;
    }

  for (guint i = 0; i < w->n_columns; i++)
    {
      WeftLodEdge a = _weft_lod_edge (w, i), b = _weft_lod_edge (w, i + 1);
      double ta = (double) a.ti + a.tf, tb = (double) b.ti + b.tf;
      float mean;

      if (tb > 0 && ta <= (double) lod->duration)
        out[i].max = (guint32) _weft_lod_maxf_range (
          &lod->bucket_levels, lod->bucket_max, bucket_of (lod, ta),
          MAX (bucket_before (lod, tb), bucket_of (lod, ta)) + 1);
      /* The mean averages the buckets the max is taken over: only
       * rounding could lift it above. */
      mean = (float) estimate_mean (lod, a, b, width);
      out[i].mean = CLAMP (mean, 0.0f, (float) out[i].max);
    }
}
