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
#include "weft-lod-state-private.h"

#define B WEFT_LOD_SCHED_BLOCK
#define WB WEFT_LOD_WAIT_BLOCK

typedef WeftLodUnit Unit;

static inline guint64
slice_start (const WeftLod *lod, const WeftModelThread *th, guint64 j)
{
  guint lane;
  guint64 k;

  if (!_weft_lod_slice (lod, th->slices[j], &lane, &k))
    return 0;
  return lod->lanes[lane]->starts[k];
}

/* Where a thread's slice lives: its lane and lane-local index. */
typedef struct
{
  guint lane; /* WEFT_MODEL_NONE when the reference is bad */
  guint64 k;
} Where;

static inline Where
where_of (const WeftLod *lod, const WeftModelThread *th, guint64 j)
{
  Where w = { WEFT_MODEL_NONE, 0 };

  if (j < th->n_slices && !_weft_lod_slice (lod, th->slices[j], &w.lane, &w.k))
    w.lane = WEFT_MODEL_NONE;
  return w;
}

/* Unit j from where its slice and the next one are. */
static inline void
unit_make (const WeftLod *lod, const WeftModelThread *th, Where here, Where next, gboolean last,
           Unit *u)
{
  guint64 off_end;

  if (here.lane == WEFT_MODEL_NONE)
    {
      memset (u, 0, sizeof *u);
      u->lane = WEFT_MODEL_NONE;
      return;
    }
  if (last)
    off_end = th->alive_end;
  else
    off_end = next.lane != WEFT_MODEL_NONE ? lod->lanes[next.lane]->starts[next.k] : 0;
  _weft_lod_unit_at (lod->lanes[here.lane], here.lane, here.k, lod->duration, off_end, u);
}

#define block_add _weft_lod_block_add

/* Running, runnable and blocked time before an edge. */
typedef struct
{
  guint64 k; /* slices starting before the edge */
  WeftLodCum running, runnable, blocked;
} StatePoint;

/* Walks a thread's units in order, each decoded once: it keeps where the
 * next slice is, so a step costs one lookup. */
typedef struct
{
  guint64 j;             /* current unit (< n_slices once loaded) */
  Unit u;                /* unit j */
  Where next;            /* slice j + 1 */
  WeftLodStateBlock acc; /* before unit j */
  gboolean loaded;
  /* How far forward it steps rather than restart at a block: a block for
   * queries (bounded cost), everything for the build's monotone sweeps
   * (linear in all). */
  guint64 reach;
  /* When set, each unit stepped off adds its running time inside
   * [tally_a, tally_b) to tally, per CPU lane: a column's dominant CPU
   * from the walk the column's edge makes anyway. */
  WeftLodCandidates *tally;
  WeftLodEdge tally_a, tally_b;
} StateCursor;

static void
cursor_load (const WeftLod *lod, const WeftModelThread *th, StateCursor *c, guint64 j,
             const WeftLodStateBlock *acc)
{
  c->j = j;
  c->acc = *acc;
  c->next = where_of (lod, th, j + 1);
  unit_make (lod, th, where_of (lod, th, j), c->next, j + 1 >= th->n_slices, &c->u);
  c->loaded = TRUE;
}

static inline void
cursor_step (const WeftLod *lod, const WeftModelThread *th, StateCursor *c)
{
  Where here = c->next;

  if (c->tally != NULL && c->u.lane != WEFT_MODEL_NONE)
    {
      double ov = _weft_lod_part (c->u.s, c->u.e, c->tally_b)
                  - _weft_lod_part (c->u.s, c->u.e, c->tally_a);
      if (ov > 0)
        _weft_lod_candidates_add (c->tally, c->u.lane, ov);
    }
  block_add (&c->acc, &c->u);
  c->j++;
  c->next = where_of (lod, th, c->j + 1);
  unit_make (lod, th, here, c->next, c->j + 1 >= th->n_slices, &c->u);
}

#define SLICE_START(j) slice_start (lod, th, (j))

static StatePoint
state_point (const WeftLod *lod, const WeftModelThread *th, const WeftLodThreadIndex *index,
             StateCursor *c, WeftLodEdge e)
{
  guint64 key = _weft_lod_edge_ceil (e), k;
  StatePoint p = { 0 };
  const Unit *u;

  if (th->n_slices == 0)
    return p;
  k = G_MAXUINT64;
  /* One probe tells whether the edge is within reach of a walk. */
  if (c->loaded && c->u.s < key
      && (c->reach == G_MAXUINT64 || c->j + c->reach >= th->n_slices
          || slice_start (lod, th, c->j + c->reach) >= key))
    {
      /* Step while the next slice starts before the edge: everything in
       * the build, at most a block in a query. */
      guint64 steps = 0;

      while (c->j + 1 < th->n_slices && c->next.lane != WEFT_MODEL_NONE
             && lod->lanes[c->next.lane]->starts[c->next.k] < key && steps++ < c->reach)
        cursor_step (lod, th, c);
      if (steps <= c->reach)
        k = c->j + 1;
      else
        c->tally = NULL; /* jumping: the walk no longer sees every unit */
    }
  if (k == G_MAXUINT64)
    {
      /* The block holding the edge, by its start times (no lookups), then
       * a walk inside it. */
      guint64 n_blocks = (th->n_slices + B - 1) / B, blk;
#define BLOCK_START(i) (index->state_blocks[i].start)
      WEFT_LOD_LOWER_BOUND (blk, n_blocks, 0, key, BLOCK_START);
#undef BLOCK_START
      if (blk == 0)
        return p;
      blk--;
      if (!c->loaded || c->j < blk * B || c->u.s >= key)
        {
          cursor_load (lod, th, c, blk * B, &index->state_blocks[blk]);
          c->tally = NULL;
        }
      while (c->j + 1 < th->n_slices && c->next.lane != WEFT_MODEL_NONE
             && lod->lanes[c->next.lane]->starts[c->next.k] < key)
        cursor_step (lod, th, c);
      k = c->j + 1;
    }
  p.k = k;
  p.running.i = (gint64) c->acc.running;
  p.runnable.i = (gint64) c->acc.runnable;
  p.blocked.i = (gint64) c->acc.blocked;
  u = &c->u;
  p.running.f = _weft_lod_part (u->s, u->e, e);
  if (u->off == WEFT_LOD_STATE_RUNNABLE)
    p.runnable.f = _weft_lod_part (u->e, u->off_end, e);
  else if (u->off == WEFT_LOD_STATE_BLOCKED)
    p.blocked.f = _weft_lod_part (u->e, u->off_end, e);
  return p;
}

/* Unit j, decoded on its own. */
static void
unit_get (const WeftLod *lod, const WeftModelThread *th, guint64 j, Unit *u)
{
  unit_make (lod, th, where_of (lod, th, j), where_of (lod, th, j + 1), j + 1 >= th->n_slices,
             u);
}

static inline WeftLodEdge
edge_at (guint64 t)
{
  return (WeftLodEdge) { t, 0.0 };
}

typedef WeftLodPending Pending;

static void
pending_sift_down (Pending *heap, guint64 n, guint64 i)
{
  Pending e = heap[i];

  for (;;)
    {
      guint64 child = 2 * i + 1;
      if (child >= n)
        break;
      if (child + 1 < n && heap[child + 1].end < heap[child].end)
        child++;
      if (heap[child].end >= e.end)
        break;
      heap[i] = heap[child];
      i = child;
    }
  heap[i] = e;
}

static void
pending_push (WeftLodWaitWalk *w, const Pending *p)
{
  guint64 i;

  if (w->n_heap == w->cap)
    {
      w->cap = MAX (8, w->cap * 2);
      w->heap = g_renew (Pending, w->heap, w->cap);
    }
  i = w->n_heap++;
  while (i > 0 && w->heap[(i - 1) / 2].end > p->end)
    {
      w->heap[i] = w->heap[(i - 1) / 2];
      i = (i - 1) / 2;
    }
  w->heap[i] = *p;
}

/* Cumulative values at whole-ns time t inside unit u (acc: before it). */
static inline WeftLodStateBlock
value_at (const WeftLodStateBlock *acc, const Unit *u, guint64 t)
{
  WeftLodStateBlock v = *acc;

  if (u == NULL)
    return v;
  v.running += t <= u->s ? 0 : MIN (t, u->e) - u->s;
  if (t > u->e)
    {
      guint64 off = MIN (t, u->off_end) - u->e;
      if (u->off == WEFT_LOD_STATE_RUNNABLE)
        v.runnable += off;
      else if (u->off == WEFT_LOD_STATE_BLOCKED)
        v.blocked += off;
    }
  return v;
}

static inline guint32
sat_diff (guint64 b, guint64 a)
{
  return b <= a ? 0 : b - a >= G_MAXUINT32 ? G_MAXUINT32 : (guint32) (b - a);
}

void
_weft_lod_waits_until (WeftLodWaitWalk *w, guint64 limit, const WeftLodStateBlock *acc,
                       const Unit *u)
{
  for (;;)
    {
      guint64 ws = w->next < w->n_waits ? w->waits[w->next].start : G_MAXUINT64;
      guint64 we = w->n_heap > 0 ? w->heap[0].end : G_MAXUINT64;

      if (MIN (ws, we) > limit || MIN (ws, we) == G_MAXUINT64)
        return;
      if (we <= ws)
        {
          Pending *p = &w->heap[0];
          WeftLodStateBlock v = value_at (acc, u, we);
          WeftLodWaitSplit *sp = &w->split[p->wait];

          sp->running = sat_diff (v.running, p->at_start.running);
          sp->runnable = sat_diff (v.runnable, p->at_start.runnable);
          sp->blocked = sat_diff (v.blocked, p->at_start.blocked);
          w->heap[0] = w->heap[--w->n_heap];
          if (w->n_heap > 0)
            pending_sift_down (w->heap, w->n_heap, 0);
        }
      else
        {
          const WeftModelWait *wait = &w->waits[w->next];
          Pending p = { MAX (wait->end, wait->start), w->next, value_at (acc, u, ws) };

          pending_push (w, &p);
          w->next++;
        }
    }
}

/* The waits' blocks, from their splits. */
static void
wait_blocks_build (const WeftModelThread *th, WeftLodThreadIndex *index)
{
  WeftLodWaitBlock wacc = { 0 };

  index->wait_blocks = g_new (WeftLodWaitBlock, th->n_waits / WB + 1);
  for (guint64 i = 0; i < th->n_waits; i++)
    {
      const WeftModelWait *w = &th->waits[i];
      guint kind = w->flags & WEFT_MODEL_WAIT_COND ? 1 : 0;
      const WeftLodWaitSplit *sp = &index->wait_split[i];

      if (i % WB == 0)
        index->wait_blocks[i / WB] = wacc;
      wacc.len[kind] += MAX (w->end, w->start) - w->start;
      wacc.running[kind] += sp->running;
      wacc.runnable[kind] += sp->runnable;
      wacc.blocked[kind] += sp->blocked;
    }
  if (th->n_waits % WB == 0)
    index->wait_blocks[th->n_waits / WB] = wacc;
}

void
_weft_lod_state_build (WeftLod *lod, guint thread)
{
  const WeftModelThread *th = weft_model_get_thread (lod->model, thread);
  WeftLodThreadIndex *index = &lod->threads[thread];
  guint64 n = th->n_slices, n_blocks = (n + B - 1) / B;
  WeftLodStateBlock zero = { 0 };
  WeftLodCandidates cand = { 0 };
  WeftLodWaitWalk waits = { th->waits, th->n_waits };
  /* A block's running time per CPU lane, in an array indexed by lane
   * where lanes are few (as in weft-lod-cpu.c), not in the sketch. */
  g_autofree double *per_lane = NULL;
  guint32 touched[B];
  guint n_touched = 0;

  /* The model's sweep built them as it went (weft_lod_new_for_reader). */
  if (lod->swept != NULL && lod->swept->states != NULL
      && _weft_lod_state_sweep_take (lod->swept->states, thread, index))
    {
      if (th->n_waits > 0)
        wait_blocks_build (th, index);
      return;
    }

  if (th->n_waits > 0)
    index->wait_split = waits.split = g_new0 (WeftLodWaitSplit, th->n_waits);

  /* One walk over the units fills the blocks and, as it passes the waits'
   * starts and ends (a heap holds the waits in progress), their splits. */
  if (n > 0)
    {
      StateCursor walk = { 0 };

      index->state_blocks = g_new (WeftLodStateBlock, n_blocks + 1);
      _weft_lod_levels_init (&index->state_levels, n_blocks);
      index->state_dom = g_new (WeftLodDom, index->state_levels.total);
      if (lod->n_cpus < WEFT_LOD_DIRECT_IDS)
        per_lane = g_new0 (double, MAX (lod->n_cpus, 1));
      cursor_load (lod, th, &walk, 0, &zero);
      /* Waits before the first slice: nothing known yet. */
      if (th->n_waits > 0)
        _weft_lod_waits_until (&waits, walk.u.s, &zero, NULL);
      for (guint64 j = 0; j < n; j++)
        {
          const Unit *u = &walk.u;

          if (j > 0)
            cursor_step (lod, th, &walk);
          if (j % B == 0)
            {
              index->state_blocks[j / B] = walk.acc;
              index->state_blocks[j / B].start = u->s;
              cand.n = 0;
            }
          if (u->lane != WEFT_MODEL_NONE && per_lane != NULL)
            _weft_lod_direct_add (per_lane, touched, &n_touched, u->lane, (double) (u->e - u->s));
          else if (u->lane != WEFT_MODEL_NONE)
            _weft_lod_candidates_add (&cand, u->lane, (double) (u->e - u->s));
          if (j % B == B - 1 || j + 1 == n)
            {
              double ns;

              index->state_dom[j / B].id
                = per_lane != NULL ? _weft_lod_direct_best (per_lane, touched, n_touched, &ns)
                                   : _weft_lod_candidates_best (&cand, &ns);
              index->state_dom[j / B].ns = (float) ns;
              n_touched = 0;
            }
          if (th->n_waits > 0)
            {
              guint64 limit = j + 1 < n && walk.next.lane != WEFT_MODEL_NONE
                                ? lod->lanes[walk.next.lane]->starts[walk.next.k]
                                : G_MAXUINT64 - 1;
              _weft_lod_waits_until (&waits, limit, &walk.acc, u);
            }
        }
      index->state_blocks[n_blocks] = walk.acc;
      block_add (&index->state_blocks[n_blocks], &walk.u);
      index->state_blocks[n_blocks].start = G_MAXUINT64;
      _weft_lod_dom_finish (&index->state_levels, index->state_dom);
    }
  g_free (waits.heap);

  if (th->n_waits > 0)
    wait_blocks_build (th, index);
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

/* Running, runnable and blocked time in [from, e), walking back from the
 * unit before e (here->k - 1): a wait in progress at a column's edge is
 * usually a unit or two long. FALSE when that takes more than a few. */
static gboolean
state_between (const WeftLod *lod, const WeftModelThread *th, const StatePoint *here,
               guint64 from, WeftLodEdge e, double *running, double *runnable, double *blocked)
{
  WeftLodEdge f = edge_at (from);
  guint64 j = here->k;

  *running = *runnable = *blocked = 0.0;
  for (guint n = 0; j > 0; n++)
    {
      Unit u;
      double off;

      if (n == 8)
        return FALSE;
      unit_get (lod, th, --j, &u);
      if (u.off_end <= from)
        break;
      *running += _weft_lod_part (u.s, u.e, e) - _weft_lod_part (u.s, u.e, f);
      off = _weft_lod_part (u.e, u.off_end, e) - _weft_lod_part (u.e, u.off_end, f);
      if (u.off == WEFT_LOD_STATE_RUNNABLE)
        *runnable += off;
      else if (u.off == WEFT_LOD_STATE_BLOCKED)
        *blocked += off;
      if (u.s <= from)
        break;
    }
  return TRUE;
}

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
  else if (!state_between (lod, th, here, w->start, e, &p.running[kind].f,
                            &p.runnable[kind].f, &p.blocked[kind].f))
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
    {
      /* A walk decodes each unit with one lookup; the sums are not used. */
      StateCursor walk = { 0 };
      WeftLodStateBlock zero = { 0 };

      cursor_load (lod, th, &walk, first, &zero);
      for (;;)
        {
          const Unit *u = &walk.u;
          double ov = _weft_lod_part (u->s, u->e, b) - _weft_lod_part (u->s, u->e, a);

          if (ov > 0 && u->lane != WEFT_MODEL_NONE)
            _weft_lod_candidates_add (&cand, u->lane, ov);
          if (walk.j >= last)
            break;
          cursor_step (lod, th, &walk);
        }
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
  StateCursor c = { .reach = B }, aux = { .reach = B };
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
  if (index->wait_blocks != NULL)
    wc.acc = index->wait_blocks[0];

  a = _weft_lod_edge (w, 0);
  prev = state_point (lod, th, index, &c, a);
  if (th->n_waits > 0)
    wprev = wait_point (lod, th, index, &wc, &aux, &prev, a);
  for (guint i = 0; i < w->n_columns; i++)
    {
      WeftLodEdge b = _weft_lod_edge (w, i + 1);
      WeftLodCandidates tally = { 0 };
      StatePoint cur;
      gboolean walked;

      c.tally = &tally;
      c.tally_a = a;
      c.tally_b = b;
      cur = state_point (lod, th, index, &c, b);
      /* The walk saw every unit of the column but the last. */
      walked = c.tally != NULL && c.loaded;
      c.tally = NULL;
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
        {
          if (walked && c.j == cur.k - 1)
            {
              double ov = _weft_lod_part (c.u.s, c.u.e, b) - _weft_lod_part (c.u.s, c.u.e, a);
              if (ov > 0 && c.u.lane != WEFT_MODEL_NONE)
                _weft_lod_candidates_add (&tally, c.u.lane, ov);
              col->cpu = _weft_lod_candidates_best (&tally, NULL);
            }
          else
            col->cpu = state_dominant (lod, th, index, prev.k > 0 ? prev.k - 1 : 0, cur.k - 1,
                                       a, b);
        }
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

  t = MIN (t, G_MAXUINT64 - 1); /* t + 1 below */
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
