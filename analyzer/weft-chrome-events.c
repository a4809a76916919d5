/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-events.c: the collection the importer fills: threads,
 * processes, and one compact record per event, each phase of the Chrome
 * Trace Event Format turned into the records weft-chrome-resolve.c and
 * weft-chrome-emit.c write as a .weft trace. docs/CHROME-JSON.md lists
 * what each phase becomes.
 */
#include "weft-chrome-import-private.h"

#include <math.h>
#include <string.h>

#include "weft-format.h"

static guint32
intern (WeftChromeParser *p, const char *s, gsize len)
{
  return _weft_chrome_intern (p->im, s, len);
}

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
  im->next_synthetic = WEFT_CHROME_SYNTHETIC_BASE;
  im->async = g_array_new (FALSE, FALSE, sizeof (WeftChromeRec));
  im->flows = g_array_new (FALSE, FALSE, sizeof (WeftChromeRec));
  im->sched = g_array_new (FALSE, FALSE, sizeof (WeftChromeRec));
  im->scoped = g_array_new (FALSE, FALSE, sizeof (WeftChromeRec));
  im->counter_keys = g_hash_table_new (NULL, NULL);
  im->sched_comm = g_hash_table_new (NULL, NULL);
  im->sched_tgid = g_hash_table_new (NULL, NULL);
  im->named_locks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  im->metadata = g_ptr_array_new_with_free_func (g_free);
  im->max_cpu = -1;
  im->next_task_id = 1;
  im->next_flow_id = 1;
#define S(lit) _weft_chrome_strings_intern (&im->strings, lit, strlen (lit), WEFT_CHROME_NAME_MAX)
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
  g_clear_pointer (&im->scoped, g_array_unref);
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
      t->real_tid = tid < WEFT_CHROME_SYNTHETIC_BASE;
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
_weft_chrome_import_add (WeftChromeImport *im, GArray *list, guint32 thread, WeftChromeRecKind kind,
                         gint64 ts)
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

static guint32
map_pidtid (WeftChromeImport *im, const WeftChromeId *v)
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
args_begin (WeftChromeParser *p)
{
  _weft_json_reset_memory (p->args_j, (const guint8 *) p->args->str, p->args->len);
  return _weft_json_next (p->args_j) == WEFT_JSON_OBJECT_BEGIN;
}

/* Next member: key into *key (copied), the value's token returned;
 * WEFT_JSON_OBJECT_END at the end. */
static WeftJsonToken
args_member (WeftChromeParser *p, GString *key)
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
args_get (WeftChromeParser *p, const char *name, gsize *len)
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
args_string_id (WeftChromeParser *p, const WeftChromeEvent *ev)
{
  if (!ev->has_args || p->args->len <= 2)
    return 0;
  if (ev->args_truncated)
    {
      p->im->notes[NOTE_BIG_ARGS]++;
      return 0;
    }
  return _weft_chrome_strings_add (&p->im->strings, p->args->str, p->args->len,
                                   WEFT_CHROME_ARGS_MAX);
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
add_counters (WeftChromeParser *p, const WeftChromeEvent *ev, guint32 thread)
{
  WeftChromeImport *im = p->im;
  g_autoptr (GString) key = g_string_new (NULL);
  WeftJsonToken tok;
  guint32 prefix;

  g_string_assign (
      p->key, _weft_chrome_strings_get (&im->strings, ev->name != 0 ? ev->name : im->s_no_name));
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
        g_hash_table_insert (im->counter_keys, GUINT_TO_POINTER (prefix),
                             GUINT_TO_POINTER (key_id));
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
append_id_text (GString *s, const WeftChromeStrings *strings, const WeftChromeId *id)
{
  if (id->type == ID_NUM)
    g_string_append_printf (s, "#%" G_GUINT64_FORMAT, id->num);
  else
    g_string_append_printf (s, "$%s", _weft_chrome_strings_get (strings, id->str));
}

static void
add_async (WeftChromeParser *p, const WeftChromeEvent *ev, guint32 thread, WeftChromeRecKind kind,
           guint32 pid)
{
  WeftChromeImport *im = p->im;
  const WeftChromeId *id = NULL;
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
add_flow (WeftChromeParser *p, const WeftChromeEvent *ev, guint32 thread, WeftChromeRecKind kind)
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
add_flow_v2 (WeftChromeParser *p, const WeftChromeEvent *ev, guint32 thread)
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
add_weft_instant (WeftChromeParser *p, const WeftChromeEvent *ev, guint32 thread)
{
  static const struct
  {
    const char *name;
    guint8 kind;
    const char *arg;
  } table[] = {
    { "thread_start", WEFT_EV_THREAD_START, "creator" },
    { "thread_exit", WEFT_EV_THREAD_EXIT, NULL },
    { "process_fork", WEFT_EV_PROCESS_FORK, "child" },
    { "process_exec", WEFT_EV_PROCESS_EXEC, "program" },
    { "process_exit", WEFT_EV_PROCESS_EXIT, "status" },
    { "lost", WEFT_EV_LOST, "count" },
  };
  const char *name = _weft_chrome_strings_get (&p->im->strings, ev->name);

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    if (strcmp (name, table[i].name) == 0)
      {
        WeftChromeRec *r = _weft_chrome_import_add (p->im, NULL, thread, REC_WEFT, ev->ts);
        gsize len = 0;
        const char *arg
            = table[i].arg != NULL && ev->has_args ? args_get (p, table[i].arg, &len) : NULL;

        r->extra = table[i].kind;
        if (arg != NULL && table[i].kind == WEFT_EV_PROCESS_EXEC)
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
add_metadata_event (WeftChromeParser *p, const WeftChromeEvent *ev, guint32 pid, guint32 thread)
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

void
_weft_chrome_commit_event (WeftChromeParser *p, WeftChromeEvent *ev)
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
    case 'X':
    case 'B':
    case 'E':
    case 'i':
    case 'I':
    case 'R':
    case 'C':
    case 'b':
    case 'e':
    case 'n':
    case 'S':
    case 'T':
    case 'p':
    case 'F':
    case 's':
    case 't':
    case 'f':
    case 'M':
      break;
    default:
      im->unsupported_phases[(guchar) ph / 32] |= 1u << ((guchar) ph % 32);
      skip_event (im, SKIP_UNSUPPORTED_PHASE);
      return;
    }

  /* A process or global instant belongs to no thread (Perfetto puts it
   * on a process or trace-wide track and ignores tid): it waits for the
   * end, when the threads are known (weft-chrome-resolve.c). */
  if ((ph == 'i' || ph == 'I') && (ev->s == 'p' || ev->s == 'g') && ev->cat != im->s_weft
      && ev->cat != im->s_weft_lock)
    {
      r = _weft_chrome_import_add (im, im->scoped, 0, REC_SCOPED_INSTANT, ev->ts);
      r->name = ev->name != 0 ? ev->name : im->s_no_name;
      r->aux = pid;
      r->extra = (guint32) ev->s;
      if (ev->pid.type == ID_STR)
        {
          WeftChromeProcess *proc = _weft_chrome_import_process (im, pid);

          if (!proc->named && proc->name == 0)
            proc->name = ev->pid.str;
        }
      im->events++;
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
    case 'i':
    case 'I':
    case 'R':
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
    case 'b':
    case 'S':
      add_async (p, ev, thread, REC_ASYNC_BEGIN, pid);
      break;
    case 'e':
    case 'F':
      add_async (p, ev, thread, REC_ASYNC_END, pid);
      break;
    case 'n':
    case 'T':
    case 'p':
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
