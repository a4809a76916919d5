/* SPDX-License-Identifier: LGPL-2.1-or-later
 * PLACEHOLDER: being written (the viewer's panes helper owns this file). */
#include "weft-config.h"

#include "weft-side-pane.h"

struct _WeftSidePane
{
  GtkWidget parent_instance;
  WeftSession *session;
};

G_DEFINE_FINAL_TYPE (WeftSidePane, weft_side_pane, GTK_TYPE_WIDGET)

static void
weft_side_pane_dispose (GObject *object)
{
  g_clear_object (&WEFT_SIDE_PANE (object)->session);
  G_OBJECT_CLASS (weft_side_pane_parent_class)->dispose (object);
}

static void
weft_side_pane_class_init (WeftSidePaneClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = weft_side_pane_dispose;
}

static void
weft_side_pane_init (WeftSidePane *self)
{
}

GtkWidget *
weft_side_pane_new (void)
{
  return g_object_new (WEFT_TYPE_SIDE_PANE, NULL);
}

WeftSession *
weft_side_pane_get_session (WeftSidePane *self)
{
  return self->session;
}

void
weft_side_pane_set_session (WeftSidePane *self, WeftSession *session)
{
  g_set_object (&self->session, session);
}
