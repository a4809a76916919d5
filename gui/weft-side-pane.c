/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-side-pane.h"

#include "weft-details-view.h"
#include "weft-range-stats-view.h"
#include "weft-summary-view.h"

struct _WeftSidePane
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *content;
  GtkStackSwitcher *switcher;
  GtkStack *stack;
  WeftSummaryView *summary_view;
  WeftRangeStatsView *range_view;
  WeftDetailsView *details_view;

  /* Owned references */
  WeftSession *session;
};

G_DEFINE_FINAL_TYPE (WeftSidePane, weft_side_pane, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const selection_props[] = {
  "notify::has-selection",
  "notify::selection-start",
  "notify::selection-end",
};

static gboolean
page_visible (WeftSidePane *self, const char *name)
{
  GtkWidget *child = gtk_stack_get_child_by_name (self->stack, name);

  return gtk_stack_page_get_visible (gtk_stack_get_page (self->stack, child));
}

/* Shows or hides a page; when the page shown goes, the details come
 * next, else the selection, else the summary (GtkStack alone would take
 * the first page). The switcher shows only when there is a choice. */
static void
set_page_visible (WeftSidePane *self, const char *name, gboolean visible)
{
  GtkWidget *child = gtk_stack_get_child_by_name (self->stack, name);
  gboolean was_shown = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), name) == 0;
  gboolean details, range;

  gtk_stack_page_set_visible (gtk_stack_get_page (self->stack, child), visible);
  details = page_visible (self, "details");
  range = page_visible (self, "range");
  if (!visible && was_shown)
    gtk_stack_set_visible_child_name (self->stack,
                                      details ? "details" : range ? "range" : "summary");
  gtk_widget_set_visible (GTK_WIDGET (self->switcher), details || range);
}

static void
on_details (WeftSidePane *self, GParamSpec *pspec, WeftDetailsView *view)
{
  gboolean has = weft_details_view_get_has_details (view);

  set_page_visible (self, "details", has);
  if (has)
    gtk_stack_set_visible_child_name (self->stack, "details");
}

static void
on_selection (WeftSidePane *self, GParamSpec *pspec, WeftSession *session)
{
  gboolean has = session != NULL && weft_session_get_has_selection (session);

  set_page_visible (self, "range", has);
  if (has)
    gtk_stack_set_visible_child_name (self->stack, "range");
}

/* The width it asks for, whatever page it shows: the timeline beside it
 * does not jump when a click or a selection changes the page. */
#define NATURAL_WIDTH 340

static void
weft_side_pane_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                        int *natural, int *minimum_baseline, int *natural_baseline)
{
  WeftSidePane *self = WEFT_SIDE_PANE (widget);

  gtk_widget_measure (self->content, orientation, for_size, minimum, natural, minimum_baseline,
                      natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*minimum, NATURAL_WIDTH);
}

static void
weft_side_pane_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  gtk_widget_allocate (WEFT_SIDE_PANE (widget)->content, width, height, baseline, NULL);
}

static void
weft_side_pane_dispose (GObject *object)
{
  WeftSidePane *self = WEFT_SIDE_PANE (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_SIDE_PANE);

  G_OBJECT_CLASS (weft_side_pane_parent_class)->dispose (object);
}

static void
weft_side_pane_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, WEFT_SIDE_PANE (object)->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_side_pane_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      weft_side_pane_set_session (WEFT_SIDE_PANE (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_side_pane_class_init (WeftSidePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_side_pane_dispose;
  object_class->get_property = weft_side_pane_get_property;
  object_class->set_property = weft_side_pane_set_property;
  widget_class->measure = weft_side_pane_measure;
  widget_class->size_allocate = weft_side_pane_size_allocate;

  properties[PROP_SESSION] = g_param_spec_object (
      "session", NULL, NULL, WEFT_TYPE_SESSION,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (WEFT_TYPE_SUMMARY_VIEW);
  g_type_ensure (WEFT_TYPE_RANGE_STATS_VIEW);
  g_type_ensure (WEFT_TYPE_DETAILS_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/weft/Weft/weft-side-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftSidePane, content);
  gtk_widget_class_bind_template_child (widget_class, WeftSidePane, switcher);
  gtk_widget_class_bind_template_child (widget_class, WeftSidePane, stack);
  gtk_widget_class_bind_template_child (widget_class, WeftSidePane, summary_view);
  gtk_widget_class_bind_template_child (widget_class, WeftSidePane, range_view);
  gtk_widget_class_bind_template_child (widget_class, WeftSidePane, details_view);
  gtk_widget_class_set_css_name (widget_class, "weftsidepane");
}

static void
weft_side_pane_init (WeftSidePane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->details_view, "notify::has-details", G_CALLBACK (on_details),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_set_visible (GTK_WIDGET (self->switcher), FALSE);
}

GtkWidget *
weft_side_pane_new (void)
{
  return g_object_new (WEFT_TYPE_SIDE_PANE, NULL);
}

WeftSession *
weft_side_pane_get_session (WeftSidePane *self)
{
  g_return_val_if_fail (WEFT_IS_SIDE_PANE (self), NULL);
  return self->session;
}

void
weft_side_pane_set_session (WeftSidePane *self, WeftSession *session)
{
  g_return_if_fail (WEFT_IS_SIDE_PANE (self));
  g_return_if_fail (session == NULL || WEFT_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  /* a selection drawn or moved comes to the front */
  if (session != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (selection_props); i++)
      g_signal_connect_object (session, selection_props[i], G_CALLBACK (on_selection), self,
                               G_CONNECT_SWAPPED);
  weft_summary_view_set_session (self->summary_view, session);
  weft_range_stats_view_set_session (self->range_view, session);
  weft_details_view_set_session (self->details_view, session);
  on_selection (self, NULL, session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

const char *
weft_side_pane_get_page (WeftSidePane *self)
{
  g_return_val_if_fail (WEFT_IS_SIDE_PANE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}
