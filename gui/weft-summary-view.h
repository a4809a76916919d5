/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-summary-view.h: what a loaded trace contains, in words and
 * numbers: duration, events, threads, processes, the recording's
 * metadata, the spans ranked (or those the search finds). The side pane
 * shows it when nothing is clicked or selected.
 */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_SUMMARY_VIEW (weft_summary_view_get_type ())
G_DECLARE_FINAL_TYPE (WeftSummaryView, weft_summary_view, WEFT, SUMMARY_VIEW, GtkWidget)

GtkWidget *weft_summary_view_new (void);

WeftSession *weft_summary_view_get_session (WeftSummaryView *self);
void weft_summary_view_set_session (WeftSummaryView *self, WeftSession *session);

G_END_DECLS
