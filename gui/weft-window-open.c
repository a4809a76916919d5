/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-window-open.c: how a trace gets into a window (file chooser, drag
 * and drop, recent files, the command line through WeftApplication) and
 * how it loads: in a thread, with progress and Cancel, ending on the
 * trace or on a message saying why not.
 */
#include "weft-config.h"

#include <glib/gi18n.h>

#include "weft-application.h"
#include "weft-document.h"
#include "weft-recent.h"
#include "weft-window-private.h"

/* The Open button's menu. */
#define MAX_RECENT_MENU_ITEMS 10

void
_weft_window_open_files (WeftWindow *self, GFile **files, guint n_files)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (n_files == 0)
    return;
  if (WEFT_IS_APPLICATION (app))
    weft_application_open_files (WEFT_APPLICATION (app), files, n_files, self);
  else
    weft_window_load (self, files[0]);
}

/* --- the file chooser --- */

static void
on_chooser_response (WeftWindow *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GListModel) files = NULL;
  g_autoptr (GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  if (response == GTK_RESPONSE_ACCEPT)
    files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (files == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));
  if (array->len > 0)
    {
      g_autoptr (GFile) parent = g_file_get_parent (g_ptr_array_index (array, 0));
      g_autofree char *folder = parent != NULL ? g_file_get_path (parent) : NULL;

      if (folder != NULL)
        g_settings_set_string (self->settings, "last-folder", folder);
    }
  _weft_window_open_files (self, (GFile **) array->pdata, array->len);
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char *const *patterns,
            const char *mime_type)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (gsize i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  if (mime_type != NULL)
    gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  WeftWindow *self = WEFT_WINDOW (widget);
  static const char *const trace_patterns[] = { "*.weft", "*.json", "*.json.gz", NULL };
  static const char *const all_patterns[] = { "*", NULL };
  g_autofree char *folder = g_settings_get_string (self->settings, "last-folder");
  GtkFileChooser *chooser;

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Open a Trace"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                               _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->chooser);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_select_multiple (chooser, TRUE);
  add_filter (chooser, _("Traces"), trace_patterns, "application/x-weft-trace");
  add_filter (chooser, _("All Files"), all_patterns, NULL);
  if (*folder != '\0' && g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GFile) dir = g_file_new_for_path (folder);

      gtk_file_chooser_set_current_folder (chooser, dir, NULL);
    }
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_uri_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  _weft_window_open_files (WEFT_WINDOW (widget), &file, 1);
}

/* --- drag and drop --- */

static gboolean
on_drop (WeftWindow *self, const GValue *value, double x, double y, GtkDropTarget *target)
{
  GSList *list;
  g_autoptr (GPtrArray) files = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  list = g_value_get_boxed (value);
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  _weft_window_open_files (self, (GFile **) files->pdata, files->len);
  return files->len > 0;
}

/* --- recent files --- */

static void
rebuild_recent_menu (WeftWindow *self)
{
  GList *items = weft_recent_get_items (MAX_RECENT_MENU_ITEMS);

  g_menu_remove_all (self->recent_menu);
  for (GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      /* Menu labels take mnemonics: a file's own underscores are doubled. */
      g_auto (GStrv) parts = g_strsplit (gtk_recent_info_get_display_name (info), "_", -1);
      g_autofree char *label = g_strjoinv ("__", parts);
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-uri",
                                               g_variant_new_string (gtk_recent_info_get_uri (info)));
      g_menu_append_item (self->recent_menu, item);
    }
  if (items == NULL)
    {
      /* No action: shown insensitive, saying why the menu is empty. */
      g_autoptr (GMenuItem) item = g_menu_item_new (_("No Recent Traces"), "win.no-recent");

      g_menu_append_item (self->recent_menu, item);
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

/* --- loading --- */

/* "truncated: no intact chunk" reads as a sentence on a page. */
static char *
sentence_case (const char *message)
{
  gunichar first = g_utf8_get_char (message);
  char buf[8] = { 0 };

  if (*message == '\0')
    return g_strdup (message);
  g_unichar_to_utf8 (g_unichar_totitle (first), buf);
  return g_strconcat (buf, g_utf8_next_char (message), NULL);
}

static void
set_titles (WeftWindow *self, GFile *file, const char *title)
{
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_autofree char *folder = parent != NULL ? g_file_get_parse_name (parent) : NULL;

  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, folder);
}

static gboolean
pulse (gpointer user_data)
{
  WeftWindow *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
stop_pulse (WeftWindow *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static void
on_progress (double fraction, gpointer user_data)
{
  WeftWindow *self = user_data;

  /* No load: the window was closed while this was on its way. */
  if (self->load_cancellable == NULL || self->state != WEFT_WINDOW_LOADING)
    return;
  /* Opening (and importing JSON) reports nothing until it is done: the bar
   * pulses until then, and counts from there. */
  if (fraction <= 0.0)
    return;
  if (self->pulse_id != 0)
    {
      stop_pulse (self);
      gtk_progress_bar_set_text (self->progress_bar, NULL);
    }
  gtk_progress_bar_set_fraction (self->progress_bar, MIN (fraction, 1.0));
}

static void
show_document (WeftWindow *self, WeftDocument *document)
{
  set_titles (self, weft_document_get_file (document), weft_document_get_title (document));
  weft_session_set_document (self->session, document);
  _weft_window_set_state (self, WEFT_WINDOW_TRACE);

  if (g_settings_get_boolean (self->settings, "remember-recent"))
    weft_recent_add (weft_document_get_file (document));
}

static void
show_error (WeftWindow *self, GFile *file, const GError *error)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *display = g_filename_display_name (name != NULL ? name : "");
  /* Translators: the file's name */
  g_autofree char *title = g_strdup_printf (_("Could Not Open “%s”"), display);
  g_autofree char *message = sentence_case (error->message);
  g_autofree char *description = g_markup_escape_text (message, -1);

  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  _weft_window_set_state (self, WEFT_WINDOW_FAILED);
}

static void
on_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (WeftWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftDocument) document = weft_document_load_finish (result, &error);
  g_autoptr (GFile) file = NULL;

  /* A load that was replaced, or a window closed meanwhile. */
  if (g_task_get_cancellable (G_TASK (result)) != self->load_cancellable
      || self->load_cancellable == NULL)
    return;
  g_clear_object (&self->load_cancellable);
  file = g_steal_pointer (&self->loading_file);
  stop_pulse (self);

  if (document != NULL)
    show_document (self, document);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _weft_window_set_state (self, WEFT_WINDOW_EMPTY);
  else
    show_error (self, file, error);
}

void
weft_window_load (WeftWindow *self, GFile *file)
{
  g_autofree char *name = NULL;
  g_autofree char *display = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (WEFT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  _weft_window_cancel_load (self);

  name = g_file_get_basename (file);
  display = g_filename_display_name (name != NULL ? name : "");
  /* Translators: the file's name */
  title = g_strdup_printf (_("Loading “%s”"), display);
  set_titles (self, file, display);
  adw_status_page_set_title (self->loading_page, title);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, _("Reading the file…"));
  stop_pulse (self);
  self->pulse_id = g_timeout_add (100, pulse, self);
  _weft_window_set_state (self, WEFT_WINDOW_LOADING);

  /* A load this replaces keeps its own reference, and its callback sees
   * it is no longer the current one. */
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  g_set_object (&self->loading_file, file);
  weft_document_load_async (file, self->load_cancellable, on_progress, g_object_ref (self),
                            g_object_unref, on_loaded, g_object_ref (self));
}

void
_weft_window_cancel_load (WeftWindow *self)
{
  if (self->load_cancellable == NULL)
    return;
  /* The callback still runs, sees it was cancelled and shows the welcome
   * page; a load started meanwhile replaces this one. */
  g_cancellable_cancel (self->load_cancellable);
}

/* --- set-up --- */

void
_weft_window_class_init_open (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-uri", "s", open_uri_action);
}

void
_weft_window_init_open (WeftWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->stack), GTK_EVENT_CONTROLLER (target));

  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (rebuild_recent_menu), self, G_CONNECT_SWAPPED);
  rebuild_recent_menu (self);
}

void
_weft_window_dispose_open (WeftWindow *self)
{
  stop_pulse (self);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->loading_file);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
}
