/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-perf.h: `weft record`'s scheduler and process-tree capture
 * with perf_event_open. One software "dummy" event per CPU carries
 * context-switch, fork, exit and comm records with the TID, time
 * (CLOCK_MONOTONIC, as libweft's converted times) and CPU of each; one
 * ring per CPU, drained by the recorder, never by the traced program.
 *
 * Per-task mode follows the given threads and everything they start
 * (inherit). An inherited event opened with cpu = -1 cannot be mmapped,
 * hence one event per (thread, CPU), all of a CPU's events writing into
 * that CPU's ring. System-wide mode (`-a`) sees every task on every CPU
 * and gets both sides of each switch (PERF_RECORD_SWITCH_CPU_WIDE).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  WEFT_PREC_SWITCH_IN,  /* stid starts running on cpu */
  WEFT_PREC_SWITCH_OUT, /* stid stops running on cpu (flags: PREEMPT) */
  WEFT_PREC_SWITCH_CPU, /* system-wide: stid switched out for ptid (flags: PREEMPT), or
                         * with flags IN, stid switched in after ptid */
  WEFT_PREC_FORK,       /* pid/tid created by ppid/ptid */
  WEFT_PREC_EXIT,       /* pid/tid exited */
  WEFT_PREC_COMM,       /* pid/tid is now called comm (flags: EXEC) */
  WEFT_PREC_LOST,       /* value records were lost on cpu's ring */
  WEFT_PREC_RSS,        /* not from perf: pid's resident set was value bytes */
} WeftPerfRecordType;

#define WEFT_PREC_PREEMPT 0x1 /* switched out while still runnable */
#define WEFT_PREC_EXEC 0x2    /* the comm changed because of an exec */
#define WEFT_PREC_IN 0x4      /* SWITCH_CPU: the switch-in side */

/* One record, decoded. "s" fields are the task that was running when
 * the kernel wrote it (sample_id), the others the record's own body. */
typedef struct
{
  uint64_t time;   /* CLOCK_MONOTONIC ns */
  uint64_t value;  /* LOST: count; RSS: bytes */
  uint32_t spid, stid;
  uint32_t pid, tid;   /* FORK, EXIT, COMM, RSS: the subject */
  uint32_t ppid, ptid; /* FORK: the creator; SWITCH_CPU: next_tid in ptid */
  uint32_t seq;        /* arrival order: ties keep it when sorting */
  uint16_t cpu;
  uint8_t type;        /* WeftPerfRecordType */
  uint8_t flags;       /* WEFT_PREC_* */
  char comm[16];       /* COMM: NUL-terminated */
} WeftPerfRecord;

/* A growable array of records. */
typedef struct
{
  WeftPerfRecord *recs;
  size_t len, cap;
  size_t sorted;            /* recs[0, sorted) are in order */
  uint32_t next_seq;
  WeftPerfRecord *scratch;  /* for merging */
  size_t scratch_cap;
} WeftPerfRecordVec;

/* Appends a zeroed record stamped with the next seq; NULL when out of memory. */
WeftPerfRecord *weft_perf_record_vec_push (WeftPerfRecordVec *v);
void weft_perf_record_vec_clear (WeftPerfRecordVec *v);

/* Sorts by time, ties in arrival order: the records added since the
 * last sort are sorted and merged into the others. */
void weft_perf_record_vec_sort (WeftPerfRecordVec *v);

/* Removes the first n records (n <= the sorted ones after a sort). */
void weft_perf_record_vec_consume (WeftPerfRecordVec *v, size_t n);

typedef struct WeftPerf WeftPerf;

typedef enum
{
  WEFT_PERF_TASK,   /* the given threads and their descendants */
  WEFT_PERF_SYSTEM, /* every task on every CPU */
} WeftPerfMode;

/* Opens the events. tids are the threads to follow (WEFT_PERF_TASK);
 * with enable_on_exec they start at the first thread's next exec,
 * otherwise at once. ring_pages is per CPU (a power of two; smaller is
 * tried when the locked-memory limit refuses it). On failure returns
 * NULL with errno set and a one-line reason in why. */
WeftPerf *weft_perf_open (WeftPerfMode mode, const pid_t *tids, size_t n_tids,
                          int enable_on_exec, size_t ring_pages, char *why, size_t why_size);

/* Whether the events of that mode may be opened here (one is opened on
 * this process, or system-wide, and closed). 0, or -1 with errno and a
 * reason in why. */
int weft_perf_probe (WeftPerfMode mode, char *why, size_t why_size);

/* Follows one more thread (WEFT_PERF_TASK): for -p, threads found after
 * the first open. Returns 0, or -1 with errno. */
int weft_perf_add_thread (WeftPerf *perf, pid_t tid);

/* The ring descriptors to poll for POLLIN (one per CPU). */
size_t weft_perf_get_fds (WeftPerf *perf, int *fds, size_t max);

/* Decodes every record waiting in every ring into out; returns how many
 * were added. Rings are read up to their head at the time of the call. */
size_t weft_perf_drain (WeftPerf *perf, WeftPerfRecordVec *out);

/* Stops the events (records already in the rings stay readable). */
void weft_perf_disable (WeftPerf *perf);

void weft_perf_close (WeftPerf *perf);

/* The text after "how to enable it:" for errno from weft_perf_open(). */
const char *weft_perf_how_to_enable (WeftPerfMode mode, int error);

#ifdef __cplusplus
}
#endif
