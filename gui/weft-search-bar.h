/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-search-bar.h: PLACEHOLDER: being written (the viewer's panes helper owns
 * this file). The API below is the contract the trace view codes against.
 */
#pragma once

#include <gtk/gtk.h>

#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_SEARCH_BAR (weft_search_bar_get_type ())
G_DECLARE_FINAL_TYPE (WeftSearchBar, weft_search_bar, WEFT, SEARCH_BAR, GtkWidget)

GtkWidget *weft_search_bar_new (void);

WeftSession *weft_search_bar_get_session (WeftSearchBar *self);
void weft_search_bar_set_session (WeftSearchBar *self, WeftSession *session);

G_END_DECLS
