/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-export-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

#include "weft-export.h"
#include "weft-units.h"

struct _WeftExportDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkButton *cancel_button;
  GtkButton *export_button;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkStack *stack;
  AdwComboRow *format_row;
  AdwComboRow *extent_row;
  AdwPreferencesGroup *image_group;
  AdwActionRow *width_row;
  AdwActionRow *height_row;
  GtkSpinButton *width_spin;
  GtkSpinButton *height_spin;
  AdwComboRow *scale_row;
  AdwComboRow *theme_row;
  AdwStatusPage *exporting_page;
  GtkSpinner *spinner;

  /* Owned references */
  WeftWindow *window; /* where the toast goes; the dialog dies with it */
  WeftSession *session;
  GSettings *settings;
  GtkFileChooserNative *chooser;
  GCancellable *cancellable; /* non-NULL while exporting */
  GFile *file;               /* being written */

  /* The extent_row's items, in order. */
  WeftExportExtent extents[3];
  guint n_extents;
  gboolean disposed;
};

G_DEFINE_FINAL_TYPE (WeftExportDialog, weft_export_dialog, ADW_TYPE_WINDOW)

static WeftExportFormat
selected_format (WeftExportDialog *self)
{
  guint i = adw_combo_row_get_selected (self->format_row);

  return i < WEFT_EXPORT_N_FORMATS ? (WeftExportFormat) i : WEFT_EXPORT_PNG;
}

static WeftExportExtent
selected_extent (WeftExportDialog *self)
{
  guint i = adw_combo_row_get_selected (self->extent_row);

  return i < self->n_extents ? self->extents[i] : WEFT_EXPORT_VISIBLE;
}

static void
get_options (WeftExportDialog *self, WeftExportOptions *options)
{
  weft_export_options_init (options, self->session, selected_format (self),
                            selected_extent (self));
  /* A number typed without Enter counts too. */
  gtk_spin_button_update (self->width_spin);
  gtk_spin_button_update (self->height_spin);
  options->width = (guint) gtk_spin_button_get_value_as_int (self->width_spin);
  options->height = (guint) gtk_spin_button_get_value_as_int (self->height_spin);
  options->scale = adw_combo_row_get_selected (self->scale_row) == 1 ? 2 : 1;
  options->theme = adw_combo_row_get_selected (self->theme_row) == 1 ? WEFT_THEME_DARK
                                                                      : WEFT_THEME_LIGHT;
}

static void
on_format_changed (WeftExportDialog *self)
{
  WeftExportFormat format = selected_format (self);
  /* SVG and PDF are vector pictures: their size is in points. */
  const char *unit = format == WEFT_EXPORT_PNG ? _("Pixels") : _("Points");

  gtk_widget_set_visible (GTK_WIDGET (self->image_group), weft_export_format_is_image (format));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->format_row),
                               weft_export_format_is_image (format)
                                   ? NULL
                                   : _("Opens in Perfetto UI, chrome://tracing and Weft"));
  gtk_widget_set_visible (GTK_WIDGET (self->scale_row), format == WEFT_EXPORT_PNG);
  adw_action_row_set_subtitle (self->width_row, unit);
  adw_action_row_set_subtitle (self->height_row, unit);
}

static void
on_extent_changed (WeftExportDialog *self)
{
  WeftExportOptions options;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  g_autofree char *subtitle = NULL;

  weft_export_options_init (&options, self->session, WEFT_EXPORT_PNG, selected_extent (self));
  start = weft_units_format_duration (options.start);
  end = weft_units_format_duration (options.end);
  /* Translators: a time range, as "1.50 ms to 2.25 ms" */
  subtitle = g_strdup_printf (_("%s to %s"), start, end);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->extent_row), subtitle);
}

static void
build_extents (WeftExportDialog *self)
{
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);

  self->n_extents = 0;
  if (weft_session_get_has_selection (self->session))
    {
      self->extents[self->n_extents++] = WEFT_EXPORT_SELECTION;
      gtk_string_list_append (model, _("Selected Range"));
    }
  self->extents[self->n_extents++] = WEFT_EXPORT_VISIBLE;
  gtk_string_list_append (model, _("Visible Range"));
  self->extents[self->n_extents++] = WEFT_EXPORT_WHOLE;
  gtk_string_list_append (model, _("Whole Trace"));
  adw_combo_row_set_model (self->extent_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->extent_row, 0);
}

static void
set_busy (WeftExportDialog *self, gboolean busy)
{
  gtk_stack_set_visible_child_name (self->stack, busy ? "exporting" : "options");
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), !busy);
  if (busy)
    gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static char *
display_name (GFile *file)
{
  g_autofree char *base = g_file_get_basename (file);

  return g_filename_display_name (base != NULL ? base : "");
}

/* --- the toast's Open button --- */

typedef struct
{
  GFile *file;
  GWeakRef window;
} Launch;

static void
launch_free (gpointer data, GClosure *closure)
{
  Launch *launch = data;

  g_object_unref (launch->file);
  g_weak_ref_clear (&launch->window);
  g_free (launch);
}

static void
on_launched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (WeftWindow) window = user_data;
  g_autoptr (GError) error = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    return;
  g_message ("cannot open the export: %s", error->message);
  if (window != NULL)
    {
      /* Translators: the exported file has no application to open it */
      AdwToast *toast = adw_toast_new (_("No application could open the file"));

      weft_window_add_toast (window, toast);
    }
}

static void
on_toast_open (AdwToast *toast, Launch *launch)
{
  g_autofree char *uri = g_file_get_uri (launch->file);
  g_autoptr (GdkAppLaunchContext) context
      = gdk_display_get_app_launch_context (gdk_display_get_default ());

  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), NULL,
                                           on_launched, g_weak_ref_get (&launch->window));
}

static void
show_success (WeftExportDialog *self, GFile *file)
{
  g_autofree char *name = display_name (file);
  g_autofree char *escaped = g_markup_escape_text (name, -1);
  /* Translators: the file's name */
  g_autofree char *title = g_strdup_printf (_("Exported to “%s”"), escaped);
  AdwToast *toast = adw_toast_new (title);
  Launch *launch = g_new0 (Launch, 1);

  launch->file = g_object_ref (file);
  g_weak_ref_init (&launch->window, self->window);
  adw_toast_set_button_label (toast, _("_Open"));
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_toast_open), launch,
                         launch_free, 0);
  weft_window_add_toast (self->window, toast);
}

static void
show_error (WeftExportDialog *self, GFile *file, const GError *error)
{
  g_autofree char *name = display_name (file);
  /* Translators: the file's name, then why (in English) */
  g_autofree char *message = g_strdup_printf (_("Could not export to “%s”: %s"), name,
                                              error->message);

  gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

/* --- exporting --- */

static void
on_exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (WeftExportDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_steal_pointer (&self->file);
  gboolean ok = weft_export_run_finish (result, &error);

  g_clear_object (&self->cancellable);
  /* Closed meanwhile (which cancelled it): nothing left to show. */
  if (self->disposed)
    return;
  set_busy (self, FALSE);
  if (ok)
    {
      show_success (self, file);
      gtk_window_destroy (GTK_WINDOW (self));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, file, error);
}

void
weft_export_dialog_export_to (WeftExportDialog *self, GFile *file)
{
  WeftExportOptions options;
  g_autofree char *name = NULL;

  g_return_if_fail (WEFT_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->cancellable != NULL || weft_session_get_document (self->session) == NULL)
    return;
  get_options (self, &options);
  name = display_name (file);
  adw_status_page_set_description (self->exporting_page, name);
  g_set_object (&self->file, file);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  weft_export_run_async (self->session, &options, file, self->cancellable, on_exported,
                         g_object_ref (self));
}

gboolean
weft_export_dialog_is_busy (WeftExportDialog *self)
{
  g_return_val_if_fail (WEFT_IS_EXPORT_DIALOG (self), FALSE);
  return self->cancellable != NULL;
}

/* --- the file chooser --- */

/* The trace's name with the format's extension: "bank.weft" gives
 * "bank.png". */
static char *
suggested_name (WeftExportDialog *self, WeftExportFormat format)
{
  static const char *const trace_extensions[] = { ".weft", ".json.gz", ".json", NULL };
  WeftDocument *document = weft_session_get_document (self->session);
  g_autofree char *stem = g_strdup (document != NULL ? weft_document_get_title (document) : "");

  for (gsize i = 0; trace_extensions[i] != NULL; i++)
    if (g_str_has_suffix (stem, trace_extensions[i])
        && strlen (stem) > strlen (trace_extensions[i]))
      {
        stem[strlen (stem) - strlen (trace_extensions[i])] = '\0';
        break;
      }
  if (*stem == '\0')
    {
      g_free (stem);
      /* Translators: the exported file's name when the trace has none */
      stem = g_strdup (_("trace"));
    }
  return g_strconcat (stem, weft_export_format_get_extension (format), NULL);
}

static void
on_chooser_response (WeftExportDialog *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFile) parent = NULL;
  g_autofree char *folder = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;
  /* The folder the next Open or Export starts in, as Open keeps it. */
  parent = g_file_get_parent (file);
  folder = parent != NULL ? g_file_get_path (parent) : NULL;
  if (folder != NULL)
    g_settings_set_string (self->settings, "last-folder", folder);
  weft_export_dialog_export_to (self, file);
}

static void
on_export_clicked (WeftExportDialog *self)
{
  WeftExportFormat format = selected_format (self);
  WeftDocument *document = weft_session_get_document (self->session);
  g_autofree char *folder = g_settings_get_string (self->settings, "last-folder");
  g_autofree char *name = suggested_name (self, format);
  g_autofree char *pattern = g_strconcat ("*", weft_export_format_get_extension (format), NULL);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  GtkStringObject *item;
  GtkFileChooser *chooser;

  if (self->chooser != NULL || self->cancellable != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                               _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->chooser);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  item = adw_combo_row_get_selected_item (self->format_row);
  gtk_file_filter_set_name (filter, item != NULL ? gtk_string_object_get_string (item) : pattern);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
  if (*folder != '\0' && g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GFile) dir = g_file_new_for_path (folder);

      gtk_file_chooser_set_current_folder (chooser, dir, NULL);
    }
  else if (document != NULL)
    {
      /* Nothing chosen yet (a trace opened from the command line): beside
       * the trace rather than in the working directory. */
      g_autoptr (GFile) dir = g_file_get_parent (weft_document_get_file (document));

      if (dir != NULL)
        gtk_file_chooser_set_current_folder (chooser, dir, NULL);
    }
  gtk_file_chooser_set_current_name (chooser, name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_cancel_clicked (WeftExportDialog *self)
{
  /* While exporting, Cancel stops the export and keeps the dialog. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* --- set-up --- */

static gboolean
weft_export_dialog_close_request (GtkWindow *window)
{
  WeftExportDialog *self = WEFT_EXPORT_DIALOG (window);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (weft_export_dialog_parent_class)->close_request (window);
}

static void
weft_export_dialog_dispose (GObject *object)
{
  WeftExportDialog *self = WEFT_EXPORT_DIALOG (object);

  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_EXPORT_DIALOG);
  g_clear_object (&self->window);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (weft_export_dialog_parent_class)->dispose (object);
}

static void
weft_export_dialog_finalize (GObject *object)
{
  WeftExportDialog *self = WEFT_EXPORT_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (weft_export_dialog_parent_class)->finalize (object);
}

static void
weft_export_dialog_class_init (WeftExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = weft_export_dialog_dispose;
  object_class->finalize = weft_export_dialog_finalize;
  window_class->close_request = weft_export_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/weft/Weft/weft-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, extent_row);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, image_group);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, width_row);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, height_row);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, width_spin);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, height_spin);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, scale_row);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, theme_row);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, exporting_page);
  gtk_widget_class_bind_template_child (widget_class, WeftExportDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_format_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_extent_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
weft_export_dialog_init (WeftExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
weft_export_dialog_new (WeftWindow *window)
{
  WeftExportDialog *self;
  int width, height;

  g_return_val_if_fail (WEFT_IS_WINDOW (window), NULL);

  self = g_object_new (WEFT_TYPE_EXPORT_DIALOG, "transient-for", window, NULL);
  self->window = g_object_ref (window);
  self->session = g_object_ref (weft_window_get_session (window));
  self->settings = g_settings_new ("org.weft.Weft");

  build_extents (self);
  on_extent_changed (self);
  on_format_changed (self);
  /* The picture the window would show: its size, its scale, its style. */
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  /* Not shown yet: the size it will have. */
  if (width <= 0 || height <= 0)
    gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  if (width > 0 && height > 0)
    {
      gtk_spin_button_set_value (self->width_spin, width);
      gtk_spin_button_set_value (self->height_spin, height);
    }
  adw_combo_row_set_selected (self->scale_row,
                              gtk_widget_get_scale_factor (GTK_WIDGET (window)) >= 2 ? 1 : 0);
  adw_combo_row_set_selected (self->theme_row,
                              adw_style_manager_get_dark (adw_style_manager_get_default ()) ? 1
                                                                                             : 0);
  return GTK_WIDGET (self);
}
