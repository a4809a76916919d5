/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-sched.h: turns the recorder's time-sorted records (perf's
 * switches, forks, exits and names; memory samples) into trace events
 * written with the builder:
 * - one CPU stream per CPU of SCHED_SWITCH (prev, state, next) events: a
 *   per-task switch-out of A and the switch-in of B on the same CPU a
 *   moment later make one switch A -> B; an unmatched side is paired with
 *   WEFT_TID_OTHER (per-task records cannot see who else ran);
 * - per traced thread a stream with THREAD_START/EXIT, names, PROCESS_*
 *   events and, on each process's main thread, the "memory.rss" counter.
 * It is fed in time order (weft_perf_record_vec_sort()) and owns no
 * thread: the recorder's loop calls it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "weft-builder.h"
#include "weft-hooks-runtime.h"
#include "weft-record-perf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A switch-out followed by a switch-in on the same CPU within this many
 * ns is one switch. perf writes the two records on either side of the
 * context switch itself: 1-3 us apart on hardware, 8-15 us in a VM;
 * whatever ran between them for less than this is not worth a slice. */
#define WEFT_SCHED_MERGE_NS 20000

/* The counter name of the resident set size samples. */
#define WEFT_SCHED_RSS_COUNTER "memory.rss"

typedef struct WeftSched WeftSched;

typedef struct
{
  uint64_t switches;  /* SCHED_SWITCH events written */
  uint64_t lost;      /* records perf reported lost */
  uint32_t processes; /* traced processes seen */
  uint32_t threads;   /* traced threads seen */
} WeftSchedCounts;

typedef enum
{
  /* Per-task perf records: every task in them is traced. */
  WEFT_SCHED_TASK,
  /* PERF_RECORD_SWITCH_CPU_WIDE for every task: only descendants of the
   * processes given to weft_sched_add_process() are traced, the others
   * appear as WEFT_TID_OTHER or WEFT_TID_IDLE. */
  WEFT_SCHED_SYSTEM,
  /* No scheduler data (perf refused): records come from /proc and only
   * build the process tree; no CPU stream is written. */
  WEFT_SCHED_NONE,
} WeftSchedMode;

WeftSched *weft_sched_new (WeftBuilder *builder, WeftSchedMode mode);
void weft_sched_free (WeftSched *sched);

/* A traced process known before its records arrive: the launched
 * command (started: it begins at time, THREAD_START is written) or an
 * attached process (its threads given with weft_sched_add_thread()). */
void weft_sched_add_process (WeftSched *sched, uint32_t pid, uint64_t time, const char *name,
                             int started);
void weft_sched_add_thread (WeftSched *sched, uint32_t pid, uint32_t tid, uint64_t time,
                            const char *name);

/* The wait status of a process, when the recorder reaped it. Used by the
 * PROCESS_EXIT written when its last thread's exit record is fed; a
 * process whose status is unknown exits with -1. */
void weft_sched_set_exit_status (WeftSched *sched, uint32_t pid, int status);

/* libweft's drain thread in a standalone-mode process: the recorder's
 * own work, not the program's. */
#define WEFT_SCHED_RUNTIME_THREAD WEFT_RUNTIME_THREAD_NAME

/* Leaves thread tid out of the trace from now on (until it exits): on
 * CPUs it counts as WEFT_TID_OTHER. */
void weft_sched_hide_thread (WeftSched *sched, uint32_t tid);

/* Feeds one record; records must come in non-decreasing time. */
void weft_sched_feed (WeftSched *sched, const WeftPerfRecord *rec);

/* How often, in trace time, weft_sched_flush() writes what was fed out
 * to the file as chunks: a recorder killed mid-run leaves its scheduler
 * and process-tree data up to about this long before the kill. */
#define WEFT_SCHED_FLUSH_NS 500000000ull

/* Sets that period (0: never, everything waits for the end or a full
 * chunk, as before). The default is WEFT_SCHED_FLUSH_NS. */
void weft_sched_set_flush_period (WeftSched *sched, uint64_t period_ns);

/* Every record before limit has been fed: switch-outs that no switch-in
 * can join any more (older than limit - WEFT_SCHED_MERGE_NS) are written
 * as they would be later, and when limit is a flush period past the last
 * flush, every stream's buffered events go to the file
 * (weft_builder_flush()). The events and their meaning are those of a
 * run without it; only the chunks differ. */
void weft_sched_flush (WeftSched *sched, uint64_t limit);

/* Ends the recording at end_time: pending switch-outs are written. */
void weft_sched_finish (WeftSched *sched, uint64_t end_time);

void weft_sched_get_counts (WeftSched *sched, WeftSchedCounts *counts);

/* Whether pid is a traced process (system-wide: a descendant). */
int weft_sched_is_traced_process (WeftSched *sched, uint32_t pid);

#ifdef __cplusplus
}
#endif
