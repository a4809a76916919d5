/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-import.c: walks a Chrome Trace Event document token by token
 * (object form with traceEvents, or a bare array, whose closing bracket a
 * crashed tracer may never have written) and turns each event into a
 * compact record; weft-chrome-emit.c writes the .weft trace from them.
 */
#include "weft-chrome-import.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "weft-chrome-import-private.h"
#include "weft-format.h"

G_DEFINE_QUARK (weft-chrome-error-quark, weft_chrome_error)

#define NAME_MAX_LEN 4096
#define ARGS_MAX_LEN (64 * 1024)
/* pids/tids from here up are Weft's stand-ins for strings and huge numbers */
#define SYNTHETIC_BASE 0xf0000000u

typedef enum
{
  ID_NONE,
  ID_NUM,
  ID_STR, /* str: the interned text */
} IdType;

typedef struct
{
  IdType type;
  guint64 num;
  guint32 str;
} IdVal;

typedef struct
{
  char ph;
  char s;          /* instant scope */
  guint32 name, cat, scope;
  gboolean has_ts, ts_ok, has_dur, dur_ok;
  gint64 ts, dur;
  IdVal pid, tid, id, id2_local, id2_global, bind_id;
  gboolean flow_in, flow_out, bp_e;
  gboolean has_args, args_truncated;
} Event;

typedef struct
{
  WeftChromeImport *im;
  WeftJson *j;
  WeftJson *args_j; /* re-reads a captured args object */
  GString *args;
  GString *key;     /* scratch for async and flow keys */
  GCancellable *cancellable;
  WeftChromeFtrace *ftrace;
  guint64 n_objects;
} Parser;

/* ---- the collection ---- */

void
_weft_chrome_import_init (WeftChromeImport *im)
{
  memset (im, 0, sizeof *im);
  _weft_chrome_strings_init (&im->strings);
  im->threads = g_ptr_array_new ();
  im->thread_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  im->last_thread_key = G_MAXUINT64;
  im->processes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  im->synthetic = g_hash_table_new (NULL, NULL);
  im->next_synthetic = SYNTHETIC_BASE;
  im->async = g_array_new (FALSE, FALSE, sizeof (WeftChromeRec));
  im->flows = g_array_new (FALSE, FALSE, sizeof (WeftChromeRec));
  im->sched = g_array_new (FALSE, FALSE, sizeof (WeftChromeRec));
  im->counter_keys = g_hash_table_new (NULL, NULL);
  im->sched_comm = g_hash_table_new (NULL, NULL);
  im->sched_tgid = g_hash_table_new (NULL, NULL);
  im->named_locks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  im->metadata = g_ptr_array_new_with_free_func (g_free);
  im->max_cpu = -1;
  im->next_task_id = 1;
  im->next_flow_id = 1;
#define S(lit) _weft_chrome_strings_intern (&im->strings, lit, strlen (lit), NAME_MAX_LEN)
  im->s_weft = S ("weft");
  im->s_weft_lock = S ("weft.lock");
  im->s_weft_cond = S ("weft.cond");
  im->s_weft_task = S ("weft.task");
  im->s_suspended = S ("suspended");
  im->s_no_name = S ("[No name]");
#undef S
}

void
_weft_chrome_import_clear (WeftChromeImport *im)
{
  if (im->threads != NULL)
    {
      for (guint i = 0; i < im->threads->len; i++)
        {
          WeftChromeThread *t = g_ptr_array_index (im->threads, i);

          g_array_unref (t->recs);
          g_free (t);
        }
      g_ptr_array_unref (im->threads);
    }
  g_clear_pointer (&im->thread_index, g_hash_table_unref);
  g_clear_pointer (&im->processes, g_hash_table_unref);
  g_clear_pointer (&im->synthetic, g_hash_table_unref);
  g_clear_pointer (&im->async, g_array_unref);
  g_clear_pointer (&im->flows, g_array_unref);
  g_clear_pointer (&im->sched, g_array_unref);
  g_clear_pointer (&im->counter_keys, g_hash_table_unref);
  g_clear_pointer (&im->sched_comm, g_hash_table_unref);
  g_clear_pointer (&im->sched_tgid, g_hash_table_unref);
  g_clear_pointer (&im->named_locks, g_hash_table_unref);
  g_clear_pointer (&im->metadata, g_ptr_array_unref);
  _weft_chrome_strings_clear (&im->strings);
}

guint32
_weft_chrome_import_thread (WeftChromeImport *im, guint32 pid, guint32 tid)
{
  guint64 key = ((guint64) pid << 32) | tid;
  gpointer found;
  WeftChromeThread *t;

  if (key == im->last_thread_key)
    return im->last_thread;
  found = g_hash_table_lookup (im->thread_index, &key);
  if (found == NULL)
    {
      guint64 *stored = g_new (guint64, 1);

      t = g_new0 (WeftChromeThread, 1);
      t->pid = pid;
      t->tid = tid;
      t->real_tid = tid < SYNTHETIC_BASE;
      t->recs = g_array_new (FALSE, FALSE, sizeof (WeftChromeRec));
      g_ptr_array_add (im->threads, t);
      *stored = key;
      g_hash_table_insert (im->thread_index, stored, GUINT_TO_POINTER (im->threads->len));
      found = GUINT_TO_POINTER (im->threads->len);
    }
  im->last_thread_key = key;
  im->last_thread = GPOINTER_TO_UINT (found) - 1;
  return im->last_thread;
}

WeftChromeProcess *
_weft_chrome_import_process (WeftChromeImport *im, guint32 pid)
{
  WeftChromeProcess *p = g_hash_table_lookup (im->processes, GUINT_TO_POINTER (pid));

  if (p == NULL)
    {
      p = g_new0 (WeftChromeProcess, 1);
      p->pid = pid;
      g_hash_table_insert (im->processes, GUINT_TO_POINTER (pid), p);
    }
  return p;
}

void
_weft_chrome_import_see_ts (WeftChromeImport *im, gint64 ts)
{
  if (!im->have_ts)
    {
      im->min_ts = im->max_ts = ts;
      im->have_ts = TRUE;
    }
  else if (ts < im->min_ts)
    im->min_ts = ts;
  else if (ts > im->max_ts)
    im->max_ts = ts;
}

WeftChromeRec *
_weft_chrome_import_add (WeftChromeImport *im, GArray *list, guint32 thread,
                         WeftChromeRecKind kind, gint64 ts)
{
  WeftChromeRec *r;

  if (list == NULL)
    list = ((WeftChromeThread *) g_ptr_array_index (im->threads, thread))->recs;
  g_array_set_size (list, list->len + 1);
  r = &g_array_index (list, WeftChromeRec, list->len - 1);
  memset (r, 0, sizeof *r);
  r->ts = ts;
  r->seq = im->seq++;
  r->thread = thread;
  r->kind = kind;
  _weft_chrome_import_see_ts (im, ts);
  return r;
}

/* ---- values ---- */

static guint32
intern (Parser *p, const char *s, gsize len)
{
  return _weft_chrome_strings_intern (&p->im->strings, s, len, NAME_MAX_LEN);
}

/* A time in µs (number, or a number inside a string) to exact ns. */
static gboolean
read_time (Parser *p, WeftJsonToken tok, gint64 *out)
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
read_id (Parser *p, WeftJsonToken tok, IdVal *out)
{
  gsize len;
  const char *text = _weft_json_text (p->j, &len);
  gint64 v;

  if (tok == WEFT_JSON_NUMBER)
    {
      if (_weft_json_decimal (text, len, 0, &v) && v >= 0 && memchr (text, '.', len) == NULL)
        *out = (IdVal) { ID_NUM, (guint64) v, 0 };
      else
        *out = (IdVal) { ID_STR, 0, intern (p, text, len) };
      return TRUE;
    }
  if (tok == WEFT_JSON_STRING)
    {
      guint64 num;

      if (parse_hex (text, len, &num))
        *out = (IdVal) { ID_NUM, num, 0 };
      else
        *out = (IdVal) { ID_STR, 0, intern (p, text, len) };
      return TRUE;
    }
  _weft_json_skip (p->j, tok);
  return FALSE;
}

/* pid/tid: a number below the synthetic range is kept; anything else
 * (strings, negative or huge numbers) is mapped by its text. */
static gboolean
read_pidtid (Parser *p, WeftJsonToken tok, IdVal *out)
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
      && v < SYNTHETIC_BASE)
    {
      gint64 check;

      /* 1.5 rounds to 2: only exact integers are the number itself */
      if (_weft_json_decimal (text, len, 1, &check) && check == v * 10)
        {
          *out = (IdVal) { ID_NUM, (guint64) v, 0 };
          return TRUE;
        }
    }
  *out = (IdVal) { ID_STR, 0, intern (p, text, len) };
  return TRUE;
}

static guint32
map_pidtid (WeftChromeImport *im, const IdVal *v)
{
  gpointer found;

  if (v->type == ID_NUM)
    return (guint32) v->num;
  if (v->type == ID_NONE)
    return 0;
  found = g_hash_table_lookup (im->synthetic, GUINT_TO_POINTER (v->str));
  if (found == NULL)
    {
      if (im->next_synthetic == G_MAXUINT32)
        return G_MAXUINT32; /* 268 million distinct names: share the last */
      found = GUINT_TO_POINTER (im->next_synthetic++);
      g_hash_table_insert (im->synthetic, GUINT_TO_POINTER (v->str), found);
    }
  return GPOINTER_TO_UINT (found);
}

/* ---- args ---- */

/* Starts reading the captured args object; FALSE when it is not one. */
static gboolean
args_begin (Parser *p)
{
  _weft_json_reset_memory (p->args_j, (const guint8 *) p->args->str, p->args->len);
  return _weft_json_next (p->args_j) == WEFT_JSON_OBJECT_BEGIN;
}

/* Next member: key into *key (copied), the value's token returned;
 * WEFT_JSON_OBJECT_END at the end. */
static WeftJsonToken
args_member (Parser *p, GString *key)
{
  WeftJsonToken tok = _weft_json_next (p->args_j);
  gsize len;
  const char *text;

  if (tok != WEFT_JSON_KEY)
    return tok == WEFT_JSON_OBJECT_END ? tok : WEFT_JSON_ERROR;
  text = _weft_json_text (p->args_j, &len);
  g_string_truncate (key, 0);
  g_string_append_len (key, text, (gssize) len);
  return _weft_json_next (p->args_j);
}

/* The string (or number text) of args[name]; NULL when absent. */
static const char *
args_get (Parser *p, const char *name, gsize *len)
{
  g_autoptr (GString) key = g_string_new (NULL);
  WeftJsonToken tok;

  if (!p->args->len || !args_begin (p))
    return NULL;
  while ((tok = args_member (p, key)) != WEFT_JSON_OBJECT_END && tok != WEFT_JSON_ERROR)
    {
      if (strcmp (key->str, name) == 0 && (tok == WEFT_JSON_STRING || tok == WEFT_JSON_NUMBER))
        return _weft_json_text (p->args_j, len);
      if (!_weft_json_skip (p->args_j, tok))
        break;
    }
  return NULL;
}

static guint32
args_string_id (Parser *p, const Event *ev)
{
  if (!ev->has_args || p->args->len <= 2)
    return 0;
  if (ev->args_truncated)
    {
      p->im->notes[NOTE_BIG_ARGS]++;
      return 0;
    }
  return _weft_chrome_strings_add (&p->im->strings, p->args->str, p->args->len, ARGS_MAX_LEN);
}

static gboolean
parse_double (const char *text, gsize len, double *out)
{
  char buf[64];
  char *end;

  if (len == 0 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, text, len);
  buf[len] = '\0';
  *out = g_ascii_strtod (buf, &end);
  return *end == '\0' && end != buf && isfinite (*out);
}

/* ---- events ---- */

static void
skip_event (WeftChromeImport *im, WeftChromeSkip why)
{
  im->skipped[why]++;
}

static void
add_counters (Parser *p, const Event *ev, guint32 thread)
{
  WeftChromeImport *im = p->im;
  g_autoptr (GString) key = g_string_new (NULL);
  WeftJsonToken tok;
  guint32 prefix;

  g_string_assign (p->key, _weft_chrome_strings_get (&im->strings,
                                                    ev->name != 0 ? ev->name : im->s_no_name));
  if (ev->id.type == ID_NUM)
    g_string_append_printf (p->key, " id: %" G_GUINT64_FORMAT, ev->id.num);
  else if (ev->id.type == ID_STR)
    g_string_append_printf (p->key, " id: %s", _weft_chrome_strings_get (&im->strings, ev->id.str));
  prefix = intern (p, p->key->str, p->key->len);
  if (!ev->has_args || ev->args_truncated || !args_begin (p))
    {
      skip_event (im, SKIP_COUNTER_VALUE);
      return;
    }
  while ((tok = args_member (p, key)) != WEFT_JSON_OBJECT_END && tok != WEFT_JSON_ERROR)
    {
      gsize len;
      const char *text = _weft_json_text (p->args_j, &len);
      double value;
      guint32 key_id;
      gpointer seen;
      WeftChromeRec *r;

      if ((tok != WEFT_JSON_NUMBER && tok != WEFT_JSON_STRING) || !parse_double (text, len, &value))
        {
          skip_event (im, SKIP_COUNTER_VALUE);
          if (!_weft_json_skip (p->args_j, tok))
            break;
          continue;
        }
      key_id = intern (p, key->str, key->len);
      if (!g_hash_table_lookup_extended (im->counter_keys, GUINT_TO_POINTER (prefix), NULL, &seen))
        g_hash_table_insert (im->counter_keys, GUINT_TO_POINTER (prefix), GUINT_TO_POINTER (key_id));
      else if (GPOINTER_TO_UINT (seen) != key_id)
        g_hash_table_insert (im->counter_keys, GUINT_TO_POINTER (prefix),
                             GUINT_TO_POINTER (G_MAXUINT32));
      r = _weft_chrome_import_add (im, NULL, thread, REC_COUNTER, ev->ts);
      r->name = prefix;
      r->aux = key_id;
      memcpy (&r->v, &value, sizeof value);
      im->events++;
    }
}

static void
append_id_text (GString *s, const WeftChromeStrings *strings, const IdVal *id)
{
  if (id->type == ID_NUM)
    g_string_append_printf (s, "#%" G_GUINT64_FORMAT, id->num);
  else
    g_string_append_printf (s, "$%s", _weft_chrome_strings_get (strings, id->str));
}

static void
add_async (Parser *p, const Event *ev, guint32 thread, WeftChromeRecKind kind, guint32 pid)
{
  WeftChromeImport *im = p->im;
  const IdVal *id = NULL;
  WeftChromeRec *r;

  g_string_printf (p->key, "A%u/%u/", ev->cat, ev->scope);
  if (ev->id.type != ID_NONE)
    id = &ev->id, g_string_append_c (p->key, 'G');
  else if (ev->id2_global.type != ID_NONE)
    id = &ev->id2_global, g_string_append_c (p->key, 'G');
  else if (ev->id2_local.type != ID_NONE)
    id = &ev->id2_local, g_string_append_printf (p->key, "L%u", pid);
  if (id == NULL)
    {
      skip_event (im, SKIP_ASYNC_NO_ID);
      return;
    }
  append_id_text (p->key, &im->strings, id);
  r = _weft_chrome_import_add (im, im->async, thread, kind, ev->ts);
  r->aux = intern (p, p->key->str, p->key->len);
  r->name = ev->name != 0 ? ev->name : im->s_no_name;
  if (ev->cat == im->s_weft_task && ev->name == im->s_suspended)
    r->flags |= REC_F_SUSPENDED;
  im->events++;
}

static void
add_flow (Parser *p, const Event *ev, guint32 thread, WeftChromeRecKind kind)
{
  WeftChromeImport *im = p->im;
  WeftChromeRec *r;

  if (ev->id.type == ID_NONE)
    {
      skip_event (im, SKIP_FLOW_NO_ID);
      return;
    }
  g_string_printf (p->key, "F%u/%u/", ev->cat, ev->name);
  append_id_text (p->key, &im->strings, &ev->id);
  r = _weft_chrome_import_add (im, im->flows, thread, kind, ev->ts);
  r->aux = intern (p, p->key->str, p->key->len);
  if (kind == REC_FLOW_FINISH && !ev->bp_e)
    r->flags |= REC_F_BIND_NEXT;
  im->events++;
}

/* Flow v2: bind_id with flow_in / flow_out on a slice. */
static void
add_flow_v2 (Parser *p, const Event *ev, guint32 thread)
{
  WeftChromeImport *im = p->im;
  WeftChromeRecKind kinds[2];
  guint n = 0;

  if (ev->bind_id.type == ID_NONE || (!ev->flow_in && !ev->flow_out))
    return;
  if (ev->flow_in)
    kinds[n++] = REC_FLOW_FINISH;
  if (ev->flow_out)
    kinds[n++] = REC_FLOW_START;
  g_string_assign (p->key, "V/");
  append_id_text (p->key, &im->strings, &ev->bind_id);
  for (guint i = 0; i < n; i++)
    {
      WeftChromeRec *r = _weft_chrome_import_add (im, im->flows, thread, kinds[i], ev->ts);

      r->aux = intern (p, p->key->str, p->key->len);
    }
}

/* Weft's own process-tree instants (written by `weft export`). */
static gboolean
add_weft_instant (Parser *p, const Event *ev, guint32 thread)
{
  static const struct { const char *name; guint8 kind; const char *arg; } table[] = {
    { "thread_start", 0x16, "creator" }, { "thread_exit", 0x17, NULL },
    { "process_fork", 0x18, "child" },   { "process_exec", 0x19, "program" },
    { "process_exit", 0x1a, "status" },  { "lost", 0x14, "count" },
  };
  const char *name = _weft_chrome_strings_get (&p->im->strings, ev->name);

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    if (strcmp (name, table[i].name) == 0)
      {
        WeftChromeRec *r = _weft_chrome_import_add (p->im, NULL, thread, REC_WEFT, ev->ts);
        gsize len = 0;
        const char *arg = table[i].arg != NULL && ev->has_args ? args_get (p, table[i].arg, &len)
                                                               : NULL;

        r->extra = table[i].kind;
        if (arg != NULL && table[i].kind == 0x19)
          r->name = intern (p, arg, len);
        else if (arg != NULL)
          {
            gint64 v = 0;

            _weft_json_decimal (arg, len, 0, &v);
            r->v = v;
          }
        p->im->events++;
        return TRUE;
      }
  return FALSE;
}

static void
add_metadata_event (Parser *p, const Event *ev, guint32 pid, guint32 thread)
{
  WeftChromeImport *im = p->im;
  const char *what = _weft_chrome_strings_get (&im->strings, ev->name);
  gsize len = 0;
  const char *value;

  if (strcmp (what, "thread_name") == 0 && (value = args_get (p, "name", &len)) != NULL)
    {
      WeftChromeThread *t = g_ptr_array_index (im->threads, thread);
      guint32 id = intern (p, value, len);

      if (t->named && t->name != id)
        im->notes[NOTE_DUPLICATE_METADATA]++;
      t->name = id;
      t->named = TRUE;
    }
  else if (strcmp (what, "process_name") == 0 && (value = args_get (p, "name", &len)) != NULL)
    {
      WeftChromeProcess *proc = _weft_chrome_import_process (im, pid);
      guint32 id = intern (p, value, len);

      if (proc->named && proc->name != id)
        im->notes[NOTE_DUPLICATE_METADATA]++;
      proc->name = id;
      proc->named = TRUE;
    }
  /* process_sort_index, thread_sort_index and the rest (labels, uptime)
   * have no place in a .weft trace: Weft orders its lanes itself */
}

static void
commit_event (Parser *p, Event *ev)
{
  WeftChromeImport *im = p->im;
  guint32 pid, tid, thread;
  WeftChromeThread *t;
  WeftChromeRec *r;
  char ph = ev->ph;

  if (ph == 0)
    {
      skip_event (im, SKIP_NO_PHASE);
      return;
    }
  if (ph != 'M' && !ev->has_ts)
    {
      skip_event (im, SKIP_NO_TS);
      return;
    }
  if (ph != 'M' && !ev->ts_ok)
    {
      skip_event (im, SKIP_BAD_TS);
      return;
    }

  pid = map_pidtid (im, &ev->pid);
  tid = ev->tid.type != ID_NONE ? map_pidtid (im, &ev->tid) : pid;
  if (tid == 0 && pid != 0 && ev->tid.type != ID_STR)
    tid = pid; /* as Perfetto: tid 0 means the process's main thread */

  switch (ph)
    {
    case 'X': case 'B': case 'E': case 'i': case 'I': case 'R': case 'C':
    case 'b': case 'e': case 'n': case 'S': case 'T': case 'p': case 'F':
    case 's': case 't': case 'f': case 'M':
      break;
    default:
      im->unsupported_phases[(guchar) ph / 32] |= 1u << ((guchar) ph % 32);
      skip_event (im, SKIP_UNSUPPORTED_PHASE);
      return;
    }

  /* process metadata names no thread: creating one would add a lane */
  if (ph == 'M' && strcmp (_weft_chrome_strings_get (&im->strings, ev->name), "thread_name") != 0)
    {
      add_metadata_event (p, ev, pid, G_MAXUINT32);
      return;
    }
  thread = _weft_chrome_import_thread (im, pid, tid);
  t = g_ptr_array_index (im->threads, thread);
  if (ev->tid.type == ID_STR && !t->named && t->name == 0)
    t->name = ev->tid.str;
  if (ev->pid.type == ID_STR)
    {
      WeftChromeProcess *proc = _weft_chrome_import_process (im, pid);

      if (!proc->named && proc->name == 0)
        proc->name = ev->pid.str;
    }

  switch (ph)
    {
    case 'X':
      if (!ev->has_dur || !ev->dur_ok || ev->dur < 0 || ev->ts > G_MAXINT64 - ev->dur)
        {
          skip_event (im, SKIP_BAD_DUR);
          return;
        }
      r = _weft_chrome_import_add (im, NULL, thread, REC_X, ev->ts);
      r->name = ev->name != 0 ? ev->name : im->s_no_name;
      r->v = ev->dur;
      r->aux = args_string_id (p, ev);
      _weft_chrome_import_see_ts (im, ev->ts + ev->dur);
      im->events++;
      add_flow_v2 (p, ev, thread);
      break;
    case 'B':
      r = _weft_chrome_import_add (im, NULL, thread, REC_B, ev->ts);
      r->name = ev->name != 0 ? ev->name : im->s_no_name;
      r->extra = ev->cat; /* an 'E' with a category must match it */
      if ((ev->cat == im->s_weft_lock || ev->cat == im->s_weft_cond) && ev->id.type == ID_NUM)
        {
          gsize len = 0;
          const char *mutex;

          r->v = (gint64) ev->id.num;
          r->flags |= ev->cat == im->s_weft_lock ? REC_F_LOCK : REC_F_COND;
          if (ev->cat == im->s_weft_cond && (mutex = args_get (p, "mutex", &len)) != NULL)
            r->aux = intern (p, mutex, len);
        }
      else
        r->aux = args_string_id (p, ev);
      im->events++;
      add_flow_v2 (p, ev, thread);
      break;
    case 'E':
      r = _weft_chrome_import_add (im, NULL, thread, REC_E, ev->ts);
      r->name = ev->name;
      r->extra = ev->cat;
      im->events++;
      break;
    case 'i': case 'I': case 'R':
      if (ev->cat == im->s_weft && add_weft_instant (p, ev, thread))
        break;
      if (ev->cat == im->s_weft_lock && ev->id.type == ID_NUM && ev->name != 0)
        {
          const char *what = _weft_chrome_strings_get (&im->strings, ev->name);
          int kind = strcmp (what, "lock_acquired") == 0   ? WEFT_EV_LOCK_ACQUIRED
                     : strcmp (what, "lock_released") == 0 ? WEFT_EV_LOCK_RELEASED
                                                           : 0;

          if (kind != 0)
            {
              r = _weft_chrome_import_add (im, NULL, thread, REC_WEFT, ev->ts);
              r->extra = (guint32) kind;
              r->v = (gint64) ev->id.num;
              im->events++;
              break;
            }
        }
      r = _weft_chrome_import_add (im, NULL, thread, REC_INSTANT, ev->ts);
      r->name = ev->name != 0 ? ev->name : im->s_no_name;
      im->events++;
      break;
    case 'C':
      add_counters (p, ev, thread);
      break;
    case 'b': case 'S':
      add_async (p, ev, thread, REC_ASYNC_BEGIN, pid);
      break;
    case 'e': case 'F':
      add_async (p, ev, thread, REC_ASYNC_END, pid);
      break;
    case 'n': case 'T': case 'p':
      add_async (p, ev, thread, REC_ASYNC_INSTANT, pid);
      break;
    case 's':
      add_flow (p, ev, thread, REC_FLOW_START);
      break;
    case 't':
      add_flow (p, ev, thread, REC_FLOW_STEP);
      break;
    case 'f':
      add_flow (p, ev, thread, REC_FLOW_FINISH);
      break;
    case 'M':
      add_metadata_event (p, ev, pid, thread);
      break;
    default:
      break;
    }
}

typedef enum
{
  K_OTHER, K_PH, K_NAME, K_CAT, K_TS, K_DUR, K_PID, K_TID, K_ID, K_ID2, K_ARGS, K_S, K_BP,
  K_SCOPE, K_BIND_ID, K_FLOW_IN, K_FLOW_OUT,
} Key;

static Key
classify_key (const char *k, gsize len)
{
#define IS(lit) (len == sizeof (lit) - 1 && memcmp (k, lit, len) == 0)
  switch (len)
    {
    case 1: return k[0] == 's' ? K_S : K_OTHER;
    case 2:
      if (IS ("ph")) return K_PH;
      if (IS ("ts")) return K_TS;
      if (IS ("id")) return K_ID;
      if (IS ("bp")) return K_BP;
      return K_OTHER;
    case 3:
      if (IS ("pid")) return K_PID;
      if (IS ("tid")) return K_TID;
      if (IS ("cat")) return K_CAT;
      if (IS ("dur")) return K_DUR;
      if (IS ("id2")) return K_ID2;
      return K_OTHER;
    case 4:
      if (IS ("name")) return K_NAME;
      if (IS ("args")) return K_ARGS;
      return K_OTHER;
    case 5: return IS ("scope") ? K_SCOPE : K_OTHER;
    case 7:
      if (IS ("bind_id")) return K_BIND_ID;
      if (IS ("flow_in")) return K_FLOW_IN;
      return K_OTHER;
    case 8: return IS ("flow_out") ? K_FLOW_OUT : K_OTHER;
    default: return K_OTHER;
    }
#undef IS
}

static gboolean
read_id2 (Parser *p, Event *ev)
{
  WeftJsonToken tok;

  while ((tok = _weft_json_next (p->j)) == WEFT_JSON_KEY)
    {
      gsize len;
      const char *k = _weft_json_text (p->j, &len);
      IdVal *target = NULL;

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
parse_event (Parser *p)
{
  Event ev = { 0 };
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
          if (!_weft_json_capture (p->j, tok, p->args, ARGS_MAX_LEN, &ev.args_truncated))
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
  commit_event (p, &ev);
  return TRUE;
}

static gboolean
check_cancelled (Parser *p)
{
  return p->cancellable != NULL && g_cancellable_is_cancelled (p->cancellable);
}

/* After the '[' of the events array. */
static gboolean
parse_events (Parser *p, GError **error)
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

static void
add_metadata (WeftChromeImport *im, const char *key, const char *value, gsize len)
{
  g_ptr_array_add (im->metadata, g_strdup (key));
  g_ptr_array_add (im->metadata, g_utf8_make_valid (value, (gssize) len));
}

/* otherData (Weft's own metadata goes there) and Chrome's "metadata". */
static gboolean
parse_metadata_object (Parser *p, gboolean chrome)
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
      /* Chrome's own metadata fills in what otherData does not say */
      if (chrome)
        target = strcmp (key->str, "num-cpus") == 0    ? "chrome:cpu_count"
                 : strcmp (key->str, "cpu-brand") == 0 ? "chrome:cpu_model"
                 : strcmp (key->str, "command_line") == 0 ? "chrome:command"
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
parse_object_form (Parser *p, GError **error)
{
  WeftJsonToken tok;
  gboolean have_events = FALSE;

  while ((tok = _weft_json_next (p->j)) == WEFT_JSON_KEY)
    {
      gsize len;
      const char *k = _weft_json_text (p->j, &len);
      enum { OTHER, EVENTS, SYSTEM, OTHER_DATA, METADATA, TIME_UNIT } which = OTHER;

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
            p->ftrace = _weft_chrome_ftrace_new (p->im);
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
    case WEFT_JSON_STRING: return "a string";
    case WEFT_JSON_NUMBER: return "a number";
    case WEFT_JSON_TRUE: case WEFT_JSON_FALSE: return "a boolean";
    case WEFT_JSON_NULL: return "null";
    default: return "empty";
    }
}

static gboolean
parse_document (Parser *p, GError **error)
{
  WeftJsonToken tok = _weft_json_next (p->j);
  gboolean ok;

  if (tok == WEFT_JSON_ERROR)
    {
      if (_weft_json_offset (p->j) == 0 && _weft_json_depth (p->j) == 0
          && !_weft_json_error_is_eof (p->j))
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
  Parser p = { 0 };
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
      g_set_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_IO,
                   "could not build the trace: %s", g_strerror (errno));
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

static gssize
read_gzip (gpointer user_data, guint8 *buf, gsize len, GError **error)
{
  Source *src = user_data;
  int n = gzread (src->gz, buf, (unsigned) MIN (len, (gsize) G_MAXINT));
  int code;

  if (n >= 0)
    {
      /* gzread reports a truncated stream only through gzerror */
      const char *msg = gzerror (src->gz, &code);

      if (n == 0 && code != Z_OK && code != Z_STREAM_END)
        {
          g_set_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_SYNTAX,
                       "damaged gzip data: %s", msg);
          return -1;
        }
      return n;
    }
  g_set_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_SYNTAX, "damaged gzip data: %s",
               gzerror (src->gz, &code));
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
