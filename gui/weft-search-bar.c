/* SPDX-License-Identifier: LGPL-2.1-or-later
 * PLACEHOLDER: being written (the viewer's panes helper owns this file). */
#include "weft-config.h"

#include "weft-search-bar.h"

struct _WeftSearchBar
{
  GtkWidget parent_instance;
  WeftSession *session;
};

G_DEFINE_FINAL_TYPE (WeftSearchBar, weft_search_bar, GTK_TYPE_WIDGET)

static void
weft_search_bar_dispose (GObject *object)
{
  g_clear_object (&WEFT_SEARCH_BAR (object)->session);
  G_OBJECT_CLASS (weft_search_bar_parent_class)->dispose (object);
}

static void
weft_search_bar_class_init (WeftSearchBarClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = weft_search_bar_dispose;
}

static void
weft_search_bar_init (WeftSearchBar *self)
{
}

GtkWidget *
weft_search_bar_new (void)
{
  return g_object_new (WEFT_TYPE_SEARCH_BAR, NULL);
}

WeftSession *
weft_search_bar_get_session (WeftSearchBar *self)
{
  return self->session;
}

void
weft_search_bar_set_session (WeftSearchBar *self, WeftSession *session)
{
  g_set_object (&self->session, session);
}
