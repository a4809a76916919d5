/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-range-stats-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <stdlib.h>

#include "weft-units.h"

struct _WeftRangeStatsView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *scroller;
  GtkLabel *range_label;
  GtkSpinner *spinner;
  GtkLabel *verdict_label;
  AdwPreferencesGroup *parallelism_group;
  AdwPreferencesGroup *threads_group;
  AdwPreferencesGroup *spans_group;
  AdwPreferencesGroup *locks_group;

  /* Owned references */
  WeftSession *session;
  WeftStats *stats;
  GPtrArray *rows; /* (group, row) pairs, to remove */

  guint delay_id;     /* the selection settling */
  gboolean running;   /* a worker computes */
  gboolean again;     /* the selection moved while it did */
  guint64 generation; /* of the document: results of an older one are dropped */
  gboolean disposed;  /* a result may come after dispose: it is dropped */
};

G_DEFINE_FINAL_TYPE (WeftRangeStatsView, weft_range_stats_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How long the selection must rest before its statistics are made:
 * dragging does not start one computation per pointer move. */
#define SETTLE_MS 60

static void start (WeftRangeStatsView *self);

static void
clear_rows (WeftRangeStatsView *self)
{
  for (guint i = 0; i + 1 < self->rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->rows, i),
                                  g_ptr_array_index (self->rows, i + 1));
  g_ptr_array_set_size (self->rows, 0);
}

static void
add_row (WeftRangeStatsView *self, AdwPreferencesGroup *group, const char *name,
         const char *title, const char *subtitle, const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (label, name);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, group);
  g_ptr_array_add (self->rows, row);
}

static int
by_on_cpu (gconstpointer a, gconstpointer b)
{
  const WeftStatsThread *x = *(const WeftStatsThread *const *) a;
  const WeftStatsThread *y = *(const WeftStatsThread *const *) b;

  if (x->on_cpu_ns != y->on_cpu_ns)
    return x->on_cpu_ns > y->on_cpu_ns ? -1 : 1;
  return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static void
fill_threads (WeftRangeStatsView *self, const WeftStats *st)
{
  g_autofree const WeftStatsThread **order = g_new (const WeftStatsThread *, st->n_threads + 1);
  guint shown = 0;

  for (guint i = 0; i < st->n_threads; i++)
    order[i] = &st->threads[i];
  qsort (order, st->n_threads, sizeof *order, by_on_cpu);
  adw_preferences_group_set_description (
      self->threads_group,
      st->sched ? NULL : _("Estimated: the trace has no scheduler data"));
  for (guint i = 0; i < st->n_threads && shown < WEFT_RANGE_STATS_TOP_THREADS; i++)
    {
      const WeftStatsThread *t = order[i];
      g_autofree char *name = g_strdup_printf ("on-cpu-%u", t->tid);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *value = weft_units_format_duration (t->on_cpu_ns);

      /* threads not alive in the range have nothing to say */
      if (t->alive_ns == 0 && t->on_cpu_ns == 0)
        continue;
      title = weft_units_format_thread (t->name, t->tid);
      if (t->lock_wait_ns > 0)
        {
          g_autofree char *wait = weft_units_format_duration (t->lock_wait_ns);

          /* Translators: time a thread waited for locks in the range */
          subtitle = g_strdup_printf (_("%s waiting for locks"), wait);
        }
      add_row (self, self->threads_group, name, title, subtitle, value);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->threads_group), shown > 0);
}

static void
fill_spans (WeftRangeStatsView *self, const WeftStats *st)
{
  guint n = MIN (st->n_spans, WEFT_RANGE_STATS_TOP_SPANS);

  /* weft_stats_new() sorts by cumtime_ns, largest first */
  for (guint i = 0; i < n; i++)
    {
      const WeftStatsSpan *s = &st->spans[i];
      g_autofree char *name = g_strdup_printf ("cumtime-%u", i);
      g_autofree char *calls = weft_units_format_count (s->ncalls);
      g_autofree char *self_time = weft_units_format_duration (s->tottime_ns);
      g_autofree char *subtitle = NULL;
      g_autofree char *value = weft_units_format_duration (s->cumtime_ns);

      /* Translators: a span's calls and its time without nested spans,
       * as "12 calls, 3.40 ms itself" */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s call, %s itself",
                                               "%s calls, %s itself",
                                               (gulong) MIN (s->ncalls, G_MAXULONG)),
                                  calls, self_time);
      add_row (self, self->spans_group, name, s->name, subtitle, value);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->spans_group), n > 0);
}

/* The locks waited for in the range, longest wait first (as sorted by
 * weft_stats_new()); locks nobody waited for are left out. */
static void
fill_locks (WeftRangeStatsView *self, const WeftStats *st)
{
  guint shown = 0;

  for (guint i = 0; i < st->n_locks && shown < WEFT_RANGE_STATS_TOP_LOCKS; i++)
    {
      const WeftStatsLock *l = &st->locks[i];
      g_autofree char *name = NULL;
      g_autofree char *count = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *value = NULL;

      if (l->wait_ns == 0 && l->contended == 0)
        continue;
      name = g_strdup_printf ("lock-wait-%u", shown);
      count = weft_units_format_count (l->contended);
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s wait", "%s waits",
                                               (gulong) MIN (l->contended, G_MAXULONG)),
                                  count);
      value = weft_units_format_duration (l->wait_ns);
      add_row (self, self->locks_group, name, l->name, subtitle, value);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->locks_group), shown > 0);
}

static void
show (WeftRangeStatsView *self)
{
  const WeftStats *st = self->stats;

  clear_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self->verdict_label), st != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->parallelism_group), st != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->threads_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spans_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->locks_group), FALSE);
  if (st == NULL)
    return;

  {
    g_autofree char *average = g_strdup_printf ("%.2f", st->average_running);
    g_autofree char *max = g_strdup_printf ("%u", st->max_running);
    g_autofree char *alive = g_strdup_printf ("%.2f", st->average_threads_alive);
    g_autofree char *events = weft_units_format_count (st->events);

    add_row (self, self->parallelism_group, "average-running", _("Threads Running on Average"),
             st->sched ? NULL : _("Estimated from spans and waits"), average);
    add_row (self, self->parallelism_group, "max-running", _("Threads Running at Most"), NULL,
             max);
    add_row (self, self->parallelism_group, "threads-alive", _("Threads Alive on Average"), NULL,
             alive);
    if (st->average_tasks_in_progress > 0)
      {
        g_autofree char *tasks = g_strdup_printf ("%.2f", st->average_tasks_in_progress);

        add_row (self, self->parallelism_group, "tasks-in-progress",
                 _("Tasks in Progress on Average"), NULL, tasks);
      }
    add_row (self, self->parallelism_group, "events", _("Events"), NULL, events);
  }
  /* The analysis's own sentence, in English as `weft stats` prints it. */
  gtk_label_set_text (self->verdict_label, st->verdict != NULL ? st->verdict : "");
  fill_threads (self, st);
  fill_locks (self, st);
  fill_spans (self, st);
}

static void
update_range_label (WeftRangeStatsView *self)
{
  guint64 start, end;
  g_autofree char *from = NULL, *to = NULL, *width = NULL, *text = NULL;

  if (self->session == NULL || !weft_session_get_has_selection (self->session))
    {
      gtk_label_set_text (self->range_label, "");
      return;
    }
  start = weft_session_get_selection_start (self->session);
  end = weft_session_get_selection_end (self->session);
  from = weft_units_format_duration (start);
  to = weft_units_format_duration (end);
  width = weft_units_format_duration (end - start);
  /* Translators: the selected range and its length, as "1.20 ms – 3.40 ms (2.20 ms)" */
  text = g_strdup_printf (_("%s – %s (%s)"), from, to, width);
  gtk_label_set_text (self->range_label, text);
}

static void
set_busy (WeftRangeStatsView *self, gboolean busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
}

typedef struct
{
  WeftModel *model;
  guint64 start, end;
  guint64 generation;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  weft_model_unref (job->model);
  g_free (job);
}

static void
compute_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;

  g_task_return_pointer (task, weft_stats_new (job->model, job->start, job->end),
                         (GDestroyNotify) weft_stats_free);
}

static gboolean
selection_is (WeftRangeStatsView *self, guint64 start, guint64 end)
{
  return self->session != NULL && weft_session_get_has_selection (self->session)
         && weft_session_get_selection_start (self->session) == start
         && weft_session_get_selection_end (self->session) == end;
}

static void
on_computed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  WeftRangeStatsView *self = WEFT_RANGE_STATS_VIEW (source);
  Job *job = g_task_get_task_data (G_TASK (res));
  WeftStats *stats = g_task_propagate_pointer (G_TASK (res), NULL);

  self->running = FALSE;
  if (self->disposed)
    {
      weft_stats_free (stats);
      return;
    }
  if (job->generation == self->generation && selection_is (self, job->start, job->end))
    {
      g_clear_pointer (&self->stats, weft_stats_free);
      self->stats = stats;
      stats = NULL;
      show (self);
    }
  g_clear_pointer (&stats, weft_stats_free);
  if (self->again)
    start (self);
  else
    set_busy (self, FALSE);
}

/* weft_stats_new() cannot be stopped half-way: one runs at a time, and
 * the last selection is done when it returns. */
static void
start (WeftRangeStatsView *self)
{
  WeftModel *model = self->session != NULL ? weft_session_get_model (self->session) : NULL;
  g_autoptr (GTask) task = NULL;
  Job *job;

  self->again = FALSE;
  if (model == NULL || !weft_session_get_has_selection (self->session))
    {
      set_busy (self, self->running);
      return;
    }
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  job = g_new0 (Job, 1);
  job->model = weft_model_ref (model);
  job->start = weft_session_get_selection_start (self->session);
  job->end = weft_session_get_selection_end (self->session);
  job->generation = self->generation;
  self->running = TRUE;
  set_busy (self, TRUE);
  task = g_task_new (self, NULL, on_computed, NULL);
  g_task_set_source_tag (task, start);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, compute_thread);
}

static gboolean
settled (gpointer data)
{
  WeftRangeStatsView *self = data;

  self->delay_id = 0;
  start (self);
  return G_SOURCE_REMOVE;
}

static void
on_selection_changed (WeftRangeStatsView *self, GParamSpec *pspec, WeftSession *session)
{
  update_range_label (self);
  g_clear_handle_id (&self->delay_id, g_source_remove);
  if (session == NULL || !weft_session_get_has_selection (session))
    {
      g_clear_pointer (&self->stats, weft_stats_free);
      show (self);
      set_busy (self, self->running);
      return;
    }
  /* the numbers shown are of another range until the new ones come */
  set_busy (self, TRUE);
  self->delay_id = g_timeout_add (SETTLE_MS, settled, self);
}

static void
on_document_changed (WeftRangeStatsView *self, GParamSpec *pspec, WeftSession *session)
{
  self->generation++;
  on_selection_changed (self, NULL, session);
}

static void
weft_range_stats_view_dispose (GObject *object)
{
  WeftRangeStatsView *self = WEFT_RANGE_STATS_VIEW (object);

  self->disposed = TRUE;
  g_clear_handle_id (&self->delay_id, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_RANGE_STATS_VIEW);

  G_OBJECT_CLASS (weft_range_stats_view_parent_class)->dispose (object);
}

static void
weft_range_stats_view_finalize (GObject *object)
{
  WeftRangeStatsView *self = WEFT_RANGE_STATS_VIEW (object);

  g_clear_pointer (&self->stats, weft_stats_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (weft_range_stats_view_parent_class)->finalize (object);
}

static void
weft_range_stats_view_get_property (GObject *object, guint prop_id, GValue *value,
                                    GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, WEFT_RANGE_STATS_VIEW (object)->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_range_stats_view_set_property (GObject *object, guint prop_id, const GValue *value,
                                    GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      weft_range_stats_view_set_session (WEFT_RANGE_STATS_VIEW (object),
                                         g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_range_stats_view_class_init (WeftRangeStatsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_range_stats_view_dispose;
  object_class->finalize = weft_range_stats_view_finalize;
  object_class->get_property = weft_range_stats_view_get_property;
  object_class->set_property = weft_range_stats_view_set_property;

  properties[PROP_SESSION] = g_param_spec_object (
      "session", NULL, NULL, WEFT_TYPE_SESSION,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/weft/Weft/weft-range-stats-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftRangeStatsView, scroller);
  gtk_widget_class_bind_template_child (widget_class, WeftRangeStatsView, range_label);
  gtk_widget_class_bind_template_child (widget_class, WeftRangeStatsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, WeftRangeStatsView, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, WeftRangeStatsView, parallelism_group);
  gtk_widget_class_bind_template_child (widget_class, WeftRangeStatsView, threads_group);
  gtk_widget_class_bind_template_child (widget_class, WeftRangeStatsView, spans_group);
  gtk_widget_class_bind_template_child (widget_class, WeftRangeStatsView, locks_group);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "weftrangestatsview");
}

static void
weft_range_stats_view_init (WeftRangeStatsView *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  show (self);
  set_busy (self, FALSE);
}

GtkWidget *
weft_range_stats_view_new (void)
{
  return g_object_new (WEFT_TYPE_RANGE_STATS_VIEW, NULL);
}

WeftSession *
weft_range_stats_view_get_session (WeftRangeStatsView *self)
{
  g_return_val_if_fail (WEFT_IS_RANGE_STATS_VIEW (self), NULL);
  return self->session;
}

void
weft_range_stats_view_set_session (WeftRangeStatsView *self, WeftSession *session)
{
  g_return_if_fail (WEFT_IS_RANGE_STATS_VIEW (self));
  g_return_if_fail (session == NULL || WEFT_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::selection-start",
                               G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::selection-end",
                               G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::has-selection",
                               G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::document", G_CALLBACK (on_document_changed),
                               self, G_CONNECT_SWAPPED);
    }
  on_document_changed (self, NULL, session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
weft_range_stats_view_is_busy (WeftRangeStatsView *self)
{
  g_return_val_if_fail (WEFT_IS_RANGE_STATS_VIEW (self), FALSE);
  return self->running || self->delay_id != 0;
}

const WeftStats *
weft_range_stats_view_get_stats (WeftRangeStatsView *self)
{
  g_return_val_if_fail (WEFT_IS_RANGE_STATS_VIEW (self), NULL);
  return self->stats;
}
