/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-model.h: the whole trace in compact, per-lane arrays sorted by time,
 * built in one pass over a WeftReader. Statistics (weft-stats.h) and the
 * level-of-detail index of the viewer read these arrays; nothing here is
 * an object per event.
 *
 * Times are trace-relative nanoseconds: 0 is the trace's first event and
 * weft_model_get_duration() its last. Every array below is read-only and
 * lives as long as the model.
 *
 * Memory: spans 24 bytes (12 per event), instants 12, counter values 16,
 * lock and condition waits 24 (12 per event), scheduler switches 16 (the
 * CPU slice's start and thread, and the thread's reference to it).
 */
#pragma once

#include <gio/gio.h>

#include "weft-reader.h"

G_BEGIN_DECLS

#define WEFT_MODEL_ERROR (weft_model_error_quark ())
GQuark weft_model_error_quark (void);

typedef enum
{
  WEFT_MODEL_ERROR_TOO_LARGE, /* more threads/slices than 32-bit indices hold */
} WeftModelError;

/* An index that refers to nothing (no process, no thread). */
#define WEFT_MODEL_NONE G_MAXUINT32

typedef struct _WeftModel WeftModel;

/* A span on one thread. */
typedef struct
{
  guint64 start;
  guint64 end;    /* >= start; an unclosed span ends at its thread's end */
  guint32 name;   /* weft_model_get_name() */
  guint32 depth;  /* nesting depth (0 outermost), | WEFT_MODEL_SPAN_UNCLOSED */
} WeftModelSpan;
G_STATIC_ASSERT (sizeof (WeftModelSpan) == 24);

#define WEFT_MODEL_SPAN_UNCLOSED 0x80000000u
#define WEFT_MODEL_SPAN_DEPTH(span) ((span)->depth & ~WEFT_MODEL_SPAN_UNCLOSED)

/* The arguments text of a span begun with arguments. */
typedef struct
{
  guint32 span; /* index in the thread's spans */
  guint32 args; /* weft_model_get_name() */
} WeftModelSpanArgs;

/* A lock wait (LOCK_WAIT to LOCK_ACQUIRED) or a condition wait (COND_WAIT
 * to COND_WOKEN) on one thread. */
typedef struct
{
  guint64 start;
  guint64 end;
  guint32 lock;  /* weft_model_get_lock() */
  guint32 flags; /* WeftModelWaitFlags */
} WeftModelWait;
G_STATIC_ASSERT (sizeof (WeftModelWait) == 24);

typedef enum
{
  WEFT_MODEL_WAIT_COND = 1 << 0,     /* a condition wait */
  WEFT_MODEL_WAIT_UNCLOSED = 1 << 1, /* never acquired/woken: ends at the thread's end */
  WEFT_MODEL_WAIT_NESTED = 1 << 2,   /* held a second wait on the same lock, merged */
} WeftModelWaitFlags;

typedef struct
{
  guint32 pid;
  guint32 tid;
  guint32 name;         /* thread name, 0 when unnamed */
  guint32 process;      /* weft_model_get_process() */
  guint64 alive_start;  /* creation, or the first event */
  guint64 alive_end;    /* exit, or the last event (scheduler records included) */
  guint32 max_depth;    /* deepest nesting + 1; 0 without spans */
  guint32 reserved;
  /* Spans in start order, a parent before its children (pre-order). */
  const WeftModelSpan *spans;
  guint64 n_spans;
  const WeftModelSpanArgs *span_args; /* sorted by span */
  guint64 n_span_args;
  const guint64 *instant_times;
  const guint32 *instant_names;
  guint64 n_instants;
  const WeftModelWait *waits; /* sorted by start */
  guint64 n_waits;
  /* The CPU slices this thread ran, as global slice indices
   * (weft_model_lookup_slice()), in time order. */
  const guint32 *slices;
  guint64 n_slices;
  /* Times of events counted in `events` but kept nowhere else (lock
   * releases, unmatched ends), so a range can count them. */
  const guint64 *other_times;
  guint64 n_other_times;
  guint64 unmatched_ends; /* span ends without a begin, ignored */
} WeftModelThread;

typedef struct
{
  guint32 pid;
  guint32 name;            /* process name (or its program), 0 when unknown */
  const guint32 *threads;  /* thread indices, by tid */
  guint n_threads;
} WeftModelProcess;

/* A CPU slice runs one thread, idle or an untraced thread from its start
 * to the next slice's start (the last one to the trace's end). */
#define WEFT_MODEL_SLICE_IDLE 0x3fffffffu
#define WEFT_MODEL_SLICE_OTHER 0x3ffffffeu
#define WEFT_MODEL_MAX_THREADS 0x3ffffff0u
#define WEFT_MODEL_SLICE_THREAD(who) ((who) >> 2)
/* How the slice ended: a WeftSwitchState (UNKNOWN for the last one). */
#define WEFT_MODEL_SLICE_END_STATE(who) ((WeftSwitchState) ((who) & 3))

typedef struct
{
  guint32 cpu;           /* the CPU number */
  guint32 reserved;
  guint64 first_slice;   /* global index of slice 0 */
  guint64 n_slices;
  const guint64 *starts; /* sorted */
  const guint32 *who;    /* WEFT_MODEL_SLICE_THREAD / _END_STATE */
} WeftModelCpu;

/* One process's series of a named counter. */
typedef struct
{
  guint32 pid;
  guint32 process;
  guint32 name;
  guint32 reserved;
  const guint64 *times; /* sorted */
  const double *values;
  guint64 n;
} WeftModelCounter;

typedef enum
{
  WEFT_MODEL_TASK_STARTS_SUSPENDED = 1 << 0, /* first seen suspended (no begin) */
  /* No end event: it ends at the trace's end, or where its id begins a
   * new task; its last time is not an event. */
  WEFT_MODEL_TASK_UNENDED = 1 << 1,
} WeftModelTaskFlags;

/* An async task: its transition times weft_model_get_task_times() cut it
 * into segments that alternate active and suspended. */
typedef struct
{
  guint64 id;
  guint32 pid;
  guint32 name;
  guint64 first_time; /* index in the task times */
  guint32 n_times;    /* >= 2: start, transitions…, end */
  guint32 flags;      /* WeftModelTaskFlags */
} WeftModelTask;

/* An arrow from one thread to another (begin == end and from_thread
 * WEFT_MODEL_NONE for a flow end whose begin is missing). */
typedef struct
{
  guint64 begin;
  guint64 end;
  guint32 from_thread;
  guint32 to_thread;
} WeftModelFlow;

typedef struct
{
  guint64 address;
  guint32 pid;
  guint32 name;       /* annotated name (LOCK_NAME), 0 when none */
  gboolean cond;      /* a condition variable */
  const char *label;  /* the annotated name, or mutex@0x… / cond@0x… */
} WeftModelLock;

typedef struct
{
  guint64 time;
  guint64 count;
} WeftModelLost;

/* Called now and then while building, fraction in [0, 1]. */
typedef void (*WeftModelProgressFunc) (double fraction, gpointer user_data);

/* Reads every stream of reader. The reader may be freed afterwards.
 * Fails only when cancelled (G_IO_ERROR_CANCELLED) or too large. */
WeftModel *weft_model_new (WeftReader *reader, WeftModelProgressFunc progress,
                           gpointer user_data, GCancellable *cancellable, GError **error);
WeftModel *weft_model_ref (WeftModel *model);
void weft_model_unref (WeftModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftModel, weft_model_unref)

/* Trace facts (SPEC §5 "trace"). */
guint64 weft_model_get_time_zero (WeftModel *model); /* absolute ns of time 0 */
guint64 weft_model_get_duration (WeftModel *model);
guint64 weft_model_get_n_events (WeftModel *model);
guint64 weft_model_get_lost_events (WeftModel *model);
gboolean weft_model_has_sched (WeftModel *model);
gboolean weft_model_has_other (WeftModel *model); /* recorded system-wide (-a) */
int weft_model_get_cpu_count (WeftModel *model);   /* -1 when unknown */
const char *weft_model_get_metadata (WeftModel *model, const char *key);
const char *weft_model_get_source (WeftModel *model); /* "weft" or "chrome-json" */
guint64 weft_model_get_unmatched_ends (WeftModel *model);

/* Interned strings: span, instant, counter, task, thread and process names
 * and span arguments. Id 0 is "". */
const char *weft_model_get_name (WeftModel *model, guint32 id);
guint weft_model_get_n_names (WeftModel *model);

guint weft_model_get_n_processes (WeftModel *model);
const WeftModelProcess *weft_model_get_process (WeftModel *model, guint index);
guint weft_model_get_n_threads (WeftModel *model);
const WeftModelThread *weft_model_get_thread (WeftModel *model, guint index);

guint weft_model_get_n_cpus (WeftModel *model); /* CPU lanes, by number */
const WeftModelCpu *weft_model_get_cpu (WeftModel *model, guint index);
guint64 weft_model_get_slice_end (WeftModel *model, guint cpu_index, guint64 slice);
/* Finds the CPU lane and slice of a global slice index. */
gboolean weft_model_lookup_slice (WeftModel *model, guint64 global, guint *cpu_index,
                                  guint64 *slice);

guint weft_model_get_n_counters (WeftModel *model);
const WeftModelCounter *weft_model_get_counter (WeftModel *model, guint index);

guint weft_model_get_n_tasks (WeftModel *model);
const WeftModelTask *weft_model_get_task (WeftModel *model, guint index);
const guint64 *weft_model_get_task_times (WeftModel *model, const WeftModelTask *task);
/* Times of task transitions that changed nothing (a second suspend, an
 * end without a task): events of no task. */
const guint64 *weft_model_get_task_noop_times (WeftModel *model, guint64 *n);

guint64 weft_model_get_n_flows (WeftModel *model);
const WeftModelFlow *weft_model_get_flows (WeftModel *model);

guint weft_model_get_n_locks (WeftModel *model);
const WeftModelLock *weft_model_get_lock (WeftModel *model, guint index);

const WeftModelLost *weft_model_get_lost (WeftModel *model, guint64 *n);

/* Bytes the model's arrays hold (for the memory budget). */
gsize weft_model_get_memory_size (WeftModel *model);

/* The first span of thread that may overlap time t: the outermost span
 * open at t, or the first span starting at or after t. */
guint64 weft_model_thread_find_span (const WeftModelThread *thread, guint64 t);

G_END_DECLS
