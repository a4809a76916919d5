/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-search-bar.h"

#include <glib/gi18n.h>
#include <string.h>

#include "weft-units.h"

struct _WeftSearchBar
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkSearchBar *bar;
  GtkSearchEntry *entry;
  GtkLabel *count_label;

  /* Owned references */
  WeftSession *session;
  GSimpleActionGroup *actions;
  GCancellable *cancellable; /* the count being made */
  WeftSearchResult *result;  /* the last count made, of the current text */

  /* Borrowed references */
  GtkWidget *root; /* where the actions are inserted too */

  WeftSearchMatch current;
  gboolean has_current;
};

G_DEFINE_FINAL_TYPE (WeftSearchBar, weft_search_bar, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_enabled (WeftSearchBar *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_count (WeftSearchBar *self)
{
  gboolean any = self->result != NULL && weft_search_result_get_count (self->result) > 0;
  const char *text = self->session != NULL ? weft_session_get_search_text (self->session) : "";

  set_enabled (self, "next", any);
  set_enabled (self, "previous", any);
  gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
  if (*text == '\0' || self->result == NULL)
    {
      gtk_label_set_text (self->count_label, "");
      return;
    }
  if (!any)
    {
      gtk_label_set_text (self->count_label, _("No matches"));
      gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
      return;
    }
  {
    guint64 count = weft_search_result_get_count (self->result), rank;
    g_autofree char *total = weft_units_format_count (count);
    g_autofree char *label = NULL;

    if (self->has_current && weft_search_result_rank (self->result, &self->current, &rank))
      {
        g_autofree char *position = weft_units_format_count (rank + 1);

        /* Translators: the match shown and how many there are, as "3 of 120" */
        label = g_strdup_printf (_("%s of %s"), position, total);
      }
    else
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s match", "%s matches",
                                            (gulong) MIN (count, G_MAXULONG)),
                               total);
    gtk_label_set_text (self->count_label, label);
  }
}

static void
on_counted (GObject *source, GAsyncResult *res, gpointer user_data)
{
  WeftSearchBar *self = WEFT_SEARCH_BAR (source);
  WeftSearchResult *result = g_task_propagate_pointer (G_TASK (res), NULL);

  /* A count for an older text, or for a bar being disposed. */
  if (g_task_get_cancellable (G_TASK (res)) != self->cancellable || result == NULL)
    {
      weft_search_result_free (result);
      return;
    }
  g_clear_object (&self->cancellable);
  self->result = result;
  update_count (self);
}

typedef struct
{
  WeftModel *model;
  guint8 *mask;
  gsize n_bytes;
} CountJob;

static void
count_job_free (gpointer data)
{
  CountJob *job = data;

  weft_model_unref (job->model);
  g_free (job->mask);
  g_free (job);
}

static void
count_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CountJob *job = task_data;
  WeftSearchResult *result = weft_search_result_new (job->model, job->mask, job->n_bytes,
                                                     cancellable);

  g_task_return_pointer (task, result, (GDestroyNotify) weft_search_result_free);
}

/* The text or the document changed: count again, off the main thread (a
 * trace of 100 M events has tens of millions of spans to look at). */
static void
restart (WeftSearchBar *self)
{
  WeftModel *model = self->session != NULL ? weft_session_get_model (self->session) : NULL;
  const guint8 *mask;
  gsize n = 0;
  CountJob *job;
  g_autoptr (GTask) task = NULL;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->result, weft_search_result_free);
  self->has_current = FALSE;
  if (model == NULL || *weft_session_get_search_text (self->session) == '\0')
    {
      update_count (self);
      return;
    }

  mask = weft_session_get_search_name_mask (self->session, &n);
  job = g_new0 (CountJob, 1);
  job->model = weft_model_ref (model);
  job->mask = mask != NULL ? g_memdup2 (mask, n) : NULL;
  job->n_bytes = n;
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, on_counted, NULL);
  g_task_set_source_tag (task, restart);
  /* its cancellable says which count it is */
  g_task_set_task_data (task, job, count_job_free);
  update_count (self);
  g_task_run_in_thread (task, count_thread);
}

static void
on_search_text (WeftSearchBar *self, GParamSpec *pspec, WeftSession *session)
{
  const char *text = weft_session_get_search_text (session);

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  if (*text != '\0' && !gtk_search_bar_get_search_mode (self->bar))
    gtk_search_bar_set_search_mode (self->bar, TRUE);
  restart (self);
}

static void
on_document (WeftSearchBar *self, GParamSpec *pspec, WeftSession *session)
{
  set_enabled (self, "find", weft_session_get_document (session) != NULL);
  restart (self);
}

static void
on_entry_changed (WeftSearchBar *self, GtkSearchEntry *entry)
{
  if (self->session != NULL)
    weft_session_set_search_text (self->session, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_search_mode (WeftSearchBar *self, GParamSpec *pspec, GtkSearchBar *bar)
{
  /* A closed bar finds nothing: the highlights go with it. */
  if (!gtk_search_bar_get_search_mode (bar) && self->session != NULL)
    weft_session_set_search_text (self->session, "");
}

/* Shows m: keeps the zoom and centres the span when it is out of view;
 * a span wider than the view is shown whole with a margin. Then it is the
 * session's item, as a click on it would make it. */
static void
go_to (WeftSearchBar *self, const WeftSearchMatch *m)
{
  guint64 vs = weft_session_get_visible_start (self->session);
  guint64 ve = weft_session_get_visible_end (self->session);
  guint64 width = ve - vs, len = m->end - m->start;
  WeftHit hit;

  self->current = *m;
  self->has_current = TRUE;
  if (len > width)
    {
      guint64 margin = len / 20;

      weft_session_set_visible_range (self->session, m->start - MIN (margin, m->start),
                                      m->end + margin);
    }
  else if (m->start < vs || m->end > ve)
    {
      guint64 middle = m->start + len / 2;
      guint64 start = middle >= width / 2 ? middle - width / 2 : 0;

      weft_session_set_visible_range (self->session, start, start + width);
    }

  memset (&hit, 0, sizeof hit);
  hit.kind = WEFT_HIT_SPAN;
  hit.lane = G_MAXUINT;
  hit.time = m->start;
  hit.thread = m->thread;
  hit.cpu = hit.task = hit.counter = WEFT_MODEL_NONE;
  hit.depth = m->depth;
  hit.span = m->span;
  weft_session_set_item (self->session, &hit);
  update_count (self);
}

gboolean
weft_search_bar_next (WeftSearchBar *self)
{
  WeftSearchMatch m;
  gboolean found;

  g_return_val_if_fail (WEFT_IS_SEARCH_BAR (self), FALSE);
  if (self->result == NULL || self->session == NULL)
    return FALSE;
  if (self->has_current)
    found = weft_search_result_next (self->result, &self->current, &m);
  else
    found = weft_search_result_first_from (self->result,
                                           weft_session_get_visible_start (self->session), &m);
  /* past the last: around to the first */
  if (!found)
    found = weft_search_result_next (self->result, NULL, &m);
  if (found)
    go_to (self, &m);
  return found;
}

gboolean
weft_search_bar_previous (WeftSearchBar *self)
{
  WeftSearchMatch m, before = { 0 };
  gboolean found;

  g_return_val_if_fail (WEFT_IS_SEARCH_BAR (self), FALSE);
  if (self->result == NULL || self->session == NULL)
    return FALSE;
  if (self->has_current)
    before = self->current;
  else
    before.start = weft_session_get_visible_end (self->session);
  found = weft_search_result_previous (self->result, &before, &m);
  if (!found)
    found = weft_search_result_previous (self->result, NULL, &m);
  if (found)
    go_to (self, &m);
  return found;
}

void
weft_search_bar_reveal (WeftSearchBar *self)
{
  g_return_if_fail (WEFT_IS_SEARCH_BAR (self));

  gtk_search_bar_set_search_mode (self->bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
find_activated (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  weft_search_bar_reveal (data);
}

static void
next_activated (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  weft_search_bar_next (data);
}

static void
previous_activated (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  weft_search_bar_previous (data);
}

static const GActionEntry action_entries[] = {
  { "find", find_activated },
  { "next", next_activated },
  { "previous", previous_activated },
};

/* Shift+Enter goes back; Enter is the entry's activate. */
static gboolean
on_entry_key (WeftSearchBar *self, guint keyval, guint keycode, GdkModifierType state,
              GtkEventControllerKey *controller)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) && (state & GDK_SHIFT_MASK))
    {
      weft_search_bar_previous (self);
      return TRUE;
    }
  return FALSE;
}

/* The actions live on the window too, so Ctrl+F reaches them from the
 * timeline (gtk_application_set_accels_for_action in weft-application.c). */
static void
weft_search_bar_root (GtkWidget *widget)
{
  WeftSearchBar *self = WEFT_SEARCH_BAR (widget);

  GTK_WIDGET_CLASS (weft_search_bar_parent_class)->root (widget);
  self->root = GTK_WIDGET (gtk_widget_get_root (widget));
  gtk_widget_insert_action_group (self->root, "search", G_ACTION_GROUP (self->actions));
}

static void
weft_search_bar_unroot (GtkWidget *widget)
{
  WeftSearchBar *self = WEFT_SEARCH_BAR (widget);

  if (self->root != NULL)
    {
      gtk_widget_insert_action_group (self->root, "search", NULL);
      self->root = NULL;
    }
  GTK_WIDGET_CLASS (weft_search_bar_parent_class)->unroot (widget);
}

static void
weft_search_bar_dispose (GObject *object)
{
  WeftSearchBar *self = WEFT_SEARCH_BAR (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_clear_object (&self->session);
    }
  g_clear_pointer (&self->result, weft_search_result_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), WEFT_TYPE_SEARCH_BAR);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (weft_search_bar_parent_class)->dispose (object);
}

static void
weft_search_bar_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, WEFT_SEARCH_BAR (object)->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_search_bar_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      weft_search_bar_set_session (WEFT_SEARCH_BAR (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_search_bar_class_init (WeftSearchBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_search_bar_dispose;
  object_class->get_property = weft_search_bar_get_property;
  object_class->set_property = weft_search_bar_set_property;
  widget_class->root = weft_search_bar_root;
  widget_class->unroot = weft_search_bar_unroot;

  properties[PROP_SESSION] = g_param_spec_object (
      "session", NULL, NULL, WEFT_TYPE_SESSION,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/weft/Weft/weft-search-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, WeftSearchBar, bar);
  gtk_widget_class_bind_template_child (widget_class, WeftSearchBar, entry);
  gtk_widget_class_bind_template_child (widget_class, WeftSearchBar, count_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "weftsearchbar");
}

static void
weft_search_bar_init (WeftSearchBar *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), action_entries,
                                   G_N_ELEMENTS (action_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "search", G_ACTION_GROUP (self->actions));
  set_enabled (self, "find", FALSE);
  update_count (self);

  gtk_search_bar_connect_entry (self->bar, GTK_EDITABLE (self->entry));
  g_signal_connect_object (self->entry, "search-changed", G_CALLBACK (on_entry_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->entry, "activate", G_CALLBACK (weft_search_bar_next), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->entry, "next-match", G_CALLBACK (weft_search_bar_next), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->entry, "previous-match", G_CALLBACK (weft_search_bar_previous),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->bar, "notify::search-mode-enabled", G_CALLBACK (on_search_mode),
                           self, G_CONNECT_SWAPPED);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_entry_key), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
}

GtkWidget *
weft_search_bar_new (void)
{
  return g_object_new (WEFT_TYPE_SEARCH_BAR, NULL);
}

WeftSession *
weft_search_bar_get_session (WeftSearchBar *self)
{
  g_return_val_if_fail (WEFT_IS_SEARCH_BAR (self), NULL);
  return self->session;
}

void
weft_search_bar_set_session (WeftSearchBar *self, WeftSession *session)
{
  g_return_if_fail (WEFT_IS_SEARCH_BAR (self));
  g_return_if_fail (session == NULL || WEFT_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::search-text", G_CALLBACK (on_search_text), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::document", G_CALLBACK (on_document), self,
                               G_CONNECT_SWAPPED);
      on_document (self, NULL, session);
      on_search_text (self, NULL, session);
    }
  else
    {
      set_enabled (self, "find", FALSE);
      restart (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
weft_search_bar_is_searching (WeftSearchBar *self)
{
  g_return_val_if_fail (WEFT_IS_SEARCH_BAR (self), FALSE);
  return self->cancellable != NULL;
}

guint64
weft_search_bar_get_n_matches (WeftSearchBar *self)
{
  g_return_val_if_fail (WEFT_IS_SEARCH_BAR (self), 0);
  return self->result != NULL ? weft_search_result_get_count (self->result) : 0;
}

gboolean
weft_search_bar_get_current (WeftSearchBar *self, WeftSearchMatch *match)
{
  g_return_val_if_fail (WEFT_IS_SEARCH_BAR (self), FALSE);
  if (self->has_current && match != NULL)
    *match = self->current;
  return self->has_current;
}
