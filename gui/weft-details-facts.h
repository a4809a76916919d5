/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-details-facts.h: what the details pane says about an item that
 * the model does not hold ready: a span's self time, arguments and CPUs,
 * the wait a thread is in, a task's active and suspended time. Plain
 * functions over the model (no GTK), bounds-checked.
 */
#pragma once

#include "weft-model.h"

G_BEGIN_DECLS

/* The span's duration minus its direct children's (pre-order: they
 * follow it, one level deeper). */
guint64 weft_details_span_self_time (const WeftModelThread *thread, guint64 index);

/* The arguments text of span index, or NULL. */
const char *weft_details_span_args (WeftModel *model, const WeftModelThread *thread,
                                    guint64 index);

/* The CPUs (numbers, as "0, 3", in the order first run) thread ran on in
 * [start, end) and the time it ran there (*on_cpu); NULL when it did not
 * run (or without scheduler data). Looks at the first 100 000 slices. */
char *weft_details_span_cpus (WeftModel *model, const WeftModelThread *thread, guint64 start,
                              guint64 end, guint64 *on_cpu);

/* The lock or condition wait of thread around time, or NULL. */
const WeftModelWait *weft_details_find_wait (const WeftModelThread *thread, guint64 time);

/* A task's time active and suspended, over its segments. */
void weft_details_task_times (WeftModel *model, const WeftModelTask *task, guint64 *active,
                              guint64 *suspended);

G_END_DECLS
