/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-cpu.c: CPU lanes. Each lane keeps the busy and other time and
 * the non-idle slice count before every WEFT_LOD_CPU_BLOCK-th slice, and
 * a pyramid of the thread that ran longest per block. A column's busy
 * fraction is the difference of two cumulative values at its edges.
 */
#include "weft-lod-private.h"

#define B WEFT_LOD_CPU_BLOCK

static inline guint64
slice_end (const WeftLod *lod, const WeftModelCpu *cpu, guint64 k)
{
  return _weft_lod_slice_end (cpu, k, lod->duration);
}

/* 0 idle, 1 traced, 2 other. */
static inline guint
slice_class (const WeftLod *lod, guint32 who)
{
  guint32 t = WEFT_MODEL_SLICE_THREAD (who);

  if (t == WEFT_MODEL_SLICE_IDLE)
    return 0;
  if (t == WEFT_MODEL_SLICE_OTHER || t >= lod->n_threads)
    return t == WEFT_MODEL_SLICE_OTHER ? 2 : 0;
  return 1;
}

void
_weft_lod_cpu_build (WeftLod *lod, guint lane)
{
  const WeftModelCpu *cpu = lod->lanes[lane];
  WeftLodCpuIndex *index = &lod->cpus[lane];
  guint64 n = cpu->n_slices, n_blocks = (n + B - 1) / B;
  WeftLodCpuBlock acc = { 0 };
  WeftLodCandidates cand = { 0 };
  g_autofree double *per_thread = NULL;
  guint32 touched[B];
  guint n_touched = 0;

  if (lod->n_threads < WEFT_LOD_DIRECT_IDS)
    per_thread = g_new0 (double, MAX (lod->n_threads, 1));
  index->blocks = g_new (WeftLodCpuBlock, n_blocks + 1);
  _weft_lod_levels_init (&index->levels, n_blocks);
  index->dom = g_new (WeftLodDom, MAX (index->levels.total, 1));
  for (guint64 k = 0; k < n; k++)
    {
      guint64 len = slice_end (lod, cpu, k) - cpu->starts[k];
      guint cls = slice_class (lod, cpu->who[k]);

      if (k % B == 0)
        {
          index->blocks[k / B] = acc;
          memset (&cand, 0, sizeof cand);
        }
      if (cls == 1)
        {
          guint32 thread = WEFT_MODEL_SLICE_THREAD (cpu->who[k]);

          acc.busy += len;
          if (per_thread == NULL)
            _weft_lod_candidates_add (&cand, thread, (double) len);
          else
            _weft_lod_direct_add (per_thread, touched, &n_touched, thread, (double) len);
        }
      else if (cls == 2)
        acc.other += len;
      if (cls != 0)
        acc.count++;
      if (k % B == B - 1 || k + 1 == n)
        {
          double ns;

          index->dom[k / B].id = per_thread != NULL
                                   ? _weft_lod_direct_best (per_thread, touched, n_touched, &ns)
                                   : _weft_lod_candidates_best (&cand, &ns);
          index->dom[k / B].ns = (float) ns;
          n_touched = 0;
        }
    }
  index->blocks[n_blocks] = acc;
  _weft_lod_dom_finish (&index->levels, index->dom);
}

void
_weft_lod_cpu_clear (WeftLodCpuIndex *index)
{
  g_clear_pointer (&index->blocks, g_free);
  g_clear_pointer (&index->dom, g_free);
}

gsize
_weft_lod_cpu_size (WeftLod *lod, guint lane)
{
  const WeftLodCpuIndex *index = &lod->cpus[lane];
  guint64 n_blocks = index->levels.len[0];

  return (n_blocks + 1) * sizeof (WeftLodCpuBlock) + index->levels.total * sizeof (WeftLodDom);
}

/* Cumulative values of a lane up to an edge. */
typedef struct
{
  guint64 k;   /* slices starting before the edge */
  WeftLodCum busy;
  WeftLodCum other;
  guint64 count; /* non-idle slices starting before the edge */
} CpuPoint;

/* The prefix before slice `at`, kept between calls: moving forward by less
 * than a block scans, anything else restarts at a block. */
typedef struct
{
  guint64 at;
  WeftLodCpuBlock acc;
} CpuCursor;

static void
cursor_seek (const WeftLod *lod, const WeftModelCpu *cpu, const WeftLodCpuIndex *index,
             CpuCursor *c, guint64 target)
{
  if (target < c->at || target - c->at > B)
    {
      c->at = target / B * B;
      c->acc = index->blocks[target / B];
    }
  for (; c->at < target; c->at++)
    {
      guint cls = slice_class (lod, cpu->who[c->at]);
      guint64 len = slice_end (lod, cpu, c->at) - cpu->starts[c->at];

      if (cls == 1)
        c->acc.busy += len;
      else if (cls == 2)
        c->acc.other += len;
      if (cls != 0)
        c->acc.count++;
    }
}

#define START_OF(i) (cpu->starts[i])

static CpuPoint
cpu_point (const WeftLod *lod, const WeftModelCpu *cpu, const WeftLodCpuIndex *index,
           CpuCursor *c, WeftLodEdge e)
{
  guint64 key = _weft_lod_edge_ceil (e), k;
  CpuPoint p = { 0 };

  WEFT_LOD_LOWER_BOUND (k, cpu->n_slices, c->at, key, START_OF);
  p.k = k;
  if (k == 0)
    return p;
  cursor_seek (lod, cpu, index, c, k - 1);
  p.busy.i = (gint64) c->acc.busy;
  p.other.i = (gint64) c->acc.other;
  p.count = c->acc.count;
  {
    guint cls = slice_class (lod, cpu->who[k - 1]);
    double part = _weft_lod_part (cpu->starts[k - 1], slice_end (lod, cpu, k - 1), e);

    if (cls == 1)
      p.busy.f = part;
    else if (cls == 2)
      p.other.f = part;
    if (cls != 0)
      p.count++;
  }
  return p;
}

/* The traced thread that ran longest in [a, b), slices first … last. */
static guint32
cpu_dominant (const WeftLod *lod, const WeftModelCpu *cpu, const WeftLodCpuIndex *index,
              guint64 first, guint64 last, WeftLodEdge a, WeftLodEdge b)
{
  WeftLodCandidates cand = { 0 };

  if (last - first < WEFT_LOD_EXACT_ITEMS)
    {
      for (guint64 j = first; j <= last; j++)
        if (slice_class (lod, cpu->who[j]) == 1)
          {
            guint64 s = cpu->starts[j], e = slice_end (lod, cpu, j);
            double ov = _weft_lod_part (s, e, b) - _weft_lod_part (s, e, a);
            if (ov > 0)
              _weft_lod_candidates_add (&cand, WEFT_MODEL_SLICE_THREAD (cpu->who[j]), ov);
          }
    }
  else
    {
      guint64 bf = first / B, bl = last / B;
      const WeftLodDom *leaf = index->dom;

      /* Partly covered end blocks count in proportion to their slices. */
      if (leaf[bf].id != WEFT_MODEL_NONE)
        _weft_lod_candidates_add (&cand, leaf[bf].id,
                                  leaf[bf].ns * (double) (MIN (last + 1, (bf + 1) * B) - first) / B);
      if (bl > bf && leaf[bl].id != WEFT_MODEL_NONE)
        _weft_lod_candidates_add (&cand, leaf[bl].id,
                                  leaf[bl].ns * (double) (last + 1 - bl * B) / B);
      if (bl > bf + 1)
        _weft_lod_dom_range (&index->levels, index->dom, bf + 1, bl, &cand);
    }
  return _weft_lod_candidates_best (&cand, NULL);
}

/* Sums a narrow column [a, b) slice by slice, from first to last: busy,
 * other, count and the exact dominant thread. */
static void
cpu_column_exact (const WeftLod *lod, const WeftModelCpu *cpu, guint64 first, guint64 last,
                  guint64 ka, WeftLodEdge a, WeftLodEdge b, double *busy, double *other,
                  guint64 *started, WeftLodCpuColumn *col)
{
  WeftLodCandidates cand = { 0 };
  guint64 n = cpu->n_slices;

  *busy = *other = 0.0;
  *started = 0;
  col->count = 0;
  for (guint64 j = first; j <= last; j++)
    {
      guint32 t = WEFT_MODEL_SLICE_THREAD (cpu->who[j]);
      guint64 s = cpu->starts[j], e = j + 1 < n ? cpu->starts[j + 1] : lod->duration;
      double ov;

      if (t == WEFT_MODEL_SLICE_IDLE || (t >= lod->n_threads && t != WEFT_MODEL_SLICE_OTHER))
        continue;
      e = MAX (e, s);
      ov = _weft_lod_part (s, e, b) - _weft_lod_part (s, e, a);
      /* Non-idle slices starting in the column: the cumulative count. */
      if (j >= ka)
        (*started)++;
      /* The slice in progress at a counts only if it reaches past a. */
      if (s < _weft_lod_edge_ceil (a) && e <= a.ti)
        continue;
      col->count++;
      if (t == WEFT_MODEL_SLICE_OTHER)
        *other += ov;
      else
        {
          *busy += ov;
          if (ov > 0)
            _weft_lod_candidates_add (&cand, t, ov);
        }
    }
  col->thread = _weft_lod_candidates_best (&cand, NULL);
}

void
weft_lod_cpu_columns (WeftLod *lod, guint cpu_index, const WeftLodWindow *w,
                      WeftLodCpuColumn *out)
{
  const WeftModelCpu *cpu;
  const WeftLodCpuIndex *index;
  CpuCursor c = { 0 };
  CpuPoint prev;
  WeftLodEdge a;
  double width;

  if (!_weft_lod_window_ok (w))
    return;
  g_return_if_fail (cpu_index < lod->n_cpus);
  cpu = lod->lanes[cpu_index];
  index = &lod->cpus[cpu_index];
  width = _weft_lod_width (w);
  c.acc = index->blocks[0];

  a = _weft_lod_edge (w, 0);
  prev = cpu_point (lod, cpu, index, &c, a);
  for (guint i = 0; i < w->n_columns; i++)
    {
      WeftLodEdge b = _weft_lod_edge (w, i + 1);
      WeftLodCpuColumn *col = &out[i];
      /* The slice in progress at a, if any, is the first one overlapping. */
      guint64 first = prev.k > 0 ? prev.k - 1 : 0, kb;
      CpuPoint cur;

      WEFT_LOD_LOWER_BOUND (kb, cpu->n_slices, prev.k, _weft_lod_edge_ceil (b), START_OF);
      if (kb == 0)
        {
          memset (col, 0, sizeof *col);
          col->thread = WEFT_MODEL_NONE;
          cur = prev;
          cur.k = 0;
        }
      else if (kb - 1 - first < WEFT_LOD_EXACT_ITEMS)
        {
          /* Few slices: sum them, and carry the cumulative values on. */
          double busy, other;
          guint64 started;

          cpu_column_exact (lod, cpu, first, kb - 1, prev.k, a, b, &busy, &other, &started, col);
          cur = prev;
          cur.k = kb;
          cur.count += started;
          cur.busy.f += busy;
          cur.other.f += other;
          col->busy = _weft_lod_fraction (busy, width);
          col->other = MIN (_weft_lod_fraction (other, width), 1.0f - col->busy);
          if (col->busy == 0.0f)
            col->thread = WEFT_MODEL_NONE;
        }
      else
        {
          /* Many: prefix sums at both edges, the pyramid for who. */
          cur = cpu_point (lod, cpu, index, &c, b);
          col->busy = _weft_lod_fraction (_weft_lod_cum_diff (cur.busy, prev.busy), width);
          col->other = _weft_lod_fraction (_weft_lod_cum_diff (cur.other, prev.other), width);
          col->other = MIN (col->other, 1.0f - col->busy);
          col->count = (guint32) MIN (cur.count - prev.count, G_MAXUINT32 - 1);
          if (prev.k > 0 && slice_class (lod, cpu->who[prev.k - 1]) != 0
              && slice_end (lod, cpu, prev.k - 1) > a.ti)
            col->count++;
          col->thread = WEFT_MODEL_NONE;
          if (col->busy > 0.0f)
            col->thread = cpu_dominant (lod, cpu, index, first, cur.k - 1, a, b);
        }
      prev = cur;
      a = b;
    }
}

void
_weft_lod_cpu_add_busy (WeftLod *lod, guint lane, const WeftLodWindow *w, float *busy)
{
  const WeftModelCpu *cpu = lod->lanes[lane];
  const WeftLodCpuIndex *index = &lod->cpus[lane];
  CpuCursor c = { 0 };
  CpuPoint prev;
  double width = _weft_lod_width (w);

  c.acc = index->blocks[0];
  prev = cpu_point (lod, cpu, index, &c, _weft_lod_edge (w, 0));
  for (guint i = 0; i < w->n_columns; i++)
    {
      CpuPoint cur = cpu_point (lod, cpu, index, &c, _weft_lod_edge (w, i + 1));

      busy[i] += _weft_lod_fraction (_weft_lod_cum_diff (cur.busy, prev.busy), width);
      prev = cur;
    }
}

gboolean
weft_lod_cpu_slice_at (WeftLod *lod, guint cpu_index, guint64 t, guint64 slop, guint64 *slice)
{
  const WeftModelCpu *cpu;
  guint64 k, best = G_MAXUINT64, best_d = G_MAXUINT64;

  g_return_val_if_fail (cpu_index < lod->n_cpus, FALSE);
  cpu = lod->lanes[cpu_index];
  /* Slices starting at or before t. */
  t = MIN (t, G_MAXUINT64 - 1); /* t + 1 below */
  WEFT_LOD_LOWER_BOUND (k, cpu->n_slices, 0, t + 1, START_OF);
  if (k > 0 && t < slice_end (lod, cpu, k - 1) && slice_class (lod, cpu->who[k - 1]) != 0)
    {
      *slice = k - 1;
      return TRUE;
    }
  if (slop == 0)
    return FALSE;
  /* The nearest non-idle slice within slop on either side. */
  for (guint64 j = k; j-- > 0;)
    {
      guint64 e = slice_end (lod, cpu, j);
      if (e <= t && t - e + 1 > slop)
        break;
      if (slice_class (lod, cpu->who[j]) != 0 && e > cpu->starts[j])
        {
          best = j;
          best_d = t >= e ? t - e + 1 : 0;
          break;
        }
    }
  for (guint64 j = k; j < cpu->n_slices && cpu->starts[j] - t <= slop; j++)
    if (slice_class (lod, cpu->who[j]) != 0 && slice_end (lod, cpu, j) > cpu->starts[j])
      {
        if (cpu->starts[j] - t < best_d)
          best = j;
        break;
      }
  if (best == G_MAXUINT64)
    return FALSE;
  *slice = best;
  return TRUE;
}
