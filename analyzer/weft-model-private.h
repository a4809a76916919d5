/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-model-private.h: the model's storage, shared by weft-model*.c and
 * the statistics. Public readers use weft-model.h.
 */
#pragma once

#include "weft-model.h"
#include "weft-vec.h"

G_BEGIN_DECLS

WEFT_VEC_DEFINE (WeftVecSpan, WeftModelSpan)
WEFT_VEC_DEFINE (WeftVecSpanArgs, WeftModelSpanArgs)
WEFT_VEC_DEFINE (WeftVecWait, WeftModelWait)
WEFT_VEC_DEFINE (WeftVecFlow, WeftModelFlow)
WEFT_VEC_DEFINE (WeftVecTask, WeftModelTask)
WEFT_VEC_DEFINE (WeftVecLost, WeftModelLost)

typedef struct
{
  WeftModelThread pub; /* first: the public view points here */

  WeftVecSpan spans;
  WeftVecSpanArgs span_args;
  WeftVecU64 instant_times;
  WeftVecU32 instant_names;
  WeftVecWait waits;
  WeftVecU32 slices;
  WeftVecU64 other_times;
  /* Spans per depth, min (max_depth, WEFT_MODEL_DEPTH_COUNTS) entries, the
   * last also counting every deeper span: the level-of-detail index sizes
   * its span rows with them instead of growing them. */
  WeftVecU64 depth_spans;

  /* While building. */
  WeftVecU32 open_spans;   /* indices of spans not yet ended */
  WeftVecU32 open_waits;   /* indices of waits not yet acquired/woken */
  guint64 first_event;
  guint64 last_event;
  guint64 created;
  guint64 exited;
  guint64 n_switch_ins;    /* its slices on the CPU lanes: sizes `slices` */
  gboolean seen;
  gboolean has_created;
  gboolean has_exited;
  gboolean unsorted;       /* several streams overlapped: sort when done */
  gboolean spans_handed;   /* some went to a span sink (WeftModelSpanSink) */
  gboolean slices_overlap; /* a hostile file ran it on two lanes at once */
} WeftThreadData;

typedef struct
{
  WeftModelCpu pub;
  WeftVecU64 starts;
  WeftVecU32 who;
} WeftCpuData;

typedef struct
{
  WeftModelCounter pub;
  WeftVecU64 times;
  WeftVecF64 values;
  gboolean unsorted;
} WeftCounterData;

/* The scheduler's totals over a range, per thread and per CPU lane. */
typedef struct
{
  guint64 on_cpu;
  guint64 runnable;
  guint64 blocked;
  guint64 switches;
  guint64 migrations;
} WeftSchedThreadTotals;

typedef struct
{
  guint64 busy;
  guint64 other;
} WeftSchedCpuTotals;

typedef struct
{
  WeftSchedThreadTotals *threads; /* n_threads */
  WeftSchedCpuTotals *cpus;       /* n_cpus */
  guint64 *histogram;             /* n_cpus + 1: ns with 0, 1, … CPUs running threads */
  guint n_histogram;
} WeftSchedTotals;

struct _WeftModel
{
  gatomicrefcount ref_count;

  guint64 time_zero;
  guint64 duration;
  guint64 n_events;
  guint64 lost_events;
  guint64 unmatched_ends;
  gboolean sched;
  gboolean other;
  int cpu_count;
  GHashTable *metadata; /* char* → char* */
  char *source;

  /* Interned names: id → string, string → id. */
  GPtrArray *names;
  GHashTable *name_ids;
  GStringChunk *strings;

  WeftThreadData *threads;
  guint n_threads;
  guint threads_cap;
  GHashTable *thread_by_tid; /* tid → index + 1 (the first thread with that tid) */

  WeftModelProcess *processes;
  guint n_processes;
  guint32 *process_threads; /* storage of every process's thread list */

  WeftCpuData *cpus;
  guint n_cpus;

  WeftCounterData *counters;
  guint n_counters;

  WeftVecTask tasks;
  WeftVecU64 task_times;
  WeftVecU64 task_noop_times;

  WeftVecFlow flows;

  GArray *locks; /* WeftModelLock */

  WeftVecLost lost;

  WeftSchedTotals whole; /* the scheduler totals of the whole trace */

  /* A build with a span sink stopped: a thread's streams overlapped after
   * some of its spans were handed over. */
  gboolean fold_overlapped;
};

#define WEFT_MODEL_DEPTH_COUNTS 1024

/* weft-model.c: a thread's spans per depth (see depth_spans); *n entries. */
const guint64 *_weft_model_get_depth_spans (WeftModel *model, guint thread, guint *n);

/* weft-model-names.c */
guint32 _weft_model_intern (WeftModel *model, const char *str);

/* Spans handed over while the model is built instead of kept in it: what
 * the whole trace's statistics need without the memory of every span
 * (weft-stats-fold.c). A thread's spans come in pre-order, a piece at a
 * time, as soon as no later span can sort before them; while the
 * streams are read (ends_known FALSE), one flagged WEFT_MODEL_SPAN_UNCLOSED
 * is still open: end() brings its end (depth names it: one span is open
 * per depth), or finish() its thread's end. The last piece, once every
 * stream is read, has every end set (ends_known TRUE: sorted and nested
 * again if the thread's streams overlapped). A model built so keeps no
 * span rows (every thread's n_spans is 0) and no span arguments. */
typedef struct
{
  void (*feed) (gpointer data, guint32 thread, const WeftModelSpan *spans, gsize n,
                guint n_names, gboolean ends_known);
  void (*end) (gpointer data, guint32 thread, guint32 depth, guint64 time);
  void (*finish) (gpointer data, guint32 thread, guint64 end);
  gpointer data;
} WeftModelSpanSink;

/* What the build's scheduler sweep sees, for a consumer that would
 * otherwise merge the CPU lanes again (the index's parallelism strip):
 * begin() once the lanes and the duration are known; hold() for every
 * time between two switches, in time order (t1 < t2), with the number of
 * lanes running traced threads; end() with the last switch's time and
 * the count after it. hold() returns a time before which the next holds
 * need no call: one ending earlier only raises *peak (set by hold()) to
 * its count when the count is above zero. (The call a switch was a tenth
 * of a switch-heavy load; a bucket of the strip spans many switches.)
 * slice() for every slice of a traced thread as it begins, in the order
 * of the thread's slice list (k: its index in lane). */
typedef struct
{
  void (*begin) (gpointer data, WeftModel *model);
  guint64 (*hold) (gpointer data, guint64 t1, guint64 t2, guint running, float **peak);
  void (*slice) (gpointer data, guint32 thread, guint lane, guint64 k);
  void (*end) (gpointer data, guint64 last, guint running);
  gpointer data;
} WeftModelSweepSink;

/* weft-model.c: weft_model_new() with the build's sweep shown to sweep. */
WeftModel *_weft_model_new_swept (WeftReader *reader, const WeftModelSweepSink *sweep,
                                  WeftModelProgressFunc progress, gpointer user_data,
                                  GCancellable *cancellable, GError **error);

/* weft-model.c: weft_model_new() with spans handed to sink. NULL with
 * *overlapped TRUE and no error when the fold could not be exact (a
 * thread's streams overlapped in time after some of its spans went to
 * the sink): then read again with weft_model_new(). */
WeftModel *_weft_model_new_folding (WeftReader *reader, const WeftModelSpanSink *sink,
                                    GCancellable *cancellable, gboolean *overlapped,
                                    GError **error);

/* weft-model-build.c (sink: NULL to keep the spans; sweep: NULL for none) */
gboolean _weft_model_build (WeftModel *model, WeftReader *reader, const WeftModelSpanSink *sink,
                            const WeftModelSweepSink *sweep, WeftModelProgressFunc progress,
                            gpointer user_data, GCancellable *cancellable, GError **error);

/* weft-model-sched.c */
void _weft_model_sched_totals_init (WeftModel *model, WeftSchedTotals *totals);
void _weft_model_sched_totals_clear (WeftSchedTotals *totals);
/* Sweeps every CPU lane's switches in time order over [a, b) (b included
 * when b_inclusive). With build_refs, also fills each thread's slices;
 * with sink (not NULL), shows it the sweep. */
void _weft_model_sched_sweep (WeftModel *model, guint64 a, guint64 b, gboolean b_inclusive,
                              gboolean build_refs, const WeftModelSweepSink *sink,
                              WeftSchedTotals *out);

G_END_DECLS
