/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-application.h: the viewer application: one instance per session
 * (a second `weft-viewer FILE` hands FILE to the first), the style
 * setting, the application actions and where each opened file goes.
 */
#pragma once

#include <adwaita.h>

#include "weft-window.h"

G_BEGIN_DECLS

#define WEFT_APPLICATION_ID "org.weft.Weft"

#define WEFT_TYPE_APPLICATION (weft_application_get_type ())
G_DECLARE_FINAL_TYPE (WeftApplication, weft_application, WEFT, APPLICATION, AdwApplication)

WeftApplication *weft_application_new (void);

GSettings *weft_application_get_settings (WeftApplication *self);

/* Loads the first file in preferred when that window is empty, every
 * other file in a new window of its own. preferred may be NULL. */
void weft_application_open_files (WeftApplication *self,
                                  GFile **files,
                                  guint n_files,
                                  WeftWindow *preferred);

G_END_DECLS
