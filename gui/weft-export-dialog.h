/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-export-dialog.h: Export… (Ctrl+E): the format (PNG, SVG, PDF,
 * Chrome JSON plain or compressed), the range (visible, whole trace,
 * selection), the image's size, scale and style, then a file chooser.
 * The export runs in the background (weft-export.h) with an "Exporting…"
 * page; success closes the dialog with a toast in the window, a failure
 * keeps it open with a one-line message.
 */
#pragma once

#include <adwaita.h>

#include "weft-window.h"

G_BEGIN_DECLS

#define WEFT_TYPE_EXPORT_DIALOG (weft_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (WeftExportDialog, weft_export_dialog, WEFT, EXPORT_DIALOG, AdwWindow)

/* A dialog for window's trace: its image size defaults to the window's,
 * its style to the application's. */
GtkWidget *weft_export_dialog_new (WeftWindow *window);

/* Exports with the chosen options to file, as accepting the file chooser
 * does (tests call it instead of the native chooser). */
void weft_export_dialog_export_to (WeftExportDialog *self, GFile *file);

/* Whether an export is running. */
gboolean weft_export_dialog_is_busy (WeftExportDialog *self);

G_END_DECLS
