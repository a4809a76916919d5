/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-welcome-page.h: what an empty window shows: how to get a trace in
 * (open, drop, record) and the recent traces, each a button for
 * win.open-uri.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WEFT_TYPE_WELCOME_PAGE (weft_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (WeftWelcomePage, weft_welcome_page, WEFT, WELCOME_PAGE, GtkWidget)

GtkWidget *weft_welcome_page_new (void);

G_END_DECLS
