/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-window.h: Record…: runs a command under `weft record` from
 * the viewer, shows what it prints, can stop it (SIGTERM, which `weft
 * record` forwards to the command and still writes a complete trace),
 * and opens the trace it wrote.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WEFT_TYPE_RECORD_WINDOW (weft_record_window_get_type ())
G_DECLARE_FINAL_TYPE (WeftRecordWindow, weft_record_window, WEFT, RECORD_WINDOW, AdwWindow)

/* parent: the window that asked, where the trace opens if it is empty. */
GtkWidget *weft_record_window_new (GtkWindow *parent, GSettings *settings);

/* The `weft` command: beside this program (installed, or cli/ of the
 * build tree), on PATH, or in bindir. NULL when none is found. */
char *weft_record_window_find_weft (void);

G_END_DECLS
