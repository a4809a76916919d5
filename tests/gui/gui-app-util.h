/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gui-app-util.h: one WeftApplication per test program (non-unique, so no
 * session bus is needed), real windows on the display, and waiting for a
 * window to finish loading. Include once, after gui-util.h.
 */
#pragma once

#include "gui-util.h"
#include "weft-application.h"
#include "weft-window.h"

static WeftApplication *app;
static char *tmpdir;
static char *rootdir;

static inline const char *
page_of (WeftWindow *window)
{
  return gtk_stack_get_visible_child_name (TEMPLATE_CHILD (window, WEFT_TYPE_WINDOW, "stack"));
}

static inline gboolean
not_loading (gpointer data)
{
  return g_strcmp0 (page_of (data), "loading") != 0;
}

static inline WeftWindow *
new_window (void)
{
  WeftWindow *window = weft_window_new (GTK_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static inline WeftWindow *
open_path (const char *path)
{
  WeftWindow *window = new_window ();
  g_autoptr (GFile) file = g_file_new_for_path (path);

  weft_window_load (window, file);
  g_assert_cmpstr (page_of (window), ==, "loading");
  run_until (not_loading, window);
  return window;
}

/* Sets up the application; FALSE without a display (then the caller
 * registers gui_test_skip_no_display and runs). */
static inline gboolean
gui_app_setup (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  rootdir = gui_test_init (argc, argv);
  if (!gui_test_have_display ())
    return FALSE;

  tmpdir = g_build_filename (rootdir, "traces", NULL);
  g_assert_cmpint (g_mkdir (tmpdir, 0700), ==, 0);

  app = weft_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return TRUE;
}

static inline int
gui_app_run (void)
{
  int status = g_test_run ();

  g_clear_object (&app);
  rm_rf (rootdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&rootdir, g_free);
  return status;
}
