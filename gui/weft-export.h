/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-export.h: Export… without its dialog: a session's trace written to
 * a file in a worker thread, as `weft export` writes it: the timeline
 * image (PNG, SVG, PDF) through the same renderer function
 * (weft_render_export), or Chrome Trace Event JSON (plain or gzip)
 * through the same exporter. The dialog (weft-export-dialog.h) only picks
 * the options and the file; tests drive this directly.
 */
#pragma once

#include <gio/gio.h>

#include "weft-palette.h"
#include "weft-session.h"

G_BEGIN_DECLS

typedef enum
{
  WEFT_EXPORT_PNG,
  WEFT_EXPORT_SVG,
  WEFT_EXPORT_PDF,
  WEFT_EXPORT_JSON,    /* Chrome Trace Event JSON */
  WEFT_EXPORT_JSON_GZ, /* the same, gzip-compressed */
} WeftExportFormat;

#define WEFT_EXPORT_N_FORMATS (WEFT_EXPORT_JSON_GZ + 1)

/* Which time range is exported. */
typedef enum
{
  WEFT_EXPORT_VISIBLE,   /* what the timeline shows */
  WEFT_EXPORT_WHOLE,     /* the whole trace */
  WEFT_EXPORT_SELECTION, /* the selected range */
} WeftExportExtent;

typedef struct
{
  WeftExportFormat format;
  WeftExportExtent extent;
  guint64 start;  /* the range, trace-relative ns (end > start): filled */
  guint64 end;    /* from extent by weft_export_options_init() */
  guint width;    /* pixels for PNG, points for SVG and PDF */
  guint height;
  guint scale;    /* PNG only: 1, or 2 for HiDPI */
  WeftTheme theme;
} WeftExportOptions;

/* The file name extension with its dot: ".png" … ".json.gz". */
const char *weft_export_format_get_extension (WeftExportFormat format);
/* The MIME type of the format's files. */
const char *weft_export_format_get_mime_type (WeftExportFormat format);
/* PNG, SVG and PDF: the timeline image (size, scale and theme apply). */
gboolean weft_export_format_is_image (WeftExportFormat format);

/* Options for session's document over extent (the selection falls back
 * to the visible range when there is none): 1920 × 1080, scale 1, light.
 * The whole trace is at least 1 µs, as `weft export` draws it. */
void weft_export_options_init (WeftExportOptions *options, WeftSession *session,
                               WeftExportFormat format, WeftExportExtent extent);

/* Writes session's document to out with options, in a worker thread.
 * Needs a document. On failure (or when cancelled) out is not left
 * half-written; the error's message is one line without the path. */
void weft_export_run_async (WeftSession *session, const WeftExportOptions *options, GFile *out,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
gboolean weft_export_run_finish (GAsyncResult *result, GError **error);

G_END_DECLS
