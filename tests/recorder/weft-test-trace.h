/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-test-trace.h: shared by the runtime tests: run weft-helper with
 * WEFT_TRACE set, then read the trace back with the analyzer's reader.
 */
#pragma once

#include <glib.h>

#include "weft-reader.h"

typedef struct
{
  char *dir;   /* g_dir_make_tmp, removed by weft_test_run_free */
  char *trace; /* dir/trace.weft */
  char *out;   /* the helper's stdout */
  char *err;   /* and stderr */
  int status;  /* its wait status */
  guint64 t0;  /* CLOCK_MONOTONIC ns before it started */
  guint64 t1;  /* and after it exited */
} WeftTestRun;

/* A temp dir with the trace path in it (nothing run yet). */
WeftTestRun *
weft_test_run_new (void);
void
weft_test_run_free (WeftTestRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftTestRun, weft_test_run_free)

/* The environment for the helper: ours, WEFT_TRACE=trace, minus any
 * WEFT_TRACE_APPEND, plus extra "KEY=VALUE" strings (NULL-terminated). */
char **
weft_test_run_envp (WeftTestRun *run, const char *const *extra);

/* Runs program (NULL: weft-helper) with args (NULL-terminated) and waits. */
void
weft_test_run_spawn (WeftTestRun *run, const char *program, const char *const *args,
                     const char *const *extra_env);

const char *
weft_test_helper_path (void);

/* A "key=value" line of the helper's stdout, as an integer; asserts it is there. */
gint64
weft_test_run_value (WeftTestRun *run, const char *key);

/* Opens path; asserts it opens without damage. */
WeftReader *
weft_test_open (const char *path);

/* Every event of a stream, in order. */
GArray *
weft_test_events (WeftReader *reader, guint stream);

/* Indexes of the thread streams of pid, in stream order. */
GArray *
weft_test_streams_of (WeftReader *reader, guint32 pid);

guint64
weft_test_monotonic_ns (void);

/* Events of kind with name (NULL: any name) in events. */
guint
weft_test_count (WeftReader *reader, GArray *events, guint8 kind, const char *name);

/* The sum of the LOST events' counts. */
guint64
weft_test_lost (GArray *events);

/* Asserts times never go backwards and lie in [lo, hi]. */
void
weft_test_assert_times (GArray *events, guint64 lo, guint64 hi);

/* Where in a .weft file's bytes its first TSC stream chunk ends (0: none),
 * and in *pairs the CLOCK chunks before it: a file cut there must hold
 * two, or its times cannot be converted. */
gsize
weft_test_first_tsc_chunk (const guint8 *data, gsize size, guint *pairs);

#define WEFT_TEST_EV(events, i) (&g_array_index ((events), WeftEvent, (i)))
