/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-test-trace.h"

#include "weft-format.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

guint64
weft_test_monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

const char *
weft_test_helper_path (void)
{
  static char *path;

  if (path == NULL)
    path = g_build_filename (WEFT_TEST_BUILDDIR, "weft-helper", NULL);
  return path;
}

WeftTestRun *
weft_test_run_new (void)
{
  g_autoptr (GError) error = NULL;
  WeftTestRun *run = g_new0 (WeftTestRun, 1);

  run->dir = g_dir_make_tmp ("weft-runtime-XXXXXX", &error);
  g_assert_no_error (error);
  run->trace = g_build_filename (run->dir, "trace.weft", NULL);
  return run;
}

static void
remove_tree (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_dir_close (d);
  g_rmdir (dir);
}

void
weft_test_run_free (WeftTestRun *run)
{
  remove_tree (run->dir);
  g_free (run->dir);
  g_free (run->trace);
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

char **
weft_test_run_envp (WeftTestRun *run, const char *const *extra)
{
  char **envp = g_get_environ ();

  envp = g_environ_unsetenv (envp, "WEFT_TRACE_APPEND");
  envp = g_environ_unsetenv (envp, "WEFT_BUFFER_CAP");
  envp = g_environ_unsetenv (envp, "WEFT_CLOCK");
  envp = g_environ_setenv (envp, "WEFT_TRACE", run->trace, TRUE);
  for (gsize i = 0; extra != NULL && extra[i] != NULL; i++)
    {
      g_auto (GStrv) kv = g_strsplit (extra[i], "=", 2);
      envp = g_environ_setenv (envp, kv[0], kv[1], TRUE);
    }
  return envp;
}

void
weft_test_run_spawn (WeftTestRun *run, const char *program, const char *const *args,
                     const char *const *extra_env)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) envp = weft_test_run_envp (run, extra_env);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) (program != NULL ? program : weft_test_helper_path ()));
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  run->t0 = weft_test_monotonic_ns ();
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &run->out,
                &run->err, &run->status, &error);
  run->t1 = weft_test_monotonic_ns ();
  g_assert_no_error (error);
  if (run->err[0] != '\0')
    g_test_message ("helper stderr: %s", run->err);
}

gint64
weft_test_run_value (WeftTestRun *run, const char *key)
{
  g_auto (GStrv) lines = g_strsplit (run->out, "\n", -1);
  gsize klen = strlen (key);

  for (gsize i = 0; lines[i] != NULL; i++)
    if (strncmp (lines[i], key, klen) == 0 && lines[i][klen] == '=')
      return g_ascii_strtoll (lines[i] + klen + 1, NULL, 0);
  g_error ("no %s= in the helper's output: %s", key, run->out);
  return 0;
}

WeftReader *
weft_test_open (const char *path)
{
  g_autoptr (GError) error = NULL;
  WeftReader *reader = weft_reader_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reader);
  g_assert_cmpstr (weft_reader_get_damage (reader), ==, NULL);
  return reader;
}

GArray *
weft_test_events (WeftReader *reader, guint stream)
{
  GArray *events = g_array_new (FALSE, TRUE, sizeof (WeftEvent));
  WeftStreamIter iter;
  WeftEvent ev;

  weft_stream_iter_init (&iter, reader, stream);
  while (weft_stream_iter_next (&iter, &ev))
    g_array_append_val (events, ev);
  g_assert_cmpstr (weft_reader_get_damage (reader), ==, NULL);
  return events;
}

GArray *
weft_test_streams_of (WeftReader *reader, guint32 pid)
{
  GArray *streams = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, i);

      if (info->kind == WEFT_STREAM_THREAD && info->pid == pid)
        g_array_append_val (streams, i);
    }
  return streams;
}

guint
weft_test_count (WeftReader *reader, GArray *events, guint8 kind, const char *name)
{
  guint n = 0;

  for (guint i = 0; i < events->len; i++)
    {
      const WeftEvent *ev = WEFT_TEST_EV (events, i);

      if (ev->kind == kind
          && (name == NULL || g_strcmp0 (weft_reader_get_string (reader, ev->name), name) == 0))
        n++;
    }
  return n;
}

guint64
weft_test_lost (GArray *events)
{
  guint64 n = 0;

  for (guint i = 0; i < events->len; i++)
    if (WEFT_TEST_EV (events, i)->kind == WEFT_EV_LOST)
      n += WEFT_TEST_EV (events, i)->id;
  return n;
}

void
weft_test_assert_times (GArray *events, guint64 lo, guint64 hi)
{
  guint64 last = lo;

  for (guint i = 0; i < events->len; i++)
    {
      guint64 t = WEFT_TEST_EV (events, i)->time;

      if (t < last || t > hi)
        g_error ("event %u of %u at %" G_GUINT64_FORMAT " ns: outside [%" G_GUINT64_FORMAT
                 ", %" G_GUINT64_FORMAT "] or before the previous one",
                 i, events->len, t, last, hi);
      last = t;
    }
}

gsize
weft_test_first_tsc_chunk (const guint8 *data, gsize size, guint *pairs)
{
  gsize off = sizeof (WeftFileHeader);

  *pairs = 0;
  while (off + sizeof (WeftChunkHeader) <= size)
    {
      WeftChunkHeader h;
      WeftStreamChunkHeader sh;

      memcpy (&h, data + off, sizeof h);
      g_assert_cmpuint (h.tag, ==, WEFT_CHUNK_TAG);
      if (h.type == WEFT_CHUNK_CLOCK)
        (*pairs)++;
      if (h.type == WEFT_CHUNK_STREAM)
        {
          memcpy (&sh, data + off + sizeof h, sizeof sh);
          if (sh.clock == WEFT_CLOCK_TSC)
            return off + sizeof h + h.payload_size;
        }
      off = (off + sizeof h + h.payload_size + 7) & ~(gsize) 7;
    }
  return 0;
}
