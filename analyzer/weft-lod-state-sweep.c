/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-state-sweep.c: the thread state strips, built during the
 * model's scheduler sweep (weft_lod_new_for_reader). The sweep meets each
 * thread's slices in the order of its slice list, and a unit (a slice and
 * the time off the CPU after it) is complete when the thread's next slice
 * begins: its own slice's end and end state are in the lane's arrays, read
 * moments ago. The walk of weft-lod-state.c fetched every unit again
 * through the slice list, from all over the lanes: a fifth of loading a
 * switch-heavy trace. The blocks, their pyramid's leaves and the waits'
 * splits come out as the walk makes them: same units, same order, same
 * sums. A thread whose block runs on more lanes than the tally holds is
 * left to the walk.
 */
#include "weft-lod-state-private.h"

#define B WEFT_LOD_SCHED_BLOCK
/* Lanes one block of a thread may run on (64 units): more is rare, and
 * such a thread is left to the walk. Below WEFT_LOD_CANDIDATES, so the
 * tally never drops a lane and its sums are the walk's per-lane array's,
 * added in the same order. */
#define TALLY 8
G_STATIC_ASSERT (TALLY < WEFT_LOD_CANDIDATES);

WEFT_VEC_DEFINE (WeftVecStateBlock, WeftLodStateBlock)
WEFT_VEC_DEFINE (WeftVecDom, WeftLodDom)

typedef struct
{
  guint64 n;     /* units begun */
  guint64 k;     /* the last one's slice, on lane */
  guint lane;
  gboolean failed;
  WeftLodStateBlock acc; /* before unit n - 1 */
  WeftVecStateBlock blocks;
  WeftVecDom dom; /* the pyramid's leaves */
  WeftLodCandidates tally; /* the current block's running time per lane */
  WeftLodWaitWalk waits;
} ThreadWalk;

struct _WeftLodStateSweep
{
  WeftModel *model;
  guint n_threads;
  ThreadWalk *walks;
};

WeftLodStateSweep *
_weft_lod_state_sweep_new (WeftModel *model)
{
  WeftLodStateSweep *s = g_new0 (WeftLodStateSweep, 1);

  s->model = model;
  s->n_threads = model->n_threads;
  s->walks = g_new0 (ThreadWalk, MAX (s->n_threads, 1));
  return s;
}

static void
walk_clear (ThreadWalk *w)
{
  WeftVecStateBlock_clear (&w->blocks);
  WeftVecDom_clear (&w->dom);
  g_clear_pointer (&w->waits.split, g_free);
  g_clear_pointer (&w->waits.heap, g_free);
}

void
_weft_lod_state_sweep_free (WeftLodStateSweep *s)
{
  if (s == NULL)
    return;
  for (guint i = 0; i < s->n_threads; i++)
    walk_clear (&s->walks[i]);
  g_free (s->walks);
  g_free (s);
}

/* Unit n - 1 is complete, its time off the CPU ending at off_end: what
 * the walk does with unit j. */
static void
unit_close (WeftLodStateSweep *s, ThreadWalk *w, guint64 off_end, gboolean last)
{
  WeftModel *m = s->model;
  guint64 j = w->n - 1;
  WeftLodUnit u;

  _weft_lod_unit_at (&m->cpus[w->lane].pub, w->lane, w->k, m->duration, off_end, &u);
  if (j % B == 0)
    {
      WeftLodStateBlock *blk = WeftVecStateBlock_push (&w->blocks);

      *blk = w->acc;
      blk->start = u.s;
    }
  _weft_lod_candidates_add (&w->tally, u.lane, (double) (u.e - u.s));
  if (w->tally.n > TALLY)
    {
      w->failed = TRUE;
      walk_clear (w);
      return;
    }
  if (j % B == B - 1 || last)
    {
      WeftLodDom *d = WeftVecDom_push (&w->dom);
      double ns;

      /* The rule of _weft_lod_direct_best (), which the walk uses. */
      d->id = _weft_lod_candidates_best (&w->tally, &ns);
      d->ns = (float) ns;
      w->tally.n = 0;
    }
  if (w->waits.n_waits > 0)
    _weft_lod_waits_until (&w->waits, last ? G_MAXUINT64 - 1 : off_end, &w->acc, &u);
  _weft_lod_block_add (&w->acc, &u);
}

void
_weft_lod_state_sweep_slice (WeftLodStateSweep *s, guint32 thread, guint lane, guint64 k)
{
  ThreadWalk *w = &s->walks[thread];
  guint64 t = s->model->cpus[lane].pub.starts[k];

  if (G_UNLIKELY (w->failed))
    return;
  if (w->n > 0)
    unit_close (s, w, t, FALSE);
  else
    {
      /* Waits before the first slice: nothing known yet. */
      const WeftThreadData *td = &s->model->threads[thread];
      WeftLodStateBlock zero = { 0 };

      /* The blocks at their size: grown by doubling below malloc's
       * mmap threshold, each copy stayed in the heap beside the model at
       * its peak. */
      WeftVecStateBlock_reserve (&w->blocks, td->n_switch_ins / B + 2);
      WeftVecDom_reserve (&w->dom, td->n_switch_ins / B + 1);
      if (td->waits.len > 0)
        {
          w->waits.waits = td->waits.data;
          w->waits.n_waits = td->waits.len;
          w->waits.split = g_new0 (WeftLodWaitSplit, td->waits.len);
          _weft_lod_waits_until (&w->waits, t, &zero, NULL);
        }
    }
  w->lane = lane;
  w->k = k;
  w->n++;
}

void
_weft_lod_state_sweep_end (WeftLodStateSweep *s)
{
  for (guint i = 0; i < s->n_threads; i++)
    {
      ThreadWalk *w = &s->walks[i];
      WeftLodStateBlock *blk;

      if (w->n == 0 || w->failed)
        continue;
      unit_close (s, w, s->model->threads[i].pub.alive_end, TRUE);
      if (w->failed)
        continue;
      blk = WeftVecStateBlock_push (&w->blocks);
      *blk = w->acc;
      blk->start = G_MAXUINT64;
      g_clear_pointer (&w->waits.heap, g_free);
    }
}

gboolean
_weft_lod_state_sweep_take (WeftLodStateSweep *s, guint thread, WeftLodThreadIndex *index)
{
  ThreadWalk *w;
  const WeftModelThread *th;
  guint64 n_blocks;

  if (thread >= s->n_threads)
    return FALSE;
  w = &s->walks[thread];
  th = weft_model_get_thread (s->model, thread);
  n_blocks = (th->n_slices + B - 1) / B;
  /* Only what the sweep saw whole: the walk builds the rest. */
  if (w->failed || w->n == 0 || w->n != th->n_slices || w->blocks.len != n_blocks + 1
      || w->dom.len != n_blocks || w->waits.n_waits != th->n_waits)
    return FALSE;

  WeftVecStateBlock_shrink (&w->blocks);
  index->state_blocks = g_steal_pointer (&w->blocks.data);
  _weft_lod_levels_init (&index->state_levels, n_blocks);
  index->state_dom = g_new (WeftLodDom, index->state_levels.total);
  memcpy (index->state_dom, w->dom.data, n_blocks * sizeof (WeftLodDom));
  _weft_lod_dom_finish (&index->state_levels, index->state_dom);
  index->wait_split = g_steal_pointer (&w->waits.split);
  walk_clear (w);
  return TRUE;
}
