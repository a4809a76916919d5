/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-window.h: one viewer window, showing at most one trace. It opens
 * traces from the file chooser, drag and drop and the recent list, loads
 * them in the background and shows what was loaded, or why not.
 */
#pragma once

#include <adwaita.h>

#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_WINDOW (weft_window_get_type ())
G_DECLARE_FINAL_TYPE (WeftWindow, weft_window, WEFT, WINDOW, AdwApplicationWindow)

WeftWindow *weft_window_new (GtkApplication *application);

/* What every part of the window binds to. */
WeftSession *weft_window_get_session (WeftWindow *self);

/* Whether a trace may be loaded here rather than in a new window: the
 * window shows nothing yet, or why the last one failed. */
gboolean weft_window_is_empty (WeftWindow *self);

/* Starts loading file in this window, cancelling a load in progress. */
void weft_window_load (WeftWindow *self, GFile *file);

/* Shows toast (taking it) over the window's content. */
void weft_window_add_toast (WeftWindow *self, AdwToast *toast);

G_END_DECLS
