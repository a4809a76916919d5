/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-preferences-window.h"

#include "weft-recent.h"

struct _WeftPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  GtkWidget *remember_switch;
  GtkWidget *clear_button;

  /* Owned references */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (WeftPreferencesWindow, weft_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
update_clear_button (WeftPreferencesWindow *self)
{
  GList *items = weft_recent_get_items (1);

  gtk_widget_set_sensitive (self->clear_button, items != NULL);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
on_clear_clicked (WeftPreferencesWindow *self, GtkButton *button)
{
  weft_recent_clear ();
  update_clear_button (self);
}

static void
weft_preferences_window_dispose (GObject *object)
{
  WeftPreferencesWindow *self = WEFT_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (weft_preferences_window_parent_class)->dispose (object);
}

static void
weft_preferences_window_class_init (WeftPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/weft/Weft/weft-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftPreferencesWindow, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, WeftPreferencesWindow, clear_button);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
}

static void
weft_preferences_window_init (WeftPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (update_clear_button), self, G_CONNECT_SWAPPED);
  update_clear_button (self);
}

GtkWidget *
weft_preferences_window_new (GSettings *settings)
{
  WeftPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (WEFT_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "remember-recent", self->remember_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  return GTK_WIDGET (self);
}
