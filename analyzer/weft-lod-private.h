/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-private.h: the index's storage, shared by weft-lod*.c.
 *
 * Every lane is a time-sorted run of items (CPU slices, a thread's slices,
 * the spans of one row, task segments, counter samples). Its index keeps,
 * at every block of items, the prefix sums of what columns report (busy
 * time, running time, coverage…), so a cumulative value at any time t is a
 * block's prefix plus a scan of fewer than one block; and a pyramid of
 * per-block summaries (fanout 8): the id that took most of the block (for
 * "dominant"), or the largest value (longest span, counter min/max).
 */
#pragma once

#include "weft-lod.h"
#include "weft-model-private.h"

G_BEGIN_DECLS

/* Items per block: the scan a cumulative value costs at most, against the
 * memory of one prefix entry per block. A switch costs the model 12 to 16
 * bytes already, so a thread's state units (one per switch into it) get
 * larger blocks than CPU lanes, which every frame draws. */
#define WEFT_LOD_SPAN_BLOCK 64
/* A span row's covered time is kept finer: a merged column costs two
 * cumulative values, each a scan through spans scattered in memory. */
#define WEFT_LOD_COVER_STEP 16
/* Span rows per thread: deeper spans share the last row (a recursion a
 * thousand deep is not read row by row, and each row costs memory). */
#define WEFT_LOD_MAX_ROWS 1024
#define WEFT_LOD_CPU_BLOCK 64
#define WEFT_LOD_SCHED_BLOCK 64
#define WEFT_LOD_WAIT_BLOCK 64
#define WEFT_LOD_TASK_BLOCK 64
#define WEFT_LOD_COUNTER_BLOCK 64
#define WEFT_LOD_FANOUT 8
#define WEFT_LOD_MAX_LEVELS 24

/* Columns whose items are fewer than this are summed item by item (exact
 * dominant); wider ones use the pyramid. */
#define WEFT_LOD_EXACT_ITEMS 48

/* ---- windows ---- */

/* A column boundary: the real time ti + tf, 0 <= tf < 1. */
typedef struct
{
  guint64 ti;
  double tf;
} WeftLodEdge;

static inline gboolean
_weft_lod_window_ok (const WeftLodWindow *w)
{
  return w != NULL && w->n_columns > 0 && w->end > w->start;
}

static inline WeftLodEdge
_weft_lod_edge (const WeftLodWindow *w, guint i)
{
  unsigned __int128 p = (unsigned __int128) (w->end - w->start) * i;
  WeftLodEdge e;

  e.ti = w->start + (guint64) (p / w->n_columns);
  e.tf = (double) (guint64) (p % w->n_columns) / (double) w->n_columns;
  return e;
}

/* The smallest whole ns >= the edge: items starting before the edge are
 * those starting before this. */
static inline guint64
_weft_lod_edge_ceil (WeftLodEdge e)
{
  return e.ti + (e.tf > 0.0 ? 1 : 0);
}

/* Length of [s, min(e, edge)) (0 when the edge is before s), in ns. */
static inline double
_weft_lod_part (guint64 s, guint64 e, WeftLodEdge edge)
{
  if (edge.ti < s)
    return 0.0;
  if (edge.ti >= e)
    return (double) (e - s);
  return (double) (edge.ti - s) + edge.tf;
}

/* Column width in ns. */
static inline double
_weft_lod_width (const WeftLodWindow *w)
{
  return (double) (w->end - w->start) / (double) w->n_columns;
}

/* Column position of time t in window (may fall outside [0, n]). */
static inline double
_weft_lod_x (const WeftLodWindow *w, double t)
{
  return (t - (double) w->start) * (double) w->n_columns / (double) (w->end - w->start);
}

/* A cumulative value: whole ns and a fraction, so that differences of
 * large values keep sub-ns precision. */
typedef struct
{
  gint64 i;
  double f;
} WeftLodCum;

static inline double
_weft_lod_cum_diff (WeftLodCum b, WeftLodCum a)
{
  return (double) (b.i - a.i) + (b.f - a.f);
}

static inline float
_weft_lod_fraction (double ns, double width)
{
  double f = ns / width;
  return (float) (f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f);
}

/* ---- the dominant id ---- */

/* Who took most of a block: an id and its time there. */
typedef struct
{
  guint32 id;
  float ns;
} WeftLodDom;

#define WEFT_LOD_CANDIDATES 16

/* A column's running tally of ids, for its dominant one. When full, the
 * least of them gives way to a larger newcomer (a heavy-hitters sketch:
 * exact unless more than 16 ids compete). */
typedef struct
{
  guint32 id[WEFT_LOD_CANDIDATES];
  double ns[WEFT_LOD_CANDIDATES];
  guint n;
  /* Where an id was last found, by its low bits: a guess, checked. A
   * span row's names alternate (transfer, deposit, withdraw), and the
   * search's exit, which no predictor guessed, was a tenth of loading a
   * recording. */
  guint8 hint[WEFT_LOD_CANDIDATES];
} WeftLodCandidates;

void _weft_lod_candidates_replace (WeftLodCandidates *c, guint32 id, double ns);

static inline void
_weft_lod_candidates_add (WeftLodCandidates *c, guint32 id, double ns)
{
  guint8 *hint = &c->hint[id % WEFT_LOD_CANDIDATES];

  if (*hint < c->n && c->id[*hint] == id)
    {
      c->ns[*hint] += ns;
      return;
    }
  for (guint i = 0; i < c->n; i++)
    if (c->id[i] == id)
      {
        *hint = (guint8) i;
        c->ns[i] += ns;
        return;
      }
  if (c->n < WEFT_LOD_CANDIDATES)
    {
      *hint = (guint8) c->n;
      c->id[c->n] = id;
      c->ns[c->n++] = ns;
      return;
    }
  _weft_lod_candidates_replace (c, id, ns);
}

guint32 _weft_lod_candidates_best (const WeftLodCandidates *c, double *ns);

/* Where ids are few (threads, CPU lanes: fewer than WEFT_LOD_DIRECT_IDS),
 * a block's time per id is tallied in an array indexed by id, not in the
 * sketch, whose search branches on which id came: a schedule makes that
 * random. The sums are the sketch's (doubles added in the same order).
 * touched lists the ids added to since the last call (an id may appear
 * twice). Returns the id of most time (the lowest on a tie, as
 * _weft_lod_candidates_best() does) and its time in *ns, and zeroes the
 * touched entries. */
#define WEFT_LOD_DIRECT_IDS 4096

guint32 _weft_lod_direct_best (double *per_id, const guint32 *touched, guint n_touched,
                               double *ns);

/* Adds ns to id's tally, listing id in touched at its first add (a zero
 * add may list it twice: harmless). */
static inline void
_weft_lod_direct_add (double *per_id, guint32 *touched, guint *n_touched, guint32 id, double ns)
{
  if (per_id[id] == 0.0)
    touched[(*n_touched)++] = id;
  per_id[id] += ns;
}

/* ---- pyramids ---- */

/* The shape of a pyramid over n leaves (the blocks): level 0 holds the
 * leaves, each level above one node per WEFT_LOD_FANOUT below. */
typedef struct
{
  guint n_levels;
  guint64 offset[WEFT_LOD_MAX_LEVELS];
  guint64 len[WEFT_LOD_MAX_LEVELS];
  guint64 total;
} WeftLodLevels;

void _weft_lod_levels_init (WeftLodLevels *l, guint64 n_leaves);

/* dom has l->total nodes, level 0 filled: fills the levels above. */
void _weft_lod_dom_finish (const WeftLodLevels *l, WeftLodDom *dom);
/* Adds the summaries of leaves [lo, hi) to c, O(FANOUT · levels). */
void _weft_lod_dom_range (const WeftLodLevels *l, const WeftLodDom *dom, guint64 lo, guint64 hi,
                          WeftLodCandidates *c);

/* Max pyramids over float (lengths, bucket counts) and double (counters). */
void _weft_lod_maxf_finish (const WeftLodLevels *l, float *max);
/* The first leaf >= from whose value is >= threshold, or G_MAXUINT64. */
guint64 _weft_lod_maxf_find (const WeftLodLevels *l, const float *max, guint64 from,
                             double threshold);
float _weft_lod_maxf_range (const WeftLodLevels *l, const float *max, guint64 lo, guint64 hi);
/* For min, store negated values. */
void _weft_lod_maxd_finish (const WeftLodLevels *l, double *max);
double _weft_lod_maxd_range (const WeftLodLevels *l, const double *max, guint64 lo, guint64 hi);

/* Number of items of sorted (by key) that are < key, searched forward from
 * hint (galloping: O(log distance)). get(i) gives item i's key. */
#define WEFT_LOD_LOWER_BOUND(result, n, hint, key, get)                                      \
  G_STMT_START                                                                               \
  {                                                                                          \
    guint64 _lo = (hint), _hi, _step = 1, _n = (n);                                          \
    if (_lo > _n || (_lo > 0 && !((get (_lo - 1)) < (key))))                                 \
      _lo = 0;                                                                               \
    _hi = _lo;                                                                               \
    while (_hi < _n && (get (_hi)) < (key))                                                  \
      {                                                                                      \
        _lo = _hi + 1;                                                                       \
        _hi = _hi + _step;                                                                   \
        _step *= 2;                                                                          \
      }                                                                                      \
    if (_hi > _n)                                                                            \
      _hi = _n;                                                                              \
    while (_lo < _hi)                                                                        \
      {                                                                                      \
        guint64 _mid = _lo + (_hi - _lo) / 2;                                                \
        if ((get (_mid)) < (key))                                                            \
          _lo = _mid + 1;                                                                    \
        else                                                                                 \
          _hi = _mid;                                                                        \
      }                                                                                      \
    (result) = _lo;                                                                          \
  }                                                                                          \
  G_STMT_END

/* ---- per-lane indices ---- */

typedef struct
{
  guint64 busy;  /* ns of traced threads before the block's first slice */
  guint64 other; /* ns of untraced threads */
  guint64 count; /* non-idle slices */
} WeftLodCpuBlock;

typedef struct
{
  WeftLodCpuBlock *blocks; /* one per WEFT_LOD_CPU_BLOCK slices, + 1 */
  WeftLodLevels levels;
  WeftLodDom *dom; /* traced thread that ran longest */
} WeftLodCpuIndex;

typedef struct
{
  guint64 running; /* before the block's first slice of the thread */
  guint64 runnable;
  guint64 blocked;
  guint64 start;   /* when that slice starts: finds a block without lookups */
} WeftLodStateBlock;

/* What a wait holds, from the scheduler. */
typedef struct
{
  guint32 running;  /* ns on a CPU inside it (saturated at 2^32 - 1) */
  guint32 runnable; /* ns runnable inside it */
  guint32 blocked;  /* ns blocked inside it */
} WeftLodWaitSplit;

typedef struct
{
  guint64 len[2]; /* lock, cond: ns of waits before the block */
  guint64 running[2];
  guint64 runnable[2];
  guint64 blocked[2];
} WeftLodWaitBlock;

typedef struct
{
  guint32 *order;      /* the row's span indices, NULL when it holds every span */
  guint64 n;           /* spans in the row */
  guint64 *cover;      /* per WEFT_LOD_COVER_STEP spans + 1: ns covered before them */
  /* Pyramids over the row's blocks (their shape: _weft_lod_levels_init of
   * the block count, not kept: a thread may have many rows). */
  WeftLodDom *dom;     /* name covering most */
  float *longest;      /* longest span, rounded up */
} WeftLodSpanRow;

typedef struct
{
  /* Scheduler. */
  WeftLodStateBlock *state_blocks; /* per WEFT_LOD_SCHED_BLOCK slices + 1 */
  WeftLodLevels state_levels;
  WeftLodDom *state_dom; /* CPU lane */
  /* Waits. */
  WeftLodWaitSplit *wait_split; /* per wait */
  WeftLodWaitBlock *wait_blocks; /* per WEFT_LOD_WAIT_BLOCK waits + 1 */
  /* Span rows, one per depth. */
  WeftLodSpanRow *rows;
  guint n_rows;
} WeftLodThreadIndex;

typedef struct
{
  guint64 active; /* before the block's first segment */
  guint64 suspended;
  guint32 task;   /* position in the row of the task of the block's first segment */
  guint32 reserved;
} WeftLodTaskBlock;

typedef struct
{
  guint64 *seg_start;        /* per task of the row + 1: its first segment's number */
  WeftLodTaskBlock *blocks;  /* per WEFT_LOD_TASK_BLOCK segments + 1 */
  guint64 n_segments;
  WeftLodLevels levels;
  WeftLodDom *dom; /* task */
} WeftLodTaskIndex;

typedef struct
{
  WeftLodLevels levels;
  double *max; /* per WEFT_LOD_COUNTER_BLOCK samples */
  double *neg_min;
} WeftLodCounterIndex;

struct _WeftLod
{
  gatomicrefcount ref_count;
  WeftModel *model;
  guint64 duration;

  /* CPU lanes, and where each lane's slices start globally. */
  guint n_cpus;
  guint64 *cpu_first;
  const WeftModelCpu **lanes; /* the model's, without a checked call each time */
  WeftLodCpuIndex *cpus;

  WeftLodThreadIndex *threads;
  guint n_threads;

  /* Task rows. */
  WeftLodTaskRow *task_rows;
  WeftLodTaskIndex *task_index;
  guint n_task_rows;
  guint32 *task_row_tasks; /* storage of every row's task list */

  WeftLodCounterIndex *counters;
  guint n_counters;

  /* The parallelism strip's buckets: n_buckets equal slices of
   * [0, duration], most threads running in each (a max pyramid), and
   * without scheduler data the estimated running time before each. */
  guint64 n_buckets;
  double bucket_ns;
  WeftLodLevels bucket_levels;
  float *bucket_max;
  double *bucket_cum; /* n_buckets + 1, only without scheduler data */
  /* Buckets the model's build filled (weft_lod_new_for_reader), taken by
   * the build instead of sweeping the lanes again; NULL otherwise. */
  struct _WeftLodSweep *swept;

  gsize memory;

  /* For tests and measurements (WEFT_LOD_GROW_ROWS set): span rows grow
   * as spans come instead of being sized from the model's counts. */
  gboolean grow_rows;
};

/* The CPU lane and lane-local slice of a global slice index. cpu_first
 * has n_cpus + 1 entries, the last the number of slices. */
static inline gboolean
_weft_lod_slice (const WeftLod *lod, guint64 global, guint *lane, guint64 *slice)
{
  const guint64 *base = lod->cpu_first;
  guint len = lod->n_cpus + 1, lo;

  /* Entries <= global: the last is the lane holding it (an empty lane
   * shares its entry with the next one, which wins). Branch-free halving
   * (a conditional move a step): a thread's successive slices sit on
   * lanes a branch cannot guess, and the index's build makes millions of
   * these lookups. */
  while (len > 1)
    {
      guint half = len / 2;
      base = base[half] <= global ? base + half : base;
      len -= half;
    }
  lo = (guint) (base - lod->cpu_first) + (*base <= global);
  if (lo == 0 || lo > lod->n_cpus)
    return FALSE;
  *lane = lo - 1;
  *slice = global - lod->cpu_first[lo - 1];
  return TRUE;
}

/* When slice k of cpu ends: the next one's start, the trace's end for
 * the last (never before its own start). */
static inline guint64
_weft_lod_slice_end (const WeftModelCpu *cpu, guint64 k, guint64 duration)
{
  guint64 e = k + 1 < cpu->n_slices ? cpu->starts[k + 1] : duration;

  return MAX (e, cpu->starts[k]);
}

/* weft-lod-cpu.c */
void _weft_lod_cpu_build (WeftLod *lod, guint lane);
/* Adds each column's busy fraction of the lane to busy[] (the parallelism
 * strip's mean). */
void _weft_lod_cpu_add_busy (WeftLod *lod, guint lane, const WeftLodWindow *w, float *busy);
void _weft_lod_cpu_clear (WeftLodCpuIndex *index);
gsize _weft_lod_cpu_size (WeftLod *lod, guint lane);

/* weft-lod-parallel.c */
gboolean _weft_lod_parallel_build (WeftLod *lod, GCancellable *cancellable);
void _weft_lod_parallel_clear (WeftLod *lod);

/* The parallelism buckets filled while the model's build sweeps the CPU
 * lanes (WeftModelSweepSink): the same buckets as the index's own sweep,
 * without merging the lanes a second time. */
typedef struct _WeftLodSweep
{
  gboolean begun;
  guint64 n_buckets;
  double bucket_ns;
  WeftLodLevels levels;
  float *bucket_max;
  double inv;        /* 1 / bucket_ns */
  guint64 last;      /* the last hold's end, and the floor of its quotient */
  guint64 floor_last; /* by bucket_ns */
  gboolean ended;
  guint64 end_last; /* end(): the last switch and the count after it */
  guint end_running;
  /* The thread state strips, built as the slices come (NULL when the
   * lanes are too many for the walk's per-lane array: the walk does). */
  struct _WeftLodStateSweep *states;
} WeftLodSweep;

void _weft_lod_sweep_sink (WeftLodSweep *sweep, WeftModelSweepSink *sink);
void _weft_lod_sweep_clear (WeftLodSweep *sweep);

/* weft-lod-state.c */
void _weft_lod_state_build (WeftLod *lod, guint thread);
void _weft_lod_state_clear (WeftLodThreadIndex *index);

/* weft-lod-spans.c */
void _weft_lod_spans_build (WeftLod *lod, guint thread);
void _weft_lod_spans_clear (WeftLodThreadIndex *index);

/* weft-lod-tasks.c */
void _weft_lod_build_task_rows (WeftLod *lod);
void _weft_lod_task_build (WeftLod *lod, guint row);
void _weft_lod_tasks_clear (WeftLod *lod);

/* weft-lod-counters.c */
void _weft_lod_counter_build (WeftLod *lod, guint counter);
void _weft_lod_counters_clear (WeftLod *lod);

G_END_DECLS
