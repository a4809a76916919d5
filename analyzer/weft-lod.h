/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod.h: the level-of-detail index over a WeftModel, and its queries.
 * The renderer (gui/render/) and the viewer ask "what is in lane L over
 * [start, end) at N pixel columns" and get at most four primitives per
 * column per lane, in time that does not grow with the events inside:
 * prefix sums over blocks of items and a pyramid of per-block summaries
 * (docs/ARCHITECTURE.md, "Level-of-detail queries").
 *
 * Zoomed out, a lane reports occupancy (SPEC §6, shared/design): how much
 * of each column's time it was busy and who dominated it, never merely
 * that something happened there. A core busy half of every column gives
 * busy = 0.5 in every column.
 *
 * Times are the model's trace-relative ns. Indices are the model's: thread
 * indices for weft_model_get_thread(), CPU lane indices for
 * weft_model_get_cpu(), span indices into a thread's spans, name ids for
 * weft_model_get_name(). Queries only read the index: they may run on
 * several threads at once (tile rendering).
 */
#pragma once

#include <gio/gio.h>

#include "weft-model.h"
#include "weft-reader.h"

G_BEGIN_DECLS

typedef struct _WeftLod WeftLod;

/* Builds the index of model (holds a reference on it). Uses every core;
 * fails only when cancelled (G_IO_ERROR_CANCELLED). progress may be NULL. */
WeftLod *weft_lod_new (WeftModel *model, WeftModelProgressFunc progress, gpointer user_data,
                       GCancellable *cancellable, GError **error);

/* Builds the model of reader and its index in one go (what opening a file
 * does): progress runs once from 0 to 1 over both. The reader may be freed
 * afterwards. */
WeftLod *weft_lod_new_for_reader (WeftReader *reader, WeftModelProgressFunc progress,
                                  gpointer user_data, GCancellable *cancellable, GError **error);

WeftLod *weft_lod_ref (WeftLod *lod);
void weft_lod_unref (WeftLod *lod);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftLod, weft_lod_unref)

WeftModel *weft_lod_get_model (WeftLod *lod); /* borrowed */

/* Bytes of the index alone (the model has weft_model_get_memory_size()). */
gsize weft_lod_get_memory_size (WeftLod *lod);

/* What a query looks at: [start, end) in trace-relative ns cut into
 * n_columns equal columns. Column i covers the real interval
 * [start + (end - start)·i/n, start + (end - start)·(i+1)/n): boundaries
 * need not be whole nanoseconds, so a deep zoom stays exact. A window
 * with end <= start or no columns returns nothing; parts before 0 or after
 * the trace's duration are empty time. */
typedef struct
{
  guint64 start;
  guint64 end;
  guint n_columns;
} WeftLodWindow;

/* Column i's boundaries, as real ns (for drawing and tests). */
double weft_lod_window_column_start (const WeftLodWindow *window, guint column);
/* The column holding time t (may be < 0 or >= n_columns outside). */
double weft_lod_window_time_to_x (const WeftLodWindow *window, double t);

/* ---- CPU lanes ------------------------------------------------------ */

/* One column of a CPU lane. busy + other <= 1; the rest is idle (or not
 * recorded). Fractions are of the column's time. */
typedef struct
{
  float busy;     /* fraction the core ran traced threads */
  float other;    /* fraction it ran untraced threads (recorded with -a) */
  guint32 thread; /* the traced thread that ran longest, or WEFT_MODEL_NONE */
  guint32 count;  /* slices (traced or other, not idle) overlapping it */
} WeftLodCpuColumn;

/* Fills out[0 .. n_columns) for CPU lane cpu_index (weft_model_get_cpu()).
 * busy and other are exact (to float precision); thread is exact when the
 * column holds few slices and otherwise the most-running thread of the
 * per-block summaries (the pyramid), which agrees with the exact one
 * unless two threads ran nearly as long. */
void weft_lod_cpu_columns (WeftLod *lod, guint cpu_index, const WeftLodWindow *window,
                           WeftLodCpuColumn *out);

/* The slice of CPU lane cpu_index running at t (lane-local index, see
 * WeftModelCpu), or, when that slice is idle and slop > 0, the nearest
 * non-idle slice within slop ns (the pointer's half-pixel). FALSE when
 * there is none (before the first switch, or idle with nothing near). */
gboolean weft_lod_cpu_slice_at (WeftLod *lod, guint cpu_index, guint64 t, guint64 slop,
                                guint64 *slice);

/* ---- the parallelism strip ----------------------------------------- */

typedef struct
{
  float mean;   /* time-weighted mean of traced threads running */
  guint32 max;  /* most traced threads running at once in the column */
} WeftLodParallelColumn;

/* With scheduler data, mean is exact (the sum of the CPU lanes' busy
 * fractions); max is exact in columns holding few switches and otherwise
 * the maximum over time buckets touching the column (it may include up to
 * a bucket, 1/65536 of the trace or less, beside the column).
 * Without scheduler data (weft_model_has_sched() FALSE), both are the
 * estimate of SPEC §5: a thread runs while inside a span and not waiting,
 * capped at the CPU count; resolved to time buckets. */
void weft_lod_parallelism (WeftLod *lod, const WeftLodWindow *window,
                           WeftLodParallelColumn *out);

/* ---- thread lanes: the state strip --------------------------------- */

typedef enum
{
  WEFT_LOD_STATE_NONE,     /* not alive, or no scheduler data for this time */
  WEFT_LOD_STATE_RUNNING,  /* on a CPU */
  WEFT_LOD_STATE_RUNNABLE, /* preempted, waiting for a CPU */
  WEFT_LOD_STATE_BLOCKED,  /* sleeping (I/O, futex, …) */
  WEFT_LOD_STATE_LOCK_WAIT, /* off CPU inside a lock wait (hooks) */
  WEFT_LOD_STATE_COND_WAIT, /* off CPU inside a condition wait (hooks) */
} WeftLodState;

/* One column of a thread's state strip: exclusive fractions, summing to
 * <= 1. Running comes from the scheduler; a lock or condition wait takes
 * the off-CPU time inside it (a wait's on-CPU part stays running);
 * runnable and blocked are the remaining off-CPU time, by how the thread
 * last left a CPU. Without scheduler data only the waits are known. */
typedef struct
{
  float running;
  float runnable;
  float blocked;
  float lock_wait;
  float cond_wait;
  guint32 cpu; /* the CPU lane it ran on longest in the column, or WEFT_MODEL_NONE */
} WeftLodStateColumn;

void weft_lod_thread_states (WeftLod *lod, guint thread, const WeftLodWindow *window,
                             WeftLodStateColumn *out);

/* The state of thread at t, and the CPU lane when running (else NONE). */
WeftLodState weft_lod_thread_state_at (WeftLod *lod, guint thread, guint64 t, guint32 *cpu);

/* ---- thread lanes: span rows ---------------------------------------- */

typedef enum
{
  WEFT_LOD_ITEM_SPAN,   /* one real span, at least min_px wide */
  WEFT_LOD_ITEM_MERGED, /* sub-pixel spans merged into one column (or less) */
} WeftLodItemKind;

/* A primitive of a span row, in draw order (left to right). x0 and x1 are
 * in columns (0 … n_columns), clipped to the window; a renderer draws
 * [x0·w/n, x1·w/n). A real span keeps its own times. A merged item covers
 * part or all of one column: coverage is the fraction of [x0, x1) that
 * spans cover, name the name that covers most of it. */
typedef struct
{
  double x0;
  double x1;
  guint64 start;   /* SPAN: the span's times; MERGED: the run's extent (rounded) */
  guint64 end;
  guint64 span;    /* SPAN: index in the thread's spans; MERGED: the run's first span */
  guint32 name;    /* SPAN: its name; MERGED: the dominant name */
  guint32 count;   /* spans in it (1 for SPAN) */
  float coverage;  /* 1 for SPAN */
  guint32 kind;    /* WeftLodItemKind */
} WeftLodItem;

/* A thread's span rows: one per depth, at most 1024 (deeper spans, rare
 * and unreadable row by row, are drawn in the last row). */
guint weft_lod_get_n_span_rows (WeftLod *lod, guint thread);

/* Row depth of a thread (depth < weft_lod_get_n_span_rows()): fills items
 * (a GArray of WeftLodItem, cleared first) with the spans at that depth in
 * window.
 * Spans at least min_px columns wide (1.0 is the usual value) come one by
 * one; runs of narrower spans are merged per column. At most 4 items touch
 * any column; the time does not depend on how many spans are inside. */
void weft_lod_span_row (WeftLod *lod, guint thread, guint depth, const WeftLodWindow *window,
                        double min_px, GArray *items);

/* The span of thread at depth holding t, or, when none does and slop > 0,
 * the nearest within slop ns. TRUE with its index in the thread's spans. */
gboolean weft_lod_span_at (WeftLod *lod, guint thread, guint depth, guint64 t, guint64 slop,
                           guint64 *span);

/* ---- async task rows ------------------------------------------------ */

/* Tasks are packed into rows per process: tasks on one row never overlap,
 * a task goes to the first row free at its start (rows in pid order, then
 * row order). */
typedef struct
{
  guint32 pid;
  guint32 process;    /* weft_model_get_process(), or WEFT_MODEL_NONE */
  guint32 row;        /* row number within the process */
  guint32 n_tasks;
  const guint32 *tasks; /* weft_model_get_task() indices, by start */
} WeftLodTaskRow;

guint weft_lod_get_n_task_rows (WeftLod *lod);
const WeftLodTaskRow *weft_lod_get_task_row (WeftLod *lod, guint row);

typedef struct
{
  float active;    /* fraction a task of the row was running (between resume and suspend) */
  float suspended; /* fraction a task was suspended (awaiting) */
  guint32 task;    /* the task that took most of the column, or WEFT_MODEL_NONE */
  guint32 count;   /* tasks overlapping the column */
} WeftLodTaskColumn;

void weft_lod_task_columns (WeftLod *lod, guint row, const WeftLodWindow *window,
                            WeftLodTaskColumn *out);

/* The task segment of row at t (or nearest within slop): task index,
 * segment number (segment k runs from times[k] to times[k+1]) and whether
 * it is active. */
gboolean weft_lod_task_at (WeftLod *lod, guint row, guint64 t, guint64 slop, guint32 *task,
                           guint32 *segment, gboolean *active);

/* ---- counters --------------------------------------------------------- */

/* A counter is a step function: a value holds until the next sample. */
typedef struct
{
  double min;        /* over the column, the value held at its start included */
  double max;
  double last;       /* the value at the column's end */
  guint32 n_samples; /* samples inside the column */
  gboolean defined;  /* FALSE before the first sample: the rest is 0 */
} WeftLodCounterColumn;

void weft_lod_counter_columns (WeftLod *lod, guint counter, const WeftLodWindow *window,
                               WeftLodCounterColumn *out);

G_END_DECLS
