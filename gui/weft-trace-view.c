/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-trace-view.h"

#include <glib/gi18n.h>

#include "weft-minimap.h"
#include "weft-search-bar.h"
#include "weft-side-pane.h"
#include "weft-timeline.h"

struct _WeftTraceView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *content; /* bound so that dispose_template unparents it */
  GtkRevealer *damage_revealer;
  GtkLabel *damage_label;
  GtkPaned *paned;
  WeftSearchBar *search_bar;
  WeftMinimap *minimap;
  WeftTimeline *timeline;
  WeftSidePane *side_pane;

  /* Owned references */
  WeftSession *session;
};

G_DEFINE_FINAL_TYPE (WeftTraceView, weft_trace_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_damage (WeftTraceView *self)
{
  WeftDocument *document = self->session ? weft_session_get_document (self->session) : NULL;
  const char *damage = document != NULL ? weft_document_get_damage (document) : NULL;

  if (damage != NULL)
    {
      /* Translators: the reader's note (English), as "1 of 11 chunks damaged …" */
      g_autofree char *text = g_strdup_printf (_("This trace is damaged and only partly shown: %s"),
                                               damage);

      gtk_label_set_text (self->damage_label, text);
    }
  else
    gtk_label_set_text (self->damage_label, "");
  gtk_revealer_set_reveal_child (self->damage_revealer, damage != NULL);
}

static void
on_document_changed (WeftTraceView *self, GParamSpec *pspec, WeftSession *session)
{
  update_damage (self);
  /* Keys go to the timeline as soon as a trace shows. */
  if (weft_session_get_document (session) != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->timeline));
}

static void
weft_trace_view_dispose (GObject *object)
{
  WeftTraceView *self = WEFT_TRACE_VIEW (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, on_document_changed, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_TRACE_VIEW);

  G_OBJECT_CLASS (weft_trace_view_parent_class)->dispose (object);
}

static void
weft_trace_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  WeftTraceView *self = WEFT_TRACE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_trace_view_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  WeftTraceView *self = WEFT_TRACE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      weft_trace_view_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_trace_view_class_init (WeftTraceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_trace_view_dispose;
  object_class->get_property = weft_trace_view_get_property;
  object_class->set_property = weft_trace_view_set_property;

  properties[PROP_SESSION] = g_param_spec_object (
      "session", NULL, NULL, WEFT_TYPE_SESSION,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (WEFT_TYPE_SEARCH_BAR);
  g_type_ensure (WEFT_TYPE_MINIMAP);
  g_type_ensure (WEFT_TYPE_TIMELINE);
  g_type_ensure (WEFT_TYPE_SIDE_PANE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/weft/Weft/weft-trace-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftTraceView, content);
  gtk_widget_class_bind_template_child (widget_class, WeftTraceView, damage_revealer);
  gtk_widget_class_bind_template_child (widget_class, WeftTraceView, damage_label);
  gtk_widget_class_bind_template_child (widget_class, WeftTraceView, paned);
  gtk_widget_class_bind_template_child (widget_class, WeftTraceView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, WeftTraceView, minimap);
  gtk_widget_class_bind_template_child (widget_class, WeftTraceView, timeline);
  gtk_widget_class_bind_template_child (widget_class, WeftTraceView, side_pane);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wefttraceview");
}

static void
weft_trace_view_init (WeftTraceView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
weft_trace_view_get_timeline (WeftTraceView *self)
{
  g_return_val_if_fail (WEFT_IS_TRACE_VIEW (self), NULL);
  return GTK_WIDGET (self->timeline);
}

GtkWidget *
weft_trace_view_new (void)
{
  return g_object_new (WEFT_TYPE_TRACE_VIEW, NULL);
}

WeftSession *
weft_trace_view_get_session (WeftTraceView *self)
{
  g_return_val_if_fail (WEFT_IS_TRACE_VIEW (self), NULL);
  return self->session;
}

void
weft_trace_view_set_session (WeftTraceView *self, WeftSession *session)
{
  g_return_if_fail (WEFT_IS_TRACE_VIEW (self));
  g_return_if_fail (session == NULL || WEFT_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, on_document_changed, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "notify::document", G_CALLBACK (on_document_changed), self,
                             G_CONNECT_SWAPPED);
  weft_search_bar_set_session (self->search_bar, session);
  weft_minimap_set_session (self->minimap, session);
  weft_timeline_set_session (self->timeline, session);
  weft_side_pane_set_session (self->side_pane, session);
  update_damage (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
