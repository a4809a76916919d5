/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-details-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "weft-details-facts.h"
#include "weft-units.h"

struct _WeftDetailsView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *scroller;
  GtkLabel *title_label;
  GtkLabel *kind_label;
  AdwPreferencesGroup *group;
  AdwPreferencesGroup *args_group;
  GtkLabel *args_label;
  GtkWidget *extent_box;

  /* Owned references */
  WeftSession *session;
  GPtrArray *rows; /* the rows in group, to remove */

  gboolean has_details;
  /* the item's time range, for the buttons */
  gboolean has_extent;
  guint64 extent_start, extent_end;
};

G_DEFINE_FINAL_TYPE (WeftDetailsView, weft_details_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_HAS_DETAILS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear (WeftDetailsView *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  gtk_label_set_text (self->title_label, "");
  gtk_label_set_text (self->kind_label, "");
  gtk_label_set_text (self->args_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->args_group), FALSE);
  self->has_extent = FALSE;
}

static void
set_extent (WeftDetailsView *self, guint64 start, guint64 end)
{
  self->has_extent = end > start;
  self->extent_start = start;
  self->extent_end = end;
}

/* Zoom to It: the item with a twentieth of its length on each side. */
static void
on_zoom_clicked (WeftDetailsView *self, GtkButton *button)
{
  guint64 margin = (self->extent_end - self->extent_start) / 20;

  if (self->session == NULL || !self->has_extent)
    return;
  weft_session_set_visible_range (self->session,
                                  self->extent_start - MIN (margin, self->extent_start),
                                  self->extent_end + margin);
}

static void
on_select_clicked (WeftDetailsView *self, GtkButton *button)
{
  if (self->session != NULL && self->has_extent)
    weft_session_set_selection (self->session, self->extent_start, self->extent_end);
}

/* A row "title … value"; the value label is named name. */
static void
add_row (WeftDetailsView *self, const char *name, const char *title, const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  gtk_widget_set_name (label, name);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_natural_wrap_mode (GTK_LABEL (label), GTK_NATURAL_WRAP_NONE);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (self->group, row);
  g_ptr_array_add (self->rows, row);
}

static void
add_time_row (WeftDetailsView *self, const char *name, const char *title, guint64 ns)
{
  g_autofree char *text = weft_units_format_duration (ns);

  add_row (self, name, title, text);
}

static char *
describe_thread (WeftModel *model, guint32 index)
{
  const WeftModelThread *t;

  if (index >= weft_model_get_n_threads (model))
    return g_strdup (_("Not traced"));
  t = weft_model_get_thread (model, index);
  return weft_units_format_thread (weft_model_get_name (model, t->name), t->tid);
}

static char *
describe_process (WeftModel *model, guint32 pid, guint32 process)
{
  const char *name = NULL;

  if (process < weft_model_get_n_processes (model))
    name = weft_model_get_name (model, weft_model_get_process (model, process)->name);
  if (name != NULL && *name != '\0')
    /* Translators: a process, as "bank (PID 4242)" */
    return g_strdup_printf (_("%s (PID %u)"), name, pid);
  return g_strdup_printf (_("PID %u"), pid);
}

static void
add_thread_rows (WeftDetailsView *self, WeftModel *model, guint32 index)
{
  g_autofree char *thread = describe_thread (model, index);

  add_row (self, "thread", _("Thread"), thread);
  if (index < weft_model_get_n_threads (model))
    {
      const WeftModelThread *t = weft_model_get_thread (model, index);
      g_autofree char *process = describe_process (model, t->pid, t->process);

      add_row (self, "process", _("Process"), process);
    }
}

static guint32
cpu_number (WeftModel *model, guint32 lane)
{
  return lane < weft_model_get_n_cpus (model) ? weft_model_get_cpu (model, lane)->cpu : lane;
}

static gboolean
show_span (WeftDetailsView *self, WeftModel *model, const WeftHit *hit)
{
  const WeftModelThread *t;
  const WeftModelSpan *s;
  const char *args;
  g_autofree char *cpus = NULL;
  guint64 on_cpu;

  if (hit->thread >= weft_model_get_n_threads (model))
    return FALSE;
  t = weft_model_get_thread (model, hit->thread);
  if (hit->span >= t->n_spans)
    return FALSE;
  s = &t->spans[hit->span];

  gtk_label_set_text (self->title_label, weft_model_get_name (model, s->name));
  gtk_label_set_text (self->kind_label, (s->depth & WEFT_MODEL_SPAN_UNCLOSED)
                                            ? _("Span, never ended in the trace")
                                            : _("Span"));
  set_extent (self, s->start, s->end);
  add_time_row (self, "start", _("Start"), s->start);
  add_time_row (self, "end", _("End"), s->end);
  add_time_row (self, "duration", _("Duration"), s->end - s->start);
  add_time_row (self, "self-time", _("Self Time"), weft_details_span_self_time (t, hit->span));
  add_thread_rows (self, model, hit->thread);
  if (weft_model_has_sched (model) && (cpus = weft_details_span_cpus (model, t, s->start, s->end, &on_cpu)))
    {
      add_row (self, "cpu", _("CPU"), cpus);
      add_time_row (self, "on-cpu", _("On a CPU"), on_cpu);
    }
  {
    g_autofree char *depth = g_strdup_printf ("%u", WEFT_MODEL_SPAN_DEPTH (s));

    add_row (self, "depth", _("Depth"), depth);
  }
  args = weft_details_span_args (model, t, hit->span);
  if (args != NULL && *args != '\0')
    {
      gtk_label_set_text (self->args_label, args);
      gtk_widget_set_visible (GTK_WIDGET (self->args_group), TRUE);
    }
  return TRUE;
}

static gboolean
show_task (WeftDetailsView *self, WeftModel *model, const WeftHit *hit)
{
  const WeftModelTask *task;
  const guint64 *times;
  guint64 active, suspended;
  g_autofree char *id = NULL;

  if (hit->task >= weft_model_get_n_tasks (model))
    return FALSE;
  task = weft_model_get_task (model, hit->task);
  times = weft_model_get_task_times (model, task);
  if (times == NULL || task->n_times < 2)
    return FALSE;
  weft_details_task_times (model, task, &active, &suspended);

  gtk_label_set_text (self->title_label, weft_model_get_name (model, task->name));
  gtk_label_set_text (self->kind_label, hit->active ? _("Async task, active here")
                                                    : _("Async task, suspended here"));
  set_extent (self, times[0], times[task->n_times - 1]);
  add_time_row (self, "start", _("Start"), times[0]);
  add_time_row (self, "end", _("End"), times[task->n_times - 1]);
  add_time_row (self, "duration", _("Duration"), times[task->n_times - 1] - times[0]);
  add_time_row (self, "active", _("Active"), active);
  add_time_row (self, "suspended", _("Suspended"), suspended);
  {
    g_autofree char *parts = g_strdup_printf ("%u", task->n_times - 1);

    add_row (self, "segments", _("Parts"), parts);
  }
  id = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", task->id);
  add_row (self, "task-id", _("Task ID"), id);
  {
    guint32 process = WEFT_MODEL_NONE;
    g_autofree char *text = NULL;

    for (guint i = 0; i < weft_model_get_n_processes (model); i++)
      if (weft_model_get_process (model, i)->pid == task->pid)
        process = i;
    text = describe_process (model, task->pid, process);
    add_row (self, "process", _("Process"), text);
  }
  return TRUE;
}

static gboolean
show_state (WeftDetailsView *self, WeftModel *model, const WeftHit *hit)
{
  const WeftModelThread *t;
  const WeftModelWait *wait = NULL;
  const char *state;

  if (hit->thread >= weft_model_get_n_threads (model))
    return FALSE;
  t = weft_model_get_thread (model, hit->thread);
  switch (hit->state)
    {
    case WEFT_LOD_STATE_RUNNING:
      state = _("Running");
      break;
    case WEFT_LOD_STATE_RUNNABLE:
      state = _("Runnable, waiting for a CPU");
      break;
    case WEFT_LOD_STATE_BLOCKED:
      state = _("Blocked");
      break;
    case WEFT_LOD_STATE_LOCK_WAIT:
      state = _("Waiting for a lock");
      wait = weft_details_find_wait (t, hit->time);
      break;
    case WEFT_LOD_STATE_COND_WAIT:
      state = _("Waiting on a condition");
      wait = weft_details_find_wait (t, hit->time);
      break;
    case WEFT_LOD_STATE_NONE:
    default:
      return FALSE;
    }

  {
    g_autofree char *thread = describe_thread (model, hit->thread);

    gtk_label_set_text (self->title_label, state);
    gtk_label_set_text (self->kind_label, thread);
  }
  add_time_row (self, "time", _("At"), hit->time);
  if (wait != NULL)
    {
      const WeftModelLock *lock = wait->lock < weft_model_get_n_locks (model)
                                      ? weft_model_get_lock (model, wait->lock)
                                      : NULL;

      add_row (self, "lock", wait->flags & WEFT_MODEL_WAIT_COND ? _("Condition") : _("Lock"),
               lock != NULL && lock->label != NULL ? lock->label : _("Unknown"));
      set_extent (self, wait->start, wait->end);
      add_time_row (self, "start", _("Wait Started"), wait->start);
      add_time_row (self, "duration", _("Waited"), wait->end - wait->start);
    }
  if (hit->state == WEFT_LOD_STATE_RUNNING && hit->cpu != WEFT_MODEL_NONE)
    {
      g_autofree char *cpu = g_strdup_printf ("%u", cpu_number (model, hit->cpu));

      add_row (self, "cpu", _("CPU"), cpu);
    }
  add_thread_rows (self, model, hit->thread);
  return TRUE;
}

static gboolean
show_slice (WeftDetailsView *self, WeftModel *model, const WeftHit *hit)
{
  const WeftModelCpu *cpu;
  guint32 who;
  guint64 start, end;
  g_autofree char *title = NULL;

  if (hit->cpu >= weft_model_get_n_cpus (model))
    return FALSE;
  cpu = weft_model_get_cpu (model, hit->cpu);
  if (hit->slice >= cpu->n_slices)
    return FALSE;
  who = WEFT_MODEL_SLICE_THREAD (cpu->who[hit->slice]);
  start = cpu->starts[hit->slice];
  end = weft_model_get_slice_end (model, hit->cpu, hit->slice);

  if (who == WEFT_MODEL_SLICE_IDLE)
    title = g_strdup (_("Idle"));
  else if (who == WEFT_MODEL_SLICE_OTHER)
    title = g_strdup (_("Another program"));
  else
    title = describe_thread (model, who);
  gtk_label_set_text (self->title_label, title);
  {
    /* Translators: a slice of time a CPU core ran a thread, as "CPU 3" */
    g_autofree char *kind = g_strdup_printf (_("Time on CPU %u"), cpu->cpu);
    g_autofree char *number = g_strdup_printf ("%u", cpu->cpu);

    gtk_label_set_text (self->kind_label, kind);
    add_row (self, "cpu", _("CPU"), number);
  }
  set_extent (self, start, end);
  add_time_row (self, "start", _("Start"), start);
  add_time_row (self, "duration", _("Duration"), end > start ? end - start : 0);
  if (who < weft_model_get_n_threads (model))
    add_thread_rows (self, model, who);
  return TRUE;
}

static gboolean
show_counter (WeftDetailsView *self, WeftModel *model, const WeftHit *hit)
{
  const WeftModelCounter *c;
  g_autofree char *process = NULL;

  if (hit->counter >= weft_model_get_n_counters (model))
    return FALSE;
  c = weft_model_get_counter (model, hit->counter);
  gtk_label_set_text (self->title_label, weft_model_get_name (model, c->name));
  gtk_label_set_text (self->kind_label, _("Counter"));
  if (hit->defined)
    {
      g_autofree char *value = g_strdup_printf ("%.*g", 15, hit->value);

      add_row (self, "value", _("Value"), value);
    }
  else
    add_row (self, "value", _("Value"), _("None yet"));
  add_time_row (self, "time", _("At"), hit->time);
  process = describe_process (model, c->pid, c->process);
  add_row (self, "process", _("Process"), process);
  return TRUE;
}

static gboolean
show_thread (WeftDetailsView *self, WeftModel *model, const WeftHit *hit)
{
  const WeftModelThread *t;
  g_autofree char *title = NULL, *spans = NULL;

  if (hit->thread >= weft_model_get_n_threads (model))
    return FALSE;
  t = weft_model_get_thread (model, hit->thread);
  title = describe_thread (model, hit->thread);
  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->kind_label, _("Thread"));
  set_extent (self, t->alive_start, t->alive_end);
  add_time_row (self, "start", _("Alive From"), t->alive_start);
  add_time_row (self, "duration", _("Alive For"),
                t->alive_end > t->alive_start ? t->alive_end - t->alive_start : 0);
  spans = weft_units_format_count (t->n_spans);
  add_row (self, "spans", _("Spans"), spans);
  add_thread_rows (self, model, hit->thread);
  return TRUE;
}

static void
update (WeftDetailsView *self)
{
  WeftModel *model = self->session != NULL ? weft_session_get_model (self->session) : NULL;
  const WeftHit *hit = self->session != NULL ? weft_session_get_item (self->session) : NULL;
  gboolean shown = FALSE;

  clear (self);
  if (model != NULL && hit != NULL)
    {
      switch (hit->kind)
        {
        case WEFT_HIT_SPAN:
          shown = show_span (self, model, hit);
          break;
        case WEFT_HIT_TASK:
          shown = show_task (self, model, hit);
          break;
        case WEFT_HIT_THREAD_STATE:
          shown = show_state (self, model, hit);
          break;
        case WEFT_HIT_CPU_SLICE:
          shown = show_slice (self, model, hit);
          break;
        case WEFT_HIT_COUNTER:
          shown = show_counter (self, model, hit);
          break;
        case WEFT_HIT_LABEL:
        case WEFT_HIT_LANE:
          shown = hit->thread != WEFT_MODEL_NONE && show_thread (self, model, hit);
          break;
        default:
          break;
        }
      if (!shown)
        clear (self);
    }
  gtk_widget_set_visible (self->extent_box, self->has_extent);
  self->has_details = shown;
  /* every time: the side pane shows the details of each new click */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_DETAILS]);
}

static void
on_item_changed (WeftDetailsView *self, GParamSpec *pspec, WeftSession *session)
{
  update (self);
}

static void
weft_details_view_dispose (GObject *object)
{
  WeftDetailsView *self = WEFT_DETAILS_VIEW (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_DETAILS_VIEW);

  G_OBJECT_CLASS (weft_details_view_parent_class)->dispose (object);
}

static void
weft_details_view_finalize (GObject *object)
{
  g_clear_pointer (&WEFT_DETAILS_VIEW (object)->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (weft_details_view_parent_class)->finalize (object);
}

static void
weft_details_view_get_property (GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
  WeftDetailsView *self = WEFT_DETAILS_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_HAS_DETAILS:
      g_value_set_boolean (value, self->has_details);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_details_view_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      weft_details_view_set_session (WEFT_DETAILS_VIEW (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_details_view_class_init (WeftDetailsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_details_view_dispose;
  object_class->finalize = weft_details_view_finalize;
  object_class->get_property = weft_details_view_get_property;
  object_class->set_property = weft_details_view_set_property;

  properties[PROP_SESSION] = g_param_spec_object (
      "session", NULL, NULL, WEFT_TYPE_SESSION,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_DETAILS] = g_param_spec_boolean (
      "has-details", NULL, NULL, FALSE,
      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/weft/Weft/weft-details-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftDetailsView, scroller);
  gtk_widget_class_bind_template_child (widget_class, WeftDetailsView, title_label);
  gtk_widget_class_bind_template_child (widget_class, WeftDetailsView, kind_label);
  gtk_widget_class_bind_template_child (widget_class, WeftDetailsView, group);
  gtk_widget_class_bind_template_child (widget_class, WeftDetailsView, args_group);
  gtk_widget_class_bind_template_child (widget_class, WeftDetailsView, args_label);
  gtk_widget_class_bind_template_child (widget_class, WeftDetailsView, extent_box);
  gtk_widget_class_bind_template_callback (widget_class, on_zoom_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_select_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "weftdetailsview");
}

static void
weft_details_view_init (WeftDetailsView *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
weft_details_view_new (void)
{
  return g_object_new (WEFT_TYPE_DETAILS_VIEW, NULL);
}

WeftSession *
weft_details_view_get_session (WeftDetailsView *self)
{
  g_return_val_if_fail (WEFT_IS_DETAILS_VIEW (self), NULL);
  return self->session;
}

void
weft_details_view_set_session (WeftDetailsView *self, WeftSession *session)
{
  g_return_if_fail (WEFT_IS_DETAILS_VIEW (self));
  g_return_if_fail (session == NULL || WEFT_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "notify::item", G_CALLBACK (on_item_changed), self,
                             G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
weft_details_view_get_has_details (WeftDetailsView *self)
{
  g_return_val_if_fail (WEFT_IS_DETAILS_VIEW (self), FALSE);
  return self->has_details;
}
