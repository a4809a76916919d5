/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include <glib/gi18n.h>

#include "weft-export-dialog.h"
#include "weft-record-window.h"
#include "weft-trace-view.h"
#include "weft-welcome-page.h"
#include "weft-window-private.h"

G_DEFINE_FINAL_TYPE (WeftWindow, weft_window, ADW_TYPE_APPLICATION_WINDOW)

static const char *const state_pages[] = {
  [WEFT_WINDOW_EMPTY] = "empty",
  [WEFT_WINDOW_LOADING] = "loading",
  [WEFT_WINDOW_FAILED] = "failed",
  [WEFT_WINDOW_TRACE] = "trace",
};

void
_weft_window_set_state (WeftWindow *self, WeftWindowState state)
{
  gboolean trace = state == WEFT_WINDOW_TRACE;

  self->state = state;
  gtk_stack_set_visible_child_name (self->stack, state_pages[state]);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-load",
                                 state == WEFT_WINDOW_LOADING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find", trace);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", trace);

  if (state == WEFT_WINDOW_EMPTY)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Weft"));
      adw_window_title_set_title (self->window_title, _("Weft"));
      adw_window_title_set_subtitle (self->window_title, NULL);
    }
}

static void
find_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  WeftWindow *self = WEFT_WINDOW (widget);

  /* The trace view's search bar (weft-search-bar.h) owns the search. */
  gtk_widget_activate_action (GTK_WIDGET (self), "search.find", NULL);
}

static void
record_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  WeftWindow *self = WEFT_WINDOW (widget);
  GtkWidget *record = weft_record_window_new (GTK_WINDOW (self), self->settings);

  /* An application window: it keeps the application running while it
   * records, and opens the trace through it. */
  gtk_window_set_application (GTK_WINDOW (record),
                               gtk_window_get_application (GTK_WINDOW (self)));
  gtk_window_present (GTK_WINDOW (record));
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  WeftWindow *self = WEFT_WINDOW (widget);

  if (weft_session_get_document (self->session) == NULL)
    return;
  gtk_window_present (GTK_WINDOW (weft_export_dialog_new (self)));
}

static void
cancel_load_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  _weft_window_cancel_load (WEFT_WINDOW (widget));
}

static void
save_window_state (WeftWindow *self)
{
  int width = 0, height = 0;
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  /* The default size is what the window returns to when unmaximized. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", MAX (width, 360));
      g_settings_set_int (self->settings, "window-height", MAX (height, 294));
    }
}

static gboolean
weft_window_close_request (GtkWindow *window)
{
  WeftWindow *self = WEFT_WINDOW (window);

  save_window_state (self);
  _weft_window_cancel_load (self);

  return GTK_WINDOW_CLASS (weft_window_parent_class)->close_request (window);
}

static void
weft_window_dispose (GObject *object)
{
  WeftWindow *self = WEFT_WINDOW (object);

  _weft_window_dispose_open (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_WINDOW);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (weft_window_parent_class)->dispose (object);
}

static void
weft_window_class_init (WeftWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = weft_window_dispose;
  window_class->close_request = weft_window_close_request;

  g_type_ensure (WEFT_TYPE_TRACE_VIEW);
  g_type_ensure (WEFT_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/weft/Weft/weft-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, trace_view);
  gtk_widget_class_bind_template_child (widget_class, WeftWindow, recent_menu);

  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-load", NULL, cancel_load_action);
  gtk_widget_class_install_action (widget_class, "win.record", NULL, record_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  _weft_window_class_init_open (widget_class);
}

static void
weft_window_init (WeftWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->session = weft_session_new ();
  self->settings = g_settings_new ("org.weft.Weft");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  weft_trace_view_set_session (WEFT_TRACE_VIEW (self->trace_view), self->session);

  _weft_window_init_open (self);
  _weft_window_set_state (self, WEFT_WINDOW_EMPTY);
}

WeftWindow *
weft_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (WEFT_TYPE_WINDOW, "application", application, NULL);
}

WeftSession *
weft_window_get_session (WeftWindow *self)
{
  g_return_val_if_fail (WEFT_IS_WINDOW (self), NULL);
  return self->session;
}

void
weft_window_add_toast (WeftWindow *self, AdwToast *toast)
{
  g_return_if_fail (WEFT_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

gboolean
weft_window_is_empty (WeftWindow *self)
{
  g_return_val_if_fail (WEFT_IS_WINDOW (self), FALSE);
  return self->state == WEFT_WINDOW_EMPTY || self->state == WEFT_WINDOW_FAILED;
}
