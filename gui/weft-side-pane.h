/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-side-pane.h: the pane at the right of the timeline, bound to the
 * session: the details of the clicked item (WeftDetailsView), the
 * statistics of the selected range (WeftRangeStatsView), or, with
 * neither, the summary of the whole trace (WeftSummaryView). The latest
 * click or selection is shown; a switcher above goes back to the others
 * while they have something to show.
 */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_SIDE_PANE (weft_side_pane_get_type ())
G_DECLARE_FINAL_TYPE (WeftSidePane, weft_side_pane, WEFT, SIDE_PANE, GtkWidget)

GtkWidget *weft_side_pane_new (void);

WeftSession *weft_side_pane_get_session (WeftSidePane *self);
void weft_side_pane_set_session (WeftSidePane *self, WeftSession *session);

/* The page shown: "summary", "range" or "details". */
const char *weft_side_pane_get_page (WeftSidePane *self);

G_END_DECLS
