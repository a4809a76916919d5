/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-window-private.h: shared by weft-window.c (the template, states,
 * settings) and weft-window-open.c (file chooser, drag and drop, recent
 * files, loading).
 */
#pragma once

#include "weft-window.h"

G_BEGIN_DECLS

typedef enum
{
  WEFT_WINDOW_EMPTY,   /* the welcome page */
  WEFT_WINDOW_LOADING, /* progress and Cancel */
  WEFT_WINDOW_FAILED,  /* why the file could not be opened */
  WEFT_WINDOW_TRACE,   /* a document is shown */
} WeftWindowState;

struct _WeftWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkButton *search_button;
  GtkStack *stack;
  AdwStatusPage *loading_page;
  GtkProgressBar *progress_bar;
  AdwStatusPage *error_page;
  GtkWidget *trace_view;
  GMenu *recent_menu;

  /* Owned references */
  WeftSession *session;
  GSettings *settings;
  GCancellable *load_cancellable;
  GFile *loading_file;
  GtkFileChooserNative *chooser;
  guint pulse_id; /* the bar pulses until the file is open and counting starts */

  WeftWindowState state;
};

void _weft_window_set_state (WeftWindow *self, WeftWindowState state);

/* weft-window-open.c */
void _weft_window_class_init_open (GtkWidgetClass *widget_class);
void _weft_window_init_open (WeftWindow *self);
void _weft_window_dispose_open (WeftWindow *self);
/* Opens files here when empty, the rest (or all) in new windows. */
void _weft_window_open_files (WeftWindow *self, GFile **files, guint n_files);
void _weft_window_cancel_load (WeftWindow *self);

G_END_DECLS
