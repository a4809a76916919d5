/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-import.h: Chrome Trace Event Format (JSON, plain or gzip)
 * transcoded into .weft bytes with the trace builder, streamed, never
 * holding the document as a tree. The result opens with
 * weft_reader_new_from_bytes(), so every layer above reads one format.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WEFT_CHROME_ERROR (weft_chrome_error_quark ())
GQuark weft_chrome_error_quark (void);

typedef enum
{
  WEFT_CHROME_ERROR_IO,
  WEFT_CHROME_ERROR_SYNTAX,  /* malformed JSON: the message names the byte offset */
  WEFT_CHROME_ERROR_NOT_TRACE, /* valid JSON but not a trace */
  WEFT_CHROME_ERROR_CANCELLED,
} WeftChromeError;

/* Reads path (gzip detected by content) and returns the .weft bytes.
 * Odd but valid events are skipped and counted in the trace's metadata
 * ("import_skipped", "import_notes"). */
GBytes *weft_chrome_import_file (const char *path, GCancellable *cancellable, GError **error);

/* The same for a document already in memory (uncompressed). */
GBytes *weft_chrome_import_data (const guint8 *data, gsize len, GCancellable *cancellable,
                                 GError **error);

G_END_DECLS
