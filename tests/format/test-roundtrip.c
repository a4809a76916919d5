/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Builder -> reader round trips: every event kind with exact fields,
 * many chunks per stream, metadata, strings and the index.
 */
#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "weft-builder.h"
#include "weft-reader.h"

static WeftReader *
finish_and_open (WeftBuilder *b, GBytes **out_bytes)
{
  g_autoptr (GError) error = NULL;
  uint8_t *data;
  size_t size;
  WeftReader *reader;
  GBytes *bytes;

  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);
  bytes = g_bytes_new_with_free_func (data, size, free, data);
  reader = weft_reader_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reader);
  if (out_bytes)
    *out_bytes = bytes;
  else
    g_bytes_unref (bytes);
  return reader;
}

static guint
find_stream (WeftReader *reader, WeftStreamKind kind, guint32 pid, guint32 tid)
{
  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, i);
      if (info->kind == kind && info->pid == pid && info->tid == tid)
        return i;
    }
  g_assert_not_reached ();
}

static GArray *
read_all (WeftReader *reader, guint stream)
{
  GArray *events = g_array_new (FALSE, TRUE, sizeof (WeftEvent));
  WeftStreamIter iter;
  WeftEvent ev;

  weft_stream_iter_init (&iter, reader, stream);
  while (weft_stream_iter_next (&iter, &ev))
    g_array_append_val (events, ev);
  return events;
}

#define EV(i) (&g_array_index (events, WeftEvent, (i)))
#define NAME(i) weft_reader_get_string (reader, EV (i)->name)

static void
test_every_kind (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) events = NULL;
  g_autoptr (GArray) cpu_events = NULL;
  WeftBuilderStream s, c;
  guint i = 0;

  weft_builder_set_metadata (b, "command", "bank --threads 4");
  weft_builder_set_metadata (b, "cpu_count", "8");
  weft_builder_set_metadata (b, "command", "bank --threads 2"); /* overrides */
  s = weft_builder_thread (b, 100, 101);
  c = weft_builder_cpu (b, 3);
  weft_builder_thread_start (b, s, 1000, 100);
  weft_builder_thread_name (b, s, 1001, "worker-1");
  weft_builder_process_name (b, s, 1002, "bank");
  weft_builder_span_begin (b, s, 1010, "transfer");
  weft_builder_span_begin_args (b, s, 1020, "lock", "{\"n\":1}");
  weft_builder_instant (b, s, 1030, "tick");
  weft_builder_counter (b, s, 1040, "balance", -12.625);
  weft_builder_task_begin (b, s, 1050, 0xabcdef0123ull, "fetch");
  weft_builder_task_suspend (b, s, 1060, 0xabcdef0123ull);
  weft_builder_task_resume (b, s, 1070, 0xabcdef0123ull);
  weft_builder_task_end (b, s, 1080, 0xabcdef0123ull);
  weft_builder_flow_begin (b, s, 1090, 77);
  weft_builder_flow_end (b, s, 1100, 78);
  weft_builder_lock_name (b, s, 1110, 0x7fff12345678ull, "accounts");
  weft_builder_lock_wait (b, s, 1120, 0x7fff12345678ull);
  weft_builder_lock_acquired (b, s, 1130, 0x7fff12345678ull);
  weft_builder_lock_released (b, s, 1140, 0x7fff12345678ull);
  weft_builder_cond_wait (b, s, 1150, 0x1000, 0x2000);
  weft_builder_cond_woken (b, s, 1160, 0x1000);
  weft_builder_lost (b, s, 1170, 42);
  weft_builder_process_fork (b, s, 1180, 4242);
  weft_builder_process_exec (b, s, 1190, "/usr/bin/python3");
  weft_builder_span_end (b, s, 1200);
  weft_builder_span_end (b, s, 1200); /* equal times are fine */
  weft_builder_thread_exit (b, s, 1150); /* earlier: clamped to 1200 */
  weft_builder_process_exit (b, s, 1300, -9);
  weft_builder_switch (b, c, 500, 0, WEFT_SWITCH_PREEMPTED, 101);
  weft_builder_switch (b, c, 900, 101, WEFT_SWITCH_BLOCKED, WEFT_TID_OTHER);
  weft_builder_switch (b, c, 1500, WEFT_TID_OTHER, WEFT_SWITCH_EXITED, WEFT_TID_IDLE);

  reader = finish_and_open (b, NULL);
  g_assert_null (weft_reader_get_damage (reader));
  g_assert_cmpuint (weft_reader_get_damaged_bytes (reader), ==, 0);
  g_assert_cmpstr (weft_reader_get_metadata (reader, "command"), ==, "bank --threads 2");
  g_assert_cmpstr (weft_reader_get_metadata (reader, "cpu_count"), ==, "8");
  g_assert_null (weft_reader_get_metadata (reader, "hostname"));
  {
    const char *const *keys = weft_reader_get_metadata_keys (reader);
    g_assert_cmpstr (keys[0], ==, "command");
    g_assert_cmpstr (keys[1], ==, "cpu_count");
    g_assert_null (keys[2]);
  }
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 2);

  const WeftStreamInfo *info = weft_reader_get_stream (reader, find_stream (reader, WEFT_STREAM_THREAD, 100, 101));
  g_assert_cmpuint (info->n_chunks, ==, 1);
  g_assert_cmpuint (info->lost_in_chunks, ==, 0);
  g_assert_cmpuint (info->encoded_bytes, >, 0);

  events = read_all (reader, find_stream (reader, WEFT_STREAM_THREAD, 100, 101));
  g_assert_cmpuint (events->len, ==, 26);

  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_THREAD_START);
  g_assert_cmpuint (EV (i)->time, ==, 1000);
  g_assert_cmpuint (EV (i++)->id, ==, 100);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_THREAD_NAME);
  g_assert_cmpstr (NAME (i++), ==, "worker-1");
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_PROCESS_NAME);
  g_assert_cmpstr (NAME (i++), ==, "bank");
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_SPAN_BEGIN);
  g_assert_cmpuint (EV (i)->time, ==, 1010);
  g_assert_cmpuint (EV (i)->args, ==, 0);
  g_assert_cmpstr (NAME (i++), ==, "transfer");
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_SPAN_BEGIN_ARGS);
  g_assert_cmpstr (NAME (i), ==, "lock");
  g_assert_cmpstr (weft_reader_get_string (reader, EV (i++)->args), ==, "{\"n\":1}");
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_INSTANT);
  g_assert_cmpstr (NAME (i++), ==, "tick");
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_COUNTER);
  g_assert_cmpstr (NAME (i), ==, "balance");
  g_assert_cmpfloat (EV (i++)->value, ==, -12.625);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_TASK_BEGIN);
  g_assert_cmpuint (EV (i)->id, ==, 0xabcdef0123ull);
  g_assert_cmpstr (NAME (i++), ==, "fetch");
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_TASK_SUSPEND);
  g_assert_cmpuint (EV (i++)->id, ==, 0xabcdef0123ull);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_TASK_RESUME);
  g_assert_cmpuint (EV (i++)->id, ==, 0xabcdef0123ull);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_TASK_END);
  g_assert_cmpuint (EV (i)->time, ==, 1080);
  g_assert_cmpuint (EV (i++)->id, ==, 0xabcdef0123ull);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_FLOW_BEGIN);
  g_assert_cmpuint (EV (i++)->id, ==, 77);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_FLOW_END);
  g_assert_cmpuint (EV (i++)->id, ==, 78);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_LOCK_NAME);
  g_assert_cmpuint (EV (i)->id, ==, 0x7fff12345678ull);
  g_assert_cmpstr (NAME (i++), ==, "accounts");
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_LOCK_WAIT);
  g_assert_cmpuint (EV (i++)->id, ==, 0x7fff12345678ull);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_LOCK_ACQUIRED);
  g_assert_cmpuint (EV (i++)->id, ==, 0x7fff12345678ull);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_LOCK_RELEASED);
  g_assert_cmpuint (EV (i)->time, ==, 1140);
  g_assert_cmpuint (EV (i++)->id, ==, 0x7fff12345678ull);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_COND_WAIT);
  g_assert_cmpuint (EV (i)->id, ==, 0x1000);
  g_assert_cmpuint (EV (i++)->id2, ==, 0x2000);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_COND_WOKEN);
  g_assert_cmpuint (EV (i++)->id, ==, 0x1000);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_LOST);
  g_assert_cmpuint (EV (i)->time, ==, 1170);
  g_assert_cmpuint (EV (i++)->id, ==, 42);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_PROCESS_FORK);
  g_assert_cmpuint (EV (i++)->id, ==, 4242);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_PROCESS_EXEC);
  g_assert_cmpstr (NAME (i++), ==, "/usr/bin/python3");
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_SPAN_END);
  g_assert_cmpuint (EV (i++)->time, ==, 1200);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_SPAN_END);
  g_assert_cmpuint (EV (i++)->time, ==, 1200);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_THREAD_EXIT);
  g_assert_cmpuint (EV (i++)->time, ==, 1200);
  g_assert_cmpuint (EV (i)->kind, ==, WEFT_EV_PROCESS_EXIT);
  g_assert_cmpuint (EV (i)->time, ==, 1300);
  g_assert_cmpint (EV (i++)->prev_tid, ==, -9);
  g_assert_cmpuint (i, ==, events->len);

  cpu_events = read_all (reader, find_stream (reader, WEFT_STREAM_CPU, 0, 3));
  g_assert_cmpuint (cpu_events->len, ==, 3);
  {
    const WeftEvent *e = (const WeftEvent *) (void *) cpu_events->data;
    g_assert_cmpuint (e[0].kind, ==, WEFT_EV_SCHED_SWITCH);
    g_assert_cmpuint (e[0].time, ==, 500);
    g_assert_cmpint (e[0].prev_tid, ==, WEFT_TID_IDLE);
    g_assert_cmpuint (e[0].state, ==, WEFT_SWITCH_PREEMPTED);
    g_assert_cmpint (e[0].next_tid, ==, 101);
    g_assert_cmpuint (e[1].time, ==, 900);
    g_assert_cmpint (e[1].prev_tid, ==, 101);
    g_assert_cmpuint (e[1].state, ==, WEFT_SWITCH_BLOCKED);
    g_assert_cmpint (e[1].next_tid, ==, WEFT_TID_OTHER);
    g_assert_cmpuint (e[2].time, ==, 1500);
    g_assert_cmpint (e[2].prev_tid, ==, WEFT_TID_OTHER);
    g_assert_cmpuint (e[2].state, ==, WEFT_SWITCH_EXITED);
    g_assert_cmpint (e[2].next_tid, ==, WEFT_TID_IDLE);
  }
}

/* Strings are global: one id for one content, across streams. */
static void
test_strings_global (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) e1 = NULL;
  g_autoptr (GArray) e2 = NULL;
  WeftBuilderStream s1 = weft_builder_thread (b, 1, 1);
  WeftBuilderStream s2 = weft_builder_thread (b, 2, 2);

  weft_builder_instant (b, s1, 10, "shared");
  weft_builder_instant (b, s1, 11, "only-one");
  weft_builder_instant (b, s2, 12, "other");
  weft_builder_instant (b, s2, 13, "shared");
  weft_builder_instant (b, s2, 14, "");
  weft_builder_instant (b, s2, 15, "caf\xc3\xa9 \xff!");
  reader = finish_and_open (b, NULL);
  e1 = read_all (reader, find_stream (reader, WEFT_STREAM_THREAD, 1, 1));
  e2 = read_all (reader, find_stream (reader, WEFT_STREAM_THREAD, 2, 2));
  g_assert_cmpuint (e1->len, ==, 2);
  g_assert_cmpuint (e2->len, ==, 4);
  g_assert_cmpuint (g_array_index (e1, WeftEvent, 0).name, ==, g_array_index (e2, WeftEvent, 1).name);
  g_assert_cmpuint (g_array_index (e1, WeftEvent, 1).name, !=, g_array_index (e2, WeftEvent, 0).name);
  g_assert_cmpstr (weft_reader_get_string (reader, g_array_index (e2, WeftEvent, 2).name), ==, "");
  /* Invalid UTF-8 is replaced, never passed on. */
  g_assert_cmpstr (weft_reader_get_string (reader, g_array_index (e2, WeftEvent, 3).name), ==,
                   "caf\xc3\xa9 \xef\xbf\xbd!");
  g_assert_cmpstr (weft_reader_get_string (reader, 0), ==, "");
  g_assert_cmpstr (weft_reader_get_string (reader, 999999), ==, "");
}

/* A small chunk size: many chunks, deltas continue, names re-defined. */
static void
test_many_chunks (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) events = NULL;
  WeftBuilderStream s;
  const char *names[] = { "alpha", "beta", "gamma" };
  guint64 t = 5000000000ull;

  weft_builder_set_chunk_size (b, 100);
  s = weft_builder_thread (b, 7, 8);
  for (guint i = 0; i < 3000; i++)
    {
      weft_builder_span_begin (b, s, t, names[i % 3]);
      t += (i % 7) * 1000 + 1;
      weft_builder_span_end (b, s, t);
      t += 200000000ull * (i == 1500); /* one long gap: a multi-byte delta */
    }
  reader = finish_and_open (b, NULL);
  g_assert_null (weft_reader_get_damage (reader));
  const WeftStreamInfo *info = weft_reader_get_stream (reader, 0);
  g_assert_cmpuint (info->n_chunks, >, 100);
  events = read_all (reader, 0);
  g_assert_cmpuint (events->len, ==, 6000);
  t = 5000000000ull;
  for (guint i = 0; i < 3000; i++)
    {
      const WeftEvent *bg = &g_array_index (events, WeftEvent, 2 * i);
      const WeftEvent *en = &g_array_index (events, WeftEvent, 2 * i + 1);
      g_assert_cmpuint (bg->kind, ==, WEFT_EV_SPAN_BEGIN);
      g_assert_cmpuint (bg->time, ==, t);
      g_assert_cmpstr (weft_reader_get_string (reader, bg->name), ==, names[i % 3]);
      t += (i % 7) * 1000 + 1;
      g_assert_cmpuint (en->kind, ==, WEFT_EV_SPAN_END);
      g_assert_cmpuint (en->time, ==, t);
      t += 200000000ull * (i == 1500);
    }
}

static void
test_file_mode (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "t.weft", NULL);
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) events = NULL;
  WeftBuilder *b;
  WeftBuilderStream s;

  g_assert_no_error (error);
  b = weft_builder_new (path);
  g_assert_nonnull (b);
  weft_builder_set_chunk_size (b, 64);
  s = weft_builder_thread (b, 1, 2);
  for (guint i = 0; i < 100; i++)
    weft_builder_instant (b, s, 10 * i, "x");
  g_assert_cmpint (weft_builder_finish (b), ==, 0);
  reader = weft_reader_open (path, &error);
  g_assert_no_error (error);
  g_assert_null (weft_reader_get_damage (reader));
  events = read_all (reader, 0);
  g_assert_cmpuint (events->len, ==, 100);
  g_assert_cmpuint (g_array_index (events, WeftEvent, 99).time, ==, 990);
  g_clear_pointer (&reader, weft_reader_free);

  /* Without the index (multi-process writers): the same events. */
  b = weft_builder_new (path);
  weft_builder_set_write_index (b, 0);
  s = weft_builder_thread (b, 1, 2);
  weft_builder_instant (b, s, 10, "x");
  g_assert_cmpint (weft_builder_finish (b), ==, 0);
  reader = weft_reader_open (path, &error);
  g_assert_no_error (error);
  g_assert_null (weft_reader_get_damage (reader));
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 1);
  g_clear_pointer (&reader, weft_reader_free);

  /* Abandoned: whole chunks only, no index; still reads. */
  b = weft_builder_new (path);
  s = weft_builder_thread (b, 1, 2);
  weft_builder_instant (b, s, 10, "x");
  weft_builder_abandon (b);
  reader = weft_reader_open (path, &error);
  g_assert_no_error (error);
  g_assert_null (weft_reader_get_damage (reader));
  g_clear_pointer (&reader, weft_reader_free);

  g_assert_null (weft_builder_new ("/nonexistent-dir/x.weft"));
  g_unlink (path);
  g_rmdir (dir);
}

/* Stream handles: one per (pid, tid) and per CPU, even where their keys
 * look alike; times going back are clamped. */
static void
test_stream_handles (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftReader) reader = NULL;
  WeftBuilderStream t = weft_builder_thread (b, G_MAXUINT32, 3);
  WeftBuilderStream c = weft_builder_cpu (b, 3);
  WeftBuilderStream t2 = weft_builder_thread (b, 5, 3);

  g_assert_cmpuint (t, !=, c);
  g_assert_cmpuint (t, !=, t2);
  g_assert_cmpuint (weft_builder_thread (b, G_MAXUINT32, 3), ==, t);
  g_assert_cmpuint (weft_builder_cpu (b, 3), ==, c);
  for (guint i = 0; i < 1000; i++)
    g_assert_cmpuint (weft_builder_thread (b, 100 + i, i), ==, 3 + i);
  weft_builder_instant (b, t, 10, "t");
  weft_builder_switch (b, c, 20, 0, WEFT_SWITCH_PREEMPTED, 1);
  weft_builder_instant (b, t2, 30, "t2");
  reader = finish_and_open (b, NULL);
  /* Streams without events write no chunk. */
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 3);
  g_assert_cmpuint (find_stream (reader, WEFT_STREAM_THREAD, G_MAXUINT32, 3), !=,
                    find_stream (reader, WEFT_STREAM_CPU, 0, 3));
}

/* Errors are sticky and reported by finish. */
static void
test_sticky_error (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  uint8_t *data = (uint8_t *) "x";
  size_t size = 1;

  weft_builder_instant (b, 7, 10, "no such stream");
  weft_builder_instant (b, weft_builder_thread (b, 1, 1), 10, "ignored after the error");
  errno = 0;
  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, -1);
  g_assert_cmpint (errno, ==, EINVAL);
  g_assert_null (data);
  g_assert_cmpuint (size, ==, 0);
}

typedef struct
{
  WeftReader *reader;
  guint stream;
  GString *text;
} ThreadJob;

static gpointer
iterate_job (gpointer data)
{
  ThreadJob *job = data;
  WeftStreamIter iter;
  WeftEvent ev;

  weft_stream_iter_init (&iter, job->reader, job->stream);
  while (weft_stream_iter_next (&iter, &ev))
    g_string_append_printf (job->text, "%" G_GUINT64_FORMAT " %s\n", ev.time,
                            weft_reader_get_string (job->reader, ev.name));
  return NULL;
}

/* Different streams decoded from different threads at once: the string
 * table and the per-stream maps grow while others read them. */
static void
test_threads (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftReader) reader = NULL;
  ThreadJob jobs[4];
  GThread *threads[4];

  weft_builder_set_chunk_size (b, 256);
  for (guint i = 0; i < 4; i++)
    {
      WeftBuilderStream s = weft_builder_thread (b, 9, i);
      for (guint k = 0; k < 5000; k++)
        {
          char name[32];
          /* Shared names, and names only this stream uses. */
          g_snprintf (name, sizeof name, k % 2 ? "shared-%u" : "own-%u-%u", k % 97, i);
          weft_builder_instant (b, s, k * 10, name);
        }
    }
  reader = finish_and_open (b, NULL);
  for (guint i = 0; i < 4; i++)
    {
      jobs[i] = (ThreadJob) { reader, i, g_string_new (NULL) };
      threads[i] = g_thread_new ("iterate", iterate_job, &jobs[i]);
    }
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  for (guint i = 0; i < 4; i++)
    {
      ThreadJob again = { reader, i, g_string_new (NULL) };
      g_autoptr (GString) want = g_string_new (NULL);

      iterate_job (&again);
      for (guint k = 0; k < 5000; k++)
        {
          g_string_append_printf (want, "%u ", k * 10);
          g_string_append_printf (want, k % 2 ? "shared-%u\n" : "own-%u-%u\n", k % 97, i);
        }
      g_assert_cmpstr (jobs[i].text->str, ==, want->str);
      g_assert_cmpstr (again.text->str, ==, want->str);
      g_string_free (jobs[i].text, TRUE);
      g_string_free (again.text, TRUE);
    }
  g_assert_null (weft_reader_get_damage (reader));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/format/roundtrip/every-kind", test_every_kind);
  g_test_add_func ("/weft/format/roundtrip/strings-global", test_strings_global);
  g_test_add_func ("/weft/format/roundtrip/many-chunks", test_many_chunks);
  g_test_add_func ("/weft/format/roundtrip/file-mode", test_file_mode);
  g_test_add_func ("/weft/format/roundtrip/threads", test_threads);
  g_test_add_func ("/weft/format/roundtrip/stream-handles", test_stream_handles);
  g_test_add_func ("/weft/format/roundtrip/sticky-error", test_sticky_error);
  return g_test_run ();
}
