/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-json-private.h: the pull tokenizer under the Chrome JSON
 * importer. It reads the document through a small sliding window (or
 * straight from memory), validates the grammar as it goes, and hands out
 * one token at a time: strings without escapes point into the window (zero
 * copy), the rest are decoded into a scratch buffer. A token stays valid
 * until the next call. docs/PERFORMANCE.md explains why not a library.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  WEFT_JSON_ERROR = 0,
  WEFT_JSON_EOF,          /* after the top-level value, only whitespace */
  WEFT_JSON_OBJECT_BEGIN,
  WEFT_JSON_OBJECT_END,
  WEFT_JSON_ARRAY_BEGIN,
  WEFT_JSON_ARRAY_END,
  WEFT_JSON_KEY,          /* text: the decoded key; a value follows */
  WEFT_JSON_STRING,       /* text: the decoded string */
  WEFT_JSON_STRING_STREAM, /* a string value left unread: call _weft_json_stream_string() */
  WEFT_JSON_NUMBER,       /* text: the number as written (grammar checked) */
  WEFT_JSON_TRUE,
  WEFT_JSON_FALSE,
  WEFT_JSON_NULL,
} WeftJsonToken;

/* Fills buf with up to len bytes; 0 at the end, -1 with error set. */
typedef gssize (*WeftJsonReadFunc) (gpointer user_data, guint8 *buf, gsize len, GError **error);

/* Receives a streamed string value piece by piece (decoded); returns
 * FALSE to stop reading (the stream then fails as cancelled). */
typedef gboolean (*WeftJsonSink) (const char *data, gsize len, gpointer user_data);

typedef struct _WeftJson WeftJson;

WeftJson *_weft_json_new_memory (const guint8 *data, gsize len);
WeftJson *_weft_json_new_reader (WeftJsonReadFunc read, gpointer user_data);
/* Restarts a tokenizer on another in-memory document (no allocation). */
void _weft_json_reset_memory (WeftJson *j, const guint8 *data, gsize len);
void _weft_json_free (WeftJson *j);

WeftJsonToken _weft_json_next (WeftJson *j);

/* The current token: decoded string or key, or the number's text. */
const char *_weft_json_text (WeftJson *j, gsize *len);
/* Byte offset of the current token in the (uncompressed) document. */
guint64 _weft_json_offset (WeftJson *j);
/* Containers open around the current position. */
guint _weft_json_depth (WeftJson *j);

/* Skips the value whose first token was tok (nothing to do for scalars). */
gboolean _weft_json_skip (WeftJson *j, WeftJsonToken tok);

/* When set, the next string value is returned as WEFT_JSON_STRING_STREAM
 * and must be read with _weft_json_stream_string(): for values too big to
 * hold (systemTraceEvents). The flag clears itself after that token. */
void _weft_json_stream_next_string (WeftJson *j);
gboolean _weft_json_stream_string (WeftJson *j, WeftJsonSink sink, gpointer user_data);

/* Copies the raw text of the value whose first token is the current one
 * into out (cleared first), up to limit bytes, then skips it. Returns
 * FALSE on a syntax error; *truncated tells whether limit cut it. */
gboolean _weft_json_capture (WeftJson *j, WeftJsonToken tok, GString *out, gsize limit,
                             gboolean *truncated);

/* The first error (owned by the tokenizer), or NULL. */
const GError *_weft_json_get_error (WeftJson *j);
/* Whether that error is the input ending early (a truncated document). */
gboolean _weft_json_error_is_eof (WeftJson *j);
/* Whether that error came from the read function (I/O, damaged gzip
 * data), not from the document. */
gboolean _weft_json_error_is_read (WeftJson *j);
/* Commas before ']' that were tolerated, as Perfetto does. */
guint _weft_json_get_trailing_commas (WeftJson *j);

/* Whether text is exactly one well-formed JSON object. */
gboolean _weft_json_is_object (const char *text, gsize len);

/* Exact decimal conversion of a JSON number (or the same text inside a
 * string), never through a double: the value times 10^scale, rounded half
 * away from zero. FALSE when it is not a number or overflows gint64. */
gboolean _weft_json_decimal (const char *text, gsize len, int scale, gint64 *out);

G_END_DECLS
