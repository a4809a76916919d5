/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-estimate-private.h: how many threads run, without scheduler data
 * (SPEC §5): a thread counts as running while inside a span and not in a
 * lock or condition wait, and the count is capped at the CPU count. One
 * sweep serves `weft stats` (the running histogram, on-CPU times) and the
 * level-of-detail index (the parallelism strip), so they cannot disagree.
 */
#pragma once

#include <gio/gio.h>

#include "weft-model.h"

G_BEGIN_DECLS

/* [start, end) held `running` estimated running threads (already capped). */
typedef void (*WeftEstimateHold) (guint64 start, guint64 end, guint running, gpointer user_data);

/* Sweeps [a, b) in time order: hold is called for consecutive stretches
 * covering all of it (running 0 included). When on_cpu is not NULL, each
 * thread's estimated running time inside [a, b) is added to
 * on_cpu[thread index]. Returns FALSE when cancelled (cancellable may be
 * NULL). */
gboolean _weft_estimate_sweep (WeftModel *model, guint64 a, guint64 b, guint cap,
                               guint64 *on_cpu, WeftEstimateHold hold, gpointer user_data,
                               GCancellable *cancellable);

G_END_DECLS
