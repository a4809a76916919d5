/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-chrome-json.c: the streaming tokenizer: tokens, escapes, numbers
 * converted exactly, errors with their byte offsets, and the same tokens
 * whatever the read sizes (every token split across refills).
 */
#include <string.h>

#include "chrome-test-util.h"
#include "weft-chrome-json-private.h"

/* One line per token: KIND[:text]. */
static char *
tokens (WeftJson *j)
{
  static const char *const names[] = {
    "error", "eof", "{", "}", "[", "]", "key", "str", "stream", "num", "true", "false", "null",
  };
  GString *out = g_string_new (NULL);
  WeftJsonToken tok;

  do
    {
      gsize len;
      const char *text;

      tok = _weft_json_next (j);
      g_string_append (out, names[tok]);
      if (tok == WEFT_JSON_KEY || tok == WEFT_JSON_STRING || tok == WEFT_JSON_NUMBER)
        {
          text = _weft_json_text (j, &len);
          g_string_append_c (out, ':');
          g_string_append_len (out, text, (gssize) len);
        }
      if (tok == WEFT_JSON_ERROR)
        g_string_append_printf (out, ":%s", _weft_json_get_error (j)->message);
      g_string_append_c (out, ' ');
    }
  while (tok != WEFT_JSON_EOF && tok != WEFT_JSON_ERROR);
  return g_string_free (out, FALSE);
}

static char *
tokens_of (const char *text)
{
  WeftJson *j = _weft_json_new_memory ((const guint8 *) text, strlen (text));
  char *out = tokens (j);

  _weft_json_free (j);
  return out;
}

typedef struct
{
  const char *data;
  gsize len, pos, step;
} Trickle;

/* A reader that hands out `step` bytes per call. */
static gssize
trickle (gpointer user_data, guint8 *buf, gsize len, GError **error)
{
  Trickle *t = user_data;
  gsize n = MIN (MIN (len, t->step), t->len - t->pos);

  memcpy (buf, t->data + t->pos, n);
  t->pos += n;
  return (gssize) n;
}

static char *
tokens_trickled (const char *text, gsize step)
{
  Trickle t = { text, strlen (text), 0, step };
  WeftJson *j = _weft_json_new_reader (trickle, &t);
  char *out = tokens (j);

  _weft_json_free (j);
  return out;
}

static void
test_tokens (void)
{
  g_autofree char *a = tokens_of (" {\"a\": [1, -2.5e3, true, false, null, \"x\"], \"b\": {}}\n");

  g_assert_cmpstr (a, ==, "{ key:a [ num:1 num:-2.5e3 true false null str:x ] key:b { } } eof ");
}

static void
test_escapes (void)
{
  g_autofree char *a = tokens_of ("[\"q\\\"b\\\\s\\/n\\nt\\tu\\u00e9\\ud83d\\ude00\"]");
  /* lone surrogates and NUL become U+FFFD (names are C strings) */
  g_autofree char *b = tokens_of ("[\"\\ud800x\\udc00\\u0000\"]");

  g_assert_cmpstr (a, ==, "[ str:q\"b\\s/n\nt\tu\xc3\xa9\xf0\x9f\x98\x80 ] eof ");
  g_assert_cmpstr (b, ==, "[ str:\xef\xbf\xbdx\xef\xbf\xbd\xef\xbf\xbd ] eof ");
}

static void
test_errors (void)
{
  static const struct
  {
    const char *doc, *expect;
  } cases[] = {
    { "", "error:malformed JSON at byte 0: unexpected end of file " },
    { "{\"a\" 1}", "{ key:a error:malformed JSON at byte 5: expected ':' after an object key " },
    { "[1 2]",
      "[ num:1 error:malformed JSON at byte 3: expected ',' or ']' after an array element " },
    { "{\"a\":1,}", "{ key:a num:1 error:malformed JSON at byte 7: expected a string key " },
    { "[\"ab\ncd\"]",
      "[ error:malformed JSON at byte 4: control character inside a string (must be escaped) " },
    { "[\"a\\x\"]", "[ error:malformed JSON at byte 3: invalid escape in a string " },
    { "[01]", "[ error:malformed JSON at byte 1: invalid number " },
    { "[1.]", "[ error:malformed JSON at byte 1: invalid number " },
    { "[tru]", "[ error:malformed JSON at byte 1: unexpected character (expected a value) " },
    { "[\"abc", "[ error:malformed JSON at byte 1: unterminated string " },
    { "{} x",
      "{ } error:malformed JSON at byte 3: unexpected data after the end of the document " },
    { "[1,", "[ num:1 error:malformed JSON at byte 3: unexpected end of file " },
    { "[}", "[ error:malformed JSON at byte 1: unexpected character (expected a value) " },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = tokens_of (cases[i].doc);

      g_assert_cmpstr (got, ==, cases[i].expect);
    }
}

static void
test_trailing_comma (void)
{
  WeftJson *j = _weft_json_new_memory ((const guint8 *) "[1,2,]", 6);
  g_autofree char *got = tokens (j);

  g_assert_cmpstr (got, ==, "[ num:1 num:2 ] eof ");
  g_assert_cmpuint (_weft_json_get_trailing_commas (j), ==, 1);
  _weft_json_free (j);
}

static void
test_depth (void)
{
  GString *doc = g_string_new (NULL);
  g_autofree char *got = NULL;

  for (int i = 0; i < 600; i++)
    g_string_append_c (doc, '[');
  got = tokens_of (doc->str);
  g_assert_true (
      g_str_has_suffix (got, "error:malformed JSON at byte 512: nesting deeper than 512 levels "));
  g_string_free (doc, TRUE);
}

/* The same tokens whatever the reads' sizes: each token crosses refills. */
static void
test_refill (void)
{
  GString *doc = g_string_new ("{\"traceEvents\": [");
  g_autofree char *whole = NULL, *whole_big = NULL, *trickled_big = NULL;

  for (int i = 0; i < 300; i++)
    g_string_append_printf (doc,
                            "{\"name\":\"ev\\u00e9\\\"%d\",\"ts\":%d.125,\"args\":{\"k\":[1,2,"
                            "{\"z\":null}]}},",
                            i, i * 1000);
  g_string_append (doc, "true]}");
  whole = tokens_of (doc->str);
  g_assert_true (g_str_has_suffix (whole, "true ] } eof "));
  for (gsize step = 1; step <= 7; step += 3)
    {
      g_autofree char *trickled = tokens_trickled (doc->str, step);

      g_assert_cmpstr (trickled, ==, whole);
    }

  /* a token longer than the 256 KiB window */
  g_string_truncate (doc, doc->len - 6);
  g_string_append (doc, "\"");
  for (int i = 0; i < 700000; i++)
    g_string_append_c (doc, (char) ('a' + i % 26));
  g_string_append (doc, "\"]}");
  whole_big = tokens_of (doc->str);
  trickled_big = tokens_trickled (doc->str, 100000);
  g_assert_cmpstr (trickled_big, ==, whole_big);
  g_assert_true (g_str_has_suffix (whole_big, "wxyzab ] } eof "));
  g_string_free (doc, TRUE);
}

static gboolean
sink (const char *data, gsize len, gpointer user_data)
{
  g_string_append_len (user_data, data, (gssize) len);
  return TRUE;
}

static void
test_stream_string (void)
{
  const char *doc = "{\"s\":\"line 1\\nli\\u00e9ne 2\\n\\\"q\\\"\", \"t\": 1}";

  for (gsize step = 1; step <= 64; step *= 4)
    {
      Trickle t = { doc, strlen (doc), 0, step };
      WeftJson *j = _weft_json_new_reader (trickle, &t);
      g_autoptr (GString) got = g_string_new (NULL);

      g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_OBJECT_BEGIN);
      g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_KEY);
      _weft_json_stream_next_string (j);
      g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_STRING_STREAM);
      g_assert_true (_weft_json_stream_string (j, sink, got));
      g_assert_cmpstr (got->str, ==, "line 1\nli\xc3\xa9ne 2\n\"q\"");
      g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_KEY);
      /* the request covers one token only: this number is read normally */
      g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_NUMBER);
      g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_OBJECT_END);
      g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_EOF);
      _weft_json_free (j);
    }
}

static void
test_capture (void)
{
  const char *doc = "[{\"args\": {\"a\": [1, {\"b\": \"x\\\"y\"}], \"c\": 2.5} , \"z\": 1}]";

  for (gsize step = 1; step <= 16; step *= 2)
    {
      Trickle t = { doc, strlen (doc), 0, step };
      WeftJson *j = _weft_json_new_reader (trickle, &t);
      g_autoptr (GString) out = g_string_new (NULL);
      gboolean truncated = TRUE;
      WeftJsonToken tok;

      g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_ARRAY_BEGIN);
      g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_OBJECT_BEGIN);
      g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_KEY);
      tok = _weft_json_next (j);
      g_assert_true (_weft_json_capture (j, tok, out, 1024, &truncated));
      g_assert_cmpstr (out->str, ==, "{\"a\": [1, {\"b\": \"x\\\"y\"}], \"c\": 2.5}");
      g_assert_false (truncated);
      g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_KEY);
      _weft_json_free (j);
    }
  {
    WeftJson *j = _weft_json_new_memory ((const guint8 *) doc, strlen (doc));
    g_autoptr (GString) out = g_string_new (NULL);
    gboolean truncated = FALSE;
    WeftJsonToken tok;

    _weft_json_next (j);
    _weft_json_next (j);
    _weft_json_next (j);
    tok = _weft_json_next (j);
    g_assert_true (_weft_json_capture (j, tok, out, 5, &truncated));
    g_assert_true (truncated);
    g_assert_cmpstr (out->str, ==, "{\"a\":");
    g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_KEY);
    _weft_json_free (j);
  }
}

static void
test_decimal (void)
{
  static const struct
  {
    const char *text;
    int scale;
    gboolean ok;
    gint64 value;
  } cases[] = {
    { "0", 3, TRUE, 0 },
    { "1", 3, TRUE, 1000 },
    { "1.5", 3, TRUE, 1500 },
    { "123.456", 3, TRUE, 123456 },
    { "0.001", 3, TRUE, 1 },
    { "0.0004", 3, TRUE, 0 },
    { "0.0005", 3, TRUE, 1 }, /* half away from zero */
    { "-0.0005", 3, TRUE, -1 },
    { "-12.25", 3, TRUE, -12250 },
    { "1e3", 3, TRUE, 1000000 },
    { "1.5E-3", 3, TRUE, 2 },
    { "2.5e-4", 3, TRUE, 0 },
    { "1234567890123.456789", 3, TRUE, 1234567890123457 },
    /* a double would lose these last digits */
    { "9007199254740993.001", 3, TRUE, G_GINT64_CONSTANT (9007199254740993001) },
    { "9223372036854775.807", 3, TRUE, G_MAXINT64 },
    { "9223372036854775.808", 3, FALSE, 0 },
    { "-9223372036854775.808", 3, TRUE, G_MININT64 },
    { "1e400", 3, FALSE, 0 },
    { "0e99999999", 3, TRUE, 0 },
    { "1e-99999999", 3, TRUE, 0 },
    { "  42 ", 0, TRUE, 42 },
    { "12.000000001", 9, TRUE, 12000000001 },
    { "", 3, FALSE, 0 },
    { "abc", 3, FALSE, 0 },
    { "1.2.3", 3, FALSE, 0 },
    { "1e", 3, FALSE, 0 },
    { ".5", 3, TRUE, 500 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 v = 0;
      gboolean ok = _weft_json_decimal (cases[i].text, strlen (cases[i].text), cases[i].scale, &v);

      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (v, ==, cases[i].value);
    }
}

static void
test_is_object (void)
{
  g_assert_true (_weft_json_is_object ("{\"a\":[1,{}]}", 12));
  g_assert_false (_weft_json_is_object ("{\"a\":1} x", 9));
  g_assert_false (_weft_json_is_object ("[1]", 3));
  g_assert_false (_weft_json_is_object ("{\"a\":", 5));
  g_assert_false (_weft_json_is_object ("key=value", 9));
}

/* A UTF-8 byte order mark before the document is skipped (error offsets
 * still count it); anywhere else it is an error, and half a mark too. */
static void
test_bom (void)
{
  g_autofree char *a = tokens_of ("\xef\xbb\xbf [1]");
  g_autofree char *b = tokens_of ("\xef\xbb\xbf{\"a\" 1}");
  g_autofree char *c = tokens_of ("[\xef\xbb\xbf" "1]");
  g_autofree char *d = tokens_of ("\xef\xbb[1]");
  g_autofree char *e = tokens_of ("\xef\xbb\xbf");
  g_autofree char *f = tokens_of ("\xef\xbb\xbf\xef\xbb\xbf[]");

  g_assert_cmpstr (a, ==, "[ num:1 ] eof ");
  g_assert_cmpstr (b, ==,
                   "{ key:a error:malformed JSON at byte 8: expected ':' after an object key ");
  g_assert_cmpstr (c, ==,
                   "[ error:malformed JSON at byte 1: unexpected character (expected a value) ");
  g_assert_cmpstr (d, ==,
                   "error:malformed JSON at byte 0: unexpected character (expected a value) ");
  g_assert_cmpstr (e, ==, "error:malformed JSON at byte 3: unexpected end of file ");
  g_assert_cmpstr (f, ==,
                   "error:malformed JSON at byte 3: unexpected character (expected a value) ");
  /* read one byte at a time: the mark arrives in pieces */
  for (gsize step = 1; step <= 3; step++)
    {
      g_autofree char *t = tokens_trickled ("\xef\xbb\xbf [1]", step);

      g_assert_cmpstr (t, ==, a);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/chrome/json/tokens", test_tokens);
  g_test_add_func ("/weft/chrome/json/escapes", test_escapes);
  g_test_add_func ("/weft/chrome/json/errors", test_errors);
  g_test_add_func ("/weft/chrome/json/trailing-comma", test_trailing_comma);
  g_test_add_func ("/weft/chrome/json/depth", test_depth);
  g_test_add_func ("/weft/chrome/json/refill", test_refill);
  g_test_add_func ("/weft/chrome/json/stream-string", test_stream_string);
  g_test_add_func ("/weft/chrome/json/capture", test_capture);
  g_test_add_func ("/weft/chrome/json/decimal", test_decimal);
  g_test_add_func ("/weft/chrome/json/is-object", test_is_object);
  g_test_add_func ("/weft/chrome/json/bom", test_bom);
  return g_test_run ();
}
