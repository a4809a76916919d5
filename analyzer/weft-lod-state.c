/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-state.c: thread state strips. A thread's slices (from the
 * scheduler) cut its life into units: running on a CPU, then off it until
 * the next slice, runnable or blocked by how it left. Prefix sums of the
 * three at every WEFT_LOD_SCHED_BLOCK-th unit give them at any time. The
 * hooks' waits are a second layer: each wait keeps how much of it the
 * thread spent running, runnable and blocked, so a column hands a wait's
 * off-CPU time to "lock wait" or "cond wait" without walking its slices.
 */
#include "weft-lod-private.h"

#define B WEFT_LOD_SCHED_BLOCK
#define WB WEFT_LOD_WAIT_BLOCK

typedef struct
{
  guint64 s, e;    /* running */
  guint64 off_end; /* end of the time off the CPU that follows */
  guint lane;
  WeftLodState off;
} Unit;

static WeftLodState
end_state (guint32 who)
{
  switch (WEFT_MODEL_SLICE_END_STATE (who))
    {
    case WEFT_SWITCH_PREEMPTED:
      return WEFT_LOD_STATE_RUNNABLE;
    case WEFT_SWITCH_BLOCKED:
      return WEFT_LOD_STATE_BLOCKED;
    default:
      return WEFT_LOD_STATE_NONE;
    }
}

static inline guint64
slice_start (const WeftLod *lod, const WeftModelThread *th, guint64 j)
{
  guint lane;
  guint64 k;

  if (!_weft_lod_slice (lod, th->slices[j], &lane, &k))
    return 0;
  return weft_model_get_cpu (lod->model, lane)->starts[k];
}

static void
unit_get (const WeftLod *lod, const WeftModelThread *th, guint64 j, Unit *u)
{
  guint64 k;
  const WeftModelCpu *cpu;

  if (!_weft_lod_slice (lod, th->slices[j], &u->lane, &k))
    {
      memset (u, 0, sizeof *u);
      u->lane = WEFT_MODEL_NONE;
      return;
    }
  cpu = weft_model_get_cpu (lod->model, u->lane);
  u->s = cpu->starts[k];
  u->e = k + 1 < cpu->n_slices ? cpu->starts[k + 1] : lod->duration;
  u->e = MAX (u->e, u->s);
  u->off = end_state (cpu->who[k]);
  u->off_end = j + 1 < th->n_slices ? slice_start (lod, th, j + 1) : th->alive_end;
  u->off_end = MAX (u->off_end, u->e);
}

static inline void
block_add (WeftLodStateBlock *acc, const Unit *u)
{
  acc->running += u->e - u->s;
  if (u->off == WEFT_LOD_STATE_RUNNABLE)
    acc->runnable += u->off_end - u->e;
  else if (u->off == WEFT_LOD_STATE_BLOCKED)
    acc->blocked += u->off_end - u->e;
}

/* Running, runnable and blocked time before an edge. */
typedef struct
{
  guint64 k; /* slices starting before the edge */
  WeftLodCum running, runnable, blocked;
} StatePoint;

typedef struct
{
  guint64 at;
  WeftLodStateBlock acc;
} StateCursor;

static void
state_seek (const WeftLod *lod, const WeftModelThread *th, const WeftLodThreadIndex *index,
            StateCursor *c, guint64 target)
{
  if (target < c->at || target - c->at > B)
    {
      c->at = target / B * B;
      c->acc = index->state_blocks[target / B];
    }
  for (; c->at < target; c->at++)
    {
      Unit u;
      unit_get (lod, th, c->at, &u);
      block_add (&c->acc, &u);
    }
}

#define SLICE_START(j) slice_start (lod, th, (j))

static StatePoint
state_point (const WeftLod *lod, const WeftModelThread *th, const WeftLodThreadIndex *index,
             StateCursor *c, WeftLodEdge e)
{
  guint64 key = _weft_lod_edge_ceil (e), k;
  StatePoint p = { 0 };
  Unit u;

  if (th->n_slices == 0)
    return p;
  WEFT_LOD_LOWER_BOUND (k, th->n_slices, c->at, key, SLICE_START);
  p.k = k;
  if (k == 0)
    return p;
  state_seek (lod, th, index, c, k - 1);
  p.running.i = (gint64) c->acc.running;
  p.runnable.i = (gint64) c->acc.runnable;
  p.blocked.i = (gint64) c->acc.blocked;
  unit_get (lod, th, k - 1, &u);
  p.running.f = _weft_lod_part (u.s, u.e, e);
  if (u.off == WEFT_LOD_STATE_RUNNABLE)
    p.runnable.f = _weft_lod_part (u.e, u.off_end, e);
  else if (u.off == WEFT_LOD_STATE_BLOCKED)
    p.blocked.f = _weft_lod_part (u.e, u.off_end, e);
  return p;
}

static inline WeftLodEdge
edge_at (guint64 t)
{
  return (WeftLodEdge) { t, 0.0 };
}

static inline guint32
sat32 (double v)
{
  return v <= 0 ? 0 : v >= G_MAXUINT32 ? G_MAXUINT32 : (guint32) (v + 0.5);
}

void
_weft_lod_state_build (WeftLod *lod, guint thread)
{
  const WeftModelThread *th = weft_model_get_thread (lod->model, thread);
  WeftLodThreadIndex *index = &lod->threads[thread];
  guint64 n = th->n_slices, n_blocks = (n + B - 1) / B;
  WeftLodStateBlock acc = { 0 };
  WeftLodCandidates cand = { 0 };
  StateCursor c = { 0 };
  WeftLodWaitBlock wacc = { 0 };

  if (n > 0)
    {
      index->state_blocks = g_new (WeftLodStateBlock, n_blocks + 1);
      _weft_lod_levels_init (&index->state_levels, n_blocks);
      index->state_dom = g_new (WeftLodDom, index->state_levels.total);
      for (guint64 j = 0; j < n; j++)
        {
          Unit u;

          unit_get (lod, th, j, &u);
          if (j % B == 0)
            {
              index->state_blocks[j / B] = acc;
              memset (&cand, 0, sizeof cand);
            }
          block_add (&acc, &u);
          if (u.lane != WEFT_MODEL_NONE)
            _weft_lod_candidates_add (&cand, u.lane, (double) (u.e - u.s));
          if (j % B == B - 1 || j + 1 == n)
            {
              double ns;
              index->state_dom[j / B].id = _weft_lod_candidates_best (&cand, &ns);
              index->state_dom[j / B].ns = (float) ns;
            }
        }
      index->state_blocks[n_blocks] = acc;
      _weft_lod_dom_finish (&index->state_levels, index->state_dom);
    }

  if (th->n_waits == 0)
    return;
  index->wait_split = g_new0 (WeftLodWaitSplit, th->n_waits);
  index->wait_blocks = g_new (WeftLodWaitBlock, th->n_waits / WB + 1);
  for (guint64 i = 0; i < th->n_waits; i++)
    {
      const WeftModelWait *w = &th->waits[i];
      guint kind = w->flags & WEFT_MODEL_WAIT_COND ? 1 : 0;
      guint64 we = MAX (w->end, w->start);
      WeftLodWaitSplit *sp = &index->wait_split[i];

      if (i % WB == 0)
        index->wait_blocks[i / WB] = wacc;
      if (n > 0)
        {
          StatePoint a = state_point (lod, th, index, &c, edge_at (w->start));
          StatePoint b = state_point (lod, th, index, &c, edge_at (we));
          sp->running = sat32 (_weft_lod_cum_diff (b.running, a.running));
          sp->runnable = sat32 (_weft_lod_cum_diff (b.runnable, a.runnable));
          sp->blocked = sat32 (_weft_lod_cum_diff (b.blocked, a.blocked));
        }
      wacc.len[kind] += we - w->start;
      wacc.running[kind] += sp->running;
      wacc.runnable[kind] += sp->runnable;
      wacc.blocked[kind] += sp->blocked;
    }
  if (th->n_waits % WB == 0)
    index->wait_blocks[th->n_waits / WB] = wacc;
}

void
_weft_lod_state_clear (WeftLodThreadIndex *index)
{
  g_clear_pointer (&index->state_blocks, g_free);
  g_clear_pointer (&index->state_dom, g_free);
  g_clear_pointer (&index->wait_split, g_free);
  g_clear_pointer (&index->wait_blocks, g_free);
}

/* The waits' layer before an edge: per kind, the time inside waits and
 * how it split between running, runnable and blocked. */
typedef struct
{
  WeftLodCum len[2], running[2], runnable[2], blocked[2];
} WaitPoint;

typedef struct
{
  guint64 at;
  WeftLodWaitBlock acc;
} WaitCursor;

#define WAIT_START(i) (th->waits[i].start)

static WaitPoint
wait_point (const WeftLod *lod, const WeftModelThread *th, const WeftLodThreadIndex *index,
            WaitCursor *wc, StateCursor *aux, const StatePoint *here, WeftLodEdge e)
{
  guint64 key = _weft_lod_edge_ceil (e), k;
  WaitPoint p = { 0 };
  const WeftModelWait *w;
  guint kind;
  guint64 we;

  WEFT_LOD_LOWER_BOUND (k, th->n_waits, wc->at, key, WAIT_START);
  if (k == 0)
    return p;
  if (k - 1 < wc->at || k - 1 - wc->at > WB)
    {
      wc->at = (k - 1) / WB * WB;
      wc->acc = index->wait_blocks[(k - 1) / WB];
    }
  for (; wc->at < k - 1; wc->at++)
    {
      const WeftModelWait *x = &th->waits[wc->at];
      const WeftLodWaitSplit *sp = &index->wait_split[wc->at];
      guint kx = x->flags & WEFT_MODEL_WAIT_COND ? 1 : 0;

      wc->acc.len[kx] += MAX (x->end, x->start) - x->start;
      wc->acc.running[kx] += sp->running;
      wc->acc.runnable[kx] += sp->runnable;
      wc->acc.blocked[kx] += sp->blocked;
    }
  for (guint j = 0; j < 2; j++)
    {
      p.len[j].i = (gint64) wc->acc.len[j];
      p.running[j].i = (gint64) wc->acc.running[j];
      p.runnable[j].i = (gint64) wc->acc.runnable[j];
      p.blocked[j].i = (gint64) wc->acc.blocked[j];
    }

  /* The last wait begun before the edge: whole, or up to the edge. */
  w = &th->waits[k - 1];
  kind = w->flags & WEFT_MODEL_WAIT_COND ? 1 : 0;
  we = MAX (w->end, w->start);
  p.len[kind].f = _weft_lod_part (w->start, we, e);
  if (th->n_slices == 0)
    return p;
  if (e.ti >= we)
    {
      const WeftLodWaitSplit *sp = &index->wait_split[k - 1];
      p.running[kind].f = sp->running;
      p.runnable[kind].f = sp->runnable;
      p.blocked[kind].f = sp->blocked;
    }
  else
    {
      StatePoint s = state_point (lod, th, index, aux, edge_at (w->start));
      p.running[kind].f = _weft_lod_cum_diff (here->running, s.running);
      p.runnable[kind].f = _weft_lod_cum_diff (here->runnable, s.runnable);
      p.blocked[kind].f = _weft_lod_cum_diff (here->blocked, s.blocked);
    }
  return p;
}

static guint32
state_dominant (const WeftLod *lod, const WeftModelThread *th, const WeftLodThreadIndex *index,
                guint64 first, guint64 last, WeftLodEdge a, WeftLodEdge b)
{
  WeftLodCandidates cand = { 0 };

  if (last - first < WEFT_LOD_EXACT_ITEMS)
    for (guint64 j = first; j <= last; j++)
      {
        Unit u;
        double ov;

        unit_get (lod, th, j, &u);
        ov = _weft_lod_part (u.s, u.e, b) - _weft_lod_part (u.s, u.e, a);
        if (ov > 0 && u.lane != WEFT_MODEL_NONE)
          _weft_lod_candidates_add (&cand, u.lane, ov);
      }
  else
    {
      guint64 bf = first / B, bl = last / B;
      const WeftLodDom *leaf = index->state_dom;

      if (leaf[bf].id != WEFT_MODEL_NONE)
        _weft_lod_candidates_add (&cand, leaf[bf].id,
                                  leaf[bf].ns * (double) (MIN (last + 1, (bf + 1) * B) - first) / B);
      if (bl > bf && leaf[bl].id != WEFT_MODEL_NONE)
        _weft_lod_candidates_add (&cand, leaf[bl].id,
                                  leaf[bl].ns * (double) (last + 1 - bl * B) / B);
      if (bl > bf + 1)
        _weft_lod_dom_range (&index->state_levels, index->state_dom, bf + 1, bl, &cand);
    }
  return _weft_lod_candidates_best (&cand, NULL);
}

void
weft_lod_thread_states (WeftLod *lod, guint thread, const WeftLodWindow *w,
                        WeftLodStateColumn *out)
{
  const WeftModelThread *th;
  const WeftLodThreadIndex *index;
  StateCursor c = { 0 }, aux = { 0 };
  WaitCursor wc = { 0 };
  StatePoint prev;
  WaitPoint wprev = { 0 };
  WeftLodEdge a;
  double width;

  if (!_weft_lod_window_ok (w))
    return;
  g_return_if_fail (thread < lod->n_threads);
  th = weft_model_get_thread (lod->model, thread);
  index = &lod->threads[thread];
  width = _weft_lod_width (w);
  if (index->state_blocks != NULL)
    c.acc = aux.acc = index->state_blocks[0];
  if (index->wait_blocks != NULL)
    wc.acc = index->wait_blocks[0];

  a = _weft_lod_edge (w, 0);
  prev = state_point (lod, th, index, &c, a);
  if (th->n_waits > 0)
    wprev = wait_point (lod, th, index, &wc, &aux, &prev, a);
  for (guint i = 0; i < w->n_columns; i++)
    {
      WeftLodEdge b = _weft_lod_edge (w, i + 1);
      StatePoint cur = state_point (lod, th, index, &c, b);
      WaitPoint wcur = { 0 };
      WeftLodStateColumn *col = &out[i];
      double run = _weft_lod_cum_diff (cur.running, prev.running);
      double rnbl = _weft_lod_cum_diff (cur.runnable, prev.runnable);
      double blk = _weft_lod_cum_diff (cur.blocked, prev.blocked);
      double wait[2] = { 0, 0 };
      double sum;

      if (th->n_waits > 0)
        {
          wcur = wait_point (lod, th, index, &wc, &aux, &cur, b);
          for (guint k = 0; k < 2; k++)
            {
              wait[k] = _weft_lod_cum_diff (wcur.len[k], wprev.len[k])
                        - _weft_lod_cum_diff (wcur.running[k], wprev.running[k]);
              rnbl -= _weft_lod_cum_diff (wcur.runnable[k], wprev.runnable[k]);
              blk -= _weft_lod_cum_diff (wcur.blocked[k], wprev.blocked[k]);
            }
          wprev = wcur;
        }
      col->running = _weft_lod_fraction (run, width);
      col->runnable = _weft_lod_fraction (rnbl, width);
      col->blocked = _weft_lod_fraction (blk, width);
      col->lock_wait = _weft_lod_fraction (wait[0], width);
      col->cond_wait = _weft_lod_fraction (wait[1], width);
      /* Overlapping waits (or slices, in a damaged trace) count twice:
       * scale back to the column. */
      sum = (double) col->running + col->runnable + col->blocked + col->lock_wait
            + col->cond_wait;
      if (sum > 1.0)
        {
          col->running /= sum;
          col->runnable /= sum;
          col->blocked /= sum;
          col->lock_wait /= sum;
          col->cond_wait /= sum;
        }
      col->cpu = WEFT_MODEL_NONE;
      if (cur.k > 0 && run > 0)
        col->cpu = state_dominant (lod, th, index, prev.k > 0 ? prev.k - 1 : 0, cur.k - 1, a, b);
      prev = cur;
      a = b;
    }
}

WeftLodState
weft_lod_thread_state_at (WeftLod *lod, guint thread, guint64 t, guint32 *cpu)
{
  const WeftModelThread *th;
  WeftLodState state = WEFT_LOD_STATE_NONE;
  guint64 k;

  if (cpu != NULL)
    *cpu = WEFT_MODEL_NONE;
  g_return_val_if_fail (thread < lod->n_threads, WEFT_LOD_STATE_NONE);
  th = weft_model_get_thread (lod->model, thread);
  if (t < th->alive_start || t >= th->alive_end)
    return WEFT_LOD_STATE_NONE;

  WEFT_LOD_LOWER_BOUND (k, th->n_slices, 0, t + 1, SLICE_START);
  if (k > 0)
    {
      Unit u;
      unit_get (lod, th, k - 1, &u);
      if (t < u.e)
        {
          if (cpu != NULL)
            *cpu = u.lane;
          return WEFT_LOD_STATE_RUNNING;
        }
      if (t < u.off_end)
        state = u.off;
    }
  /* Off a CPU: a wait the hooks saw says why. Waits rarely overlap, so the
   * last few begun by t are enough to look at. */
  WEFT_LOD_LOWER_BOUND (k, th->n_waits, 0, t + 1, WAIT_START);
  for (guint64 i = k, n = 0; i-- > 0 && n < 8; n++)
    if (t < th->waits[i].end)
      return th->waits[i].flags & WEFT_MODEL_WAIT_COND ? WEFT_LOD_STATE_COND_WAIT
                                                       : WEFT_LOD_STATE_LOCK_WAIT;
  return state;
}
