/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Record…: the dialog runs `weft record` (from the build tree) and opens
 * the trace, or says why there is none.
 */
#include "weft-config.h"

#include "gui-app-util.h"
#include "weft-record-window.h"

static WeftRecordWindow *
find_record_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (WEFT_IS_RECORD_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
record_window_gone (gpointer data)
{
  return find_record_window () == NULL;
}

/* Record…: `weft record` (from the build tree, found on PATH here) runs
 * the command in the chosen folder and the trace opens in the window
 * that asked, whatever the command's exit status. */
static void
test_record (void)
{
  g_autofree char *cli = g_build_filename (g_getenv ("WEFT_BUILDDIR"), "cli", NULL);
  g_autofree char *path = g_strconcat (cli, ":", g_getenv ("PATH"), NULL);
  g_autofree char *folder = g_build_filename (tmpdir, "recordings", NULL);
  g_autofree char *weft = NULL;
  GSettings *settings = weft_application_get_settings (app);
  WeftWindow *window = new_window ();
  WeftRecordWindow *record;
  WeftDocument *document;
  GtkWidget *command_row, *sched, *hooks, *button;
  GDir *dir;
  const char *name;
  guint n_files = 0;

  g_setenv ("PATH", path, TRUE);
  weft = weft_record_window_find_weft ();
  g_assert_nonnull (weft);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_settings_set_string (settings, "last-folder", folder);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.record", NULL));
  record = find_record_window ();
  g_assert_nonnull (record);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (record)) == GTK_WINDOW (window));

  command_row = TEMPLATE_CHILD (record, WEFT_TYPE_RECORD_WINDOW, "command_row");
  sched = TEMPLATE_CHILD (record, WEFT_TYPE_RECORD_WINDOW, "sched_switch");
  hooks = TEMPLATE_CHILD (record, WEFT_TYPE_RECORD_WINDOW, "hooks_switch");
  button = TEMPLATE_CHILD (record, WEFT_TYPE_RECORD_WINDOW, "record_button");
  /* No perf and no preload: the same trace wherever the test runs. */
  gtk_switch_set_active (GTK_SWITCH (sched), FALSE);
  gtk_switch_set_active (GTK_SWITCH (hooks), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (command_row), "sh -c 'exit 3'");
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Stop");

  run_until (record_window_gone, NULL);
  run_until (not_loading, window);
  g_assert_cmpstr (page_of (window), ==, "trace");
  document = weft_session_get_document (weft_window_get_session (window));
  g_assert_cmpstr (weft_document_get_metadata (document, "command"), ==, "sh -c 'exit 3'");
  g_assert_cmpstr (weft_document_get_metadata (document, "sched"), ==, "false");
  g_assert_cmpuint (weft_document_get_facts (document)->n_processes, ==, 1);

  /* One trace, named after the program, in the folder. */
  dir = g_dir_open (folder, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_true (g_str_has_prefix (name, "sh-"));
      g_assert_true (g_str_has_suffix (name, ".weft"));
      g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, name);
      n_files++;
    }
  g_dir_close (dir);
  g_assert_cmpuint (n_files, ==, 1);

  g_settings_reset (settings, "last-folder");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A command that cannot run leaves no trace: the window says why and
 * goes back to the form. */
static void
test_record_fails (void)
{
  g_autofree char *cli = g_build_filename (g_getenv ("WEFT_BUILDDIR"), "cli", NULL);
  g_autofree char *path = g_strconcat (cli, ":", g_getenv ("PATH"), NULL);
  WeftWindow *window = new_window ();
  WeftRecordWindow *record;
  GtkWidget *button;
  GtkStack *stack;
  GtkLabel *status;

  g_setenv ("PATH", path, TRUE);
  g_settings_set_string (weft_application_get_settings (app), "last-folder", tmpdir);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.record", NULL));
  record = find_record_window ();
  button = TEMPLATE_CHILD (record, WEFT_TYPE_RECORD_WINDOW, "record_button");
  stack = TEMPLATE_CHILD (record, WEFT_TYPE_RECORD_WINDOW, "stack");
  status = TEMPLATE_CHILD (record, WEFT_TYPE_RECORD_WINDOW, "status_label");

  /* Not a command line at all: stays on the form, the row marked. */
  gtk_editable_set_text (GTK_EDITABLE (TEMPLATE_CHILD (record, WEFT_TYPE_RECORD_WINDOW, "command_row")),
                         "sh -c 'unclosed");
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "setup");
  g_assert_true (gtk_widget_has_css_class (TEMPLATE_CHILD (record, WEFT_TYPE_RECORD_WINDOW, "command_row"),
                                           "error"));

  gtk_switch_set_active (TEMPLATE_CHILD (record, WEFT_TYPE_RECORD_WINDOW, "sched_switch"), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (TEMPLATE_CHILD (record, WEFT_TYPE_RECORD_WINDOW, "command_row")),
                         "/nonexistent/program");
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "running");
  while (!g_str_equal (gtk_button_get_label (GTK_BUTTON (button)), "_Back"))
    g_main_context_iteration (NULL, TRUE);
  /* 127: weft record's "command not found". */
  g_assert_cmpstr (gtk_label_get_text (status), ==,
                   "Recording failed: weft record exited with status 127 and wrote no trace");
  g_assert_cmpstr (page_of (window), ==, "empty");

  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "setup");
  gtk_window_destroy (GTK_WINDOW (record));
  g_settings_reset (weft_application_get_settings (app), "last-folder");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  if (!gui_app_setup (&argc, &argv))
    {
      g_test_add_func ("/weft/gui/record/no-display", gui_test_skip_no_display);
      return gui_app_run ();
    }

  g_test_add_func ("/weft/gui/record/ok", test_record);
  g_test_add_func ("/weft/gui/record/fails", test_record_fails);
  return gui_app_run ();
}
