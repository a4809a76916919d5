/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-private.h: the recording session shared by weft-record.c
 * (set-up and finish) and weft-record-loop.c (the loop that drains the
 * rings, samples memory and feeds the converter).
 */
#pragma once

#include <limits.h>

#include "weft-builder.h"
#include "weft-record-memory.h"
#include "weft-record-perf.h"
#include "weft-record.h"

/* Records are fed to the converter once they are this old: perf writes
 * each ring in time order, but the rings are read one after another, so
 * a record can show up after later ones from another CPU. */
#define WEFT_RECORD_WATERMARK_NS 100000000ull

/* Without perf, the process tree is read from /proc this often. */
#define WEFT_RECORD_DISCOVER_NS 100000000ull

/* Per-CPU ring size in bytes: 2 MiB holds 65,000 switch records, 130 ms
 * of a program switching 500,000 times a second (two threads handing a
 * condition variable back and forth), so a recorder kept off the CPU for
 * a while loses nothing. Shrunk for many CPUs (32 MiB in all at most),
 * and by weft_perf_open() when the locked-memory limit refuses it. */
#define WEFT_RECORD_RING_BYTES (2u << 20)
#define WEFT_RECORD_RINGS_BYTES (32u << 20)

typedef struct
{
  const WeftRecordOptions *o;
  WeftRecordResult *r;
  WeftBuilder *b;
  WeftSched *sched;
  WeftSchedMode mode;
  WeftPerf *perf;
  WeftMemory *mem;
  WeftPerfRecordVec pending;
  int wake[2];           /* self-pipe of the signal handlers */
  pid_t target;          /* the launched command or the attached process */
  int target_fd;         /* attach mode: a pidfd, readable at its exit; or -1 */
  int target_done;
  uint64_t next_sample, next_discover, deadline;
  pid_t *known;          /* without perf: processes already in the trace */
  size_t n_known;
  int root_named;        /* without perf: the command's exec'd name read */
  char tmpdir[PATH_MAX]; /* the session socket and libweft's fallback file */
  char tmptrace[PATH_MAX];
  WeftPools *pools;      /* libweft's shared pools, or NULL */
} WeftRecordSession;

uint64_t _weft_record_now (void);

/* Pages per CPU ring (see WEFT_RECORD_RING_BYTES). */
size_t _weft_record_ring_pages (void);

/* Runs until the command exits (or the attached process does, or a
 * stop), then feeds every remaining record. */
void _weft_record_loop (WeftRecordSession *s);
