/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The style (light, dark, following the system) and the preferences
 * window: its radio buttons on app.theme and the recent-files switch.
 */
#include "weft-config.h"

#include "gui-app-util.h"
#include "weft-preferences-window.h"
#include "weft-recent.h"

static void
test_theme (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GSettings *settings = weft_application_get_settings (app);

  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
  g_action_group_activate_action (G_ACTION_GROUP (app), "theme", g_variant_new_string ("dark"));
  g_assert_cmpstr (g_settings_get_string (settings, "theme"), ==, "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style));

  g_settings_set_string (settings, "theme", "light");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_false (adw_style_manager_get_dark (style));

  g_settings_reset (settings, "theme");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
}

static WeftPreferencesWindow *
find_preferences (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (WEFT_IS_PREFERENCES_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
test_preferences (void)
{
  GSettings *settings = weft_application_get_settings (app);
  g_autofree char *path = sample_trace_write (tmpdir, "not-remembered.weft", 0);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  WeftWindow *window = new_window ();
  WeftPreferencesWindow *prefs;
  GtkWidget *checks[3];
  GtkWidget *toggle;
  GList *items;
  guint n = 0;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = find_preferences ();
  g_assert_nonnull (prefs);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (prefs)) == GTK_WINDOW (window));
  run_idle ();

  /* Three radio buttons on app.theme, "system" on. */
  {
    GtkWidget *w = GTK_WIDGET (prefs);
    GList *stack = g_list_prepend (NULL, w);

    while (stack != NULL)
      {
        GtkWidget *top = stack->data;

        stack = g_list_delete_link (stack, stack);
        if (GTK_IS_CHECK_BUTTON (top) && n < 3)
          checks[n++] = top;
        for (GtkWidget *c = gtk_widget_get_last_child (top); c; c = gtk_widget_get_prev_sibling (c))
          stack = g_list_prepend (stack, c);
      }
  }
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (checks[0])));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (checks[2])));
  gtk_widget_activate (checks[2]);
  run_idle ();
  g_assert_cmpstr (g_settings_get_string (settings, "theme"), ==, "dark");
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (checks[0])));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (checks[2])));
  g_settings_reset (settings, "theme");

  /* The history switch stops recent files from being recorded. */
  toggle = find_type (GTK_WIDGET (prefs), GTK_TYPE_SWITCH);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "remember-recent"));
  weft_window_load (window, file);
  run_until (not_loading, window);
  run_idle ();
  items = weft_recent_get_items (0);
  for (GList *l = items; l != NULL; l = l->next)
    g_assert_cmpstr (gtk_recent_info_get_uri (l->data), !=, uri);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  g_settings_reset (settings, "remember-recent");

  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  if (!gui_app_setup (&argc, &argv))
    {
      g_test_add_func ("/weft/gui/preferences/no-display", gui_test_skip_no_display);
      return gui_app_run ();
    }

  g_test_add_func ("/weft/gui/preferences/theme", test_theme);
  g_test_add_func ("/weft/gui/preferences/window", test_preferences);
  return gui_app_run ();
}
