/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-side-pane.h: PLACEHOLDER: being written (the viewer's panes helper owns
 * this file). The API below is the contract the trace view codes against.
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

G_END_DECLS
