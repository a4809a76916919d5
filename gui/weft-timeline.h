/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-timeline.h: the lanes of a trace, drawn by the renderer
 * (gui/render/) from the session's visible range and selection, with the
 * input of SPEC §6. Every gesture goes through a widget action, so
 * shortcuts, tests and the pointer drive the same code:
 *
 *   timeline.zoom-in, timeline.zoom-out   W / S: ×0.8 / ×1.25 around the
 *                                         pointer (the middle without one)
 *   timeline.zoom-at (dd)                 x, factor: Ctrl+wheel, pinch
 *   timeline.pan-left, timeline.pan-right A / D: a tenth of the view
 *   timeline.pan (d)                      by that many units (> 0: later)
 *   timeline.zoom-to-fit                  0 / Home
 *   timeline.zoom-to-selection            F
 *   timeline.clear-selection              Escape
 *   timeline.scroll (d)                   the lanes down by that many units
 *   timeline.select-range (tt)            the session's selection
 *   timeline.select-at (dd)               a click at x, y: selects the item
 *                                         there, or folds a process group
 *   timeline.toggle-process (u)           folds or unfolds a process group
 *
 * x and y are the widget's coordinates.
 */
#pragma once

#include <gtk/gtk.h>

#include "weft-renderer.h"
#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_TIMELINE (weft_timeline_get_type ())
G_DECLARE_FINAL_TYPE (WeftTimeline, weft_timeline, WEFT, TIMELINE, GtkWidget)

GtkWidget *weft_timeline_new (void);

WeftSession *weft_timeline_get_session (WeftTimeline *self);
void weft_timeline_set_session (WeftTimeline *self, WeftSession *session);

/* The renderer of the session's document (NULL without one): its layout
 * says where the lanes are. Borrowed. */
WeftRenderer *weft_timeline_get_renderer (WeftTimeline *self);

/* What the next frame draws: the session's range, the widget's size (the
 * lanes' part, left of the scrollbar), scale and scroll. FALSE when there
 * is nothing to draw. */
gboolean weft_timeline_get_viewport (WeftTimeline *self, WeftViewport *vp);

/* The vertical scroll of the lanes, in units. */
GtkAdjustment *weft_timeline_get_vadjustment (WeftTimeline *self);

/* Whether process group process (WEFT_MODEL_NONE: the group of threads
 * without one) shows only its header. */
gboolean weft_timeline_get_process_collapsed (WeftTimeline *self, guint process);
void weft_timeline_set_process_collapsed (WeftTimeline *self, guint process, gboolean collapsed);

/* The hover tooltip at widget point (x, y), as Pango markup: the item's
 * name in bold, its duration, its thread and CPU. NULL over nothing. */
char *weft_timeline_get_tooltip_markup (WeftTimeline *self, double x, double y);

/* The time the last frame took to draw, in µs (the bench's figure), and
 * whether it drew everything at its resolution. */
gint64 weft_timeline_get_last_draw_us (WeftTimeline *self);
gboolean weft_timeline_get_last_complete (WeftTimeline *self);

G_END_DECLS
