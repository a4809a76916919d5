/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-json-writer.h: a small streaming JSON writer into a GString:
 * commas, indentation and string escaping (invalid UTF-8 from a trace
 * becomes U+FFFD), so no caller builds JSON by hand.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GString *out;
  guint depth;
  guint64 first; /* bit d: nothing written yet at depth d */
  guint64 inline_; /* bit d: the container at depth d is on one line */
  gboolean after_key;
} WeftJsonWriter;

void weft_json_writer_init (WeftJsonWriter *w, GString *out);

/* Containers; one_line writes the members on the same line. */
void weft_json_begin_object (WeftJsonWriter *w, gboolean one_line);
void weft_json_end_object (WeftJsonWriter *w);
void weft_json_begin_array (WeftJsonWriter *w, gboolean one_line);
void weft_json_end_array (WeftJsonWriter *w);

void weft_json_key (WeftJsonWriter *w, const char *key);
void weft_json_string (WeftJsonWriter *w, const char *value); /* NULL writes null */
void weft_json_uint (WeftJsonWriter *w, guint64 value);
void weft_json_int (WeftJsonWriter *w, gint64 value);
void weft_json_double (WeftJsonWriter *w, double value);   /* non-finite writes null */
void weft_json_bool (WeftJsonWriter *w, gboolean value);
void weft_json_null (WeftJsonWriter *w);

/* Appends s as a JSON string literal, quotes included. */
void weft_json_append_escaped (GString *out, const char *s);

G_END_DECLS
