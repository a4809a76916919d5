/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-stats.h: the analysis of SPEC §5 over a whole trace or a range of
 * it, as plain data, and its three printed forms (weft-stats-output.c):
 * JSON ("weft-stats-1"), text for people and CSV tables.
 *
 * Everything is clipped to the range: a span cut in half counts its part
 * inside. Times are integer ns. Without scheduler data (sched FALSE),
 * on_cpu_ns and parallelism are estimated and the fields SPEC §5 makes
 * null have *_known FALSE.
 */
#pragma once

#include "weft-model.h"

G_BEGIN_DECLS

typedef struct
{
  guint32 pid;
  guint32 tid;
  const char *name; /* NULL when unnamed */
  guint64 alive_ns;
  guint64 on_cpu_ns; /* estimated without scheduler data */
  guint64 runnable_ns;
  guint64 blocked_ns;
  guint64 lock_wait_ns;
  guint64 context_switches;
  guint64 migrations;
} WeftStatsThread;

typedef struct
{
  guint32 pid;
  const char *name; /* NULL when unknown */
  const guint32 *tids;
  guint n_tids;
} WeftStatsProcess;

typedef struct
{
  guint32 cpu;
  guint64 busy_ns;
  guint64 other_ns;
  double utilization;
} WeftStatsCpu;

typedef struct
{
  const char *name;
  guint64 ncalls;
  guint64 tottime_ns;
  guint64 cumtime_ns;
  guint64 percall_tottime_ns;
  guint64 percall_cumtime_ns;
} WeftStatsSpan;

typedef struct
{
  const char *name;
  guint64 contended;
  guint64 wait_ns;
} WeftStatsLock;

typedef struct
{
  const char *name;
  guint64 count;
  guint64 active_ns;
  guint64 suspended_ns;
} WeftStatsTask;

typedef enum
{
  WEFT_STATS_SORT_CUMTIME,
  WEFT_STATS_SORT_TOTTIME,
  WEFT_STATS_SORT_NCALLS,
  WEFT_STATS_SORT_NAME,
} WeftStatsSort;

typedef struct
{
  WeftModel *model; /* owned reference: names point into it */

  /* "trace" */
  const char *source;
  gboolean sched;
  gboolean other_known;  /* cpus[].other_ns: recorded system-wide */
  guint64 range_start;   /* trace-relative ns */
  guint64 range_end;
  gboolean whole;        /* the range is the whole trace */
  guint64 duration_ns;
  guint64 events;
  guint64 lost_events;
  int cpus;              /* -1: null */
  const char *command;   /* NULL: null */
  const char *start_time;

  WeftStatsProcess *processes;
  guint n_processes;
  WeftStatsThread *threads;
  guint n_threads;
  WeftStatsCpu *cpu_list; /* times are null without scheduler data */
  guint n_cpu_list;

  /* "parallelism" */
  double average_running;
  guint max_running;
  guint64 *running_histogram_ns;
  guint n_running_histogram;

  /* "concurrency" */
  double average_threads_alive;
  double average_tasks_in_progress;

  WeftStatsSpan *spans; /* by cumtime_ns, largest first (weft_stats_sort_spans) */
  guint n_spans;
  WeftStatsLock *locks; /* by wait_ns, largest first */
  guint n_locks;
  WeftStatsTask *tasks; /* by active + suspended, largest first */
  guint n_tasks;

  char *verdict;
} WeftStats;

/* Statistics of the trace-relative range [start, end); end is clamped to
 * the trace's duration, and a range ending there includes the events at
 * that last instant, unless it is empty (start == end == duration > 0:
 * nothing), so that [0, cut) and [cut, duration] split every figure
 * exactly for any cut of a trace longer than 0 ns (a trace of one instant
 * has no cut: [0, 0] is all of it). weft_stats_new_whole() is
 * [0, duration]. */
WeftStats *weft_stats_new (WeftModel *model, guint64 start, guint64 end);
WeftStats *weft_stats_new_whole (WeftModel *model);
/* The whole trace's statistics, equal to weft_stats_new_whole() of
 * weft_model_new (reader), from one read that keeps no span rows: each
 * thread's spans are folded into the span table as they are read (what
 * `weft stats` without --range does; weft-stats-fold.c). The model the
 * result holds has no spans and its threads no slice lists (so it cannot
 * serve a range). Without scheduler data the estimate needs the spans:
 * then the model keeps them. Fails as weft_model_new(). */
WeftStats *weft_stats_new_from_reader (WeftReader *reader, GCancellable *cancellable,
                                       GError **error);
void weft_stats_free (WeftStats *stats);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftStats, weft_stats_free)

void weft_stats_sort_spans (WeftStats *stats, WeftStatsSort key);
gboolean weft_stats_sort_from_string (const char *text, WeftStatsSort *key);

/* The verdict rule of SPEC §5 on its inputs: the label alone ("parallel:
 * about 2 cores busy at once") and the full sentence. cpus < 0: unknown. */
char *weft_stats_verdict_label (double threads_alive, double tasks_in_progress, int cpus,
                                double average_running);
char *weft_stats_verdict (double threads_alive, double tasks_in_progress, int cpus,
                          double average_running, gboolean estimated);

/* Output (weft-stats-output.c). top: at most that many spans (0: all). */
char *weft_stats_to_json (const WeftStats *stats, guint top);
char *weft_stats_to_text (const WeftStats *stats, const char *title, guint top);

typedef enum
{
  WEFT_STATS_CSV_SPANS,
  WEFT_STATS_CSV_THREADS,
  WEFT_STATS_CSV_CPUS,
} WeftStatsCsv;

gboolean weft_stats_csv_from_string (const char *text, WeftStatsCsv *table);
char *weft_stats_to_csv (const WeftStats *stats, WeftStatsCsv table, guint top);

G_END_DECLS
