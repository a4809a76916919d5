/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-document.h"

#include <glib/gi18n.h>

#include "weft-trace-file.h"

struct _WeftDocument
{
  GObject parent_instance;

  /* Owned references */
  GFile *file;
  char *title;
  WeftModel *model;
  WeftLod *lod;          /* the model's level-of-detail index, for the timeline */
  WeftStats *stats;
  GArray *processes;     /* WeftDocumentProcess, by pid; names point into model */
  GPtrArray *meta_keys;  /* NULL-terminated */
  GHashTable *metadata;  /* key -> value, both owned */
  char *damage;

  WeftDocumentFacts facts;
};

G_DEFINE_FINAL_TYPE (WeftDocument, weft_document, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_FILE,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The share of the progress bar for opening the file (and importing a
 * JSON trace), before the model's own progress. */
#define OPEN_SHARE 0.1

static void
weft_document_finalize (GObject *object)
{
  WeftDocument *self = WEFT_DOCUMENT (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->stats, weft_stats_free);
  g_clear_pointer (&self->lod, weft_lod_unref);
  g_clear_pointer (&self->model, weft_model_unref);
  g_clear_pointer (&self->processes, g_array_unref);
  g_clear_pointer (&self->meta_keys, g_ptr_array_unref);
  g_clear_pointer (&self->metadata, g_hash_table_unref);
  g_clear_pointer (&self->damage, g_free);

  G_OBJECT_CLASS (weft_document_parent_class)->finalize (object);
}

static void
weft_document_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  WeftDocument *self = WEFT_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_document_class_init (WeftDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = weft_document_finalize;
  object_class->get_property = weft_document_get_property;

  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
weft_document_init (WeftDocument *self)
{
  self->processes = g_array_new (FALSE, TRUE, sizeof (WeftDocumentProcess));
  self->meta_keys = g_ptr_array_new_with_free_func (g_free);
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gint
compare_process (gconstpointer a, gconstpointer b)
{
  const WeftDocumentProcess *pa = a, *pb = b;

  return pa->pid < pb->pid ? -1 : pa->pid > pb->pid;
}

/* What the reader knows and the model does not keep: every metadata key
 * in order, and the damage (read after the model's pass, which decodes
 * every chunk and may find more). */
static void
copy_from_reader (WeftDocument *self, WeftReader *reader)
{
  const char *const *keys = weft_reader_get_metadata_keys (reader);

  for (gsize i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      const char *value = weft_reader_get_metadata (reader, keys[i]);

      if (value == NULL || g_hash_table_contains (self->metadata, keys[i]))
        continue;
      g_ptr_array_add (self->meta_keys, g_strdup (keys[i]));
      g_hash_table_insert (self->metadata, g_strdup (keys[i]), g_strdup (value));
    }
  g_ptr_array_add (self->meta_keys, NULL);
  self->damage = g_strdup (weft_reader_get_damage (reader));
}

static void
fill_facts (WeftDocument *self)
{
  WeftModel *model = self->model;
  WeftDocumentFacts *facts = &self->facts;
  g_autoptr (GHashTable) on_cpu = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  facts->time_zero = weft_model_get_time_zero (model);
  facts->duration = weft_model_get_duration (model);
  facts->n_events = weft_model_get_n_events (model);
  facts->lost_events = weft_model_get_lost_events (model);
  facts->n_processes = weft_model_get_n_processes (model);
  facts->n_threads = weft_model_get_n_threads (model);
  facts->n_cpu_lanes = weft_model_get_n_cpus (model);
  facts->cpu_count = weft_model_get_cpu_count (model);
  facts->sched = weft_model_has_sched (model);

  for (guint i = 0; i < self->stats->n_threads; i++)
    {
      const WeftStatsThread *t = &self->stats->threads[i];
      guint64 *sum = g_hash_table_lookup (on_cpu, GUINT_TO_POINTER (t->pid));

      if (sum == NULL)
        {
          sum = g_new0 (guint64, 1);
          g_hash_table_insert (on_cpu, GUINT_TO_POINTER (t->pid), sum);
        }
      *sum += t->on_cpu_ns;
    }
  for (guint i = 0; i < facts->n_processes; i++)
    {
      const WeftModelProcess *mp = weft_model_get_process (model, i);
      const guint64 *sum = g_hash_table_lookup (on_cpu, GUINT_TO_POINTER (mp->pid));
      WeftDocumentProcess p = {
        .pid = mp->pid,
        .name = weft_model_get_name (model, mp->name),
        .n_threads = mp->n_threads,
        .on_cpu_ns = sum != NULL ? *sum : 0,
      };

      g_array_append_val (self->processes, p);
    }
  g_array_sort (self->processes, compare_process);
}

typedef struct
{
  WeftDocumentProgress func;
  gpointer data;
} Forward;

/* The model and its index report 0–1 of their pass; the bar shows it
 * after the open. */
static void
model_progress (double fraction, gpointer user_data)
{
  Forward *forward = user_data;

  forward->func (OPEN_SHARE + (1.0 - OPEN_SHARE) * CLAMP (fraction, 0.0, 1.0), forward->data);
}

WeftDocument *
weft_document_load (GFile *file, GCancellable *cancellable, WeftDocumentProgress progress,
                    gpointer progress_data, GError **error)
{
  g_autoptr (WeftDocument) self = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autofree char *path = NULL;
  Forward forward = { progress, progress_data };

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Only files on this computer can be opened"));
      return NULL;
    }

  self = g_object_new (WEFT_TYPE_DOCUMENT, NULL);
  self->file = g_object_ref (file);
  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  self->title = info != NULL ? g_strdup (g_file_info_get_display_name (info))
                             : g_filename_display_basename (path);
  /* A FIFO or a device would block the open (and Cancel) for good. A
   * missing file is left to the reader, which says so in its words. */
  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                           _("This is a folder, not a trace"));
      return NULL;
    }
  if (info != NULL && g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                           _("Not a regular file"));
      return NULL;
    }

  if (progress != NULL)
    progress (0.0, progress_data);
  reader = weft_trace_file_open (path, cancellable, error);
  if (reader == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (progress != NULL)
    progress (OPEN_SHARE, progress_data);

  /* The index is built here, in the loading thread, so the first frame of
   * the timeline does not wait for it. */
  self->lod = weft_lod_new_for_reader (reader, progress != NULL ? model_progress : NULL, &forward,
                                       cancellable, error);
  if (self->lod == NULL)
    return NULL;
  self->model = weft_model_ref (weft_lod_get_model (self->lod));
  copy_from_reader (self, reader);
  g_clear_pointer (&reader, weft_reader_free);

  self->stats = weft_stats_new_whole (self->model);
  fill_facts (self);
  if (progress != NULL)
    progress (1.0, progress_data);
  return g_steal_pointer (&self);
}

/* --- loading in a thread --- */

/* Shared by the worker and the main context: the worker stores the latest
 * fraction and schedules one idle at a time, so a fast loader cannot flood
 * the main loop. */
typedef struct
{
  gatomicrefcount ref;
  GMutex lock;
  double fraction;
  gboolean idle_pending;
  gboolean finished; /* the callback ran: report nothing more */
  GMainContext *context;
  WeftDocumentProgress func;
  gpointer data;
  GDestroyNotify data_free;
} Progress;

static Progress *
progress_ref (Progress *p)
{
  g_atomic_ref_count_inc (&p->ref);
  return p;
}

static void
progress_unref (Progress *p)
{
  if (!g_atomic_ref_count_dec (&p->ref))
    return;
  if (p->data_free != NULL)
    p->data_free (p->data);
  g_main_context_unref (p->context);
  g_mutex_clear (&p->lock);
  g_free (p);
}

static gboolean
progress_dispatch (gpointer user_data)
{
  Progress *p = user_data;
  double fraction;
  gboolean finished;

  g_mutex_lock (&p->lock);
  fraction = p->fraction;
  finished = p->finished;
  p->idle_pending = FALSE;
  g_mutex_unlock (&p->lock);

  if (!finished && p->func != NULL)
    p->func (fraction, p->data);
  return G_SOURCE_REMOVE;
}

static void
progress_from_worker (double fraction, gpointer user_data)
{
  Progress *p = user_data;
  gboolean schedule;

  g_mutex_lock (&p->lock);
  p->fraction = fraction;
  schedule = !p->idle_pending && !p->finished;
  p->idle_pending = p->idle_pending || schedule;
  g_mutex_unlock (&p->lock);

  if (schedule)
    {
      g_autoptr (GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, progress_dispatch, progress_ref (p),
                             (GDestroyNotify) progress_unref);
      g_source_set_static_name (source, "[weft] load progress");
      g_source_attach (source, p->context);
    }
}

static void
load_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GFile *file = g_task_get_task_data (task);
  Progress *p = g_object_get_data (G_OBJECT (task), "weft-progress");
  GError *error = NULL;
  WeftDocument *document;

  document = weft_document_load (file, cancellable, progress_from_worker, p, &error);
  if (document == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, document, g_object_unref);
}

void
weft_document_load_async (GFile *file, GCancellable *cancellable, WeftDocumentProgress progress,
                          gpointer progress_data, GDestroyNotify progress_data_free,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Progress *p;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  p = g_new0 (Progress, 1);
  g_atomic_ref_count_init (&p->ref);
  g_mutex_init (&p->lock);
  p->context = g_main_context_ref_thread_default ();
  p->func = progress;
  p->data = progress_data;
  p->data_free = progress_data_free;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, weft_document_load_async);
  g_task_set_name (task, "[weft] load trace");
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "weft-progress", p, (GDestroyNotify) progress_unref);
  g_task_run_in_thread (task, load_thread);
}

WeftDocument *
weft_document_load_finish (GAsyncResult *result, GError **error)
{
  Progress *p;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == weft_document_load_async,
                        NULL);

  /* The callback is running: no progress may arrive after it. */
  p = g_object_get_data (G_OBJECT (result), "weft-progress");
  g_mutex_lock (&p->lock);
  p->finished = TRUE;
  g_mutex_unlock (&p->lock);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GFile *
weft_document_get_file (WeftDocument *self)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), NULL);
  return self->file;
}

const char *
weft_document_get_title (WeftDocument *self)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), NULL);
  return self->title;
}

WeftModel *
weft_document_get_model (WeftDocument *self)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), NULL);
  return self->model;
}

WeftLod *
weft_document_get_lod (WeftDocument *self)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), NULL);
  return self->lod;
}

const WeftStats *
weft_document_get_stats (WeftDocument *self)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), NULL);
  return self->stats;
}

const char *const *
weft_document_get_metadata_keys (WeftDocument *self)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), NULL);
  return (const char *const *) self->meta_keys->pdata;
}

const char *
weft_document_get_metadata (WeftDocument *self, const char *key)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  return g_hash_table_lookup (self->metadata, key);
}

const WeftDocumentFacts *
weft_document_get_facts (WeftDocument *self)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), NULL);
  return &self->facts;
}

guint
weft_document_get_n_processes (WeftDocument *self)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), 0);
  return self->processes->len;
}

const WeftDocumentProcess *
weft_document_get_process (WeftDocument *self, guint index)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (index < self->processes->len, NULL);
  return &g_array_index (self->processes, WeftDocumentProcess, index);
}

const char *
weft_document_get_damage (WeftDocument *self)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), NULL);
  return self->damage;
}
