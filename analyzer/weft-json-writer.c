/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-json-writer.c: see weft-json-writer.h.
 */
#include "weft-json-writer.h"

#include <math.h>
#include <string.h>

/* Containers nest at most this deep (bits of first / inline_). */
#define MAX_DEPTH 63

void
weft_json_writer_init (WeftJsonWriter *w, GString *out)
{
  w->out = out;
  w->depth = 0;
  w->first = 1;
  w->inline_ = 0;
  w->after_key = FALSE;
}

static gboolean
is_inline (WeftJsonWriter *w)
{
  return (w->inline_ >> w->depth) & 1;
}

/* Separator and indentation before a value or key. */
static void
before_value (WeftJsonWriter *w)
{
  if (w->after_key)
    {
      w->after_key = FALSE;
      return;
    }
  if (w->depth > 0)
    {
      gboolean first = (w->first >> w->depth) & 1;
      if (!first)
        g_string_append_c (w->out, ',');
      if (is_inline (w))
        {
          if (!first)
            g_string_append_c (w->out, ' ');
        }
      else
        {
          g_string_append_c (w->out, '\n');
          for (guint i = 0; i < w->depth; i++)
            g_string_append (w->out, "  ");
        }
    }
  w->first &= ~((guint64) 1 << w->depth);
}

static void
begin (WeftJsonWriter *w, char c, gboolean one_line)
{
  gboolean parent_inline;

  g_return_if_fail (w->depth < MAX_DEPTH);
  parent_inline = is_inline (w);
  before_value (w);
  g_string_append_c (w->out, c);
  w->depth++;
  w->first |= (guint64) 1 << w->depth;
  if (one_line || parent_inline)
    w->inline_ |= (guint64) 1 << w->depth;
  else
    w->inline_ &= ~((guint64) 1 << w->depth);
}

static void
end (WeftJsonWriter *w, char c)
{
  gboolean empty, inline_;

  g_return_if_fail (w->depth > 0);
  empty = (w->first >> w->depth) & 1;
  inline_ = is_inline (w);
  w->depth--;
  if (!empty && !inline_)
    {
      g_string_append_c (w->out, '\n');
      for (guint i = 0; i < w->depth; i++)
        g_string_append (w->out, "  ");
    }
  g_string_append_c (w->out, c);
  if (w->depth == 0)
    g_string_append_c (w->out, '\n');
}

void
weft_json_begin_object (WeftJsonWriter *w, gboolean one_line)
{
  begin (w, '{', one_line);
}

void
weft_json_end_object (WeftJsonWriter *w)
{
  end (w, '}');
}

void
weft_json_begin_array (WeftJsonWriter *w, gboolean one_line)
{
  begin (w, '[', one_line);
}

void
weft_json_end_array (WeftJsonWriter *w)
{
  end (w, ']');
}

void
weft_json_append_escaped (GString *out, const char *s)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (s, -1, NULL))
    s = valid = g_utf8_make_valid (s, -1);
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        default:
          if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

void
weft_json_key (WeftJsonWriter *w, const char *key)
{
  before_value (w);
  weft_json_append_escaped (w->out, key);
  g_string_append (w->out, ": ");
  w->after_key = TRUE;
}

void
weft_json_string (WeftJsonWriter *w, const char *value)
{
  if (value == NULL)
    {
      weft_json_null (w);
      return;
    }
  before_value (w);
  weft_json_append_escaped (w->out, value);
}

void
weft_json_uint (WeftJsonWriter *w, guint64 value)
{
  before_value (w);
  g_string_append_printf (w->out, "%" G_GUINT64_FORMAT, value);
}

void
weft_json_int (WeftJsonWriter *w, gint64 value)
{
  before_value (w);
  g_string_append_printf (w->out, "%" G_GINT64_FORMAT, value);
}

void
weft_json_double (WeftJsonWriter *w, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      weft_json_null (w);
      return;
    }
  before_value (w);
  /* Six significant digits read well and round-trip what stats compute;
   * the locale never turns the point into a comma. */
  g_ascii_formatd (buf, sizeof buf, "%.6g", value);
  g_string_append (w->out, buf);
  if (strpbrk (buf, ".eEn") == NULL)
    g_string_append (w->out, ".0");
}

void
weft_json_bool (WeftJsonWriter *w, gboolean value)
{
  before_value (w);
  g_string_append (w->out, value ? "true" : "false");
}

void
weft_json_null (WeftJsonWriter *w)
{
  before_value (w);
  g_string_append (w->out, "null");
}
