/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-preferences-window.h: the settings a user changes by hand: the
 * style and the recent-files history.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WEFT_TYPE_PREFERENCES_WINDOW (weft_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (WeftPreferencesWindow, weft_preferences_window, WEFT, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *weft_preferences_window_new (GSettings *settings);

G_END_DECLS
