/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * lod-util.h: what the level-of-detail tests share: an index of a builder
 * trace, a thread by tid, and a column's exact edges and overlaps for the
 * direct computations the queries are checked against.
 */
#pragma once

#include <math.h>

#include "stats-util.h"
#include "weft-lod.h"

static inline WeftLod *
lod_util (WeftBuilder *b)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftModel) m = stats_util_model (b);
  WeftLod *lod = weft_lod_new (m, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (lod);
  return lod;
}

static inline guint
thread_index (WeftLod *lod, guint32 tid)
{
  WeftModel *m = weft_lod_get_model (lod);

  for (guint i = 0; i < weft_model_get_n_threads (m); i++)
    if (weft_model_get_thread (m, i)->tid == tid)
      return i;
  g_error ("no thread %u", tid);
  return 0;
}

/* Column i's edges as long double (the reference's own arithmetic). */
static inline long double
edge (const WeftLodWindow *w, guint i)
{
  return (long double) w->start + (long double) (w->end - w->start) * i / w->n_columns;
}

static inline long double
overlap (long double s, long double e, long double a, long double b)
{
  long double lo = s > a ? s : a, hi = e < b ? e : b;

  return hi > lo ? hi - lo : 0.0L;
}
