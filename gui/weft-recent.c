/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-recent.h"

static const char *
guess_mime_type (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  if (name == NULL)
    return "application/octet-stream";
  if (g_str_has_suffix (name, ".weft"))
    return "application/x-weft-trace";
  if (g_str_has_suffix (name, ".json"))
    return "application/json";
  if (g_str_has_suffix (name, ".gz"))
    return "application/gzip";
  return "application/octet-stream";
}

void
weft_recent_add (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .mime_type = (char *) guess_mime_type (file),
    .app_name = (char *) WEFT_RECENT_APP_NAME,
    .app_exec = (char *) "weft-viewer %u",
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static gint
newest_first (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *tb = gtk_recent_info_get_modified ((GtkRecentInfo *) b);

  return g_date_time_compare (tb, ta);
}

GList *
weft_recent_get_items (guint max)
{
  GList *all = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  GList *mine = NULL;
  guint n = 0;

  for (GList *l = all; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      if (gtk_recent_info_has_application (info, WEFT_RECENT_APP_NAME)
          && gtk_recent_info_is_local (info) && gtk_recent_info_exists (info))
        mine = g_list_prepend (mine, gtk_recent_info_ref (info));
    }
  g_list_free_full (all, (GDestroyNotify) gtk_recent_info_unref);

  mine = g_list_sort (mine, newest_first);
  for (GList *l = mine; l != NULL; l = l->next)
    if (++n == max && l->next != NULL)
      {
        l->next->prev = NULL;
        g_list_free_full (l->next, (GDestroyNotify) gtk_recent_info_unref);
        l->next = NULL;
        break;
      }
  return mine;
}

void
weft_recent_clear (void)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *all = gtk_recent_manager_get_items (manager);

  for (GList *l = all; l != NULL; l = l->next)
    if (gtk_recent_info_has_application (l->data, WEFT_RECENT_APP_NAME))
      gtk_recent_manager_remove_item (manager, gtk_recent_info_get_uri (l->data), NULL);
  g_list_free_full (all, (GDestroyNotify) gtk_recent_info_unref);
}
