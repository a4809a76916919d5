/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-record-window.h"

#include <glib/gi18n.h>
#include <signal.h>

#include "weft-application.h"
#include "weft-window.h"

typedef enum
{
  STATE_SETUP,   /* the command and options */
  STATE_RUNNING, /* weft record runs: its output, Stop */
  STATE_FAILED,  /* it wrote no trace: its output, Back */
} State;

struct _WeftRecordWindow
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay *toasts;
  GtkWidget *cancel_button;
  GtkButton *record_button;
  GtkStack *stack;
  AdwEntryRow *command_row;
  AdwActionRow *folder_row;
  GtkSwitch *sched_switch;
  GtkSwitch *hooks_switch;
  GtkSwitch *all_switch;
  GtkSpinner *spinner;
  GtkLabel *status_label;
  GtkTextView *log_view;

  /* Borrowed references */
  GtkWindow *parent;

  /* Owned references */
  GSettings *settings;
  GFile *folder;
  GFile *output;
  GSubprocess *process;
  GCancellable *cancellable;
  GtkFileChooserNative *chooser;

  State state;
  gboolean close_when_done; /* closed while running: stopped, then goes */
};

G_DEFINE_FINAL_TYPE (WeftRecordWindow, weft_record_window, ADW_TYPE_WINDOW)

char *
weft_record_window_find_weft (void)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self_path != NULL ? g_path_get_dirname (self_path) : NULL;
  g_autoptr (GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);

  if (dir != NULL)
    {
      g_ptr_array_add (candidates, g_build_filename (dir, "weft", NULL));
      g_ptr_array_add (candidates, g_build_filename (dir, "..", "cli", "weft", NULL));
    }
  g_ptr_array_add (candidates, g_find_program_in_path ("weft"));
  g_ptr_array_add (candidates, g_build_filename (WEFT_BINDIR, "weft", NULL));
  for (guint i = 0; i < candidates->len; i++)
    if (candidates->pdata[i] != NULL && g_file_test (candidates->pdata[i], G_FILE_TEST_IS_EXECUTABLE)
        && !g_file_test (candidates->pdata[i], G_FILE_TEST_IS_DIR))
      return g_strdup (candidates->pdata[i]);
  return NULL;
}

static void
set_state (WeftRecordWindow *self, State state)
{
  self->state = state;
  gtk_stack_set_visible_child_name (self->stack, state == STATE_SETUP ? "setup" : "running");
  gtk_widget_set_sensitive (self->cancel_button, state != STATE_RUNNING);
  gtk_spinner_set_spinning (self->spinner, state == STATE_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == STATE_RUNNING);

  switch (state)
    {
    case STATE_SETUP:
      gtk_button_set_label (self->record_button, _("_Record"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->record_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->record_button), "suggested-action");
      break;
    case STATE_RUNNING:
      gtk_button_set_label (self->record_button, _("_Stop"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->record_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->record_button), "destructive-action");
      break;
    case STATE_FAILED:
      gtk_button_set_label (self->record_button, _("_Back"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->record_button), "destructive-action");
      gtk_widget_remove_css_class (GTK_WIDGET (self->record_button), "suggested-action");
      break;
    }
}

static void
show_folder (WeftRecordWindow *self)
{
  g_autofree char *name = g_file_get_parse_name (self->folder);
  g_autofree char *escaped = g_markup_escape_text (name, -1);

  adw_action_row_set_subtitle (self->folder_row, escaped);
}

static void
toast (WeftRecordWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

/* --- the output --- */

static void
append_log (WeftRecordWindow *self, const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, text, -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_view_scroll_to_iter (self->log_view, &end, 0.0, FALSE, 0.0, 1.0);
}

static void
read_line (WeftRecordWindow *self, GDataInputStream *stream);

static void
on_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (WeftRecordWindow) self = user_data;
  g_autofree char *line = NULL;
  g_autofree char *valid = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL,
                                                    NULL);
  if (line == NULL || self->log_view == NULL)
    return;
  valid = g_strconcat (line, "\n", NULL);
  append_log (self, valid);
  read_line (self, G_DATA_INPUT_STREAM (source));
}

static void
read_line (WeftRecordWindow *self, GDataInputStream *stream)
{
  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, self->cancellable, on_line,
                                       g_object_ref (self));
}

/* --- running weft record --- */

static void
on_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (WeftRecordWindow) self = user_data;
  g_autoptr (GSubprocess) process = g_object_ref (G_SUBPROCESS (source));
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GError) error = NULL;

  g_subprocess_wait_finish (process, result, &error);
  g_clear_object (&self->process);
  /* Closed with the application meanwhile: nothing to show it in. */
  if (self->output == NULL)
    return;

  info = g_file_query_info (self->output, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            NULL, NULL);
  if (info != NULL && g_file_info_get_size (info) > 0)
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
      WeftWindow *parent = WEFT_IS_WINDOW (self->parent) ? WEFT_WINDOW (self->parent) : NULL;

      /* Whatever the command's exit status: it is in the trace. */
      if (WEFT_IS_APPLICATION (app))
        weft_application_open_files (WEFT_APPLICATION (app), &self->output, 1, parent);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (self->close_when_done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (error != NULL)
    gtk_label_set_text (self->status_label, error->message);
  else if (g_subprocess_get_if_exited (process))
    {
      g_autofree char *text = g_strdup_printf (
          _("Recording failed: weft record exited with status %d and wrote no trace"),
          g_subprocess_get_exit_status (process));

      gtk_label_set_text (self->status_label, text);
    }
  else
    gtk_label_set_text (self->status_label, _("Recording failed: weft record was killed"));
  set_state (self, STATE_FAILED);
}

/* "python3" from "/usr/bin/python3", made safe for a file name. */
static char *
output_name (const char *program)
{
  g_autofree char *base = g_path_get_basename (program);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  g_strcanon (base, G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "-_.", '_');
  return g_strdup_printf ("%s-%s.weft", base, stamp);
}

static void
start (WeftRecordWindow *self)
{
  const char *command = gtk_editable_get_text (GTK_EDITABLE (self->command_row));
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GDataInputStream) stream = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) words = NULL;
  g_autofree char *weft = weft_record_window_find_weft ();
  g_autofree char *name = NULL;
  g_autofree char *folder = g_file_get_path (self->folder);
  g_autofree char *output = NULL;
  g_autofree char *status = NULL;

  if (!g_shell_parse_argv (command, NULL, &words, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->command_row), "error");
      toast (self, _("Type the command to record, as in a terminal"));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->command_row), "error");
  if (weft == NULL)
    {
      toast (self, _("The weft command is not installed"));
      return;
    }
  if (folder == NULL)
    {
      toast (self, _("Choose a folder on this computer"));
      return;
    }

  name = output_name (words[0]);
  g_clear_object (&self->output);
  self->output = g_file_get_child (self->folder, name);
  output = g_file_get_path (self->output);

  g_ptr_array_add (argv, weft);
  g_ptr_array_add (argv, (char *) "record");
  g_ptr_array_add (argv, (char *) "-o");
  g_ptr_array_add (argv, output);
  if (!gtk_switch_get_active (self->sched_switch))
    g_ptr_array_add (argv, (char *) "--no-sched");
  if (!gtk_switch_get_active (self->hooks_switch))
    g_ptr_array_add (argv, (char *) "--no-hooks");
  if (gtk_switch_get_active (self->all_switch))
    g_ptr_array_add (argv, (char *) "--all-cpus");
  g_ptr_array_add (argv, (char *) "--");
  for (gsize i = 0; words[i] != NULL; i++)
    g_ptr_array_add (argv, words[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE
                                        | G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_set_cwd (launcher, folder);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata,
                                                &error);
  if (self->process == NULL)
    {
      toast (self, error->message);
      return;
    }

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->log_view), "", -1);
  /* Translators: the command being recorded */
  status = g_strdup_printf (_("Recording “%s”…"), command);
  gtk_label_set_text (self->status_label, status);
  set_state (self, STATE_RUNNING);

  stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  read_line (self, stream);
  g_subprocess_wait_async (self->process, NULL, on_exited,
                           g_object_ref (self));
  g_settings_set_string (self->settings, "last-folder", folder);
}

/* SIGTERM: weft record forwards it to the command and still writes a
 * complete trace (SIGINT it ignores while the command runs). */
static void
stop (WeftRecordWindow *self)
{
  if (self->process != NULL)
    g_subprocess_send_signal (self->process, SIGTERM);
}

static void
on_record_clicked (WeftRecordWindow *self)
{
  switch (self->state)
    {
    case STATE_SETUP:
      start (self);
      break;
    case STATE_RUNNING:
      stop (self);
      break;
    case STATE_FAILED:
      set_state (self, STATE_SETUP);
      break;
    }
}

static void
on_cancel_clicked (WeftRecordWindow *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
weft_record_window_close_request (GtkWindow *window)
{
  WeftRecordWindow *self = WEFT_RECORD_WINDOW (window);

  /* Never leave a recording running unseen: stop it, go when it ends. */
  if (self->process != NULL)
    {
      self->close_when_done = TRUE;
      stop (self);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (weft_record_window_parent_class)->close_request (window);
}

/* --- the folder --- */

static void
on_folder_chosen (WeftRecordWindow *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) folder = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (folder != NULL)
    {
      g_set_object (&self->folder, folder);
      show_folder (self);
    }
}

static void
on_choose_folder_clicked (WeftRecordWindow *self)
{
  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Record in Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), self->folder, NULL);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_folder_chosen), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* --- the type --- */

static void
weft_record_window_dispose (GObject *object)
{
  WeftRecordWindow *self = WEFT_RECORD_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  stop (self);
  g_clear_weak_pointer (&self->parent);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_RECORD_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->folder);
  g_clear_object (&self->output);
  g_clear_object (&self->process);

  G_OBJECT_CLASS (weft_record_window_parent_class)->dispose (object);
}

static void
weft_record_window_class_init (WeftRecordWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = weft_record_window_dispose;
  window_class->close_request = weft_record_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/weft/Weft/weft-record-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, record_button);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, command_row);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, sched_switch);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, hooks_switch);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, all_switch);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, WeftRecordWindow, log_view);
  gtk_widget_class_bind_template_callback (widget_class, on_record_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_folder_clicked);
}

static void
weft_record_window_init (WeftRecordWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  set_state (self, STATE_SETUP);
}

GtkWidget *
weft_record_window_new (GtkWindow *parent, GSettings *settings)
{
  WeftRecordWindow *self;
  g_autofree char *last = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (WEFT_TYPE_RECORD_WINDOW, "transient-for", parent, NULL);
  g_set_weak_pointer (&self->parent, parent);
  self->settings = g_object_ref (settings);
  last = g_settings_get_string (settings, "last-folder");
  if (*last != '\0' && g_file_test (last, G_FILE_TEST_IS_DIR))
    self->folder = g_file_new_for_path (last);
  else
    self->folder = g_file_new_for_path (g_get_home_dir ());
  show_folder (self);
  return GTK_WIDGET (self);
}
