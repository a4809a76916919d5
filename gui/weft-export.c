/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-export.c: the export itself, in a GTask thread. The output is
 * written to a temporary file beside it and renamed over it when
 * complete, so a failed or cancelled export leaves neither a truncated
 * file nor a damaged older one.
 */
#include "weft-config.h"

#include "weft-export.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "weft-chrome-export.h"
#include "weft-render-export.h"
#include "weft-trace-file.h"

static const struct
{
  const char *extension;
  const char *mime_type;
} formats[WEFT_EXPORT_N_FORMATS] = {
  [WEFT_EXPORT_PNG] = { ".png", "image/png" },
  [WEFT_EXPORT_SVG] = { ".svg", "image/svg+xml" },
  [WEFT_EXPORT_PDF] = { ".pdf", "application/pdf" },
  [WEFT_EXPORT_JSON] = { ".json", "application/json" },
  [WEFT_EXPORT_JSON_GZ] = { ".json.gz", "application/gzip" },
};

const char *
weft_export_format_get_extension (WeftExportFormat format)
{
  g_return_val_if_fail (format < WEFT_EXPORT_N_FORMATS, NULL);
  return formats[format].extension;
}

const char *
weft_export_format_get_mime_type (WeftExportFormat format)
{
  g_return_val_if_fail (format < WEFT_EXPORT_N_FORMATS, NULL);
  return formats[format].mime_type;
}

gboolean
weft_export_format_is_image (WeftExportFormat format)
{
  return format == WEFT_EXPORT_PNG || format == WEFT_EXPORT_SVG || format == WEFT_EXPORT_PDF;
}

void
weft_export_options_init (WeftExportOptions *options, WeftSession *session,
                          WeftExportFormat format, WeftExportExtent extent)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (WEFT_IS_SESSION (session));
  g_return_if_fail (format < WEFT_EXPORT_N_FORMATS);

  if (extent == WEFT_EXPORT_SELECTION && !weft_session_get_has_selection (session))
    extent = WEFT_EXPORT_VISIBLE;
  options->format = format;
  options->extent = extent;
  switch (extent)
    {
    case WEFT_EXPORT_SELECTION:
      options->start = weft_session_get_selection_start (session);
      options->end = weft_session_get_selection_end (session);
      break;
    case WEFT_EXPORT_VISIBLE:
      options->start = weft_session_get_visible_start (session);
      options->end = weft_session_get_visible_end (session);
      break;
    case WEFT_EXPORT_WHOLE:
    default:
      /* As `weft export` without --range (and weft_image_options_init). */
      options->start = 0;
      options->end = MAX (weft_session_get_duration (session), 1000);
      break;
    }
  if (options->end <= options->start)
    options->end = options->start + 1;
  options->width = 1920;
  options->height = 1080;
  options->scale = 1;
  options->theme = WEFT_THEME_LIGHT;
}

typedef struct
{
  WeftDocument *document;
  WeftExportOptions options;
  GFile *out;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->document);
  g_clear_object (&job->out);
  g_free (job);
}

static gboolean
write_image (Job *job, const char *path, GError **error)
{
  static const WeftImageFormat image_formats[] = {
    [WEFT_EXPORT_PNG] = WEFT_IMAGE_PNG,
    [WEFT_EXPORT_SVG] = WEFT_IMAGE_SVG,
    [WEFT_EXPORT_PDF] = WEFT_IMAGE_PDF,
  };
  const WeftExportOptions *o = &job->options;
  WeftModel *model = weft_document_get_model (job->document);
  /* A renderer of its own: the export changes its layout (rows, lane
   * height) to fit the picture, which must not touch the timeline's. The
   * index is the document's, whose queries may run on any thread. */
  g_autoptr (WeftRenderer) renderer = weft_renderer_new (weft_document_get_lod (job->document));
  WeftImageOptions image;

  weft_image_options_init (&image, model);
  image.start = o->start;
  image.end = o->end;
  image.width = o->width;
  image.height = o->height;
  image.scale = o->scale;
  image.theme = o->theme;
  /* As `weft export`: the trace's command, or else the file's name. */
  if (weft_renderer_get_title (renderer) == NULL)
    weft_renderer_set_title (renderer, weft_document_get_title (job->document));
  return weft_render_export (renderer, path, image_formats[o->format], &image, error);
}

static gboolean
write_json (Job *job, const char *path, GCancellable *cancellable, GError **error)
{
  const WeftExportOptions *o = &job->options;
  g_autofree char *trace = g_file_get_path (weft_document_get_file (job->document));
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GError) local = NULL;
  guint64 zero, start = 0, end = G_MAXUINT64;

  /* The document keeps the model, not the events: the exporter reads the
   * trace again, as `weft export` does. */
  if (trace != NULL)
    reader = weft_trace_file_open (trace, cancellable, &local);
  if (reader == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot read the trace again: %s",
                     local != NULL ? local->message : "not a local file");
      return FALSE;
    }
  /* The exporter takes absolute times; the whole trace is everything,
   * metadata events included. */
  if (o->extent != WEFT_EXPORT_WHOLE)
    {
      zero = weft_chrome_export_time_zero (reader);
      start = zero + o->start;
      end = zero + o->end;
    }
  return weft_chrome_export_file (reader, path, start, end, cancellable, error);
}

/* A new empty file beside path, created with the user's umask (as the
 * final file would be), ending in ext (which picks gzip for the Chrome
 * exporter). */
static char *
create_temporary (const char *path, const char *ext, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  int err = EEXIST;

  for (guint attempt = 0; attempt < 100 && err == EEXIST; attempt++)
    {
      g_autofree char *name = g_strdup_printf (".%s.%08x%s", base, g_random_int (), ext);
      char *temporary = g_build_filename (dir, name, NULL);
      int fd = g_open (temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

      if (fd >= 0)
        {
          close (fd);
          return temporary;
        }
      err = errno;
      g_free (temporary);
    }
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "cannot write: %s",
               g_strerror (err));
  return NULL;
}

/* Writes to a temporary beside path, then renames it to path. */
static gboolean
write_path (Job *job, const char *path, GCancellable *cancellable, GError **error)
{
  const char *ext = weft_export_format_get_extension (job->options.format);
  g_autofree char *temporary = create_temporary (path, ext, error);
  gboolean ok;

  if (temporary == NULL)
    return FALSE;
  if (weft_export_format_is_image (job->options.format))
    ok = write_image (job, temporary, error);
  else
    ok = write_json (job, temporary, cancellable, error);
  /* Drawing cannot be interrupted: a cancel that came meanwhile still
   * drops its result. */
  if (ok && g_cancellable_set_error_if_cancelled (cancellable, error))
    ok = FALSE;
  if (ok && g_rename (temporary, path) != 0)
    {
      int err = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "cannot write: %s",
                   g_strerror (err));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (temporary);
  return ok;
}

/* A file without a local path (a remote location): written in a
 * temporary folder, then copied there. */
static gboolean
write_remote (Job *job, GCancellable *cancellable, GError **error)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-export-XXXXXX", error);
  g_autofree char *path = NULL;
  g_autoptr (GFile) local = NULL;
  g_autoptr (GError) copy_error = NULL;
  gboolean ok;

  if (dir == NULL)
    return FALSE;
  path = g_build_filename (dir, "export", NULL);
  ok = write_path (job, path, cancellable, error);
  if (ok)
    {
      local = g_file_new_for_path (path);
      ok = g_file_copy (local, job->out, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL,
                        &copy_error);
      if (!ok)
        g_propagate_prefixed_error (error, g_steal_pointer (&copy_error), "cannot write: ");
      g_unlink (path);
    }
  g_rmdir (dir);
  return ok;
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  g_autofree char *path = g_file_get_path (job->out);
  GError *error = NULL;
  gboolean ok;

  if (path != NULL)
    ok = write_path (job, path, cancellable, &error);
  else
    ok = write_remote (job, cancellable, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
weft_export_run_async (WeftSession *session, const WeftExportOptions *options, GFile *out,
                       GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  WeftDocument *document;
  Job *job;

  g_return_if_fail (WEFT_IS_SESSION (session));
  g_return_if_fail (options != NULL && options->format < WEFT_EXPORT_N_FORMATS);
  g_return_if_fail (G_IS_FILE (out));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, weft_export_run_async);
  document = weft_session_get_document (session);
  if (document == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "no trace is open");
      return;
    }
  job = g_new0 (Job, 1);
  job->document = g_object_ref (document);
  job->options = *options;
  job->out = g_object_ref (out);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_thread);
}

gboolean
weft_export_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == weft_export_run_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
