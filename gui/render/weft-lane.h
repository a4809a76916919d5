/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lane.h: the renderer's layout as plain data, for the viewer: the
 * lanes from top to bottom with their positions, and what lies under a
 * point (weft_renderer_hit_test()) for clicks and tooltips.
 */
#pragma once

#include <glib.h>

#include "weft-lod.h"

G_BEGIN_DECLS

typedef enum
{
  WEFT_LANE_PARALLELISM, /* traced threads running over time */
  WEFT_LANE_CPU,         /* one core: index is the model's CPU lane index */
  WEFT_LANE_PROCESS,     /* a process group's header: index is the process (or NONE) */
  WEFT_LANE_THREAD,      /* a thread: state strip and span rows; index is the thread */
  WEFT_LANE_TASKS,       /* a row of async tasks: index is the LOD task row */
  WEFT_LANE_COUNTER,     /* a counter track: index is the model counter */
} WeftLaneKind;

/* One lane. y and height are in user units, y from the top of the lanes'
 * area before scrolling (WeftViewport.scroll_y). */
typedef struct
{
  WeftLaneKind kind;
  guint index;
  guint process;     /* the process group it sits in, or WEFT_MODEL_NONE */
  double y;
  double height;
  guint n_rows;      /* THREAD: span rows shown (depths 0 … n_rows − 1) */
  guint hidden_rows; /* THREAD: deeper rows left out (weft_renderer_set_max_span_rows) */
  guint color_key;   /* THREAD: its key for weft_palette_thread_color() */
  const char *label; /* owned by the renderer */
  gboolean collapsed; /* PROCESS: folded to its header (weft_renderer_set_process_collapsed) */
} WeftLane;

typedef enum
{
  WEFT_HIT_NONE,        /* outside everything: margins, empty space */
  WEFT_HIT_HEADER,      /* the title and verdict line */
  WEFT_HIT_AXIS,        /* the time axis (time is set) */
  WEFT_HIT_LEGEND,
  WEFT_HIT_LABEL,       /* a lane's label in the left column */
  WEFT_HIT_PARALLELISM, /* the strip: time is set */
  WEFT_HIT_CPU_IDLE,    /* a core with nothing running near the point */
  WEFT_HIT_CPU_SLICE,   /* cpu, slice (lane-local), thread (or NONE: untraced) */
  WEFT_HIT_THREAD_STATE, /* thread, state, cpu when running */
  WEFT_HIT_SPAN,        /* thread, depth, span */
  WEFT_HIT_TASK,        /* task, segment, active */
  WEFT_HIT_COUNTER,     /* counter, value (defined says whether there is one) */
  WEFT_HIT_LANE,        /* a lane, but nothing in it at that time */
} WeftHitKind;

typedef struct
{
  WeftHitKind kind;
  guint lane;        /* weft_renderer_get_lane() index, or G_MAXUINT */
  guint64 time;      /* trace-relative ns under the point (clamped to >= 0) */
  guint32 thread;    /* model thread index, or WEFT_MODEL_NONE */
  guint32 cpu;       /* model CPU lane index, or WEFT_MODEL_NONE */
  guint64 slice;     /* CPU_SLICE: lane-local slice index */
  guint32 depth;     /* SPAN */
  guint64 span;      /* SPAN: index in the thread's spans */
  WeftLodState state; /* THREAD_STATE */
  guint32 task;      /* TASK: model task index */
  guint32 segment;
  gboolean active;
  guint32 counter;   /* COUNTER: model counter index */
  double value;
  gboolean defined;
} WeftHit;

G_END_DECLS
