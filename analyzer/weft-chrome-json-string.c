/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-json-string.c: the tokenizer's strings: escapes decoded
 * (surrogate pairs joined, lone halves and NUL as U+FFFD), plain runs
 * scanned eight bytes at a time and handed out without a copy, and long
 * string values streamed piece by piece (systemTraceEvents).
 */
#include "weft-chrome-json-lexer-private.h"

#include <string.h>

#include "weft-chrome-import.h"

static void
put_utf8 (GString *s, gunichar c)
{
  char tmp[6];

  g_string_append_len (s, tmp, g_unichar_to_utf8 (c, tmp));
}

static int
hex4 (const guint8 *p)
{
  int v = 0;

  for (int i = 0; i < 4; i++)
    {
      int c = p[i], d;

      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* Decodes one escape at s (s[0] == '\\') into out; returns the bytes used,
 * 0 when it is invalid, -1 when more input is needed than [s, end) (only
 * when more can come: `more`). */
static int
decode_escape (const guint8 *s, const guint8 *end, GString *out, gboolean more)
{
  int need_more = more ? -1 : 0;

  if (end - s < 2)
    return need_more;
  switch (s[1])
    {
    case '"':
      g_string_append_c (out, '"');
      return 2;
    case '\\':
      g_string_append_c (out, '\\');
      return 2;
    case '/':
      g_string_append_c (out, '/');
      return 2;
    case 'b':
      g_string_append_c (out, '\b');
      return 2;
    case 'f':
      g_string_append_c (out, '\f');
      return 2;
    case 'n':
      g_string_append_c (out, '\n');
      return 2;
    case 'r':
      g_string_append_c (out, '\r');
      return 2;
    case 't':
      g_string_append_c (out, '\t');
      return 2;
    case 'u':
      {
        int hi, lo;

        if (end - s < 6)
          return need_more;
        hi = hex4 (s + 2);
        if (hi < 0)
          return 0;
        if (hi >= 0xd800 && hi < 0xdc00)
          {
            /* a high surrogate wants its low half in the next escape */
            if (end - s < 8 && more)
              return -1;
            if (end - s >= 8 && s[6] == '\\' && s[7] == 'u')
              {
                if (end - s < 12)
                  return need_more;
                lo = hex4 (s + 8);
                if (lo >= 0xdc00 && lo < 0xe000)
                  {
                    put_utf8 (out, 0x10000 + (((gunichar) hi - 0xd800) << 10)
                                       + ((gunichar) lo - 0xdc00));
                    return 12;
                  }
              }
            put_utf8 (out, 0xfffd);
            return 6;
          }
        /* lone low surrogates and NUL (names are C strings) become U+FFFD */
        put_utf8 (out, (hi >= 0xdc00 && hi < 0xe000) || hi == 0 ? 0xfffd : (gunichar) hi);
        return 6;
      }
    default:
      return 0;
    }
}

#define ONES G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

/* Whether any of 8 bytes is '"', '\\' or a control character. */
static inline gboolean
has_special (guint64 v)
{
  guint64 q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');

  return ((((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - ONES * 0x20) & ~v)) & HIGHS) != 0;
}

/* Plain bytes from s: stops at '"', '\\', a control character or end. */
static inline const guint8 *
scan_plain (const guint8 *s, const guint8 *end)
{
  while (end - s >= 8)
    {
      guint64 v;

      memcpy (&v, s, 8);
      if (has_special (v))
        break;
      s += 8;
    }
  while (s < end && *s != '"' && *s != '\\' && *s >= 0x20)
    s++;
  return s;
}

/* p is at the opening quote. */
WeftJsonToken
_weft_json_lex_string (WeftJson *j, WeftJsonToken tok)
{
  gsize i = 1;
  gboolean escaped = FALSE;
  const guint8 *s;

  for (;;)
    {
      const guint8 *end = j->end;

      s = j->p + i;
      for (;;)
        {
          s = scan_plain (s, end);
          if (s >= end)
            break;
          if (*s == '"')
            goto found;
          if (*s == '\\')
            {
              if (end - s < 2)
                break;
              escaped = TRUE;
              s += 2;
              continue;
            }
          return _weft_json_fail_at (j, j->base + (guint64) (s - j->buf),
                                     "control character inside a string (must be escaped)");
        }
      i = (gsize) (s - j->p);
      if (!_weft_json_refill (j))
        return j->error != NULL ? WEFT_JSON_ERROR : _weft_json_fail_eof (j, "unterminated string");
    }

found:
  if (!escaped || j->skipping)
    {
      j->text = (const char *) j->p + 1;
      j->len = (gsize) (s - j->p - 1);
    }
  else
    {
      const guint8 *q = j->p + 1;

      g_string_truncate (j->scratch, 0);
      while (q < s)
        {
          const guint8 *plain = q;
          int used;

          while (q < s && *q != '\\')
            q++;
          g_string_append_len (j->scratch, (const char *) plain, q - plain);
          if (q >= s)
            break;
          used = decode_escape (q, s, j->scratch, FALSE);
          if (used <= 0)
            return _weft_json_fail_at (j, j->base + (guint64) (q - j->buf),
                                       "invalid escape in a string");
          q += used;
        }
      j->text = j->scratch->str;
      j->len = j->scratch->len;
    }
  j->p = s + 1;
  return tok;
}

static gboolean
stream_stopped (WeftJson *j)
{
  if (j->error == NULL)
    g_set_error_literal (&j->error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_CANCELLED,
                         "the import was cancelled");
  j->state = S_FAILED;
  return FALSE;
}

gboolean
_weft_json_stream_string (WeftJson *j, WeftJsonSink sink, gpointer user_data)
{
  g_autoptr (GString) piece = g_string_sized_new (16);

  if (j->state != S_STREAMING)
    return FALSE;
  for (;;)
    {
      const guint8 *s = scan_plain (j->p, j->end);
      int used;

      if (s > j->p && sink != NULL && !sink ((const char *) j->p, (gsize) (s - j->p), user_data))
        return stream_stopped (j);
      j->p = s;
      if (s >= j->end)
        {
          if (!_weft_json_refill (j))
            {
              if (j->error == NULL)
                _weft_json_fail_eof (j, "unterminated string");
              return FALSE;
            }
          continue;
        }
      if (*s == '"')
        {
          j->p++;
          _weft_json_value_done (j, WEFT_JSON_STRING);
          return TRUE;
        }
      if (*s < 0x20)
        {
          _weft_json_fail (j, "control character inside a string (must be escaped)");
          return FALSE;
        }
      g_string_truncate (piece, 0);
      while ((used = decode_escape (j->p, j->end, piece, !j->eof)) < 0)
        if (!_weft_json_refill (j))
          {
            if (j->error == NULL)
              _weft_json_fail_eof (j, "unterminated string");
            return FALSE;
          }
      if (used == 0)
        {
          _weft_json_fail (j, "invalid escape in a string");
          return FALSE;
        }
      if (sink != NULL && !sink (piece->str, piece->len, user_data))
        return stream_stopped (j);
      j->p += used;
    }
}
