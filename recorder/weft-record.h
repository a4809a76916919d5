/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record.h: the recording engine behind `weft record` (SPEC §3, §4).
 * It launches a command (or attaches to a process), captures the
 * scheduler and the process tree with perf (weft-record-perf.h), falls
 * back to /proc where perf is refused, samples each process's resident
 * size, drains what libweft records in the traced processes (shared
 * pools: weft-record-pools.h), and writes one .weft file. libc + pthreads; the command line lives in cli/.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "weft-record-launch.h"
#include "weft-record-merge.h"
#include "weft-record-pools.h"
#include "weft-record-sched.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WEFT_RECORD_DEFAULT_OUTPUT "trace.weft"
#define WEFT_RECORD_DEFAULT_MEMORY_PERIOD_MS 10

typedef struct
{
  char *const *argv;          /* the command (launch mode), NULL-terminated */
  pid_t attach_pid;           /* -p: the process to attach to (argv NULL) */
  const char *output;         /* the trace to write */
  const char *command_line;   /* the "command" metadata, as the user typed it */
  int system_wide;            /* -a */
  int no_sched;               /* --no-sched: no perf at all */
  const char *hooks_path;     /* libweft-hooks.so to preload; NULL: none */
  unsigned memory_period_ms;  /* 0: no memory samples */
  uint64_t buffer_cap;        /* bytes per process for libweft; 0: its default */
  double duration_s;          /* -p: stop after this long; 0: no limit */
} WeftRecordOptions;

typedef struct
{
  int exit_code;              /* what `weft record` exits with */
  int wait_status;            /* the command's, as waitpid gives it */
  int have_wait_status;
  int sched;                  /* scheduler data recorded */
  int system_wide;            /* and for every CPU's other processes (-a) */
  char sched_reason[256];     /* why not (or why not system-wide) */
  char sched_how[256];        /* how to enable it */
  char error[512];            /* one line, when exit_code is 125/126/127 */
  WeftSchedCounts counts;
  WeftMergeStats merged;      /* libweft's fallback file (no session) */
  WeftPoolsStats pools;       /* libweft's shared pools */
  uint64_t start_ns, end_ns;  /* CLOCK_MONOTONIC */
} WeftRecordResult;

/* Records; fills result (error says what went wrong on a failure of its
 * own) and returns result->exit_code. A trace is written whenever the
 * recording started, even when the command could not be run. */
int weft_record_run (const WeftRecordOptions *options, WeftRecordResult *result);

/* The hooks library next to the running program (the build tree) or
 * installed; NULL when there is none. WEFT_HOOKS overrides. */
const char *weft_record_find_hooks (char *buf, size_t size);

#ifdef __cplusplus
}
#endif
