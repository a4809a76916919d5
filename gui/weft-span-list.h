/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-span-list.h: the spans of the trace as `weft stats` ranks them
 * (by time including nested spans), or, while the session has search
 * text, the spans whose name contains it, the match highlighted.
 */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_SPAN_LIST (weft_span_list_get_type ())
G_DECLARE_FINAL_TYPE (WeftSpanList, weft_span_list, WEFT, SPAN_LIST, GtkWidget)

GtkWidget *weft_span_list_new (void);

WeftSession *weft_span_list_get_session (WeftSpanList *self);
void weft_span_list_set_session (WeftSpanList *self, WeftSession *session);

G_END_DECLS
