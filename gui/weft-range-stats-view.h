/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-range-stats-view.h: the statistics of the session's selected
 * range, made by the code behind `weft stats --range A:B`
 * (weft_stats_new()): parallelism (threads running on average, at most),
 * per-thread time on a CPU, the locks waited for, the top spans by time
 * including nested spans, and the verdict of that phase. Computed in a worker thread a
 * moment after the selection stops moving; one computation at a time.
 *
 * Value labels are named for tests: "average-running", "max-running",
 * "threads-alive", "events", "on-cpu-TID", "lock-wait-N" and
 * "cumtime-N" (N from 0, by rank), "verdict", "range".
 */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"
#include "weft-stats.h"

G_BEGIN_DECLS

#define WEFT_TYPE_RANGE_STATS_VIEW (weft_range_stats_view_get_type ())
G_DECLARE_FINAL_TYPE (WeftRangeStatsView, weft_range_stats_view, WEFT, RANGE_STATS_VIEW,
                      GtkWidget)

GtkWidget *weft_range_stats_view_new (void);

WeftSession *weft_range_stats_view_get_session (WeftRangeStatsView *self);
void weft_range_stats_view_set_session (WeftRangeStatsView *self, WeftSession *session);

/* Whether the shown statistics are not yet those of the selection. */
gboolean weft_range_stats_view_is_busy (WeftRangeStatsView *self);

/* The statistics shown (NULL without a selection or before the first). */
const WeftStats *weft_range_stats_view_get_stats (WeftRangeStatsView *self);

/* Spans and threads listed at most. */
#define WEFT_RANGE_STATS_TOP_SPANS 10
#define WEFT_RANGE_STATS_TOP_THREADS 20
#define WEFT_RANGE_STATS_TOP_LOCKS 5

G_END_DECLS
