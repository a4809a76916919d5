/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-record-engine.c: the recorder's pieces on their own: the merge of
 * libweft's standalone file (intact, torn, garbage), finding the command,
 * the command's environment and the /proc readers.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "weft-reader.h"
#include "weft-record-launch.h"
#include "weft-record-merge.h"
#include "weft-record-proc.h"

/* A small trace as libweft would write it: two thread streams in
 * several chunks. */
static GBytes *
small_trace (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s1 = weft_builder_thread (b, 10, 11);
  WeftBuilderStream s2 = weft_builder_thread (b, 10, 12);
  guint8 *data;
  gsize size;

  weft_builder_set_chunk_size (b, 64);
  weft_builder_set_write_index (b, 0);
  for (int i = 0; i < 40; i++)
    {
      weft_builder_span_begin (b, i % 2 ? s1 : s2, 1000 + i * 10, "work");
      weft_builder_span_end (b, i % 2 ? s1 : s2, 1005 + i * 10);
    }
  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);
  return g_bytes_new_take (data, size);
}

static guint64
count_events (WeftReader *reader)
{
  guint64 n = 0;

  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      WeftStreamIter iter;
      WeftEvent ev;

      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        n += ev.kind == WEFT_EV_SPAN_BEGIN || ev.kind == WEFT_EV_SPAN_END;
    }
  return n;
}

/* Merges file into a fresh trace; returns it read back. */
static WeftReader *
merge (const char *file, WeftMergeStats *stats)
{
  g_autoptr (GError) error = NULL;
  WeftBuilder *b = weft_builder_new_memory ();
  guint8 *data;
  gsize size;
  WeftReader *reader;

  weft_builder_set_metadata (b, "source", "weft");
  g_assert_cmpint (weft_record_merge_file (b, file, stats), ==, 0);
  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);
  reader = weft_reader_new_from_bytes (g_bytes_new_take (data, size), &error);
  g_assert_no_error (error);
  return reader;
}

static void
test_merge (void)
{
  g_autoptr (GBytes) trace = small_trace ();
  g_autofree char *dir = g_dir_make_tmp ("weft-merge-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "libweft.weft", NULL);
  g_autoptr (GByteArray) damaged = g_byte_array_new ();
  gsize size;
  const guint8 *data = g_bytes_get_data (trace, &size);
  WeftMergeStats stats;
  WeftReader *reader;
  static const guint8 junk[24] = "garbage in the middle!!";

  /* Intact: every chunk, every event. */
  g_assert_true (g_file_set_contents (file, (const char *) data, (gssize) size, NULL));
  reader = merge (file, &stats);
  g_assert_cmpuint (count_events (reader), ==, 80);
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 2);
  g_assert_cmpuint (stats.damaged_bytes, ==, 0);
  g_assert_cmpuint (stats.stream_chunks, >, 4);
  weft_reader_free (reader);

  /* Headerless (as processes appending to weft record's file write it),
   * junk in the middle, a torn chunk at the end: the junk is skipped,
   * every intact chunk kept. */
  g_byte_array_append (damaged, data + sizeof (WeftFileHeader), 200);
  g_byte_array_append (damaged, junk, sizeof junk);
  g_byte_array_append (damaged, data + sizeof (WeftFileHeader), (guint) (size - sizeof (WeftFileHeader)));
  g_byte_array_append (damaged, data + sizeof (WeftFileHeader), 40);
  g_assert_true (g_file_set_contents (file, (const char *) damaged->data, damaged->len, NULL));
  reader = merge (file, &stats);
  g_assert_cmpuint (stats.damaged_bytes, >, 0);
  /* Chunks repeated by the damage carry the same seq: the reader keeps one. */
  g_assert_cmpuint (count_events (reader), ==, 80);
  g_assert_null (weft_reader_get_damage (reader));
  weft_reader_free (reader);

  /* Missing or empty: nothing to merge, no error. */
  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  weft_reader_free (merge (file, &stats));
  g_assert_cmpuint (stats.chunks, ==, 0);
  g_unlink (file);
  weft_reader_free (merge (file, &stats));
  g_assert_cmpuint (stats.chunks, ==, 0);
  g_rmdir (dir);
}

static void
test_launch_check (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-check-XXXXXX", NULL);
  g_autofree char *plain = g_build_filename (dir, "plain", NULL);
  g_autofree char *old_path = g_strdup (g_getenv ("PATH"));

  g_assert_true (g_file_set_contents (plain, "x", -1, NULL));
  g_assert_cmpint (weft_launch_check ("sh"), ==, 0);
  g_assert_cmpint (weft_launch_check ("/bin/sh"), ==, 0);
  g_assert_cmpint (weft_launch_check ("weft-surely-not-a-command"), ==, WEFT_RECORD_EXIT_NOT_FOUND);
  g_assert_cmpint (weft_launch_check ("/nonexistent/x"), ==, WEFT_RECORD_EXIT_NOT_FOUND);
  g_assert_cmpint (weft_launch_check (""), ==, WEFT_RECORD_EXIT_NOT_FOUND);
  g_assert_cmpint (weft_launch_check (plain), ==, WEFT_RECORD_EXIT_NOT_EXECUTABLE);
  g_assert_cmpint (weft_launch_check (dir), ==, WEFT_RECORD_EXIT_NOT_EXECUTABLE);
  /* Found on PATH but not executable: 126, as a shell says. */
  g_setenv ("PATH", dir, TRUE);
  g_assert_cmpint (weft_launch_check ("plain"), ==, WEFT_RECORD_EXIT_NOT_EXECUTABLE);
  g_setenv ("PATH", old_path, TRUE);
  g_assert_cmpint (weft_launch_exec_error_status (ENOENT), ==, 127);
  g_assert_cmpint (weft_launch_exec_error_status (EACCES), ==, 126);
  g_assert_cmpint (weft_launch_exec_error_status (ENOEXEC), ==, 126);
  g_unlink (plain);
  g_rmdir (dir);
}

static const char *
env_get (char **env, const char *key)
{
  const char *v = g_environ_getenv (env, key);

  return v;
}

static void
test_env (void)
{
  const char *set[] = { "WEFT_TRACE=/tmp/x.weft", "WEFT_BUFFER_CAP=1048576", NULL };
  char **env;
  guint n = 0;

  g_setenv ("WEFT_TRACE", "/somewhere/else", TRUE);
  g_setenv ("LD_PRELOAD", "libother.so", TRUE);
  env = weft_launch_build_env (set, "/lib/weft/libweft-hooks.so");
  g_assert_cmpstr (env_get (env, "WEFT_TRACE"), ==, "/tmp/x.weft");
  g_assert_cmpstr (env_get (env, "WEFT_BUFFER_CAP"), ==, "1048576");
  g_assert_cmpstr (env_get (env, "LD_PRELOAD"), ==, "/lib/weft/libweft-hooks.so:libother.so");
  for (char **e = env; *e != NULL; e++)
    n += g_str_has_prefix (*e, "WEFT_TRACE=");
  g_assert_cmpuint (n, ==, 1);
  /* set's last entry is the environment's last (the child may drop it). */
  g_assert_cmpstr (env[g_strv_length (env) - 1], ==, "WEFT_BUFFER_CAP=1048576");
  weft_launch_free_env (env);

  /* No hooks: LD_PRELOAD stays as it was. */
  env = weft_launch_build_env (set, NULL);
  g_assert_cmpstr (env_get (env, "LD_PRELOAD"), ==, "libother.so");
  weft_launch_free_env (env);
  g_unsetenv ("LD_PRELOAD");
  env = weft_launch_build_env (NULL, "/h.so");
  g_assert_cmpstr (env_get (env, "LD_PRELOAD"), ==, "/h.so");
  g_assert_cmpstr (env_get (env, "WEFT_TRACE"), ==, "/somewhere/else");
  weft_launch_free_env (env);
  g_unsetenv ("WEFT_TRACE");
}

static void
test_proc (void)
{
  int cpus[WEFT_PROC_MAX_CPUS];
  size_t n = weft_proc_online_cpus (cpus, WEFT_PROC_MAX_CPUS);
  char comm[16], cmdline[256];
  pid_t *pids = NULL, child;
  size_t n_pids;
  int status, pipefd[2];

  g_assert_cmpuint (n, ==, (size_t) sysconf (_SC_NPROCESSORS_ONLN));
  for (size_t i = 1; i < n; i++)
    g_assert_cmpint (cpus[i], >, cpus[i - 1]);
  g_assert_cmpint (weft_proc_rss (getpid ()), >, 0);
  g_assert_cmpint (weft_proc_rss (-1), ==, -1);
  g_assert_cmpint (weft_proc_ppid (getpid ()), ==, getppid ());
  g_assert_cmpint (weft_proc_read_comm (getpid (), getpid (), comm, sizeof comm), ==, 0);
  g_assert_cmpstr (comm, ==, "test-record-eng");
  g_assert_cmpint (weft_proc_cmdline (getpid (), cmdline, sizeof cmdline), ==, 0);
  g_assert_nonnull (strstr (cmdline, "test-record-engine"));
  g_assert_cmpint (weft_proc_read_int ("/nonexistent", 42), ==, 42);

  /* A child and a grandchild are both descendants. */
  g_assert_cmpint (pipe (pipefd), ==, 0);
  child = fork ();
  if (child == 0)
    {
      char c;

      close (pipefd[1]);
      if (fork () == 0)
        {
          (void) !read (pipefd[0], &c, 1);
          _exit (0);
        }
      (void) !read (pipefd[0], &c, 1);
      wait (NULL);
      _exit (0);
    }
  close (pipefd[0]);
  for (int tries = 0; tries < 200; tries++)
    {
      g_free (pids);
      n_pids = weft_proc_descendants (getpid (), &pids);
      if (n_pids == 2)
        break;
      g_usleep (5000);
    }
  g_assert_cmpuint (n_pids, ==, 2);
  g_assert_true (pids[0] == child || pids[1] == child);
  close (pipefd[1]);
  waitpid (child, &status, 0);
  g_free (pids);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/record-engine/merge", test_merge);
  g_test_add_func ("/weft/record-engine/launch-check", test_launch_check);
  g_test_add_func ("/weft/record-engine/env", test_env);
  g_test_add_func ("/weft/record-engine/proc", test_proc);
  return g_test_run ();
}
