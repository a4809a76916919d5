/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-span-list.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "weft-units.h"

struct _WeftSpanList
{
  GtkWidget parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *group;
  GtkListBox *list;

  /* Owned references */
  WeftSession *session;
};

G_DEFINE_FINAL_TYPE (WeftSpanList, weft_span_list, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The top of the table, as `weft stats` prints it by default… */
#define TOP_SPANS 10
/* …and the matches of a search, before the list says how many more. */
#define MAX_MATCHES 50

/* The name as row markup, the first match of needle (casefolded) in
 * bold. Where casefolding changes lengths no part is highlighted. */
static char *
highlight (const char *name, const char *needle_folded, gboolean *matched)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  const char *hit = *needle_folded != '\0' ? strstr (folded, needle_folded) : NULL;
  gsize start, len;
  g_autofree char *before = NULL, *match = NULL, *after = NULL;

  *matched = hit != NULL || *needle_folded == '\0';
  if (hit == NULL || strlen (folded) != strlen (name))
    return g_markup_escape_text (name, -1);

  start = (gsize) (hit - folded);
  len = strlen (needle_folded);
  before = g_markup_escape_text (name, (gssize) start);
  match = g_markup_escape_text (name + start, (gssize) len);
  after = g_markup_escape_text (name + start + len, -1);
  return g_strdup_printf ("%s<b>%s</b>%s", before, match, after);
}

static GtkWidget *
span_row (const WeftStatsSpan *span, const char *title)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *calls = weft_units_format_count (span->ncalls);
  g_autofree char *calls_text = NULL;
  g_autofree char *cumtime = weft_units_format_duration (span->cumtime_ns);
  g_autofree char *tottime = weft_units_format_duration (span->tottime_ns);
  g_autofree char *times = NULL;
  GtkWidget *label;

  calls_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s call", "%s calls",
                                             (gulong) MIN (span->ncalls, G_MAXULONG)),
                                calls);
  /* Translators: a span's time with nested spans, and without them */
  times = g_strdup_printf (_("%s in all, %s itself"), cumtime, tottime);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), calls_text);
  /* One line, ellipsized: a long name must not wrap mid-word in a narrow pane
   * (the tooltip gives it whole). */
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  gtk_widget_set_tooltip_markup (row, title);
  label = gtk_label_new (times);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static void
add_note (WeftSpanList *self, const char *text)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  gtk_widget_add_css_class (row, "dim-label");
  gtk_list_box_append (self->list, row);
}

static void
update (WeftSpanList *self)
{
  WeftDocument *document = self->session ? weft_session_get_document (self->session) : NULL;
  const char *search = self->session ? weft_session_get_search_text (self->session) : "";
  g_autofree char *needle = g_utf8_casefold (search, -1);
  const WeftStats *stats;
  GtkWidget *child;
  guint shown = 0, matches = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->group), FALSE);
  if (document == NULL)
    return;
  stats = weft_document_get_stats (document);
  if (stats->n_spans == 0)
    return;

  if (*needle == '\0')
    {
      adw_preferences_group_set_title (self->group, _("Spans"));
      adw_preferences_group_set_description (self->group,
                                             _("The longest, counting the spans they call"));
    }
  else
    {
      /* Translators: the search text */
      g_autofree char *title = g_strdup_printf (_("Spans Matching “%s”"), search);
      g_autofree char *escaped = g_markup_escape_text (title, -1);

      /* Group titles are markup, like row titles. */
      adw_preferences_group_set_title (self->group, escaped);
      adw_preferences_group_set_description (self->group, NULL);
    }

  /* stats->spans is sorted by cumtime, largest first. */
  for (guint i = 0; i < stats->n_spans; i++)
    {
      gboolean matched;
      g_autofree char *title = highlight (stats->spans[i].name, needle, &matched);

      if (!matched)
        continue;
      matches++;
      if (shown < (*needle == '\0' ? TOP_SPANS : MAX_MATCHES))
        {
          gtk_list_box_append (self->list, span_row (&stats->spans[i], title));
          shown++;
        }
    }

  if (*needle != '\0' && matches == 0)
    add_note (self, _("No span has this in its name"));
  else if (*needle != '\0' && matches > shown)
    {
      g_autofree char *more = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "And %u more match", "And %u more matches",
                       matches - shown),
          matches - shown);

      add_note (self, more);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->group), TRUE);
}

static void
on_session_changed (WeftSpanList *self, GParamSpec *pspec, WeftSession *session)
{
  update (self);
}

static void
weft_span_list_dispose (GObject *object)
{
  WeftSpanList *self = WEFT_SPAN_LIST (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, on_session_changed, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_SPAN_LIST);

  G_OBJECT_CLASS (weft_span_list_parent_class)->dispose (object);
}

static void
weft_span_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  WeftSpanList *self = WEFT_SPAN_LIST (object);

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
weft_span_list_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  WeftSpanList *self = WEFT_SPAN_LIST (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      weft_span_list_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_span_list_class_init (WeftSpanListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_span_list_dispose;
  object_class->get_property = weft_span_list_get_property;
  object_class->set_property = weft_span_list_set_property;

  properties[PROP_SESSION] = g_param_spec_object (
      "session", NULL, NULL, WEFT_TYPE_SESSION,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/weft/Weft/weft-span-list.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftSpanList, group);
  gtk_widget_class_bind_template_child (widget_class, WeftSpanList, list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "weftspanlist");
}

static void
weft_span_list_init (WeftSpanList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->group), FALSE);
}

GtkWidget *
weft_span_list_new (void)
{
  return g_object_new (WEFT_TYPE_SPAN_LIST, NULL);
}

WeftSession *
weft_span_list_get_session (WeftSpanList *self)
{
  g_return_val_if_fail (WEFT_IS_SPAN_LIST (self), NULL);
  return self->session;
}

void
weft_span_list_set_session (WeftSpanList *self, WeftSession *session)
{
  g_return_if_fail (WEFT_IS_SPAN_LIST (self));
  g_return_if_fail (session == NULL || WEFT_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, on_session_changed, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::document", G_CALLBACK (on_session_changed),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::search-text", G_CALLBACK (on_session_changed),
                               self, G_CONNECT_SWAPPED);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
