/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * record-trace.h: what the `weft record` tests look at in a trace, read
 * back with the analyzer's reader: threads (merged over the streams of
 * one tid: the recorder's and libweft's), processes, CPU switches and
 * counts of every event kind.
 */
#pragma once

#include <glib.h>

#include "weft-reader.h"

typedef struct
{
  guint32 pid, tid;
  char *name;           /* last THREAD_NAME */
  char *process_name;   /* last PROCESS_NAME written on it */
  char *exec;           /* last PROCESS_EXEC program */
  gboolean started;     /* THREAD_START seen */
  gboolean exited;      /* THREAD_EXIT seen */
  guint64 exit_time;    /* at this time */
  gboolean process_exit;
  gint64 exit_status;   /* PROCESS_EXIT's status */
  guint64 first, last;  /* times of its first and last event */
  guint n_forks;        /* PROCESS_FORK events */
  guint32 fork_child;   /* the last one's child pid */
  guint n_lock_waits, n_lock_acquired, n_cond_waits, n_cond_woken, n_counters;
  guint64 n_instants;   /* INSTANT events */
  char *all_names;      /* every THREAD_NAME, each between newlines */
  double last_counter;
} RecordThread;

typedef struct
{
  guint cpu;
  guint64 time;
  gint64 prev, next;
  guint state;
} RecordSwitch;

typedef struct
{
  WeftReader *reader;
  GHashTable *threads;  /* tid -> RecordThread */
  GArray *switches;     /* RecordSwitch, per CPU in time order */
  guint n_cpu_streams;
  guint max_cpu;
  guint64 kinds[256];   /* events per kind */
  guint64 lost;         /* LOST events' counts */
} RecordTrace;

RecordTrace *record_trace_load (const char *path);
void record_trace_free (RecordTrace *trace);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RecordTrace, record_trace_free)

RecordThread *record_trace_thread (RecordTrace *trace, guint32 tid);
/* Distinct pids over the thread streams. */
guint record_trace_n_processes (RecordTrace *trace);
guint record_trace_n_threads (RecordTrace *trace);
/* The thread named name (NULL when none). */
RecordThread *record_trace_find_name (RecordTrace *trace, const char *name);
/* The thread that had name at some point (the recorder's and libweft's
 * streams of a thread may end on different names). */
RecordThread *record_trace_find_any_name (RecordTrace *trace, const char *name);
const char *record_trace_meta (RecordTrace *trace, const char *key);
/* How many switches do not start from what the previous one on their CPU
 * switched to (0: every CPU's story holds together). */
guint record_trace_broken_switches (RecordTrace *trace);

/* --- running `weft record` --- */

/* The weft program and the helper of the build tree. */
const char *record_weft (void);
const char *record_helper (void);
/* The helper linked with libweft that dies by SIGKILL. */
const char *record_kill_helper (void);

/* Runs `weft record -o out EXTRA… -- CMD…` (cmd NULL: no command);
 * env_extra is "KEY=value" entries added to the environment. Returns
 * the exit status (or 128+N for a signal); stderr (when wanted) is
 * returned in err. */
int record_run (const char *out, const char *const *extra, const char *const *cmd,
                const char *const *env_extra, char **err);

/* Skips the test (with the reason printed) when per-task perf events are
 * refused here. TRUE when they are available. */
gboolean record_need_perf (void);
