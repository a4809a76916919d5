/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-trace-file.h: opens any trace Weft reads, by content: a .weft file,
 * or Chrome Trace Event JSON (plain or gzip), which is transcoded into the
 * .weft format in memory so every layer above sees one kind of reader.
 */
#pragma once

#include <gio/gio.h>

#include "weft-reader.h"

G_BEGIN_DECLS

typedef enum
{
  WEFT_TRACE_FORMAT_UNKNOWN,
  WEFT_TRACE_FORMAT_WEFT,
  WEFT_TRACE_FORMAT_CHROME_JSON,
  WEFT_TRACE_FORMAT_GZIP, /* gzip of (presumably) Chrome JSON */
} WeftTraceFormat;

/* Guesses from the first bytes of a file. */
WeftTraceFormat weft_trace_file_detect (const guint8 *head, gsize len);

/* Opens path whatever its format. Errors are one line without the path. */
WeftReader *weft_trace_file_open (const char *path, GCancellable *cancellable, GError **error);

G_END_DECLS
