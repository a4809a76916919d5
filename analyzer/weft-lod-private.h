/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-private.h: the index's storage, shared by weft-lod*.c.
 */
#pragma once

#include "weft-lod.h"
#include "weft-model-private.h"

G_BEGIN_DECLS

struct _WeftLod
{
  gatomicrefcount ref_count;
  WeftModel *model;

  /* Task rows. */
  WeftLodTaskRow *task_rows;
  guint n_task_rows;
  guint32 *task_row_tasks; /* storage of every row's task list */
};

/* Column position of time t in window (may fall outside [0, n]). */
static inline double
_weft_lod_x (const WeftLodWindow *w, double t)
{
  return (t - (double) w->start) * (double) w->n_columns / (double) (w->end - w->start);
}

static inline gboolean
_weft_lod_window_ok (const WeftLodWindow *w)
{
  return w != NULL && w->n_columns > 0 && w->end > w->start;
}

/* weft-lod-tasks.c */
void _weft_lod_build_task_rows (WeftLod *lod);

G_END_DECLS
