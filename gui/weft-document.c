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
  WeftReader *reader;
  GArray *processes; /* WeftDocumentProcess, sorted by pid; names owned below */
  GStringChunk *strings;
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

/* How many events between two looks at the cancellable: often enough to
 * stop within a few milliseconds, rarely enough to cost nothing. */
#define CANCEL_CHECK_EVENTS 65536

static void
weft_document_finalize (GObject *object)
{
  WeftDocument *self = WEFT_DOCUMENT (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->reader, weft_reader_free);
  g_clear_pointer (&self->processes, g_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
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
  self->strings = g_string_chunk_new (256);
}

/* Names and lost-event notes describe the trace; they are not events. */
static gboolean
is_counted_event (guint8 kind)
{
  switch (kind)
    {
    case WEFT_EV_THREAD_NAME:
    case WEFT_EV_PROCESS_NAME:
    case WEFT_EV_LOCK_NAME:
    case WEFT_EV_LOST:
      return FALSE;
    default:
      return TRUE;
    }
}

static gint
compare_process (gconstpointer a, gconstpointer b)
{
  const WeftDocumentProcess *pa = a, *pb = b;

  return pa->pid < pb->pid ? -1 : pa->pid > pb->pid;
}

typedef struct
{
  WeftDocumentProcess process;
  guint64 name_time; /* when the name in process.name was given */
} ProcessScan;

/* One pass over every stream: the bounds, the counts and the processes.
 * Progress is by encoded bytes, stream by stream. */
static gboolean
scan_streams (WeftDocument *self, GCancellable *cancellable, WeftDocumentProgress progress,
              gpointer progress_data, GError **error)
{
  WeftReader *reader = self->reader;
  guint n_streams = weft_reader_get_n_streams (reader);
  g_autoptr (GHashTable) threads = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) pids = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autofree gint64 *thread_keys = g_new (gint64, MAX (n_streams, 1));
  guint64 total_bytes = 0, done_bytes = 0;
  WeftDocumentFacts *facts = &self->facts;
  gboolean any_time = FALSE;

  for (guint i = 0; i < n_streams; i++)
    total_bytes += weft_reader_get_stream (reader, i)->encoded_bytes;

  guint64 first = G_MAXUINT64, last = 0;

  for (guint i = 0; i < n_streams; i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, i);
      ProcessScan *scan = NULL;
      WeftStreamIter iter;
      WeftEvent event;
      guint64 seen = 0;

      if (info->kind == WEFT_STREAM_CPU)
        facts->n_cpu_streams++;
      else
        {
          thread_keys[i] = ((gint64) info->pid << 32) | info->tid;
          if (g_hash_table_add (threads, &thread_keys[i]))
            facts->n_threads++;
          scan = g_hash_table_lookup (pids, GUINT_TO_POINTER (info->pid));
          if (scan == NULL)
            {
              scan = g_new0 (ProcessScan, 1);
              scan->process.pid = info->pid;
              g_hash_table_insert (pids, GUINT_TO_POINTER (info->pid), scan);
            }
          scan->process.n_threads++;
        }

      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &event))
        {
          if (++seen % CANCEL_CHECK_EVENTS == 0
              && g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;

          if (event.kind == WEFT_EV_LOST)
            facts->lost_events += event.id;
          if (scan != NULL && event.kind == WEFT_EV_PROCESS_NAME
              && event.time >= scan->name_time)
            {
              scan->process.name = g_string_chunk_insert_const (
                  self->strings, weft_reader_get_string (reader, event.name));
              scan->name_time = event.time;
            }
          if (!is_counted_event (event.kind))
            continue;

          facts->n_events++;
          if (scan != NULL)
            scan->process.n_events++;
          first = MIN (first, event.time);
          last = MAX (last, event.time);
          any_time = TRUE;
        }

      done_bytes += info->encoded_bytes;
      if (progress != NULL && total_bytes > 0)
        progress ((double) done_bytes / (double) total_bytes, progress_data);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }

  if (any_time)
    {
      facts->time_zero = first;
      facts->duration = last - first;
    }

  facts->n_processes = g_hash_table_size (pids);
  {
    GHashTableIter hi;
    gpointer value;

    g_hash_table_iter_init (&hi, pids);
    while (g_hash_table_iter_next (&hi, NULL, &value))
      {
        ProcessScan *scan = value;

        if (scan->process.name == NULL)
          scan->process.name = "";
        g_array_append_val (self->processes, scan->process);
      }
    g_array_sort (self->processes, compare_process);
  }
  return TRUE;
}

WeftDocument *
weft_document_load (GFile *file, GCancellable *cancellable, WeftDocumentProgress progress,
                    gpointer progress_data, GError **error)
{
  g_autoptr (WeftDocument) self = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autofree char *path = NULL;
  const char *damage;

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
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                            G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  self->title = info != NULL ? g_strdup (g_file_info_get_display_name (info))
                             : g_filename_display_basename (path);

  if (progress != NULL)
    progress (0.0, progress_data);
  self->reader = weft_trace_file_open (path, cancellable, error);
  if (self->reader == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!scan_streams (self, cancellable, progress, progress_data, error))
    return NULL;

  /* Read after the scan: decoding may find damage the open did not. */
  damage = weft_reader_get_damage (self->reader);
  self->damage = g_strdup (damage);
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

WeftReader *
weft_document_get_reader (WeftDocument *self)
{
  g_return_val_if_fail (WEFT_IS_DOCUMENT (self), NULL);
  return self->reader;
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
