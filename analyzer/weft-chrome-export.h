/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-export.h: writes any trace the reader opens as Chrome Trace
 * Event JSON that Perfetto UI, chrome://tracing and Weft's own importer
 * read back: spans as B/E, instants, counters, async tasks (b/e), flows
 * (s/f), names (M), the scheduler as ftrace text in systemTraceEvents and
 * the trace's metadata in otherData. docs/CHROME-JSON.md has the mapping.
 */
#pragma once

#include <gio/gio.h>

#include "weft-reader.h"

G_BEGIN_DECLS

/* Receives the output in pieces; FALSE with error set stops the export. */
typedef gboolean (*WeftChromeWriteFunc) (const char *data, gsize len, gpointer user_data,
                                         GError **error);

/* Writes the events between start and end (absolute CLOCK_MONOTONIC ns,
 * inclusive; 0 and G_MAXUINT64 for everything). Spans and tasks that
 * cross an edge are cut there. */
gboolean weft_chrome_export (WeftReader *reader, guint64 start, guint64 end,
                             WeftChromeWriteFunc write, gpointer user_data,
                             GCancellable *cancellable, GError **error);

/* The same into a file, gzip-compressed when path ends in ".gz". Error
 * messages are one line without the path. */
gboolean weft_chrome_export_file (WeftReader *reader, const char *path, guint64 start,
                                  guint64 end, GCancellable *cancellable, GError **error);

/* The time of the trace's earliest event (its time zero); 0 when empty. */
guint64 weft_chrome_export_time_zero (WeftReader *reader);

G_END_DECLS
