/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-import.c: walks a Chrome Trace Event document token by token
 * (object form with traceEvents, or a bare array, whose closing bracket a
 * crashed tracer may never have written), reads each event's fields, and
 * hands it to weft-chrome-events.c; weft-chrome-emit.c then writes the
 * .weft trace. The public entry points and the file sources are here.
 */
#include "weft-chrome-import.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "weft-chrome-import-private.h"

G_DEFINE_QUARK (weft - chrome - error - quark, weft_chrome_error)

static void
skip_event (WeftChromeImport *im, WeftChromeSkip why)
{
  im->skipped[why]++;
}

/* ---- values ---- */

static guint32
intern (WeftChromeParser *p, const char *s, gsize len)
{
  return _weft_chrome_intern (p->im, s, len);
}

/* A time in µs (number, or a number inside a string) to exact ns. */
static gboolean
read_time (WeftChromeParser *p, WeftJsonToken tok, gint64 *out)
{
  gsize len;
  const char *text = _weft_json_text (p->j, &len);

  if (tok == WEFT_JSON_NUMBER || tok == WEFT_JSON_STRING)
    return _weft_json_decimal (text, len, 3, out);
  _weft_json_skip (p->j, tok);
  return FALSE;
}

static gboolean
parse_hex (const char *s, gsize len, guint64 *out)
{
  guint64 v = 0;

  if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    s += 2, len -= 2;
  else
    return FALSE;
  if (len == 0 || len > 16)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      int d = g_ascii_xdigit_value (s[i]);

      if (d < 0)
        return FALSE;
      v = v << 4 | (guint64) d;
    }
  *out = v;
  return TRUE;
}

/* An async or flow id: numbers and "0x…" strings compare as numbers. */
static gboolean
read_id (WeftChromeParser *p, WeftJsonToken tok, WeftChromeId *out)
{
  gsize len;
  const char *text = _weft_json_text (p->j, &len);
  gint64 v;

  if (tok == WEFT_JSON_NUMBER)
    {
      if (_weft_json_decimal (text, len, 0, &v) && v >= 0 && memchr (text, '.', len) == NULL)
        *out = (WeftChromeId){ ID_NUM, (guint64) v, 0 };
      else
        *out = (WeftChromeId){ ID_STR, 0, intern (p, text, len) };
      return TRUE;
    }
  if (tok == WEFT_JSON_STRING)
    {
      guint64 num;

      if (parse_hex (text, len, &num))
        *out = (WeftChromeId){ ID_NUM, num, 0 };
      else
        *out = (WeftChromeId){ ID_STR, 0, intern (p, text, len) };
      return TRUE;
    }
  _weft_json_skip (p->j, tok);
  return FALSE;
}

/* pid/tid: a number below the synthetic range is kept; anything else
 * (strings, negative or huge numbers) is mapped by its text. */
static gboolean
read_pidtid (WeftChromeParser *p, WeftJsonToken tok, WeftChromeId *out)
{
  gsize len;
  const char *text = _weft_json_text (p->j, &len);
  gint64 v;

  if (tok != WEFT_JSON_NUMBER && tok != WEFT_JSON_STRING)
    {
      _weft_json_skip (p->j, tok);
      return FALSE;
    }
  if (len > 0 && g_ascii_isdigit (text[0]) && _weft_json_decimal (text, len, 0, &v) && v >= 0
      && v < WEFT_CHROME_SYNTHETIC_BASE)
    {
      gint64 check;

      /* 1.5 rounds to 2: only exact integers are the number itself */
      if (_weft_json_decimal (text, len, 1, &check) && check == v * 10)
        {
          *out = (WeftChromeId){ ID_NUM, (guint64) v, 0 };
          return TRUE;
        }
    }
  *out = (WeftChromeId){ ID_STR, 0, intern (p, text, len) };
  return TRUE;
}

typedef enum
{
  K_OTHER,
  K_PH,
  K_NAME,
  K_CAT,
  K_TS,
  K_DUR,
  K_PID,
  K_TID,
  K_ID,
  K_ID2,
  K_ARGS,
  K_S,
  K_BP,
  K_SCOPE,
  K_BIND_ID,
  K_FLOW_IN,
  K_FLOW_OUT,
} Key;

static Key
classify_key (const char *k, gsize len)
{
#define IS(lit) (len == sizeof (lit) - 1 && memcmp (k, lit, len) == 0)
  switch (len)
    {
    case 1:
      return k[0] == 's' ? K_S : K_OTHER;
    case 2:
      if (IS ("ph"))
        return K_PH;
      if (IS ("ts"))
        return K_TS;
      if (IS ("id"))
        return K_ID;
      if (IS ("bp"))
        return K_BP;
      return K_OTHER;
    case 3:
      if (IS ("pid"))
        return K_PID;
      if (IS ("tid"))
        return K_TID;
      if (IS ("cat"))
        return K_CAT;
      if (IS ("dur"))
        return K_DUR;
      if (IS ("id2"))
        return K_ID2;
      return K_OTHER;
    case 4:
      if (IS ("name"))
        return K_NAME;
      if (IS ("args"))
        return K_ARGS;
      return K_OTHER;
    case 5:
      return IS ("scope") ? K_SCOPE : K_OTHER;
    case 7:
      if (IS ("bind_id"))
        return K_BIND_ID;
      if (IS ("flow_in"))
        return K_FLOW_IN;
      return K_OTHER;
    case 8:
      return IS ("flow_out") ? K_FLOW_OUT : K_OTHER;
    default:
      return K_OTHER;
    }
#undef IS
}

static gboolean
read_id2 (WeftChromeParser *p, WeftChromeEvent *ev)
{
  WeftJsonToken tok;

  while ((tok = _weft_json_next (p->j)) == WEFT_JSON_KEY)
    {
      gsize len;
      const char *k = _weft_json_text (p->j, &len);
      WeftChromeId *target = NULL;

      if (len == 5 && memcmp (k, "local", 5) == 0)
        target = &ev->id2_local;
      else if (len == 6 && memcmp (k, "global", 6) == 0)
        target = &ev->id2_global;
      tok = _weft_json_next (p->j);
      if (target != NULL)
        read_id (p, tok, target);
      else if (!_weft_json_skip (p->j, tok))
        return FALSE;
    }
  return tok == WEFT_JSON_OBJECT_END;
}

/* After the '{' of an event: reads its members, then records it. */
static gboolean
parse_event (WeftChromeParser *p)
{
  WeftChromeEvent ev = { 0 };
  WeftJsonToken tok;

  p->args->len = 0;
  while ((tok = _weft_json_next (p->j)) == WEFT_JSON_KEY)
    {
      gsize len;
      const char *text = _weft_json_text (p->j, &len);
      Key key = classify_key (text, len);

      tok = _weft_json_next (p->j);
      if (tok == WEFT_JSON_ERROR)
        return FALSE;
      text = _weft_json_text (p->j, &len);
      switch (key)
        {
        case K_PH:
          if (tok == WEFT_JSON_STRING && len > 0)
            ev.ph = text[0];
          break;
        case K_NAME:
          if (tok == WEFT_JSON_STRING)
            ev.name = intern (p, text, len);
          break;
        case K_CAT:
          if (tok == WEFT_JSON_STRING)
            ev.cat = intern (p, text, len);
          break;
        case K_TS:
          ev.has_ts = TRUE;
          ev.ts_ok = read_time (p, tok, &ev.ts);
          continue;
        case K_DUR:
          ev.has_dur = TRUE;
          ev.dur_ok = read_time (p, tok, &ev.dur);
          continue;
        case K_PID:
          read_pidtid (p, tok, &ev.pid);
          continue;
        case K_TID:
          read_pidtid (p, tok, &ev.tid);
          continue;
        case K_ID:
          read_id (p, tok, &ev.id);
          continue;
        case K_BIND_ID:
          read_id (p, tok, &ev.bind_id);
          continue;
        case K_ID2:
          if (tok == WEFT_JSON_OBJECT_BEGIN)
            {
              if (!read_id2 (p, &ev))
                return FALSE;
              continue;
            }
          break;
        case K_ARGS:
          ev.has_args = TRUE;
          if (!_weft_json_capture (p->j, tok, p->args, WEFT_CHROME_ARGS_MAX, &ev.args_truncated))
            return FALSE;
          continue;
        case K_S:
          if (tok == WEFT_JSON_STRING && len > 0)
            ev.s = text[0];
          break;
        case K_BP:
          ev.bp_e = tok == WEFT_JSON_STRING && len == 1 && text[0] == 'e';
          break;
        case K_SCOPE:
          if (tok == WEFT_JSON_STRING)
            ev.scope = intern (p, text, len);
          break;
        case K_FLOW_IN:
          ev.flow_in = tok == WEFT_JSON_TRUE;
          break;
        case K_FLOW_OUT:
          ev.flow_out = tok == WEFT_JSON_TRUE;
          break;
        case K_OTHER:
          break;
        }
      /* whatever was not taken above: a scalar is already read, a
       * container is skipped */
      if (!_weft_json_skip (p->j, tok))
        return FALSE;
    }
  if (tok != WEFT_JSON_OBJECT_END)
    return FALSE;
  _weft_chrome_commit_event (p, &ev);
  return TRUE;
}

static gboolean
check_cancelled (WeftChromeParser *p)
{
  return p->cancellable != NULL && g_cancellable_is_cancelled (p->cancellable);
}

/* After the '[' of the events array. */
static gboolean
parse_events (WeftChromeParser *p, GError **error)
{
  WeftJsonToken tok;

  while ((tok = _weft_json_next (p->j)) != WEFT_JSON_ARRAY_END)
    {
      if (tok == WEFT_JSON_OBJECT_BEGIN)
        {
          if (!parse_event (p))
            break;
        }
      else if (tok == WEFT_JSON_ERROR)
        break;
      else
        {
          skip_event (p->im, SKIP_NOT_OBJECT);
          if (!_weft_json_skip (p->j, tok))
            break;
        }
      if ((++p->n_objects & 4095) == 0 && check_cancelled (p))
        {
          g_set_error_literal (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_CANCELLED,
                               "the import was cancelled");
          return FALSE;
        }
    }
  if (tok == WEFT_JSON_ARRAY_END)
    return TRUE;
  g_propagate_error (error, g_error_copy (_weft_json_get_error (p->j)));
  return FALSE;
}

/* Both repaired: the JSON lexer passes raw bytes through, and the key may
 * have been cut inside a character. */
static void
add_metadata (WeftChromeImport *im, const char *key, const char *value, gsize len)
{
  g_ptr_array_add (im->metadata, g_utf8_make_valid (key, -1));
  g_ptr_array_add (im->metadata, g_utf8_make_valid (value, (gssize) len));
}

/* otherData (Weft's own metadata goes there) and Chrome's "metadata". */
static gboolean
parse_metadata_object (WeftChromeParser *p, gboolean chrome)
{
  g_autoptr (GString) key = g_string_new (NULL);
  WeftJsonToken tok;

  while ((tok = _weft_json_next (p->j)) == WEFT_JSON_KEY)
    {
      gsize len;
      const char *text = _weft_json_text (p->j, &len);
      const char *target;

      g_string_truncate (key, 0);
      g_string_append_len (key, text, (gssize) MIN (len, 256));
      tok = _weft_json_next (p->j);
      text = _weft_json_text (p->j, &len);
      target = key->str;
      /* Chrome's own metadata fills in what otherData does not say
       * (newer Chromium writes cpu-num-cores where older wrote num-cpus) */
      if (chrome)
        target = strcmp (key->str, "num-cpus") == 0        ? "chrome:cpu_count"
                 : strcmp (key->str, "cpu-num-cores") == 0 ? "chrome:cpu_count"
                 : strcmp (key->str, "cpu-brand") == 0     ? "chrome:cpu_model"
                 : strcmp (key->str, "command_line") == 0  ? "chrome:command"
                                                           : NULL;
      if (target != NULL && (tok == WEFT_JSON_STRING || tok == WEFT_JSON_NUMBER))
        add_metadata (p->im, target, text, MIN (len, 64 * 1024));
      else if (target != NULL && (tok == WEFT_JSON_TRUE || tok == WEFT_JSON_FALSE))
        add_metadata (p->im, target, tok == WEFT_JSON_TRUE ? "true" : "false", 5);
      else if (!_weft_json_skip (p->j, tok))
        return FALSE;
    }
  return tok == WEFT_JSON_OBJECT_END;
}

static gboolean
parse_object_form (WeftChromeParser *p, GError **error)
{
  WeftJsonToken tok;
  gboolean have_events = FALSE;

  while ((tok = _weft_json_next (p->j)) == WEFT_JSON_KEY)
    {
      gsize len;
      const char *k = _weft_json_text (p->j, &len);
      enum
      {
        OTHER,
        EVENTS,
        SYSTEM,
        OTHER_DATA,
        METADATA,
        TIME_UNIT
      } which
          = OTHER;

      if (len == 11 && memcmp (k, "traceEvents", 11) == 0)
        which = EVENTS;
      else if (len == 17 && memcmp (k, "systemTraceEvents", 17) == 0)
        which = SYSTEM;
      else if (len == 9 && memcmp (k, "otherData", 9) == 0)
        which = OTHER_DATA;
      else if (len == 8 && memcmp (k, "metadata", 8) == 0)
        which = METADATA;
      else if (len == 15 && memcmp (k, "displayTimeUnit", 15) == 0)
        which = TIME_UNIT;
      if (which == SYSTEM)
        _weft_json_stream_next_string (p->j);
      tok = _weft_json_next (p->j);
      if (tok == WEFT_JSON_ERROR)
        break;
      if (which == EVENTS && tok == WEFT_JSON_ARRAY_BEGIN)
        {
          have_events = TRUE;
          if (!parse_events (p, error))
            return FALSE;
          continue;
        }
      if (which == SYSTEM && tok == WEFT_JSON_STRING_STREAM)
        {
          have_events = TRUE;
          if (p->ftrace == NULL)
            p->ftrace = _weft_chrome_ftrace_new (p->im, p->cancellable);
          if (!_weft_json_stream_string (p->j, _weft_chrome_ftrace_feed, p->ftrace))
            break;
          continue;
        }
      if (which == SYSTEM && (tok == WEFT_JSON_OBJECT_BEGIN || tok == WEFT_JSON_ARRAY_BEGIN))
        {
          /* Fuchsia and some converters put an object here: not ftrace */
          have_events = TRUE;
          skip_event (p->im, SKIP_SYSTEM_OBJECT);
        }
      if ((which == OTHER_DATA || which == METADATA) && tok == WEFT_JSON_OBJECT_BEGIN)
        {
          if (!parse_metadata_object (p, which == METADATA))
            break;
          continue;
        }
      if (which == TIME_UNIT)
        p->im->notes[NOTE_DISPLAY_TIME_UNIT]++;
      if (!_weft_json_skip (p->j, tok))
        break;
    }
  if (tok != WEFT_JSON_OBJECT_END)
    {
      g_propagate_error (error, g_error_copy (_weft_json_get_error (p->j)));
      return FALSE;
    }
  if (!have_events)
    {
      g_set_error_literal (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_NOT_TRACE,
                           "not a Chrome trace: a JSON object without traceEvents");
      return FALSE;
    }
  return TRUE;
}

static const char *
token_kind (WeftJsonToken tok)
{
  switch (tok)
    {
    case WEFT_JSON_STRING:
      return "a string";
    case WEFT_JSON_NUMBER:
      return "a number";
    case WEFT_JSON_TRUE:
    case WEFT_JSON_FALSE:
      return "a boolean";
    case WEFT_JSON_NULL:
      return "null";
    default:
      return "empty";
    }
}

static gboolean
parse_document (WeftChromeParser *p, GError **error)
{
  WeftJsonToken tok = _weft_json_next (p->j);
  gboolean ok;

  if (tok == WEFT_JSON_ERROR)
    {
      if (_weft_json_offset (p->j) == 0 && _weft_json_depth (p->j) == 0
          && !_weft_json_error_is_eof (p->j) && !_weft_json_error_is_read (p->j))
        g_set_error_literal (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_NOT_TRACE,
                             "not a Chrome JSON trace (it does not start with '{' or '[')");
      else
        g_propagate_error (error, g_error_copy (_weft_json_get_error (p->j)));
      return FALSE;
    }
  if (tok == WEFT_JSON_ARRAY_BEGIN)
    {
      g_autoptr (GError) local = NULL;

      ok = parse_events (p, &local);
      if (!ok && _weft_json_error_is_eof (p->j))
        {
          /* a tracer that died mid-write: keep every complete event */
          p->im->notes[NOTE_UNCLOSED_ARRAY]++;
          if (_weft_json_depth (p->j) > 1)
            skip_event (p->im, SKIP_TRUNCATED_TAIL);
          return TRUE;
        }
      if (!ok)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
  else if (tok == WEFT_JSON_OBJECT_BEGIN)
    {
      if (!parse_object_form (p, error))
        return FALSE;
    }
  else
    {
      g_set_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_NOT_TRACE,
                   "not a Chrome trace: the document is %s, not an object or array",
                   token_kind (tok));
      return FALSE;
    }
  tok = _weft_json_next (p->j);
  if (tok != WEFT_JSON_EOF)
    {
      g_propagate_error (error, g_error_copy (_weft_json_get_error (p->j)));
      return FALSE;
    }
  return TRUE;
}

static GBytes *
import (WeftJson *j, GCancellable *cancellable, GError **error)
{
  WeftChromeImport im;
  WeftChromeParser p = { 0 };
  WeftBuilder *b;
  uint8_t *data = NULL;
  size_t size = 0;
  gboolean ok;

  _weft_chrome_import_init (&im);
  p.im = &im;
  p.j = j;
  p.args_j = _weft_json_new_memory (NULL, 0);
  p.args = g_string_sized_new (256);
  p.key = g_string_sized_new (64);
  p.cancellable = cancellable;
  ok = parse_document (&p, error);
  if (p.ftrace != NULL)
    _weft_chrome_ftrace_free (p.ftrace);
  im.notes[NOTE_TRAILING_COMMA] += _weft_json_get_trailing_commas (j);
  _weft_json_free (p.args_j);
  g_string_free (p.args, TRUE);
  g_string_free (p.key, TRUE);
  if (ok && check_cancelled (&p))
    {
      g_set_error_literal (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_CANCELLED,
                           "the import was cancelled");
      ok = FALSE;
    }
  if (!ok)
    {
      _weft_chrome_import_clear (&im);
      return NULL;
    }

  _weft_chrome_resolve (&im);
  b = weft_builder_new_memory ();
  if (b == NULL)
    {
      _weft_chrome_import_clear (&im);
      g_set_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_IO,
                   "could not start the trace builder: %s", g_strerror (errno));
      return NULL;
    }
  _weft_chrome_emit (&im, b);
  _weft_chrome_import_clear (&im);
  if (weft_builder_finish_memory (b, &data, &size) != 0)
    {
      g_set_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_IO, "could not build the trace: %s",
                   g_strerror (errno));
      return NULL;
    }
  return g_bytes_new_with_free_func (data, size, free, data);
}

GBytes *
weft_chrome_import_data (const guint8 *data, gsize len, GCancellable *cancellable, GError **error)
{
  WeftJson *j;
  GBytes *bytes;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  j = _weft_json_new_memory (data, len);
  bytes = import (j, cancellable, error);
  _weft_json_free (j);
  return bytes;
}

typedef struct
{
  int fd;
  gzFile gz;
} Source;

static gssize
read_plain (gpointer user_data, guint8 *buf, gsize len, GError **error)
{
  Source *src = user_data;

  for (;;)
    {
      gssize n = read (src->fd, buf, MIN (len, (gsize) G_MAXSSIZE));

      if (n >= 0)
        return n;
      if (errno != EINTR)
        {
          g_set_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_IO, "read failed: %s",
                       g_strerror (errno));
          return -1;
        }
    }
}

/* zlib's message without the "<fd:3>: " it puts before it for gzdopen. */
static const char *
gz_message (gzFile gz)
{
  int code;
  const char *msg = gzerror (gz, &code);
  const char *colon;

  if (g_str_has_prefix (msg, "<fd:") && (colon = strstr (msg, ">: ")) != NULL)
    return colon + 3;
  return msg;
}

static gssize
read_gzip (gpointer user_data, guint8 *buf, gsize len, GError **error)
{
  Source *src = user_data;
  int n = gzread (src->gz, buf, (unsigned) MIN (len, (gsize) G_MAXINT));
  int code;

  if (n >= 0)
    {
      /* gzread reports a truncated stream only through gzerror */
      gzerror (src->gz, &code);
      if (n == 0 && code != Z_OK && code != Z_STREAM_END)
        {
          g_set_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_SYNTAX, "damaged gzip data: %s",
                       gz_message (src->gz));
          return -1;
        }
      return n;
    }
  g_set_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_SYNTAX, "damaged gzip data: %s",
               gz_message (src->gz));
  return -1;
}

GBytes *
weft_chrome_import_file (const char *path, GCancellable *cancellable, GError **error)
{
  Source src = { -1, NULL };
  guint8 head[2] = { 0, 0 };
  gssize n;
  WeftJson *j;
  GBytes *bytes;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  src.fd = open (path, O_RDONLY | O_CLOEXEC);
  if (src.fd < 0)
    {
      int saved = errno;

      g_set_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_IO, "%s", g_strerror (saved));
      return NULL;
    }
  n = pread (src.fd, head, 2, 0);
  if (n == 2 && head[0] == 0x1f && head[1] == 0x8b)
    {
      src.gz = gzdopen (src.fd, "rb");
      if (src.gz == NULL)
        {
          close (src.fd);
          g_set_error_literal (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_IO,
                               "cannot start gzip decompression");
          return NULL;
        }
      gzbuffer (src.gz, 256 * 1024);
      j = _weft_json_new_reader (read_gzip, &src);
    }
  else
    j = _weft_json_new_reader (read_plain, &src);
  bytes = import (j, cancellable, error);
  _weft_json_free (j);
  if (src.gz != NULL)
    gzclose (src.gz); /* closes fd too */
  else
    close (src.fd);
  return bytes;
}
