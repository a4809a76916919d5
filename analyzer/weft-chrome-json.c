/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-json.c: a streaming JSON pull tokenizer. The input is hostile:
 * every read is bounds-checked, nesting and token sizes are capped, and an
 * error names the byte offset where the document stopped making sense.
 * This file: the window over the input, the grammar's state machine,
 * numbers, literals, skipping and capturing values; strings are in
 * weft-chrome-json-string.c.
 */
#include "weft-chrome-json-lexer-private.h"

#include <string.h>

#include "weft-chrome-import.h"

#define WINDOW (256 * 1024)
/* A token (string, number) longer than this is refused rather than held. */
#define MAX_TOKEN (256u * 1024 * 1024)

static void
init_common (WeftJson *j)
{
  j->scratch = g_string_sized_new (256);
  j->state = S_VALUE;
  j->at_start = TRUE;
}

WeftJson *
_weft_json_new_memory (const guint8 *data, gsize len)
{
  WeftJson *j = g_new0 (WeftJson, 1);

  init_common (j);
  _weft_json_reset_memory (j, data, len);
  return j;
}

void
_weft_json_reset_memory (WeftJson *j, const guint8 *data, gsize len)
{
  g_clear_error (&j->error);
  j->buf = j->p = data;
  j->end = data + len;
  j->base = 0;
  j->eof = TRUE;
  j->read = NULL;
  j->state = S_VALUE;
  j->depth = 0;
  j->skipping = FALSE;
  j->stream_next = FALSE;
  j->capture = NULL;
  j->trailing_commas = 0;
  j->at_start = TRUE;
  j->error_eof = FALSE;
  j->error_read = FALSE;
  j->text = NULL;
  j->len = 0;
}

WeftJson *
_weft_json_new_reader (WeftJsonReadFunc read, gpointer user_data)
{
  WeftJson *j = g_new0 (WeftJson, 1);

  init_common (j);
  j->read = read;
  j->read_data = user_data;
  j->own_size = WINDOW;
  j->own = g_malloc (j->own_size);
  j->buf = j->p = j->end = j->own;
  return j;
}

void
_weft_json_free (WeftJson *j)
{
  if (j == NULL)
    return;
  g_string_free (j->scratch, TRUE);
  g_free (j->own);
  g_clear_error (&j->error);
  g_free (j);
}

const char *
_weft_json_text (WeftJson *j, gsize *len)
{
  *len = j->len;
  return j->text;
}

guint64
_weft_json_offset (WeftJson *j)
{
  return j->tok_offset;
}

guint
_weft_json_depth (WeftJson *j)
{
  return j->depth;
}

const GError *
_weft_json_get_error (WeftJson *j)
{
  return j->error;
}

gboolean
_weft_json_error_is_eof (WeftJson *j)
{
  return j->error != NULL && j->error_eof;
}

gboolean
_weft_json_error_is_read (WeftJson *j)
{
  return j->error != NULL && j->error_read;
}

guint
_weft_json_get_trailing_commas (WeftJson *j)
{
  return j->trailing_commas;
}

void
_weft_json_stream_next_string (WeftJson *j)
{
  j->stream_next = TRUE;
}

WeftJsonToken
_weft_json_fail_at (WeftJson *j, guint64 offset, const char *what)
{
  if (j->error == NULL)
    g_set_error (&j->error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_SYNTAX,
                 "malformed JSON at byte %" G_GUINT64_FORMAT ": %s", offset, what);
  j->state = S_FAILED;
  return WEFT_JSON_ERROR;
}

WeftJsonToken
_weft_json_fail (WeftJson *j, const char *what)
{
  return _weft_json_fail_at (j, j->base + (guint64) (j->p - j->buf), what);
}

WeftJsonToken
_weft_json_fail_eof (WeftJson *j, const char *what)
{
  if (j->error == NULL)
    j->error_eof = TRUE;
  return _weft_json_fail (j, what);
}

static void
capture_flush (WeftJson *j, const guint8 *upto)
{
  gsize n = (gsize) (upto - j->capture_from);

  if (j->capture->len + n > j->capture_limit)
    {
      n = j->capture_limit > j->capture->len ? j->capture_limit - j->capture->len : 0;
      j->capture_truncated = TRUE;
    }
  g_string_append_len (j->capture, (const char *) j->capture_from, (gssize) n);
  j->capture_from = upto;
}

gboolean
_weft_json_refill (WeftJson *j)
{
  gsize keep, n_free;
  gssize n;

  if (j->eof || j->read == NULL)
    {
      j->eof = TRUE;
      return FALSE;
    }
  if (j->capture != NULL)
    capture_flush (j, j->p);
  keep = (gsize) (j->end - j->p);
  if (keep > MAX_TOKEN)
    {
      _weft_json_fail (j, "a single token is larger than 256 MiB");
      return FALSE;
    }
  j->base += (guint64) (j->p - j->buf);
  if (keep > 0 && j->p != j->own)
    memmove (j->own, j->p, keep);
  if (keep + WINDOW / 2 > j->own_size)
    {
      gsize size = j->own_size * 2;
      guint8 *grown = g_try_realloc (j->own, size);

      if (grown == NULL)
        {
          j->buf = j->p = j->own;
          j->end = j->own + keep;
          _weft_json_fail (j, "out of memory for a long token");
          return FALSE;
        }
      j->own = grown;
      j->own_size = size;
    }
  j->buf = j->p = j->own;
  j->end = j->own + keep;
  if (j->capture != NULL)
    j->capture_from = j->p;
  n_free = j->own_size - keep;
  n = j->read (j->read_data, j->own + keep, n_free, &j->error);
  if (n < 0)
    {
      j->error_read = TRUE;
      j->state = S_FAILED;
      return FALSE;
    }
  if (n == 0)
    {
      j->eof = TRUE;
      return FALSE;
    }
  j->end += n;
  return TRUE;
}

static inline gboolean
is_ws (guint8 c)
{
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* FALSE at the end of input (or on a read error). */
static inline gboolean
skip_ws (WeftJson *j)
{
  for (;;)
    {
      const guint8 *p = j->p, *end = j->end;

      while (p < end && is_ws (*p))
        p++;
      j->p = p;
      if (p < end)
        return TRUE;
      if (!_weft_json_refill (j))
        return FALSE;
    }
}

/* FALSE when fewer than n bytes remain in the whole input. */
static gboolean
ensure (WeftJson *j, gsize n)
{
  while ((gsize) (j->end - j->p) < n)
    if (!_weft_json_refill (j))
      return FALSE;
  return TRUE;
}

static gboolean
is_number_char (guint8 c)
{
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* The JSON number grammar, over exactly [s, s + len). */
static gboolean
number_valid (const char *s, gsize len)
{
  const char *e = s + len;

  if (s < e && *s == '-')
    s++;
  if (s >= e || !g_ascii_isdigit (*s))
    return FALSE;
  if (*s == '0')
    s++;
  else
    while (s < e && g_ascii_isdigit (*s))
      s++;
  if (s < e && *s == '.')
    {
      s++;
      if (s >= e || !g_ascii_isdigit (*s))
        return FALSE;
      while (s < e && g_ascii_isdigit (*s))
        s++;
    }
  if (s < e && (*s == 'e' || *s == 'E'))
    {
      s++;
      if (s < e && (*s == '+' || *s == '-'))
        s++;
      if (s >= e || !g_ascii_isdigit (*s))
        return FALSE;
      while (s < e && g_ascii_isdigit (*s))
        s++;
    }
  return s == e;
}

static WeftJsonToken
lex_number (WeftJson *j)
{
  gsize i = 0;

  for (;;)
    {
      const guint8 *s = j->p + i, *end = j->end;

      while (s < end && is_number_char (*s))
        s++;
      i = (gsize) (s - j->p);
      if (s < end || !_weft_json_refill (j))
        break;
    }
  if (j->error != NULL)
    return WEFT_JSON_ERROR;
  if (!number_valid ((const char *) j->p, i))
    return _weft_json_fail (j, "invalid number");
  j->text = (const char *) j->p;
  j->len = i;
  j->p += i;
  return _weft_json_value_done (j, WEFT_JSON_NUMBER);
}

static WeftJsonToken
lex_literal (WeftJson *j, const char *word, WeftJsonToken tok)
{
  gsize n = strlen (word);

  if (!ensure (j, n))
    {
      if (j->error != NULL)
        return WEFT_JSON_ERROR;
      if (memcmp (j->p, word, (gsize) (j->end - j->p)) == 0)
        return _weft_json_fail_eof (j, "unexpected end of file");
      return _weft_json_fail (j, "unexpected character");
    }
  if (memcmp (j->p, word, n) != 0)
    return _weft_json_fail (j, "unexpected character (expected a value)");
  j->p += n;
  return _weft_json_value_done (j, tok);
}

static WeftJsonToken
lex_value (WeftJson *j)
{
  guint8 c = *j->p;

  j->tok_offset = j->base + (guint64) (j->p - j->buf);
  switch (c)
    {
    case '{':
    case '[':
      if (j->depth >= MAX_DEPTH)
        return _weft_json_fail (j, "nesting deeper than 512 levels");
      j->stack[j->depth++] = c;
      j->p++;
      j->state = c == '{' ? S_OBJECT_FIRST : S_ARRAY_FIRST;
      return c == '{' ? WEFT_JSON_OBJECT_BEGIN : WEFT_JSON_ARRAY_BEGIN;
    case '"':
      if (j->stream_next)
        {
          j->stream_next = FALSE;
          j->p++;
          j->state = S_STREAMING;
          return WEFT_JSON_STRING_STREAM;
        }
      if (_weft_json_lex_string (j, WEFT_JSON_STRING) == WEFT_JSON_ERROR)
        return WEFT_JSON_ERROR;
      return _weft_json_value_done (j, WEFT_JSON_STRING);
    case 't':
      return lex_literal (j, "true", WEFT_JSON_TRUE);
    case 'f':
      return lex_literal (j, "false", WEFT_JSON_FALSE);
    case 'n':
      return lex_literal (j, "null", WEFT_JSON_NULL);
    default:
      if (c == '-' || (c >= '0' && c <= '9'))
        return lex_number (j);
      return _weft_json_fail (j, "unexpected character (expected a value)");
    }
}

static WeftJsonToken
lex_key (WeftJson *j)
{
  j->tok_offset = j->base + (guint64) (j->p - j->buf);
  if (*j->p != '"')
    return _weft_json_fail (j, "expected a string key");
  if (_weft_json_lex_string (j, WEFT_JSON_KEY) == WEFT_JSON_ERROR)
    return WEFT_JSON_ERROR;
  j->state = S_COLON;
  return WEFT_JSON_KEY;
}

static WeftJsonToken
close_container (WeftJson *j)
{
  j->tok_offset = j->base + (guint64) (j->p - j->buf);
  j->depth--;
  j->p++;
  return _weft_json_value_done (j, j->stack[j->depth] == '[' ? WEFT_JSON_ARRAY_END
                                                             : WEFT_JSON_OBJECT_END);
}

/* Skips whitespace; at the end of input, *tok says why. */
static inline gboolean
skip_ws_or_eof (WeftJson *j, WeftJsonToken *tok)
{
  if (G_LIKELY (j->p < j->end && !is_ws (*j->p)))
    return TRUE;
  if (skip_ws (j))
    return TRUE;
  if (j->error != NULL)
    *tok = WEFT_JSON_ERROR;
  else if (j->state == S_DONE)
    *tok = WEFT_JSON_EOF;
  else
    *tok = _weft_json_fail_eof (j, "unexpected end of file");
  return FALSE;
}

static WeftJsonToken
next_token (WeftJson *j)
{
  WeftJsonToken tok;

  if (j->state == S_FAILED)
    return WEFT_JSON_ERROR;
  if (j->state == S_STREAMING)
    return _weft_json_fail (j, "internal: a streamed string was not read");
  if (G_UNLIKELY (j->at_start))
    {
      /* A UTF-8 byte order mark before the document, as some Windows
       * tools write it: Perfetto and Python's json accept it. Offsets
       * still count it (they are the file's). */
      j->at_start = FALSE;
      if (ensure (j, 3) && memcmp (j->p, "\xef\xbb\xbf", 3) == 0)
        j->p += 3;
      if (j->error != NULL)
        return WEFT_JSON_ERROR;
    }
  if (!skip_ws_or_eof (j, &tok))
    return tok;
  switch (j->state)
    {
    case S_DONE:
      return _weft_json_fail (j, "unexpected data after the end of the document");
    case S_COLON:
      if (*j->p != ':')
        return _weft_json_fail (j, "expected ':' after an object key");
      j->p++;
      j->state = S_VALUE;
      if (!skip_ws_or_eof (j, &tok))
        return tok;
      return lex_value (j);
    case S_VALUE:
      return lex_value (j);
    case S_ARRAY_FIRST:
      if (*j->p == ']')
        return close_container (j);
      return lex_value (j);
    case S_ARRAY_NEXT:
      if (*j->p == ']')
        return close_container (j);
      if (*j->p != ',')
        return _weft_json_fail (j, "expected ',' or ']' after an array element");
      j->p++;
      if (!skip_ws_or_eof (j, &tok))
        return tok;
      if (*j->p == ']')
        {
          j->trailing_commas++;
          return close_container (j);
        }
      return lex_value (j);
    case S_OBJECT_FIRST:
      if (*j->p == '}')
        return close_container (j);
      return lex_key (j);
    case S_OBJECT_NEXT:
      if (*j->p == '}')
        return close_container (j);
      if (*j->p != ',')
        return _weft_json_fail (j, "expected ',' or '}' after an object member");
      j->p++;
      if (!skip_ws_or_eof (j, &tok))
        return tok;
      return lex_key (j);
    default:
      return _weft_json_fail (j, "internal: bad tokenizer state");
    }
}

WeftJsonToken
_weft_json_next (WeftJson *j)
{
  WeftJsonToken tok = next_token (j);

  /* the stream request covers only the token right after it */
  j->stream_next = FALSE;
  return tok;
}

gboolean
_weft_json_skip (WeftJson *j, WeftJsonToken tok)
{
  guint target;
  gboolean was_skipping = j->skipping;

  if (tok == WEFT_JSON_ERROR)
    return FALSE;
  if (tok == WEFT_JSON_STRING_STREAM)
    return _weft_json_stream_string (j, NULL, NULL);
  if (tok != WEFT_JSON_OBJECT_BEGIN && tok != WEFT_JSON_ARRAY_BEGIN)
    return TRUE;
  target = j->depth - 1;
  j->skipping = TRUE;
  while (j->depth > target)
    {
      tok = _weft_json_next (j);
      if (tok == WEFT_JSON_ERROR)
        break;
    }
  j->skipping = was_skipping;
  return j->error == NULL;
}

gboolean
_weft_json_capture (WeftJson *j, WeftJsonToken tok, GString *out, gsize limit, gboolean *truncated)
{
  gboolean ok;

  g_string_truncate (out, 0);
  j->capture = out;
  j->capture_limit = limit;
  j->capture_truncated = FALSE;
  /* the value's first token was consumed: start the copy where it began */
  j->capture_from = j->buf + (j->tok_offset - j->base);
  if (tok == WEFT_JSON_STRING_STREAM)
    {
      j->capture = NULL;
      *truncated = TRUE;
      return _weft_json_skip (j, tok);
    }
  ok = _weft_json_skip (j, tok);
  if (ok)
    capture_flush (j, j->p);
  j->capture = NULL;
  *truncated = j->capture_truncated;
  return ok;
}
