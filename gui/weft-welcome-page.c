/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-welcome-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "weft-recent.h"

struct _WeftWelcomePage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *status_page;
  GtkWidget *recent_group;
  GtkListBox *recent_list;
};

G_DEFINE_FINAL_TYPE (WeftWelcomePage, weft_welcome_page, GTK_TYPE_WIDGET)

/* A few: the Open button's menu lists more. */
#define MAX_RECENT_ROWS 6

/* "~/traces" rather than "/home/ada/traces". */
static char *
display_folder (const char *uri)
{
  g_autoptr (GFile) file = g_file_new_for_uri (uri);
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_autofree char *path = parent != NULL ? g_file_get_path (parent) : NULL;
  const char *home = g_get_home_dir ();
  g_autofree char *shown = NULL;

  if (path == NULL)
    return g_strdup ("");
  if (g_str_has_prefix (path, home)
      && (path[strlen (home)] == '/' || path[strlen (home)] == '\0'))
    shown = g_strconcat ("~", path + strlen (home), NULL);
  else
    shown = g_steal_pointer (&path);
  return g_filename_display_name (shown);
}

static void
rebuild (WeftWelcomePage *self)
{
  GList *items = weft_recent_get_items (MAX_RECENT_ROWS);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_markup_escape_text (gtk_recent_info_get_display_name (info), -1);
      g_autofree char *folder = display_folder (uri);
      g_autofree char *subtitle = g_markup_escape_text (folder, -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.open-uri");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), g_variant_new_string (uri));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_list_box_append (self->recent_list, row);
    }
  gtk_widget_set_visible (self->recent_group, items != NULL);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
weft_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), WEFT_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (weft_welcome_page_parent_class)->dispose (object);
}

static void
weft_welcome_page_class_init (WeftWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_welcome_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/weft/Weft/weft-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftWelcomePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, WeftWelcomePage, recent_group);
  gtk_widget_class_bind_template_child (widget_class, WeftWelcomePage, recent_list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "weftwelcomepage");
}

static void
weft_welcome_page_init (WeftWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
  rebuild (self);
}

GtkWidget *
weft_welcome_page_new (void)
{
  return g_object_new (WEFT_TYPE_WELCOME_PAGE, NULL);
}
