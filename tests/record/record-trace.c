/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * record-trace.c: reading a recorded trace back for the tests, and
 * running `weft record`.
 */
#include "record-trace.h"

#include <string.h>
#include <sys/wait.h>

#include "weft-record-perf.h"

static void
thread_free (gpointer data)
{
  RecordThread *t = data;

  g_free (t->name);
  g_free (t->process_name);
  g_free (t->exec);
  g_free (t->all_names);
  g_free (t);
}

RecordThread *
record_trace_thread (RecordTrace *trace, guint32 tid)
{
  return g_hash_table_lookup (trace->threads, GUINT_TO_POINTER (tid));
}

static void
set_str (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
read_thread_stream (RecordTrace *trace, guint index, const WeftStreamInfo *info)
{
  RecordThread *t = record_trace_thread (trace, info->tid);
  WeftStreamIter iter;
  WeftEvent ev;

  if (t == NULL)
    {
      t = g_new0 (RecordThread, 1);
      t->pid = info->pid;
      t->tid = info->tid;
      t->first = G_MAXUINT64;
      g_hash_table_insert (trace->threads, GUINT_TO_POINTER (info->tid), t);
    }
  weft_stream_iter_init (&iter, trace->reader, index);
  while (weft_stream_iter_next (&iter, &ev))
    {
      const char *name = weft_reader_get_string (trace->reader, ev.name);

      trace->kinds[ev.kind]++;
      t->first = MIN (t->first, ev.time);
      t->last = MAX (t->last, ev.time);
      switch (ev.kind)
        {
        case WEFT_EV_THREAD_NAME:
          set_str (&t->name, name);
          {
            char *all = g_strconcat (t->all_names ? t->all_names : "\n", name, "\n", NULL);

            g_free (t->all_names);
            t->all_names = all;
          }
          break;
        case WEFT_EV_PROCESS_NAME: set_str (&t->process_name, name); break;
        case WEFT_EV_PROCESS_EXEC: set_str (&t->exec, name); break;
        case WEFT_EV_THREAD_START: t->started = TRUE; break;
        case WEFT_EV_THREAD_EXIT:
          t->exited = TRUE;
          t->exit_time = ev.time;
          break;
        case WEFT_EV_PROCESS_EXIT:
          t->process_exit = TRUE;
          t->exit_status = ev.prev_tid;
          break;
        case WEFT_EV_PROCESS_FORK:
          t->n_forks++;
          t->fork_child = (guint32) ev.id;
          break;
        case WEFT_EV_LOCK_WAIT: t->n_lock_waits++; break;
        case WEFT_EV_LOCK_ACQUIRED: t->n_lock_acquired++; break;
        case WEFT_EV_COND_WAIT: t->n_cond_waits++; break;
        case WEFT_EV_COND_WOKEN: t->n_cond_woken++; break;
        case WEFT_EV_COUNTER:
          t->n_counters++;
          t->last_counter = ev.value;
          break;
        case WEFT_EV_LOST: trace->lost += ev.id; break;
        case WEFT_EV_INSTANT: t->n_instants++; break;
        default: break;
        }
    }
}

static void
read_cpu_stream (RecordTrace *trace, guint index, const WeftStreamInfo *info)
{
  WeftStreamIter iter;
  WeftEvent ev;

  trace->n_cpu_streams++;
  trace->max_cpu = MAX (trace->max_cpu, info->tid);
  weft_stream_iter_init (&iter, trace->reader, index);
  while (weft_stream_iter_next (&iter, &ev))
    {
      trace->kinds[ev.kind]++;
      if (ev.kind == WEFT_EV_LOST)
        trace->lost += ev.id;
      if (ev.kind != WEFT_EV_SCHED_SWITCH)
        continue;
      RecordSwitch s = { info->tid, ev.time, ev.prev_tid, ev.next_tid, ev.state };
      g_array_append_val (trace->switches, s);
    }
}

RecordTrace *
record_trace_load (const char *path)
{
  g_autoptr (GError) error = NULL;
  RecordTrace *trace = g_new0 (RecordTrace, 1);

  trace->reader = weft_reader_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (weft_reader_get_damage (trace->reader), ==, NULL);
  trace->threads = g_hash_table_new_full (NULL, NULL, NULL, thread_free);
  trace->switches = g_array_new (FALSE, FALSE, sizeof (RecordSwitch));
  for (guint i = 0; i < weft_reader_get_n_streams (trace->reader); i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (trace->reader, i);

      if (info->kind == WEFT_STREAM_CPU)
        read_cpu_stream (trace, i, info);
      else
        read_thread_stream (trace, i, info);
    }
  return trace;
}

void
record_trace_free (RecordTrace *trace)
{
  weft_reader_free (trace->reader);
  g_hash_table_unref (trace->threads);
  g_array_unref (trace->switches);
  g_free (trace);
}

guint
record_trace_n_threads (RecordTrace *trace)
{
  return g_hash_table_size (trace->threads);
}

guint
record_trace_n_processes (RecordTrace *trace)
{
  g_autoptr (GHashTable) pids = g_hash_table_new (NULL, NULL);
  GHashTableIter it;
  RecordThread *t;

  g_hash_table_iter_init (&it, trace->threads);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) &t))
    g_hash_table_add (pids, GUINT_TO_POINTER (t->pid));
  return g_hash_table_size (pids);
}

RecordThread *
record_trace_find_any_name (RecordTrace *trace, const char *name)
{
  g_autofree char *line = g_strconcat ("\n", name, "\n", NULL);
  GHashTableIter it;
  RecordThread *t;

  g_hash_table_iter_init (&it, trace->threads);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) &t))
    if (t->all_names != NULL && strstr (t->all_names, line) != NULL)
      return t;
  return NULL;
}

RecordThread *
record_trace_find_name (RecordTrace *trace, const char *name)
{
  GHashTableIter it;
  RecordThread *t;

  g_hash_table_iter_init (&it, trace->threads);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) &t))
    if (g_strcmp0 (t->name, name) == 0)
      return t;
  return NULL;
}

const char *
record_trace_meta (RecordTrace *trace, const char *key)
{
  return weft_reader_get_metadata (trace->reader, key);
}

guint
record_trace_broken_switches (RecordTrace *trace)
{
  guint broken = 0;

  for (guint i = 1; i < trace->switches->len; i++)
    {
      RecordSwitch *a = &g_array_index (trace->switches, RecordSwitch, i - 1);
      RecordSwitch *b = &g_array_index (trace->switches, RecordSwitch, i);

      broken += a->cpu == b->cpu && (a->next != b->prev || a->time > b->time);
    }
  return broken;
}

/* --- running --- */

const char *
record_weft (void)
{
  static char *path;

  if (path == NULL)
    path = g_build_filename (g_getenv ("WEFT_BUILDDIR"), "cli", "weft", NULL);
  return path;
}

const char *
record_helper (void)
{
  static char *path;

  if (path == NULL)
    path = g_build_filename (g_getenv ("WEFT_BUILDDIR"), "tests", "record", "record-helper",
                             NULL);
  return path;
}

const char *
record_kill_helper (void)
{
  static char *path;

  if (path == NULL)
    path = g_build_filename (g_getenv ("WEFT_BUILDDIR"), "tests", "record", "kill-helper", NULL);
  return path;
}

int
record_run (const char *out, const char *const *extra, const char *const *cmd,
            const char *const *env_extra, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (GStrv) env = g_get_environ ();
  g_autoptr (GError) error = NULL;
  g_autofree char *err_text = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) record_weft ());
  g_ptr_array_add (argv, (gpointer) "record");
  if (out != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "-o");
      g_ptr_array_add (argv, (gpointer) out);
    }
  for (; extra != NULL && *extra != NULL; extra++)
    g_ptr_array_add (argv, (gpointer) *extra);
  if (cmd != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--");
      for (; *cmd != NULL; cmd++)
        g_ptr_array_add (argv, (gpointer) *cmd);
    }
  g_ptr_array_add (argv, NULL);
  /* Perf is the test's choice, not the caller's environment's. */
  env = g_environ_unsetenv (env, "WEFT_RECORD_NO_PERF");
  for (; env_extra != NULL && *env_extra != NULL; env_extra++)
    {
      g_auto (GStrv) kv = g_strsplit (*env_extra, "=", 2);

      env = g_environ_setenv (env, kv[0], kv[1], TRUE);
    }
  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err_text,
                &status, &error);
  g_assert_no_error (error);
  if (g_test_verbose () && err_text != NULL)
    g_printerr ("%s", err_text);
  if (err != NULL)
    *err = g_steal_pointer (&err_text);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}

gboolean
record_need_perf (void)
{
  char why[256];

  if (g_getenv ("WEFT_RECORD_NO_PERF") != NULL)
    {
      g_test_skip ("WEFT_RECORD_NO_PERF is set");
      return FALSE;
    }
  if (weft_perf_probe (WEFT_PERF_TASK, why, sizeof why) < 0)
    {
      g_autofree char *msg = g_strdup_printf ("perf events refused here: %s", why);

      g_printerr ("# skipped: %s\n", msg);
      g_test_skip (msg);
      return FALSE;
    }
  return TRUE;
}
