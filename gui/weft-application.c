/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-application.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "weft-preferences-window.h"

struct _WeftApplication
{
  AdwApplication parent_instance;

  /* Owned references */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (WeftApplication, weft_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_options[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { NULL },
};

static void
apply_theme (WeftApplication *self)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT,     /* system: follow the desktop */
    ADW_COLOR_SCHEME_FORCE_LIGHT, /* light */
    ADW_COLOR_SCHEME_FORCE_DARK,  /* dark */
  };
  guint theme = (guint) g_settings_get_enum (self->settings, "theme");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[MIN (theme, G_N_ELEMENTS (schemes) - 1)]);
}

static WeftWindow *
get_weft_window (WeftApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return WEFT_IS_WINDOW (window) ? WEFT_WINDOW (window) : NULL;
}

static void
new_window_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  gtk_window_present (GTK_WINDOW (weft_window_new (GTK_APPLICATION (user_data))));
}

static void
preferences_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  WeftApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *preferences = weft_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  /* Its radio buttons drive app.theme: it must belong to the application
   * (which makes it the active window, hence the parent first). */
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  WeftApplication *self = user_data;
  static const char *developers[] = { "The Weft developers", NULL };
  g_autofree char *debug_info = g_strdup_printf (
      "Weft %s\nGLib %u.%u.%u\nGTK %u.%u.%u\nlibadwaita %u.%u.%u\n", WEFT_VERSION,
      glib_major_version, glib_minor_version, glib_micro_version, gtk_get_major_version (),
      gtk_get_minor_version (), gtk_get_micro_version (), adw_get_major_version (),
      adw_get_minor_version (), adw_get_micro_version ());
  GtkWidget *about = adw_about_window_new ();

  g_object_set (about,
                "application-name", _("Weft"),
                "application-icon", WEFT_APPLICATION_ID,
                "version", WEFT_VERSION,
                "developer-name", _("The Weft developers"),
                "developers", developers,
                "comments", _("Records what the threads, processes and async tasks of a "
                              "program do, and shows how they share the CPU cores."),
                "license-type", GTK_LICENSE_LGPL_2_1,
                "copyright", "© 2026 The Weft developers",
                /* Translators: your names, one per line, for the About window */
                "translator-credits", _("translator-credits"),
                "debug-info", debug_info,
                "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GList *windows = g_list_copy_deep (gtk_application_get_windows (GTK_APPLICATION (user_data)),
                                     (GCopyFunc) (void (*) (void)) g_object_ref, NULL);

  /* Closing, not destroying: each window saves its size on the way out. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);
}

static const GActionEntry app_actions[] = {
  { "new-window", new_window_activated },
  { "preferences", preferences_activated },
  { "about", about_activated },
  { "quit", quit_activated },
};

static const struct
{
  const char *action;
  const char *accels[3];
} accels[] = {
  { "app.new-window", { "<Control>n", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "app.quit", { "<Control>q", NULL } },
  { "window.close", { "<Control>w", NULL } },
  { "win.open", { "<Control>o", NULL } },
  { "win.record", { "<Control>r", NULL } },
  { "win.export", { "<Control>e", NULL } },
  /* the trace view's search bar (weft-search-bar.h) */
  { "search.find", { "<Control>f", NULL } },
  { "search.next", { "<Control>g", "F3", NULL } },
  { "search.previous", { "<Control><Shift>g", "<Shift>F3", NULL } },
  { "win.cancel-load", { "Escape", NULL } },
};

static void
weft_application_startup (GApplication *app)
{
  WeftApplication *self = WEFT_APPLICATION (app);
  g_autoptr (GAction) theme = NULL;

  G_APPLICATION_CLASS (weft_application_parent_class)->startup (app);

  g_set_application_name (_("Weft")); /* after GTK set the locale */
  gtk_window_set_default_icon_name (WEFT_APPLICATION_ID);

  self->settings = g_settings_new (WEFT_APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::theme", G_CALLBACK (apply_theme), self,
                           G_CONNECT_SWAPPED);
  apply_theme (self);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  theme = g_settings_create_action (self->settings, "theme");
  g_action_map_add_action (G_ACTION_MAP (app), theme);
  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);
}

static void
weft_application_activate (GApplication *app)
{
  WeftApplication *self = WEFT_APPLICATION (app);
  WeftWindow *window = get_weft_window (self);

  if (window == NULL)
    window = weft_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
}

static void
weft_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  WeftApplication *self = WEFT_APPLICATION (app);

  weft_application_open_files (self, files, (guint) MAX (n_files, 0), get_weft_window (self));
}

static int
weft_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      printf ("weft-viewer %s\n", WEFT_VERSION);
      return 0;
    }
  return -1;
}

static void
weft_application_dispose (GObject *object)
{
  WeftApplication *self = WEFT_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (weft_application_parent_class)->dispose (object);
}

static void
weft_application_class_init (WeftApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = weft_application_dispose;
  app_class->startup = weft_application_startup;
  app_class->activate = weft_application_activate;
  app_class->open = weft_application_open;
  app_class->handle_local_options = weft_application_handle_local_options;
}

static void
weft_application_init (WeftApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE…]"));
  g_application_set_option_context_summary (
      G_APPLICATION (self), _("View traces of what threads, processes and async tasks did."));
}

WeftApplication *
weft_application_new (void)
{
  return g_object_new (WEFT_TYPE_APPLICATION,
                       "application-id", WEFT_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/weft/Weft",
                       NULL);
}

GSettings *
weft_application_get_settings (WeftApplication *self)
{
  g_return_val_if_fail (WEFT_IS_APPLICATION (self), NULL);
  return self->settings;
}

void
weft_application_open_files (WeftApplication *self, GFile **files, guint n_files,
                             WeftWindow *preferred)
{
  g_return_if_fail (WEFT_IS_APPLICATION (self));
  g_return_if_fail (preferred == NULL || WEFT_IS_WINDOW (preferred));

  for (guint i = 0; i < n_files; i++)
    {
      WeftWindow *window = NULL;

      if (i == 0 && preferred != NULL && weft_window_is_empty (preferred))
        window = preferred;
      else
        window = weft_window_new (GTK_APPLICATION (self));
      weft_window_load (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}
