/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-json-lexer-private.h: what the tokenizer's two files share:
 * the tokenizer's state (the window over the document, the grammar state,
 * the current token) and the helpers both lex with. weft-chrome-json.c
 * reads structure, numbers and literals; weft-chrome-json-string.c reads
 * strings. The importer sees only weft-chrome-json-private.h.
 */
#pragma once

#include "weft-chrome-json-private.h"

G_BEGIN_DECLS

#define MAX_DEPTH 512

enum
{
  S_VALUE,        /* a value (the top level, or after ':') */
  S_ARRAY_FIRST,  /* after '[': a value or ']' */
  S_ARRAY_NEXT,   /* after an element: ',' or ']' */
  S_OBJECT_FIRST, /* after '{': a key or '}' */
  S_OBJECT_NEXT,  /* after a member: ',' or '}' */
  S_COLON,        /* after a key: ':' then a value */
  S_STREAMING,    /* inside a string handed out as WEFT_JSON_STRING_STREAM */
  S_DONE,         /* the top-level value is complete */
  S_FAILED,
};

struct _WeftJson
{
  const guint8 *buf, *p, *end; /* the window: buf[0] is at document offset base */
  guint64 base;
  guint8 *own; /* the window's storage for a reader source */
  gsize own_size;
  WeftJsonReadFunc read;
  gpointer read_data;
  gboolean eof;

  int state;
  guint depth;
  guint8 stack[MAX_DEPTH]; /* '[' or '{' per open container */

  guint64 tok_offset;
  const char *text;
  gsize len;
  GString *scratch;  /* decoded strings with escapes */
  gboolean skipping; /* strings are only scanned, not decoded */
  gboolean stream_next;

  /* raw capture (args objects): bytes before the window's p are flushed
   * here on every refill */
  GString *capture;
  const guint8 *capture_from;
  gsize capture_limit;
  gboolean capture_truncated;

  guint trailing_commas;
  gboolean at_start; /* before the document: a byte order mark may come */
  gboolean error_eof;
  gboolean error_read; /* the error came from the read function (I/O, gzip) */
  GError *error;
};

/* Errors: the first one sticks and fails the tokenizer; offset is in the
 * document. They return WEFT_JSON_ERROR. */
WeftJsonToken _weft_json_fail_at (WeftJson *j, guint64 offset, const char *what);
/* At the current position. */
WeftJsonToken _weft_json_fail (WeftJson *j, const char *what);
/* The input ended early (a truncated document). */
WeftJsonToken _weft_json_fail_eof (WeftJson *j, const char *what);

/* Brings more input into the window, keeping everything from p on (the
 * token being lexed). FALSE at the end of input or on a read error. */
gboolean _weft_json_refill (WeftJson *j);

/* A string at p (its opening quote), returned as tok (KEY or STRING). */
WeftJsonToken _weft_json_lex_string (WeftJson *j, WeftJsonToken tok);

static inline WeftJsonToken
_weft_json_value_done (WeftJson *j, WeftJsonToken tok)
{
  if (j->depth == 0)
    j->state = S_DONE;
  else
    j->state = j->stack[j->depth - 1] == '[' ? S_ARRAY_NEXT : S_OBJECT_NEXT;
  return tok;
}

G_END_DECLS
