/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-spans.c: span rows, one per (thread, depth). The spans of a
 * depth never overlap, so a row is sorted by start and by end. Each row
 * keeps the time its spans cover before every WEFT_LOD_COVER_STEP-th span,
 * and pyramids of the longest span (to jump to the next span wide enough
 * to draw on its own) and of the name covering most (for merged columns).
 */
#include "weft-lod-private.h"

#include <math.h>

#include "weft-model-private.h"

#define B WEFT_LOD_SPAN_BLOCK
#define C WEFT_LOD_COVER_STEP

static inline const WeftModelSpan *
row_span (const WeftModelThread *th, const WeftLodThreadIndex *index, const WeftLodSpanRow *row,
          guint64 i)
{
  return &th->spans[row->order != NULL ? row->order[i] : i];
}

static inline guint64
row_span_index (const WeftLodThreadIndex *index, const WeftLodSpanRow *row, guint64 i)
{
  return row->order != NULL ? row->order[i] : i;
}

static inline guint64
span_len (const WeftModelSpan *s)
{
  return s->end > s->start ? s->end - s->start : 0;
}

/* A float no smaller than v: the pyramid may only overstate a length. */
static inline float
float_up (guint64 v)
{
  float f = (float) v;

  if ((double) f < (double) v)
    f = nextafterf (f, G_MAXFLOAT);
  return f;
}

/* One row while the spans are read: its order and block summaries grow
 * together. */
typedef struct
{
  WeftLodSpanRow *row;
  /* The row's count and order, here while it is built (row->n is set at
   * each block's close): one load fewer on every span's path. */
  guint64 n;
  guint32 *order;
  guint64 cap;        /* of row->order */
  guint64 block_cap;  /* of row->dom, row->longest */
  guint64 cover_cap;  /* of row->cover */
  guint64 acc;
  guint64 longest;
  /* The block's tally as spans come, for the first rows; deeper rows
   * (many, each with few spans) look at their block again instead. */
  WeftLodCandidates *cand;
} RowBuild;

#define TALLIED_ROWS 32

/* Closes the block holding the row's last span: its longest span and the
 * name covering most of it (a second look at its spans, still in cache,
 * keeps a row's build state small: a thread may have a thousand rows). */
static void
row_block_close (const WeftModelThread *th, RowBuild *rb)
{
  WeftLodSpanRow *row = rb->row;
  guint64 blk = (row->n - 1) / B;
  WeftLodCandidates cand = { 0 };
  double ns;

  if (rb->cand == NULL)
    for (guint64 i = blk * B; i < row->n; i++)
      {
        const WeftModelSpan *s = &th->spans[row->order != NULL ? row->order[i] : i];
        /* Zero-length spans still name their block. */
        _weft_lod_candidates_add (&cand, s->name, (double) span_len (s) + 1e-3);
      }
  row->dom[blk].id = _weft_lod_candidates_best (rb->cand != NULL ? rb->cand : &cand, &ns);
  row->dom[blk].ns = (float) ns;
  row->longest[blk] = float_up (rb->longest);
}

static inline void
row_add (const WeftModelThread *th, RowBuild *rb, guint64 index, const WeftModelSpan *s,
         gboolean keep_order)
{
  guint64 len = span_len (s);

  if (rb->n % C == 0)
    {
      WeftLodSpanRow *row = rb->row;

      if (rb->n / C + 1 >= rb->cover_cap)
        {
          rb->cover_cap = MAX (16, rb->cover_cap * 2);
          row->cover = g_renew (guint64, row->cover, rb->cover_cap);
        }
      row->cover[rb->n / C] = rb->acc;
      if (rb->n % B == 0)
        {
          if (rb->n / B + 1 >= rb->block_cap)
            {
              rb->block_cap = MAX (4, rb->block_cap * 2);
              row->dom = g_renew (WeftLodDom, row->dom, rb->block_cap);
              row->longest = g_renew (float, row->longest, rb->block_cap);
            }
          rb->longest = 0;
          if (rb->cand != NULL)
            rb->cand->n = 0;
        }
    }
  if (keep_order)
    {
      if (rb->n == rb->cap)
        {
          rb->cap = MAX (64, rb->cap * 2);
          rb->order = rb->row->order = g_renew (guint32, rb->order, rb->cap);
        }
      rb->order[rb->n] = (guint32) index;
    }
  rb->acc += len;
  rb->longest = MAX (rb->longest, len);
  if (rb->cand != NULL)
    _weft_lod_candidates_add (rb->cand, s->name, (double) len + 1e-3);
  rb->n++;
  if (rb->n % B == 0)
    {
      rb->row->n = rb->n;
      row_block_close (th, rb);
    }
}

/* Allocates the row's arrays for n spans at once: growing them by
 * doubling copied each (these arrays sit below malloc's mmap threshold,
 * where realloc copies) and faulted in twice their pages. */
static void
row_presize (RowBuild *rb, guint64 n, gboolean keep_order)
{
  WeftLodSpanRow *row = rb->row;
  WeftLodLevels levels;
  guint64 n_blocks = (n + B - 1) / B;

  if (n == 0)
    return;
  _weft_lod_levels_init (&levels, n_blocks);
  /* row_add grows an array when its next write would reach the cap: one
   * more than the writes (row_finish trims it). */
  rb->cover_cap = (n + C - 1) / C + 1;
  row->cover = weft_vec_alloc (rb->cover_cap, sizeof (guint64));
  rb->block_cap = MAX (levels.total, n_blocks + 1);
  row->dom = weft_vec_alloc (rb->block_cap, sizeof (WeftLodDom));
  row->longest = weft_vec_alloc (rb->block_cap, sizeof (float));
  if (keep_order)
    {
      rb->cap = n;
      rb->order = row->order = weft_vec_alloc (n, sizeof (guint32));
    }
}

/* Gives the row its final sizes and its pyramids' upper levels. */
static void
row_finish (const WeftModelThread *th, RowBuild *rb)
{
  WeftLodSpanRow *row = rb->row;
  guint64 n_blocks = (rb->n + B - 1) / B;
  WeftLodLevels levels;

  row->n = rb->n;
  if (row->n % B != 0)
    row_block_close (th, rb);
  _weft_lod_levels_init (&levels, n_blocks);
  row->cover = g_renew (guint64, row->cover, (row->n + C - 1) / C + 1);
  row->cover[(row->n + C - 1) / C] = rb->acc;
  row->dom = g_renew (WeftLodDom, row->dom, MAX (levels.total, 1));
  row->longest = g_renew (float, row->longest, MAX (levels.total, 1));
  if (row->order != NULL)
    row->order = g_renew (guint32, row->order, MAX (row->n, 1));
  _weft_lod_dom_finish (&levels, row->dom);
  _weft_lod_maxf_finish (&levels, row->longest);
}

void
_weft_lod_spans_build (WeftLod *lod, guint thread)
{
  const WeftModelThread *th = weft_model_get_thread (lod->model, thread);
  WeftLodThreadIndex *index = &lod->threads[thread];
  guint depths = MIN (th->max_depth, WEFT_LOD_MAX_ROWS);
  g_autofree RowBuild *rbs = NULL;
  g_autofree WeftLodCandidates *tallies = NULL;
  gboolean keep_order = depths > 1;
  /* Locals: the row stores could alias them, and they would be reloaded
   * for every span. */
  const WeftModelSpan *spans = th->spans;

  if (th->n_spans == 0 || depths == 0)
    return;
  /* One pass over the spans (pre-order) feeds every depth's row. */
  index->rows = g_new0 (WeftLodSpanRow, depths);
  index->n_rows = depths;
  rbs = g_new0 (RowBuild, depths);
  tallies = g_new (WeftLodCandidates, MIN (depths, TALLIED_ROWS));
  for (guint d = 0; d < depths; d++)
    {
      rbs[d].row = &index->rows[d];
      rbs[d].cand = d < TALLIED_ROWS ? &tallies[d] : NULL;
    }
  if (!lod->grow_rows)
    {
      guint n_counts;
      const guint64 *counts = _weft_model_get_depth_spans (lod->model, thread, &n_counts);

      /* The model counted the spans of each depth; the last row takes every
       * deeper one. A count that were wrong would only cost a regrowth. */
      for (guint d = 0; d < depths && d < n_counts; d++)
        {
          guint64 n = counts[d];

          if (d + 1 == depths)
            for (guint e = d + 1; e < n_counts; e++)
              n += counts[e];
          row_presize (&rbs[d], n, keep_order);
        }
    }
  for (guint64 i = 0, n = th->n_spans; i < n; i++)
    {
      const WeftModelSpan *s = &spans[i];
      /* Deeper than WEFT_LOD_MAX_ROWS (or, from a model bug, than
       * max_depth): the last row. */
      guint d = MIN (WEFT_MODEL_SPAN_DEPTH (s), depths - 1);

      row_add (th, &rbs[d], i, s, keep_order);
    }
  for (guint d = 0; d < depths; d++)
    row_finish (th, &rbs[d]);
}

void
_weft_lod_spans_clear (WeftLodThreadIndex *index)
{
  for (guint d = 0; d < index->n_rows; d++)
    {
      g_free (index->rows[d].order);
      g_free (index->rows[d].cover);
      g_free (index->rows[d].dom);
      g_free (index->rows[d].longest);
    }
  g_clear_pointer (&index->rows, g_free);
  index->n_rows = 0;
}

typedef struct
{
  guint64 at;
  guint64 acc;
} CoverCursor;

#define START_OF(i) (row_span (th, index, row, (i))->start)

/* Time the row's spans cover before edge e, k the number of spans
 * starting before it. */
static WeftLodCum
cover_at (const WeftModelThread *th, const WeftLodThreadIndex *index, const WeftLodSpanRow *row,
          CoverCursor *c, WeftLodEdge e, guint64 k)
{
  WeftLodCum cum = { 0, 0.0 };
  const WeftModelSpan *s;

  if (k == 0)
    return cum;
  if (k - 1 < c->at || k - 1 - c->at > C)
    {
      c->at = (k - 1) / C * C;
      c->acc = row->cover[(k - 1) / C];
    }
  for (; c->at < k - 1; c->at++)
    c->acc += span_len (row_span (th, index, row, c->at));
  s = row_span (th, index, row, k - 1);
  cum.i = (gint64) c->acc;
  cum.f = _weft_lod_part (s->start, MAX (s->end, s->start), e);
  return cum;
}

/* The first span in [lo, hi) starting at or after key, searched outwards
 * from guess (the spans are scattered in memory: few probes matter). */
static guint64
row_search (const WeftModelThread *th, const WeftLodThreadIndex *index, const WeftLodSpanRow *row,
            guint64 lo, guint64 hi, guint64 key, guint64 guess)
{
  guint64 step = 1;

  guess = CLAMP (guess, lo, hi);
  if (guess < hi && START_OF (guess) < key)
    {
      /* Forward: [guess + 1, …) */
      lo = guess + 1;
      while (lo + step <= hi && START_OF (lo + step - 1) < key)
        {
          lo += step;
          step *= 2;
        }
      hi = MIN (hi, lo + step);
    }
  else
    {
      /* Backward: (…, guess] */
      hi = guess;
      while (hi >= lo + step && !(START_OF (hi - step) < key))
        {
          hi -= step;
          step *= 2;
        }
      lo = hi >= lo + step ? hi - step + 1 : lo;
    }
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      if (START_OF (mid) < key)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static guint32
row_dominant (const WeftModelThread *th, const WeftLodThreadIndex *index,
              const WeftLodSpanRow *row, guint64 first, guint64 last, WeftLodEdge a,
              WeftLodEdge b)
{
  WeftLodCandidates cand = { 0 };

  if (last - first < WEFT_LOD_EXACT_ITEMS)
    for (guint64 j = first; j <= last; j++)
      {
        const WeftModelSpan *s = row_span (th, index, row, j);
        guint64 e = MAX (s->end, s->start);
        double ov = _weft_lod_part (s->start, e, b) - _weft_lod_part (s->start, e, a);
        _weft_lod_candidates_add (&cand, s->name, MAX (ov, 0.0) + 1e-3);
      }
  else
    {
      guint64 bf = first / B, bl = last / B;
      const WeftLodDom *leaf = row->dom;

      _weft_lod_candidates_add (&cand, leaf[bf].id,
                                leaf[bf].ns * (double) (MIN (last + 1, (bf + 1) * B) - first) / B);
      if (bl > bf)
        _weft_lod_candidates_add (&cand, leaf[bl].id,
                                  leaf[bl].ns * (double) (last + 1 - bl * B) / B);
      if (bl > bf + 1)
        {
          WeftLodLevels levels;
          _weft_lod_levels_init (&levels, (row->n + B - 1) / B);
          _weft_lod_dom_range (&levels, row->dom, bf + 1, bl, &cand);
        }
    }
  return _weft_lod_candidates_best (&cand, NULL);
}

/* The first span >= from at least threshold ns long, or row->n. */
static guint64
next_long (const WeftModelThread *th, const WeftLodThreadIndex *index, const WeftLodSpanRow *row,
           guint64 from, double threshold)
{
  WeftLodLevels levels;

  _weft_lod_levels_init (&levels, (row->n + B - 1) / B);
  while (from < row->n)
    {
      guint64 block_end = MIN ((from / B + 1) * B, row->n), blk;

      for (; from < block_end; from++)
        if ((double) span_len (row_span (th, index, row, from)) >= threshold)
          return from;
      if (from >= row->n)
        break;
      blk = _weft_lod_maxf_find (&levels, row->longest, from / B, threshold);
      if (blk == G_MAXUINT64)
        break;
      from = blk * B;
    }
  return row->n;
}

static inline WeftLodEdge
time_edge (double t)
{
  double fl = floor (t);

  return (WeftLodEdge) { (guint64) fl, t - fl };
}

/* Merges spans [i, j) (all narrower than the threshold) column by column. */
static void
emit_run (const WeftModelThread *th, const WeftLodThreadIndex *index, const WeftLodSpanRow *row,
          const WeftLodWindow *w, guint64 i, guint64 j, CoverCursor *cc, GArray *items)
{
  const WeftModelSpan *first_span = row_span (th, index, row, i);
  const WeftModelSpan *last_span = row_span (th, index, row, j - 1);
  double run_start = (double) first_span->start;
  double run_end = (double) MAX (last_span->end, last_span->start);
  double x_start = MAX (0.0, _weft_lod_x (w, run_start));
  double x_end = MIN ((double) w->n_columns, _weft_lod_x (w, run_end));
  double width = _weft_lod_width (w);
  guint c0 = (guint) floor (x_start);
  guint c1 = x_end > x_start ? (guint) ceil (x_end) : c0 + 1;
  guint64 ka, delta = 0;
  WeftLodEdge a;

  c1 = MIN (c1, w->n_columns);
  a = _weft_lod_edge (w, c0);
  /* Each edge's search starts where the last column's count predicts. */
  ka = row_search (th, index, row, i, j, _weft_lod_edge_ceil (a), i);
  for (guint col = c0; col < c1; col++)
    {
      WeftLodEdge b = _weft_lod_edge (w, col + 1);
      double ta = MAX ((double) a.ti + a.tf, run_start);
      double tb = MIN ((double) b.ti + b.tf, run_end);
      guint64 kb, first, last, k_ta, k_tb;
      WeftLodItem item = { 0 };
      WeftLodCum ca, cb;
      WeftLodEdge ea, eb;

      if (col + 1 == w->n_columns)
        tb = MIN ((double) w->end, run_end);
      kb = row_search (th, index, row, ka, j, _weft_lod_edge_ceil (b), ka + delta);
      delta = kb - ka;
      /* Spans of the run overlapping the column: from the one in progress
       * at its left edge to the last starting before its right edge. */
      first = ka > i && row_span (th, index, row, ka - 1)->end > a.ti ? ka - 1 : ka;
      if (kb == 0 || kb - 1 < first)
        {
          ka = kb;
          a = b;
          continue;
        }
      last = kb - 1;

      ea = time_edge (ta);
      eb = time_edge (tb);
      /* Spans before ta and tb: the edges' counts, but where the run's
       * ends cut the column. */
      k_ta = ta > (double) a.ti + a.tf ? i : ka;
      k_tb = tb < (double) b.ti + b.tf ? j : kb;
      ca = cover_at (th, index, row, cc, ea, MAX (k_ta, i));
      cb = cover_at (th, index, row, cc, eb, k_tb);
      item.kind = WEFT_LOD_ITEM_MERGED;
      item.x0 = MAX ((double) col, _weft_lod_x (w, (double) row_span (th, index, row, first)->start));
      item.x1 = MIN ((double) col + 1,
                     _weft_lod_x (w, (double) MAX (row_span (th, index, row, last)->end,
                                                   row_span (th, index, row, last)->start)));
      item.x1 = MAX (item.x1, item.x0);
      item.start = MAX (row_span (th, index, row, first)->start, (guint64) MAX (ta, 0.0));
      item.end = MIN (MAX (row_span (th, index, row, last)->end,
                           row_span (th, index, row, last)->start),
                      (guint64) ceil (tb));
      item.span = row_span_index (index, row, first);
      item.count = (guint32) MIN (last - first + 1, G_MAXUINT32);
      item.name = row_dominant (th, index, row, first, last, a, b);
      /* Clamped both ways: near 2^64 ns, doubles round the covered time
       * of two edges differently enough to go below 0. */
      if (item.x1 > item.x0)
        item.coverage = _weft_lod_fraction (_weft_lod_cum_diff (cb, ca),
                                            (item.x1 - item.x0) * width);
      g_array_append_val (items, item);
      ka = kb;
      a = b;
    }
}

guint
weft_lod_get_n_span_rows (WeftLod *lod, guint thread)
{
  g_return_val_if_fail (thread < lod->n_threads, 0);
  return lod->threads[thread].n_rows;
}

void
weft_lod_span_row (WeftLod *lod, guint thread, guint depth, const WeftLodWindow *w,
                   double min_px, GArray *items)
{
  const WeftModelThread *th;
  const WeftLodThreadIndex *index;
  const WeftLodSpanRow *row;
  CoverCursor cc = { 0 };
  double threshold;
  guint64 i;

  g_array_set_size (items, 0);
  if (!_weft_lod_window_ok (w))
    return;
  g_return_if_fail (thread < lod->n_threads);
  th = weft_model_get_thread (lod->model, thread);
  index = &lod->threads[thread];
  if (depth >= index->n_rows)
    return;
  row = &index->rows[depth];
  if (row->n == 0)
    return;
  /* Narrower than a pixel, a span would break the 4-per-column bound. */
  threshold = MAX (min_px, 1.0) * _weft_lod_width (w);
  cc.acc = row->cover[0];

  /* The span in progress at the window's start, or the first after it. */
  WEFT_LOD_LOWER_BOUND (i, row->n, 0, w->start + 1, START_OF);
  if (i > 0 && row_span (th, index, row, i - 1)->end > w->start)
    i--;
  while (i < row->n)
    {
      const WeftModelSpan *s = row_span (th, index, row, i);
      guint64 j;

      if (s->start >= w->end)
        break;
      if ((double) span_len (s) >= threshold)
        {
          WeftLodItem item = {
            .x0 = MAX (0.0, _weft_lod_x (w, (double) s->start)),
            .x1 = MIN ((double) w->n_columns, _weft_lod_x (w, (double) s->end)),
            .start = s->start,
            .end = s->end,
            .span = row_span_index (index, row, i),
            .name = s->name,
            .count = 1,
            .coverage = 1.0f,
            .kind = WEFT_LOD_ITEM_SPAN,
          };
          g_array_append_val (items, item);
          i++;
          continue;
        }
      j = next_long (th, index, row, i + 1, threshold);
      /* Only the part of the run inside the window. */
      {
        guint64 j_in;
        WEFT_LOD_LOWER_BOUND (j_in, j, i, w->end, START_OF);
        emit_run (th, index, row, w, i, MAX (j_in, i + 1), &cc, items);
      }
      i = j;
    }
}

gboolean
weft_lod_span_at (WeftLod *lod, guint thread, guint depth, guint64 t, guint64 slop,
                  guint64 *span)
{
  const WeftModelThread *th;
  const WeftLodThreadIndex *index;
  const WeftLodSpanRow *row;
  guint64 k, best = G_MAXUINT64, best_d = G_MAXUINT64;

  g_return_val_if_fail (thread < lod->n_threads, FALSE);
  th = weft_model_get_thread (lod->model, thread);
  index = &lod->threads[thread];
  if (depth >= index->n_rows)
    return FALSE;
  row = &index->rows[depth];
  /* Spans starting at or before t. */
  t = MIN (t, G_MAXUINT64 - 1); /* t + 1 below */
  WEFT_LOD_LOWER_BOUND (k, row->n, 0, t + 1, START_OF);
  if (k > 0)
    {
      const WeftModelSpan *s = row_span (th, index, row, k - 1);
      /* A zero-length span is hit at its own nanosecond. */
      guint64 e = MAX (s->end, s->start + 1);
      guint64 d = t < e ? 0 : t - e + 1;

      if (d <= slop)
        {
          best = k - 1;
          best_d = d;
        }
    }
  if (k < row->n && best_d > 0)
    {
      guint64 d = row_span (th, index, row, k)->start - t;
      if (d <= slop && d < best_d)
        best = k;
    }
  if (best == G_MAXUINT64)
    return FALSE;
  *span = row_span_index (index, row, best);
  return TRUE;
}
