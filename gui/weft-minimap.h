/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-minimap.h: the whole trace in a strip above the lanes (how many
 * threads ran, over all of it), with the session's visible range marked.
 * Dragging the mark moves the visible range; a click elsewhere centres it
 * there. As the timeline, the pointer goes through actions:
 *
 *   minimap.center-at (d)     centres the visible range on the time at x
 *   minimap.move-window (dd)  moves it by the time between two x (a drag)
 */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_MINIMAP (weft_minimap_get_type ())
G_DECLARE_FINAL_TYPE (WeftMinimap, weft_minimap, WEFT, MINIMAP, GtkWidget)

GtkWidget *weft_minimap_new (void);

WeftSession *weft_minimap_get_session (WeftMinimap *self);
void weft_minimap_set_session (WeftMinimap *self, WeftSession *session);

/* The time at x (the strip spans the whole trace, clamped to it), and
 * back. */
guint64 weft_minimap_time_at (WeftMinimap *self, double x);
double weft_minimap_x_at (WeftMinimap *self, guint64 t);

G_END_DECLS
