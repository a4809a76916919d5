/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "chrome-test-util.h"

#include <stdlib.h>
#include <string.h>

WeftReader *
chrome_test_import_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "chrome", "data", name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = weft_chrome_import_file (path, NULL, &error);
  WeftReader *reader;

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  reader = weft_reader_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return reader;
}

WeftReader *
chrome_test_import_string (const char *json, GError **error)
{
  g_autoptr (GBytes) bytes
      = weft_chrome_import_data ((const guint8 *) json, strlen (json), NULL, error);

  if (bytes == NULL)
    return NULL;
  return weft_reader_new_from_bytes (bytes, error);
}

const char *
chrome_test_meta (WeftReader *reader, const char *key)
{
  const char *v = weft_reader_get_metadata (reader, key);

  return v != NULL ? v : "";
}

static const char *
kind_name (guint kind)
{
  switch (kind)
    {
    case WEFT_EV_SPAN_BEGIN:
      return "B";
    case WEFT_EV_SPAN_BEGIN_ARGS:
      return "B";
    case WEFT_EV_SPAN_END:
      return "E";
    case WEFT_EV_INSTANT:
      return "instant";
    case WEFT_EV_COUNTER:
      return "counter";
    case WEFT_EV_TASK_BEGIN:
      return "task-begin";
    case WEFT_EV_TASK_SUSPEND:
      return "task-suspend";
    case WEFT_EV_TASK_RESUME:
      return "task-resume";
    case WEFT_EV_TASK_END:
      return "task-end";
    case WEFT_EV_FLOW_BEGIN:
      return "flow-begin";
    case WEFT_EV_FLOW_END:
      return "flow-end";
    case WEFT_EV_LOCK_WAIT:
      return "lock-wait";
    case WEFT_EV_LOCK_ACQUIRED:
      return "lock-acquired";
    case WEFT_EV_LOCK_RELEASED:
      return "lock-released";
    case WEFT_EV_COND_WAIT:
      return "cond-wait";
    case WEFT_EV_COND_WOKEN:
      return "cond-woken";
    case WEFT_EV_LOCK_NAME:
      return "lock-name";
    case WEFT_EV_THREAD_NAME:
      return "thread-name";
    case WEFT_EV_PROCESS_NAME:
      return "process-name";
    case WEFT_EV_LOST:
      return "lost";
    case WEFT_EV_SCHED_SWITCH:
      return "switch";
    case WEFT_EV_THREAD_START:
      return "thread-start";
    case WEFT_EV_THREAD_EXIT:
      return "thread-exit";
    case WEFT_EV_PROCESS_FORK:
      return "fork";
    case WEFT_EV_PROCESS_EXEC:
      return "exec";
    case WEFT_EV_PROCESS_EXIT:
      return "exit";
    default:
      return "?";
    }
}

static void
put_tid (GString *out, const char *field, gint64 tid)
{
  if (tid == WEFT_TID_IDLE)
    g_string_append_printf (out, " %s=idle", field);
  else if (tid == WEFT_TID_OTHER)
    g_string_append_printf (out, " %s=other", field);
  else
    g_string_append_printf (out, " %s=%" G_GINT64_FORMAT, field, tid);
}

static void
dump_stream (GString *out, WeftReader *reader, guint i)
{
  static const char *const states[] = { "preempted", "blocked", "exited", "unknown" };
  WeftStreamIter iter;
  WeftEvent ev;

  weft_stream_iter_init (&iter, reader, i);
  while (weft_stream_iter_next (&iter, &ev))
    {
      g_string_append_printf (out, "  %" G_GUINT64_FORMAT " %s", ev.time, kind_name (ev.kind));
      switch (ev.kind)
        {
        case WEFT_EV_SPAN_BEGIN:
        case WEFT_EV_INSTANT:
        case WEFT_EV_THREAD_NAME:
        case WEFT_EV_PROCESS_NAME:
        case WEFT_EV_PROCESS_EXEC:
          g_string_append_printf (out, " %s", weft_reader_get_string (reader, ev.name));
          break;
        case WEFT_EV_SPAN_BEGIN_ARGS:
          g_string_append_printf (out, " %s args=%s", weft_reader_get_string (reader, ev.name),
                                  weft_reader_get_string (reader, ev.args));
          break;
        case WEFT_EV_COUNTER:
          g_string_append_printf (out, " %s=%g", weft_reader_get_string (reader, ev.name),
                                  ev.value);
          break;
        case WEFT_EV_TASK_BEGIN:
          g_string_append_printf (out, " %" G_GUINT64_FORMAT " %s", ev.id,
                                  weft_reader_get_string (reader, ev.name));
          break;
        case WEFT_EV_LOCK_NAME:
          g_string_append_printf (out, " 0x%" G_GINT64_MODIFIER "x %s", ev.id,
                                  weft_reader_get_string (reader, ev.name));
          break;
        case WEFT_EV_LOCK_WAIT:
        case WEFT_EV_LOCK_ACQUIRED:
        case WEFT_EV_LOCK_RELEASED:
        case WEFT_EV_COND_WOKEN:
          g_string_append_printf (out, " 0x%" G_GINT64_MODIFIER "x", ev.id);
          break;
        case WEFT_EV_COND_WAIT:
          g_string_append_printf (out, " 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x",
                                  ev.id, ev.id2);
          break;
        case WEFT_EV_TASK_SUSPEND:
        case WEFT_EV_TASK_RESUME:
        case WEFT_EV_TASK_END:
        case WEFT_EV_FLOW_BEGIN:
        case WEFT_EV_FLOW_END:
        case WEFT_EV_LOST:
        case WEFT_EV_THREAD_START:
        case WEFT_EV_PROCESS_FORK:
          g_string_append_printf (out, " %" G_GUINT64_FORMAT, ev.id);
          break;
        case WEFT_EV_PROCESS_EXIT:
          g_string_append_printf (out, " %" G_GINT64_FORMAT, ev.prev_tid);
          break;
        case WEFT_EV_SCHED_SWITCH:
          put_tid (out, "prev", ev.prev_tid);
          g_string_append_printf (out, " %s", states[ev.state & 3]);
          put_tid (out, "next", ev.next_tid);
          break;
        default:
          break;
        }
      g_string_append_c (out, '\n');
    }
}

static int
by_stream (gconstpointer a, gconstpointer b, gpointer reader)
{
  const WeftStreamInfo *x = weft_reader_get_stream (reader, *(const guint *) a);
  const WeftStreamInfo *y = weft_reader_get_stream (reader, *(const guint *) b);

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  return x->tid < y->tid ? -1 : x->tid > y->tid;
}

char *
chrome_test_dump (WeftReader *reader)
{
  GString *out = g_string_new (NULL);
  guint n = weft_reader_get_n_streams (reader);
  g_autofree guint *order = g_new (guint, n + 1);

  for (guint i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, (gint) n, sizeof (guint), by_stream, reader);
  for (guint k = 0; k < n; k++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, order[k]);

      if (info->kind == WEFT_STREAM_CPU)
        g_string_append_printf (out, "cpu %u\n", info->tid);
      else
        g_string_append_printf (out, "thread %u/%u\n", info->pid, info->tid);
      dump_stream (out, reader, order[k]);
    }
  return g_string_free (out, FALSE);
}

static char *
dump_one (WeftReader *reader, WeftStreamKind kind, guint32 pid, guint32 tid)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, i);

      if (info->kind == kind && info->tid == tid && (kind == WEFT_STREAM_CPU || info->pid == pid))
        dump_stream (out, reader, i);
    }
  return g_string_free (out, FALSE);
}

char *
chrome_test_dump_thread (WeftReader *reader, guint32 pid, guint32 tid)
{
  return dump_one (reader, WEFT_STREAM_THREAD, pid, tid);
}

char *
chrome_test_dump_cpu (WeftReader *reader, guint32 cpu)
{
  return dump_one (reader, WEFT_STREAM_CPU, 0, cpu);
}

#define T0 G_GUINT64_CONSTANT (1000000000)

GBytes *
chrome_test_sample (gboolean system_wide)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream main_s, worker, io, child, cpu0, cpu1;
  uint8_t *data = NULL;
  size_t size = 0;

  weft_builder_set_metadata (b, "command", "sample --x");
  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_set_metadata (b, "source", "weft");
  weft_builder_set_metadata (b, "sched", "true");
  weft_builder_set_metadata (b, "system_wide", system_wide ? "true" : "false");

  main_s = weft_builder_thread (b, 100, 100);
  weft_builder_thread_start (b, main_s, T0, 0);
  weft_builder_thread_name (b, main_s, T0, "main");
  weft_builder_process_name (b, main_s, T0, "app");
  weft_builder_span_begin (b, main_s, T0 + 10, "main");
  weft_builder_span_begin_args (b, main_s, T0 + 123, "load", "{\"file\":\"a.txt\"}");
  weft_builder_counter (b, main_s, T0 + 150, "queue", 3.5);
  weft_builder_span_end (b, main_s, T0 + 400);
  weft_builder_instant (b, main_s, T0 + 450, "checkpoint");
  weft_builder_lock_name (b, main_s, T0 + 460, 0x1000, "ledger");
  weft_builder_lock_wait (b, main_s, T0 + 500, 0x1000);
  weft_builder_lock_acquired (b, main_s, T0 + 700, 0x1000);
  weft_builder_lock_released (b, main_s, T0 + 800, 0x1000);
  weft_builder_flow_begin (b, main_s, T0 + 850, 7);
  weft_builder_task_begin (b, main_s, T0 + 900, 5, "fetch");
  weft_builder_task_suspend (b, main_s, T0 + 950, 5);
  weft_builder_process_fork (b, main_s, T0 + 960, 200);
  weft_builder_span_end (b, main_s, T0 + 2000);
  weft_builder_thread_exit (b, main_s, T0 + 2100);

  worker = weft_builder_thread (b, 100, 101);
  weft_builder_thread_start (b, worker, T0 + 20, 100);
  weft_builder_thread_name (b, worker, T0 + 20, "worker");
  weft_builder_span_begin (b, worker, T0 + 1000, "work");
  weft_builder_flow_end (b, worker, T0 + 1050, 7);
  weft_builder_task_resume (b, worker, T0 + 1100, 5);
  weft_builder_cond_wait (b, worker, T0 + 1200, 0x2000, 0x1000);
  weft_builder_cond_woken (b, worker, T0 + 1300, 0x2000);
  weft_builder_task_end (b, worker, T0 + 1400, 5);
  weft_builder_span_end (b, worker, T0 + 1500);
  weft_builder_lost (b, worker, T0 + 1600, 3);
  weft_builder_thread_exit (b, worker, T0 + 1700);

  io = weft_builder_thread (b, 100, 102);
  weft_builder_thread_name (b, io, T0 + 30, "io thread=1");
  weft_builder_span_begin (b, io, T0 + 300, "read \"quoted\"");
  weft_builder_span_end (b, io, T0 + 600);

  child = weft_builder_thread (b, 200, 200);
  weft_builder_process_exec (b, child, T0 + 970, "child");
  weft_builder_process_exit (b, child, T0 + 1800, 256);

  cpu0 = weft_builder_cpu (b, 0);
  weft_builder_switch (b, cpu0, T0, WEFT_TID_IDLE, WEFT_SWITCH_PREEMPTED, 100);
  weft_builder_switch (b, cpu0, T0 + 500, 100, WEFT_SWITCH_BLOCKED, WEFT_TID_OTHER);
  weft_builder_switch (b, cpu0, T0 + 700, WEFT_TID_OTHER, WEFT_SWITCH_UNKNOWN, 100);
  weft_builder_switch (b, cpu0, T0 + 2000, 100, WEFT_SWITCH_EXITED, WEFT_TID_IDLE);
  cpu1 = weft_builder_cpu (b, 1);
  weft_builder_switch (b, cpu1, T0 + 1000, WEFT_TID_IDLE, WEFT_SWITCH_PREEMPTED, 101);
  weft_builder_switch (b, cpu1, T0 + 1200, 101, WEFT_SWITCH_BLOCKED, 102);
  weft_builder_switch (b, cpu1, T0 + 1300, 102, WEFT_SWITCH_PREEMPTED, 101);
  weft_builder_switch (b, cpu1, T0 + 1700, 101, WEFT_SWITCH_EXITED, WEFT_TID_IDLE);

  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);
  return g_bytes_new_with_free_func (data, size, free, data);
}

WeftReader *
chrome_test_sample_reader (gboolean system_wide)
{
  g_autoptr (GBytes) bytes = chrome_test_sample (system_wide);
  g_autoptr (GError) error = NULL;
  WeftReader *reader = weft_reader_new_from_bytes (bytes, &error);

  g_assert_no_error (error);
  return reader;
}

static gboolean
to_string (const char *data, gsize len, gpointer user_data, GError **error)
{
  g_string_append_len (user_data, data, (gssize) len);
  return TRUE;
}

char *
chrome_test_export (WeftReader *reader, guint64 start, guint64 end, GError **error)
{
  GString *out = g_string_new (NULL);

  if (!weft_chrome_export (reader, start, end, to_string, out, NULL, error))
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}
