/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-export.c: a trace as Chrome Trace Event JSON. The thread
 * streams are merged into one time order (so async tasks can be followed
 * from thread to thread) and written as traceEvents; the CPU streams
 * follow as ftrace text (weft-chrome-export-ftrace.c).
 *
 * Spans become B/E (properly nested, as the stream holds them). What Chrome
 * JSON has no phase for is written in Weft's own categories, which Weft's
 * importer reads back and other tools show as ordinary slices: lock and
 * condition waits as B/E in weft.lock / weft.cond, a task's suspension as a
 * nested "suspended" slice in weft.task, the process tree as instants in
 * category weft. docs/CHROME-JSON.md lists them.
 */
#include "weft-chrome-export-private.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "weft-chrome-json-private.h"

#define FLUSH_AT (1024 * 1024)

/* ---- the events pass ---- */

typedef enum
{
  OPEN_SPAN,
  OPEN_LOCK,
  OPEN_COND,
} OpenKind;

typedef struct
{
  OpenKind kind;
  guint32 name, args;
  guint64 addr, mutex;
  gboolean written;
} Open;

typedef struct
{
  guint32 pid, tid;
  GArray *open; /* Open, innermost last */
} Stream;

typedef struct
{
  guint32 pid;
  guint64 id;
} TaskKey;

typedef struct
{
  guint32 name;
  gboolean written; /* its b is out */
  gboolean suspended, suspended_written;
} Task;

typedef struct
{
  WeftReader *reader;
  WeftChromeOut *out;
  guint64 start, end;
  gboolean first;         /* no event written yet (commas) */
  gboolean reached_start; /* some event at or after start */
  Stream *streams;
  GHashTable *tasks;                        /* TaskKey -> Task */
  GHashTable *lock_names;                   /* address -> string id */
  GHashTable *names;                        /* tid -> thread name, for the ftrace pass */
  GHashTable *thread_names, *process_names; /* as last written */
} Export;

static guint
task_hash (gconstpointer p)
{
  const TaskKey *k = p;

  return g_int64_hash (&k->id) ^ (k->pid * 2654435761u);
}

static gboolean
task_equal (gconstpointer a, gconstpointer b)
{
  const TaskKey *x = a, *y = b;

  return x->pid == y->pid && x->id == y->id;
}

static const char *
S (Export *x, guint32 id)
{
  return weft_reader_get_string (x->reader, id);
}

/* Opens one event object: {"ph":"B","pid":1,"tid":2,"ts":1.000 */
static GString *
begin_event (Export *x, char ph, const Stream *st, guint64 t, gboolean with_ts)
{
  GString *b = x->out->buf;

  g_string_append (b, x->first ? "\n{\"ph\":\"" : ",\n{\"ph\":\"");
  x->first = FALSE;
  g_string_append_c (b, ph);
  g_string_append_printf (b, "\",\"pid\":%u,\"tid\":%u", st->pid, st->tid);
  if (with_ts)
    {
      g_string_append (b, ",\"ts\":");
      _weft_chrome_out_us (b, t);
    }
  return b;
}

static void
field (GString *b, const char *key, const char *value)
{
  g_string_append_printf (b, ",\"%s\":", key);
  _weft_chrome_out_quote (b, value);
}

static void
end_event (Export *x)
{
  g_string_append_c (x->out->buf, '}');
  _weft_chrome_out_flush (x->out, FALSE);
}

static const char *
lock_name (Export *x, char *buf, gsize size, OpenKind kind, guint64 addr)
{
  gpointer id;

  if (g_hash_table_lookup_extended (x->lock_names, &addr, NULL, &id))
    return S (x, GPOINTER_TO_UINT (id));
  g_snprintf (buf, size, "%s@0x%" PRIx64, kind == OPEN_LOCK ? "mutex" : "cond", addr);
  return buf;
}

/* Args text from a .weft span: written as is when it is a JSON object,
 * else wrapped as {"args": "text"}. */
static void
args_field (Export *x, GString *b, guint32 args)
{
  const char *text = S (x, args);

  g_string_append (b, ",\"args\":");
  if (_weft_json_is_object (text, strlen (text)))
    g_string_append (b, text);
  else
    {
      g_string_append (b, "{\"args\":");
      _weft_chrome_out_quote (b, text);
      g_string_append_c (b, '}');
    }
}

static void
write_open (Export *x, Stream *st, Open *o, guint64 t)
{
  char buf[48];
  GString *b = begin_event (x, 'B', st, t, TRUE);

  switch (o->kind)
    {
    case OPEN_SPAN:
      field (b, "name", S (x, o->name));
      if (o->args != 0)
        args_field (x, b, o->args);
      break;
    case OPEN_LOCK:
    case OPEN_COND:
      field (b, "cat", o->kind == OPEN_LOCK ? "weft.lock" : "weft.cond");
      field (b, "name", lock_name (x, buf, sizeof buf, o->kind, o->addr));
      g_string_append_printf (b, ",\"id\":\"0x%" PRIx64 "\"", o->addr);
      if (o->kind == OPEN_COND)
        g_string_append_printf (b, ",\"args\":{\"mutex\":\"0x%" PRIx64 "\"}", o->mutex);
      break;
    }
  o->written = TRUE;
  end_event (x);
}

/* Writes, at start, the B of every open slice that began before it. */
static void
materialize (Export *x, Stream *st)
{
  for (guint i = 0; i < st->open->len; i++)
    {
      Open *o = &g_array_index (st->open, Open, i);

      if (!o->written)
        write_open (x, st, o, x->start);
    }
}

/* Closes the open slices from the innermost down to index i at t. */
static void
close_to (Export *x, Stream *st, guint i, guint64 t)
{
  if (t >= x->start)
    materialize (x, st);
  while (st->open->len > i)
    {
      Open *o = &g_array_index (st->open, Open, st->open->len - 1);

      if (o->written)
        {
          GString *b = begin_event (x, 'E', st, MIN (t, x->end), TRUE);

          if (o->kind != OPEN_SPAN)
            field (b, "cat", o->kind == OPEN_LOCK ? "weft.lock" : "weft.cond");
          end_event (x);
        }
      g_array_set_size (st->open, st->open->len - 1);
    }
}

static void
push_open (Export *x, Stream *st, OpenKind kind, const WeftEvent *ev, gboolean in)
{
  Open o = { kind, ev->name, ev->args, ev->id, ev->id2, FALSE };

  if (in)
    materialize (x, st);
  g_array_append_val (st->open, o);
  if (in)
    write_open (x, st, &g_array_index (st->open, Open, st->open->len - 1), ev->time);
}

static void
write_task (Export *x, Stream *st, char ph, guint64 t, const char *name, guint64 id)
{
  GString *b = begin_event (x, ph, st, t, TRUE);

  field (b, "cat", "weft.task");
  field (b, "name", name);
  g_string_append_printf (b, ",\"id2\":{\"local\":\"0x%" PRIx64 "\"}", id);
  end_event (x);
}

static const char *
task_name (Export *x, const Task *task)
{
  return task->name != 0 ? S (x, task->name) : "(unnamed)";
}

static void
materialize_task (Export *x, Stream *st, Task *task, guint64 id)
{
  if (!task->written)
    write_task (x, st, 'b', x->start, task_name (x, task), id);
  task->written = TRUE;
  if (task->suspended && !task->suspended_written)
    write_task (x, st, 'b', x->start, "suspended", id);
  task->suspended_written = task->suspended;
}

static void
task_event (Export *x, Stream *st, const WeftEvent *ev)
{
  TaskKey key = { st->pid, ev->id };
  Task *task = g_hash_table_lookup (x->tasks, &key);
  guint64 t = ev->time;

  if (ev->kind == WEFT_EV_TASK_BEGIN)
    {
      if (t > x->end)
        return;
      if (task == NULL)
        {
          task = g_new0 (Task, 1);
          g_hash_table_insert (x->tasks, g_memdup2 (&key, sizeof key), task);
        }
      else if (task->written && t >= x->start)
        {
          /* begun again without an end: close the first one here */
          if (task->suspended_written)
            write_task (x, st, 'e', t, "suspended", ev->id);
          write_task (x, st, 'e', t, task_name (x, task), ev->id);
        }
      task->name = ev->name;
      task->suspended = task->suspended_written = FALSE;
      task->written = t >= x->start;
      if (task->written)
        write_task (x, st, 'b', t, task_name (x, task), ev->id);
      return;
    }
  if (task == NULL && t <= x->end
      && (ev->kind == WEFT_EV_TASK_SUSPEND || ev->kind == WEFT_EV_TASK_RESUME))
    {
      /* a task seen first suspending or resuming (its begin was not
       * recorded) starts there, unnamed, as the analysis counts it */
      task = g_new0 (Task, 1);
      g_hash_table_insert (x->tasks, g_memdup2 (&key, sizeof key), task);
      task->written = t >= x->start;
      if (task->written)
        write_task (x, st, 'b', t, task_name (x, task), ev->id);
    }
  if (task == NULL)
    return; /* an end without a begin changes nothing */
  if (t >= x->start)
    materialize_task (x, st, task, ev->id);
  if (t > x->end)
    {
      /* past the range: close what is open at its end */
      if (task->suspended_written)
        write_task (x, st, 'e', x->end, "suspended", ev->id);
      write_task (x, st, 'e', x->end, task_name (x, task), ev->id);
      g_hash_table_remove (x->tasks, &key);
      return;
    }
  switch (ev->kind)
    {
    case WEFT_EV_TASK_SUSPEND:
      if (!task->suspended && t >= x->start)
        write_task (x, st, 'b', t, "suspended", ev->id);
      task->suspended_written = task->suspended_written || t >= x->start;
      task->suspended = TRUE;
      break;
    case WEFT_EV_TASK_RESUME:
      if (task->suspended_written)
        write_task (x, st, 'e', t, "suspended", ev->id);
      task->suspended = task->suspended_written = FALSE;
      break;
    case WEFT_EV_TASK_END:
      if (task->suspended_written)
        write_task (x, st, 'e', t, "suspended", ev->id);
      if (task->written)
        write_task (x, st, 'e', t, task_name (x, task), ev->id);
      g_hash_table_remove (x->tasks, &key);
      break;
    default:
      break;
    }
}

/* Weft's process-tree events, as instants in category "weft". */
static void
weft_instant (Export *x, Stream *st, const WeftEvent *ev, const char *name, const char *arg)
{
  GString *b = begin_event (x, 'i', st, ev->time, TRUE);

  g_string_append (b, ",\"s\":\"t\",\"cat\":\"weft\"");
  field (b, "name", name);
  if (arg != NULL && ev->kind == WEFT_EV_PROCESS_EXEC)
    {
      g_string_append_printf (b, ",\"args\":{\"%s\":", arg);
      _weft_chrome_out_quote (b, S (x, ev->name));
      g_string_append_c (b, '}');
    }
  else if (arg != NULL)
    g_string_append_printf (b, ",\"args\":{\"%s\":%" G_GINT64_FORMAT "}", arg,
                            ev->kind == WEFT_EV_PROCESS_EXIT ? ev->prev_tid : (gint64) ev->id);
  end_event (x);
}

/* Names go out when they change for the thread (several streams may
 * carry one thread's names). */
static void
name_event (Export *x, Stream *st, const char *what, GHashTable *last, guint32 name)
{
  gpointer key = GSIZE_TO_POINTER (((gsize) st->pid << 32) | st->tid);
  GString *b;

  if (last == x->process_names)
    key = GUINT_TO_POINTER (st->pid);
  if (g_hash_table_lookup (last, key) == GUINT_TO_POINTER (name))
    return;
  g_hash_table_insert (last, key, GUINT_TO_POINTER (name));
  b = begin_event (x, 'M', st, 0, FALSE);
  field (b, "name", what);
  g_string_append (b, ",\"args\":{\"name\":");
  _weft_chrome_out_quote (b, S (x, name));
  g_string_append_c (b, '}');
  end_event (x);
}

static void
thread_event (Export *x, Stream *st, const WeftEvent *ev)
{
  gboolean in = ev->time >= x->start && ev->time <= x->end;
  GString *b;

  if (ev->time >= x->start)
    x->reached_start = TRUE;
  if (ev->time > x->end && st->open->len > 0)
    close_to (x, st, 0, x->end);
  switch (ev->kind)
    {
    case WEFT_EV_THREAD_NAME:
      g_hash_table_insert (x->names, GUINT_TO_POINTER (st->tid), (gpointer) S (x, ev->name));
      name_event (x, st, "thread_name", x->thread_names, ev->name);
      return;
    case WEFT_EV_PROCESS_NAME:
      name_event (x, st, "process_name", x->process_names, ev->name);
      return;
    case WEFT_EV_LOCK_NAME:
      g_hash_table_insert (x->lock_names, g_memdup2 (&ev->id, sizeof ev->id),
                           GUINT_TO_POINTER (ev->name));
      return;
    case WEFT_EV_SPAN_BEGIN:
    case WEFT_EV_SPAN_BEGIN_ARGS:
      if (ev->time <= x->end)
        push_open (x, st, OPEN_SPAN, ev, in);
      return;
    case WEFT_EV_LOCK_WAIT:
    case WEFT_EV_COND_WAIT:
      if (ev->time <= x->end)
        push_open (x, st, ev->kind == WEFT_EV_LOCK_WAIT ? OPEN_LOCK : OPEN_COND, ev, in);
      return;
    case WEFT_EV_SPAN_END:
      for (guint i = st->open->len; i-- > 0;)
        if (g_array_index (st->open, Open, i).kind == OPEN_SPAN)
          {
            close_to (x, st, i, ev->time);
            break;
          }
      return;
    case WEFT_EV_LOCK_ACQUIRED:
    case WEFT_EV_COND_WOKEN:
      if (st->open->len > 0)
        {
          const Open *top = &g_array_index (st->open, Open, st->open->len - 1);

          if (top->kind == (ev->kind == WEFT_EV_LOCK_ACQUIRED ? OPEN_LOCK : OPEN_COND)
              && top->addr == ev->id)
            {
              close_to (x, st, st->open->len - 1, ev->time);
              return;
            }
        }
      if (ev->kind == WEFT_EV_COND_WOKEN)
        return;
      break; /* an acquisition without a wait: an instant below */
    case WEFT_EV_TASK_BEGIN:
    case WEFT_EV_TASK_SUSPEND:
    case WEFT_EV_TASK_RESUME:
    case WEFT_EV_TASK_END:
      task_event (x, st, ev);
      return;
    default:
      break;
    }
  if (!in)
    return;
  materialize (x, st);
  switch (ev->kind)
    {
    case WEFT_EV_INSTANT:
      b = begin_event (x, 'i', st, ev->time, TRUE);
      g_string_append (b, ",\"s\":\"t\"");
      field (b, "name", S (x, ev->name));
      end_event (x);
      break;
    case WEFT_EV_COUNTER:
      if (!isfinite (ev->value))
        break; /* JSON has no NaN or infinity */
      b = begin_event (x, 'C', st, ev->time, TRUE);
      field (b, "name", S (x, ev->name));
      g_string_append (b, ",\"args\":{\"value\":");
      {
        char num[G_ASCII_DTOSTR_BUF_SIZE];

        g_string_append (b, g_ascii_dtostr (num, sizeof num, ev->value));
      }
      g_string_append_c (b, '}');
      end_event (x);
      break;
    case WEFT_EV_FLOW_BEGIN:
    case WEFT_EV_FLOW_END:
      b = begin_event (x, ev->kind == WEFT_EV_FLOW_BEGIN ? 's' : 'f', st, ev->time, TRUE);
      g_string_append_printf (b,
                              ",\"cat\":\"weft.flow\",\"name\":\"flow\",\"id\":\"0x%" PRIx64 "\"%s",
                              ev->id, ev->kind == WEFT_EV_FLOW_END ? ",\"bp\":\"e\"" : "");
      end_event (x);
      break;
    case WEFT_EV_THREAD_START:
      weft_instant (x, st, ev, "thread_start", "creator");
      break;
    case WEFT_EV_THREAD_EXIT:
      weft_instant (x, st, ev, "thread_exit", NULL);
      break;
    case WEFT_EV_PROCESS_FORK:
      weft_instant (x, st, ev, "process_fork", "child");
      break;
    case WEFT_EV_PROCESS_EXEC:
      weft_instant (x, st, ev, "process_exec", "program");
      break;
    case WEFT_EV_PROCESS_EXIT:
      weft_instant (x, st, ev, "process_exit", "status");
      break;
    case WEFT_EV_LOST:
      weft_instant (x, st, ev, "lost", "count");
      break;
    case WEFT_EV_LOCK_ACQUIRED:
    case WEFT_EV_LOCK_RELEASED:
      b = begin_event (x, 'i', st, ev->time, TRUE);
      g_string_append_printf (
          b, ",\"s\":\"t\",\"cat\":\"weft.lock\",\"name\":\"%s\",\"id\":\"0x%" PRIx64 "\"",
          ev->kind == WEFT_EV_LOCK_ACQUIRED ? "lock_acquired" : "lock_released", ev->id);
      end_event (x);
      break;
    default:
      break; /* switches, reserved kinds */
    }
}

static void
write_other_data (Export *x)
{
  const char *const *keys = weft_reader_get_metadata_keys (x->reader);
  GString *b = x->out->buf;

  g_string_append (b, "{\"otherData\":{");
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (b, ',');
      _weft_chrome_out_quote (b, keys[i]);
      g_string_append_c (b, ':');
      _weft_chrome_out_quote (b, weft_reader_get_metadata (x->reader, keys[i]));
    }
  g_string_append (b, "},\n\"traceEvents\":[");
}

gboolean
weft_chrome_export (WeftReader *reader, guint64 start, guint64 end, WeftChromeWriteFunc write,
                    gpointer user_data, GCancellable *cancellable, GError **error)
{
  WeftChromeOut out = { write, user_data, g_string_sized_new (FLUSH_AT + 4096), NULL };
  Export x = { reader, &out, start, end, TRUE };
  WeftChromeMerge m;
  WeftEvent ev;
  guint which, n = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (reader != NULL && write != NULL, FALSE);
  x.tasks = g_hash_table_new_full (task_hash, task_equal, g_free, g_free);
  x.lock_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  x.names = g_hash_table_new (NULL, NULL);
  x.thread_names = g_hash_table_new (NULL, NULL);
  x.process_names = g_hash_table_new (NULL, NULL);
  write_other_data (&x);

  _weft_chrome_merge_init (&m, reader, WEFT_STREAM_THREAD);
  x.streams = g_new0 (Stream, m.n + 1);
  for (guint i = 0; i < m.n; i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, m.stream[i]);

      x.streams[i].pid = info->pid;
      x.streams[i].tid = info->tid;
      x.streams[i].open = g_array_new (FALSE, FALSE, sizeof (Open));
    }
  while (ok && _weft_chrome_merge_next (&m, &which, &ev))
    {
      thread_event (&x, &x.streams[which], &ev);
      if (out.error != NULL)
        ok = FALSE;
      if ((++n & 0xffff) == 0 && g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (&out.error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "the export was cancelled");
          ok = FALSE;
        }
    }
  /* slices open across the whole range still show in it */
  for (guint i = 0; ok && x.reached_start && i < m.n; i++)
    materialize (&x, &x.streams[i]);
  for (guint i = 0; i < m.n; i++)
    g_array_unref (x.streams[i].open);
  g_free (x.streams);
  _weft_chrome_merge_clear (&m);
  g_string_append (out.buf, "\n]");

  if (ok)
    ok = _weft_chrome_export_sched (reader, &out, x.names, start, end, cancellable);
  if (ok)
    {
      g_string_append (out.buf, "}\n");
      ok = _weft_chrome_out_flush (&out, TRUE);
    }
  if (!ok)
    {
      if (out.error == NULL)
        g_set_error_literal (&out.error, G_IO_ERROR, G_IO_ERROR_FAILED, "the export failed");
      g_propagate_error (error, out.error);
    }
  g_string_free (out.buf, TRUE);
  g_hash_table_unref (x.tasks);
  g_hash_table_unref (x.lock_names);
  g_hash_table_unref (x.names);
  g_hash_table_unref (x.thread_names);
  g_hash_table_unref (x.process_names);
  return ok;
}

guint64
weft_chrome_export_time_zero (WeftReader *reader)
{
  guint64 zero = G_MAXUINT64;

  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      WeftStreamIter iter;
      WeftEvent ev;

      weft_stream_iter_init (&iter, reader, i);
      if (weft_stream_iter_next (&iter, &ev) && ev.time < zero)
        zero = ev.time;
    }
  return zero == G_MAXUINT64 ? 0 : zero;
}

typedef struct
{
  int fd;
  gzFile gz;
} Sink;

static gboolean
write_sink (const char *data, gsize len, gpointer user_data, GError **error)
{
  Sink *sink = user_data;

  while (len > 0)
    {
      gssize n;

      if (sink->gz != NULL)
        n = gzwrite (sink->gz, data, (unsigned) MIN (len, 1u << 30));
      else
        n = write (sink->fd, data, len);
      if (n < 0 && sink->gz == NULL && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int err = sink->gz != NULL ? EIO : errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "write failed: %s",
                       g_strerror (err));
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gboolean
weft_chrome_export_file (WeftReader *reader, const char *path, guint64 start, guint64 end,
                         GCancellable *cancellable, GError **error)
{
  Sink sink = { -1, NULL };
  gboolean ok;

  g_return_val_if_fail (reader != NULL && path != NULL, FALSE);
  sink.fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (sink.fd < 0)
    {
      int err = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "%s", g_strerror (err));
      return FALSE;
    }
  if (g_str_has_suffix (path, ".gz"))
    {
      sink.gz = gzdopen (sink.fd, "wb6");
      if (sink.gz == NULL)
        {
          close (sink.fd);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot start gzip");
          return FALSE;
        }
    }
  ok = weft_chrome_export (reader, start, end, write_sink, &sink, cancellable, error);
  if (sink.gz != NULL)
    {
      if (gzclose (sink.gz) != Z_OK && ok)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "write failed");
          ok = FALSE;
        }
    }
  else if (close (sink.fd) != 0 && ok)
    {
      int err = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "write failed: %s",
                   g_strerror (err));
      ok = FALSE;
    }
  return ok;
}
