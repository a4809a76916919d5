/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-recent.h: the traces Weft opened, kept in the desktop's shared
 * list of recent files (GtkRecentManager) under Weft's name.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The application name recent items are filed under: fixed, never
 * translated, or a change of language would lose the list. */
#define WEFT_RECENT_APP_NAME "Weft"

void weft_recent_add (GFile *file);

/* Weft's items whose files still exist, newest first, at most max (0: all); free
 * with g_list_free_full (list, (GDestroyNotify) gtk_recent_info_unref). */
GList *weft_recent_get_items (guint max);

/* Forgets every item Weft opened (the desktop's list has no way to drop
 * only Weft's registration of a file another application also opened). */
void weft_recent_clear (void);

G_END_DECLS
