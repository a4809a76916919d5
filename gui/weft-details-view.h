/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-details-view.h: what the session's item (the clicked thing) is,
 * in words and times: a span's name, start, duration, self time, thread,
 * process, CPUs and arguments; a task's active and suspended time; a
 * thread's state with the lock it waits for; a CPU slice; a counter's
 * value. Each value label is named after what it shows ("duration",
 * "self-time", "lock", …) so tests and the side pane can find it.
 */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_DETAILS_VIEW (weft_details_view_get_type ())
G_DECLARE_FINAL_TYPE (WeftDetailsView, weft_details_view, WEFT, DETAILS_VIEW, GtkWidget)

GtkWidget *weft_details_view_new (void);

WeftSession *weft_details_view_get_session (WeftDetailsView *self);
void weft_details_view_set_session (WeftDetailsView *self, WeftSession *session);

/* Whether the item is something it describes ("notify::has-details" is
 * emitted after every change of the item, even to the same value). */
gboolean weft_details_view_get_has_details (WeftDetailsView *self);

G_END_DECLS
