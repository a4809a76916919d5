/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-trace-view.h: what a window shows of a loaded trace: a note when
 * the file was damaged, and the trace itself. This is where the timeline
 * goes (bound to the same session); until it exists the summary page
 * stands in its place.
 */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_TRACE_VIEW (weft_trace_view_get_type ())
G_DECLARE_FINAL_TYPE (WeftTraceView, weft_trace_view, WEFT, TRACE_VIEW, GtkWidget)

GtkWidget *weft_trace_view_new (void);

WeftSession *weft_trace_view_get_session (WeftTraceView *self);
void weft_trace_view_set_session (WeftTraceView *self, WeftSession *session);

/* The WeftTimeline (borrowed): for the window's shortcuts and the tests. */
GtkWidget *weft_trace_view_get_timeline (WeftTraceView *self);

G_END_DECLS
