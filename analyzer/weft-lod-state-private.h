/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-state-private.h: what the two builders of the thread state
 * strips share: the walk over a thread's slices (weft-lod-state.c) and the
 * model's scheduler sweep (weft-lod-state-sweep.c), which meets each slice
 * as it begins and so never looks a slice up again.
 */
#pragma once

#include "weft-lod-private.h"

G_BEGIN_DECLS

/* A thread's slice and the time off the CPU that follows it. */
typedef struct
{
  guint64 s, e;    /* running */
  guint64 off_end; /* end of the time off the CPU that follows */
  guint lane;
  WeftLodState off;
} WeftLodUnit;

static inline WeftLodState
_weft_lod_end_state (guint32 who)
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

/* The unit of slice k of cpu, its time off ending at off_end (or at its
 * slice's end, if that is later). */
static inline void
_weft_lod_unit_at (const WeftModelCpu *cpu, guint lane, guint64 k, guint64 duration,
                   guint64 off_end, WeftLodUnit *u)
{
  u->lane = lane;
  u->s = cpu->starts[k];
  u->e = _weft_lod_slice_end (cpu, k, duration);
  u->off = _weft_lod_end_state (cpu->who[k]);
  u->off_end = MAX (off_end, u->e);
}

static inline void
_weft_lod_block_add (WeftLodStateBlock *acc, const WeftLodUnit *u)
{
  acc->running += u->e - u->s;
  if (u->off == WEFT_LOD_STATE_RUNNABLE)
    acc->runnable += u->off_end - u->e;
  else if (u->off == WEFT_LOD_STATE_BLOCKED)
    acc->blocked += u->off_end - u->e;
}

/* A wait whose start a walk has passed: its end is still ahead. */
typedef struct
{
  guint64 end;
  guint64 wait;
  WeftLodStateBlock at_start; /* cumulative values at its start */
} WeftLodPending;

/* The waits of one thread as a walk over its units meets them. */
typedef struct
{
  const WeftModelWait *waits;
  guint64 n_waits;
  WeftLodWaitSplit *split; /* per wait, filled as each ends */
  guint64 next;            /* first wait not started yet */
  WeftLodPending *heap;    /* started, by end */
  guint64 n_heap, cap;
} WeftLodWaitWalk;

/* Handles the waits' starts and ends at or before limit, whose values come
 * from unit u (NULL before the first slice), acc being the values before
 * it. */
void _weft_lod_waits_until (WeftLodWaitWalk *w, guint64 limit, const WeftLodStateBlock *acc,
                            const WeftLodUnit *u);

/* weft-lod-state-sweep.c: the index's part of the model's sweep. */
typedef struct _WeftLodStateSweep WeftLodStateSweep;

WeftLodStateSweep *_weft_lod_state_sweep_new (WeftModel *model);
/* Slice k of lane begins, running thread (the model's sweep, in order). */
void _weft_lod_state_sweep_slice (WeftLodStateSweep *s, guint32 thread, guint lane, guint64 k);
/* The sweep is over: closes each thread's last unit. */
void _weft_lod_state_sweep_end (WeftLodStateSweep *s);
/* Moves thread's blocks, their pyramid and its waits' splits into index;
 * FALSE when the sweep could not build them (the walk then does). */
gboolean _weft_lod_state_sweep_take (WeftLodStateSweep *s, guint thread,
                                     WeftLodThreadIndex *index);
void _weft_lod_state_sweep_free (WeftLodStateSweep *s);

G_END_DECLS
