/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-summary-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "weft-span-list.h"
#include "weft-units.h"

struct _WeftSummaryView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *scroller;
  GtkFlowBox *cards;
  GtkLabel *verdict_label;
  WeftSpanList *span_list;
  AdwPreferencesGroup *recording_group;
  AdwPreferencesGroup *processes_group;

  /* Owned references */
  WeftSession *session;
  GPtrArray *rows; /* (element-type AdwPreferencesGroup GtkWidget): pairs, to remove */
};

G_DEFINE_FINAL_TYPE (WeftSummaryView, weft_summary_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* More rows than this would make a page nobody reads; the timeline's
 * lanes are where a thousand processes belong. */
#define MAX_PROCESS_ROWS 100

/* The metadata keys a recording writes (weft-format.h), in reading order. */
static const struct
{
  const char *key;
  const char *title;
} known_keys[] = {
  { "command", N_("Command") },
  { "hostname", N_("Host") },
  { "start_time", N_("Started") },
  { "cpu_model", N_("Processor") },
  { "kernel", N_("Kernel") },
  { "weft_version", N_("Recorded with") },
};

static void
clear_rows (WeftSummaryView *self)
{
  GtkWidget *child;

  for (guint i = 0; i + 1 < self->rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->rows, i),
                                  g_ptr_array_index (self->rows, i + 1));
  g_ptr_array_set_size (self->rows, 0);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cards))) != NULL)
    gtk_flow_box_remove (self->cards, child);
}

static void
add_row (WeftSummaryView *self, AdwPreferencesGroup *group, GtkWidget *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, group);
  g_ptr_array_add (self->rows, row);
}

static void
add_value_row (WeftSummaryView *self, const char *title, const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  /* Row titles are markup; metadata keys come from the file. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  /* Ask for the unwrapped width; wrap only what does not fit. */
  gtk_label_set_natural_wrap_mode (GTK_LABEL (label), GTK_NATURAL_WRAP_NONE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  add_row (self, self->recording_group, row);
}

/* A big number with a caption; named so tests and CSS can find it. */
static void
add_card (WeftSummaryView *self, const char *name, const char *value, const char *caption)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *value_label = gtk_label_new (value);
  GtkWidget *caption_label = gtk_label_new (caption);

  gtk_widget_set_name (card, name);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "fact-card");
  gtk_widget_add_css_class (value_label, "title-2");
  gtk_widget_add_css_class (value_label, "numeric");
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_add_css_class (caption_label, "dim-label");
  gtk_box_append (GTK_BOX (card), value_label);
  gtk_box_append (GTK_BOX (card), caption_label);
  gtk_flow_box_append (self->cards, card);
}

static void
add_count_card (WeftSummaryView *self, const char *name, guint64 n, const char *caption)
{
  g_autofree char *value = weft_units_format_count (n);

  add_card (self, name, value, caption);
}

static char *
describe_sched (WeftDocument *document)
{
  const char *reason = weft_document_get_metadata (document, "sched_reason");

  if (weft_document_get_facts (document)->sched)
    return g_strdup (_("Recorded"));
  if (reason != NULL && *reason != '\0')
    /* Translators: the reason comes from the recorder, in English */
    return g_strdup_printf (_("Not recorded: %s"), reason);
  return g_strdup (_("Not recorded"));
}

static const char *
describe_source (const char *source)
{
  if (source == NULL)
    return NULL;
  if (g_str_equal (source, "weft"))
    return _("Weft trace");
  if (g_str_equal (source, "chrome-json"))
    return _("Chrome trace (JSON)");
  return source;
}

static gboolean
is_known_key (const char *key)
{
  static const char *const shown_elsewhere[] = {
    "sched", "sched_reason", "source", "cpu_count", "system_wide", "import_skipped", "import_notes",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (g_str_equal (key, known_keys[i].key))
      return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (shown_elsewhere); i++)
    if (g_str_equal (key, shown_elsewhere[i]))
      return TRUE;
  return FALSE;
}

static void
fill_recording (WeftSummaryView *self, WeftDocument *document)
{
  const char *const *keys = weft_document_get_metadata_keys (document);
  g_autofree char *sched = describe_sched (document);
  const char *source = describe_source (weft_model_get_source (weft_document_get_model (document)));

  for (gsize i = 0; i < G_N_ELEMENTS (known_keys); i++)
    {
      const char *value = weft_document_get_metadata (document, known_keys[i].key);

      if (value == NULL || *value == '\0')
        continue;
      if (g_str_equal (known_keys[i].key, "weft_version"))
        {
          g_autofree char *text = g_strdup_printf ("Weft %s", value);

          add_value_row (self, _(known_keys[i].title), text);
        }
      else
        add_value_row (self, _(known_keys[i].title), value);
    }
  add_value_row (self, _("Scheduler data"), sched);
  if (g_strcmp0 (weft_document_get_metadata (document, "system_wide"), "true") == 0)
    add_value_row (self, _("Other programs"), _("Recorded (the whole system)"));
  if (source != NULL)
    add_value_row (self, _("Format"), source);
  {
    const char *skipped = weft_document_get_metadata (document, "import_skipped");
    const char *notes = weft_document_get_metadata (document, "import_notes");

    /* What the JSON importer could not use, in its own (English) words. */
    if (skipped != NULL && g_strcmp0 (skipped, "0") != 0)
      add_value_row (self, _("Events skipped on import"), skipped);
    if (notes != NULL && *notes != '\0')
      add_value_row (self, _("Import notes"), notes);
  }

  /* Keys this version does not know: show them as they are. */
  for (gsize i = 0; keys[i] != NULL; i++)
    if (!is_known_key (keys[i]))
      add_value_row (self, keys[i], weft_document_get_metadata (document, keys[i]));

  gtk_widget_set_visible (GTK_WIDGET (self->recording_group), TRUE);
}

static void
fill_processes (WeftSummaryView *self, WeftDocument *document)
{
  guint n = weft_document_get_n_processes (document);
  gboolean sched = weft_document_get_facts (document)->sched;

  for (guint i = 0; i < n && i < MAX_PROCESS_ROWS; i++)
    {
      const WeftDocumentProcess *process = weft_document_get_process (document, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *on_cpu = weft_units_format_duration (process->on_cpu_ns);
      g_autofree char *threads = NULL;
      g_autofree char *busy = NULL;
      g_autofree char *detail = NULL;
      GtkWidget *label;

      if (*process->name != '\0')
        title = g_markup_escape_text (process->name, -1);
      else
        title = g_strdup_printf (_("Process %u"), process->pid);
      subtitle = g_strdup_printf (_("PID %u"), process->pid);
      threads = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u thread", "%u threads",
                                              process->n_threads),
                                 process->n_threads);
      /* Translators: the time its threads ran, as "12.3 ms on a CPU" */
      busy = g_strdup_printf (sched ? _("%s on a CPU") : _("%s on a CPU (estimated)"), on_cpu);
      /* Translators: a process's threads and CPU time, as "3 threads, 12.3 ms on a CPU" */
      detail = g_strdup_printf (_("%s, %s"), threads, busy);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      label = gtk_label_new (detail);
      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      add_row (self, self->processes_group, row);
    }
  if (n > MAX_PROCESS_ROWS)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "And %u more process", "And %u more processes",
                       n - MAX_PROCESS_ROWS),
          n - MAX_PROCESS_ROWS);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      add_row (self, self->processes_group, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->processes_group), n > 0);
}

static void
update (WeftSummaryView *self)
{
  WeftDocument *document = self->session ? weft_session_get_document (self->session) : NULL;
  const WeftDocumentFacts *facts;
  const WeftStats *stats;
  g_autofree char *duration = NULL;

  clear_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self->verdict_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->recording_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->processes_group), FALSE);
  if (document == NULL)
    return;

  facts = weft_document_get_facts (document);
  stats = weft_document_get_stats (document);

  duration = weft_units_format_duration (facts->duration);
  add_card (self, "duration", duration, _("Duration"));
  add_count_card (self, "events", facts->n_events, _("Events"));
  add_count_card (self, "threads", facts->n_threads, _("Threads"));
  add_count_card (self, "processes", facts->n_processes, _("Processes"));
  if (facts->cpu_count > 0)
    add_count_card (self, "cpus", (guint64) facts->cpu_count, _("CPUs"));
  else if (facts->n_cpu_lanes > 0)
    add_count_card (self, "cpus", facts->n_cpu_lanes, _("CPUs"));
  if (facts->lost_events > 0)
    {
      GtkWidget *last;

      add_count_card (self, "lost", facts->lost_events, _("Lost Events"));
      last = gtk_widget_get_last_child (GTK_WIDGET (self->cards));
      gtk_widget_add_css_class (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (last)),
                                "warning");
    }

  /* The analysis's own sentence (English, as `weft stats` prints it). */
  if (stats->verdict != NULL && *stats->verdict != '\0')
    {
      gtk_label_set_text (self->verdict_label, stats->verdict);
      gtk_widget_set_visible (GTK_WIDGET (self->verdict_label), TRUE);
    }

  fill_recording (self, document);
  fill_processes (self, document);
}

static void
on_document_changed (WeftSummaryView *self, GParamSpec *pspec, WeftSession *session)
{
  update (self);
}

static void
weft_summary_view_dispose (GObject *object)
{
  WeftSummaryView *self = WEFT_SUMMARY_VIEW (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, on_document_changed, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_SUMMARY_VIEW);

  G_OBJECT_CLASS (weft_summary_view_parent_class)->dispose (object);
}

static void
weft_summary_view_finalize (GObject *object)
{
  WeftSummaryView *self = WEFT_SUMMARY_VIEW (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (weft_summary_view_parent_class)->finalize (object);
}

static void
weft_summary_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  WeftSummaryView *self = WEFT_SUMMARY_VIEW (object);

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
weft_summary_view_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  WeftSummaryView *self = WEFT_SUMMARY_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      weft_summary_view_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_summary_view_class_init (WeftSummaryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_summary_view_dispose;
  object_class->finalize = weft_summary_view_finalize;
  object_class->get_property = weft_summary_view_get_property;
  object_class->set_property = weft_summary_view_set_property;

  properties[PROP_SESSION] = g_param_spec_object (
      "session", NULL, NULL, WEFT_TYPE_SESSION,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (WEFT_TYPE_SPAN_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/weft/Weft/weft-summary-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftSummaryView, scroller);
  gtk_widget_class_bind_template_child (widget_class, WeftSummaryView, cards);
  gtk_widget_class_bind_template_child (widget_class, WeftSummaryView, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, WeftSummaryView, span_list);
  gtk_widget_class_bind_template_child (widget_class, WeftSummaryView, recording_group);
  gtk_widget_class_bind_template_child (widget_class, WeftSummaryView, processes_group);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "weftsummaryview");
}

static void
weft_summary_view_init (WeftSummaryView *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
weft_summary_view_new (void)
{
  return g_object_new (WEFT_TYPE_SUMMARY_VIEW, NULL);
}

WeftSession *
weft_summary_view_get_session (WeftSummaryView *self)
{
  g_return_val_if_fail (WEFT_IS_SUMMARY_VIEW (self), NULL);
  return self->session;
}

void
weft_summary_view_set_session (WeftSummaryView *self, WeftSession *session)
{
  g_return_if_fail (WEFT_IS_SUMMARY_VIEW (self));
  g_return_if_fail (session == NULL || WEFT_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, on_document_changed, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "notify::document", G_CALLBACK (on_document_changed),
                             self, G_CONNECT_SWAPPED);
  weft_span_list_set_session (self->span_list, session);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
