/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `weft dump`: the output of a known trace, exit codes 0/1/2 and the
 * one-line error format `weft: PATH: …`.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "weft-builder.h"
#include "weft-chunk.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("weft-dump-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Runs weft with args; returns the exit status. */
static int
run_weft (const char *const *args, char **out, char **err)
{
  const char *builddir = g_getenv ("WEFT_BUILDDIR");
  g_autofree char *weft = g_build_filename (builddir ? builddir : ".", "cli", "weft", NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int status;

  g_ptr_array_add (argv, weft);
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out,
                               err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static char *
write_known_trace (Fixture *f, size_t chunk_size)
{
  char *path = g_build_filename (f->dir, "known.weft", NULL);
  WeftBuilder *b = weft_builder_new (path);
  WeftBuilderStream s, c;

  g_assert_nonnull (b);
  if (chunk_size)
    weft_builder_set_chunk_size (b, chunk_size);
  weft_builder_set_metadata (b, "command", "bank \"demo\"");
  weft_builder_set_metadata (b, "cpu_count", "2");
  s = weft_builder_thread (b, 42, 43);
  c = weft_builder_cpu (b, 1);
  weft_builder_switch (b, c, 1000000000, WEFT_TID_IDLE, WEFT_SWITCH_PREEMPTED, 43);
  weft_builder_thread_name (b, s, 1000000100, "worker\t1");
  weft_builder_span_begin (b, s, 1000000200, "transfer");
  weft_builder_lock_wait (b, s, 1000000300, 0x7ffd1000);
  weft_builder_lock_acquired (b, s, 1000000400, 0x7ffd1000);
  weft_builder_counter (b, s, 1000000500, "balance", 99.5);
  weft_builder_task_begin (b, s, 1000000600, 7, "fetch");
  weft_builder_lost (b, s, 1000000700, 3);
  weft_builder_span_end (b, s, 2500000000);
  weft_builder_process_exit (b, s, 2500000001, 256);
  weft_builder_switch (b, c, 2500000002, 43, WEFT_SWITCH_EXITED, WEFT_TID_OTHER);
  g_assert_cmpint (weft_builder_finish (b), ==, 0);
  return path;
}

static void
test_known_trace (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_known_trace (f, 0);
  g_autofree char *out = NULL, *err = NULL, *want = NULL;
  const char *args[] = { "dump", path, NULL };

  g_assert_cmpint (run_weft (args, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  want = g_strdup_printf (
    "# %s\n"
    "command: \"bank \\\"demo\\\"\"\n"
    "cpu_count: \"2\"\n"
    "time zero: 1000000000 ns (CLOCK_MONOTONIC)\n"
    "\n"
    "== thread pid 42 tid 43 name=\"worker\\t1\" (1 chunks, 92 bytes)\n"
    "     0.000000100s             100 thread-name   name=\"worker\\t1\"\n"
    "     0.000000200s             200 span-begin    name=\"transfer\"\n"
    "     0.000000300s             300 lock-wait     lock=0x7ffd1000\n"
    "     0.000000400s             400 lock-acquired lock=0x7ffd1000\n"
    "     0.000000500s             500 counter       name=\"balance\" value=99.5\n"
    "     0.000000600s             600 task-begin    id=7 name=\"fetch\"\n"
    "     0.000000700s             700 lost          count=3\n"
    "     1.500000000s      1500000000 span-end\n"
    "     1.500000001s      1500000001 process-exit  status=256 (exit 1)\n"
    "== 9 events\n"
    "\n"
    "== cpu 1 (1 chunks, 14 bytes)\n"
    "     0.000000000s               0 switch        prev=idle state=preempted next=43\n"
    "     1.500000002s      1500000002 switch        prev=43 state=exited next=other\n"
    "== 2 events\n",
    path);
  g_assert_cmpstr (out, ==, want);
}

static void
test_usage (Fixture *f, gconstpointer data)
{
  const char *none[] = { "dump", NULL };
  const char *two[] = { "dump", "a.weft", "b.weft", NULL };
  const char *bad[] = { "dump", "--frobnicate", "a.weft", NULL };
  const char *help[] = { "dump", "--help", NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_weft (none, &out, &err), ==, 2);
  g_assert_cmpstr (err, ==, "weft: dump: missing FILE (try 'weft dump --help')\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_weft (two, &out, &err), ==, 2);
  g_assert_cmpstr (err, ==, "weft: dump: expected one FILE (try 'weft dump --help')\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_weft (bad, &out, &err), ==, 2);
  g_assert_true (g_str_has_prefix (err, "weft: "));
  g_assert_nonnull (strstr (err, "--frobnicate"));
  g_assert_cmpint (strchr (err, '\n') - err, ==, (gssize) strlen (err) - 1); /* one line */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_weft (help, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "weft dump [OPTION…] FILE"));
  g_assert_cmpstr (err, ==, "");
}

static void
expect_bad_input (Fixture *f, const char *name, const void *content, gssize len,
                  const char *message)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autofree char *out = NULL, *err = NULL, *want = NULL;
  const char *args[] = { "dump", path, NULL };

  if (content != NULL)
    g_assert_true (g_file_set_contents (path, content, len, NULL));
  g_assert_cmpint (run_weft (args, &out, &err), ==, 1);
  want = g_strdup_printf ("weft: %s: %s\n", path, message);
  g_assert_cmpstr (err, ==, want);
  g_assert_cmpstr (out, ==, "");
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  expect_bad_input (f, "missing.weft", NULL, 0, "No such file or directory");
  expect_bad_input (f, "empty.weft", "", 0, "empty file");
  expect_bad_input (f, "notes.txt", "just some text\n", -1,
                    "not a trace (neither Weft nor Chrome JSON)");
  expect_bad_input (f, "header.weft", "\x89WEFT\r\n\x1a\x01\x00", 10,
                    "truncated: the file ends inside its header");
  expect_bad_input (f, "newer.weft",
                    "\x89WEFT\r\n\x1a\x03\x00\x01\x00\x20\x00\x00\x00"
                    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
                    32, "format version 3.1 is not supported (this Weft reads 1.x)");
}

/* A cut trace: the intact part on stdout, a note on stderr, exit 0. */
static void
test_damaged (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_known_trace (f, 96);
  g_autofree char *contents = NULL, *out = NULL, *err = NULL, *want = NULL;
  const char *args[] = { "dump", path, NULL };
  WeftChunkHeader first;
  gsize len, first_end;

  /* Keep the first chunk and 24 bytes of the next. */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  memcpy (&first, contents + sizeof (WeftFileHeader), sizeof first);
  first_end = sizeof (WeftFileHeader) + weft_chunk_total_size (first.payload_size);
  g_assert_cmpuint (first_end + 24, <, len);
  g_assert_true (g_file_set_contents (path, contents, (gssize) first_end + 24, NULL));
  g_assert_cmpint (run_weft (args, &out, &err), ==, 0);
  want = g_strdup_printf ("weft: %s: note: 1 of 2 chunks damaged (24 bytes): truncated at offset "
                          "%" G_GSIZE_FORMAT "\n", path, first_end);
  g_assert_cmpstr (err, ==, want);
  g_assert_nonnull (strstr (out, "span-begin    name=\"transfer\"\n"));
  g_assert_null (strstr (out, "span-end"));
}

/* Chrome JSON (plain and gzip) is detected by content and dumped alike. */
static void
test_chrome_json (Fixture *f, gconstpointer data)
{
  static const char doc[] =
    "\n {\"traceEvents\":[{\"ph\":\"X\",\"name\":\"work\",\"pid\":1,\"tid\":2,"
    "\"ts\":10,\"dur\":5}]}";
  g_autofree char *path = g_build_filename (f->dir, "trace.data", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "cut.json", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "dump", path, NULL };
  const char *bad_args[] = { "dump", bad, NULL };

  g_assert_true (g_file_set_contents (path, doc, -1, NULL));
  g_assert_cmpint (run_weft (args, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_nonnull (strstr (out, "source: \"chrome-json\"\n"));
  g_assert_nonnull (strstr (out, "     0.000000000s               0 span-begin    name=\"work\"\n"
                                 "     0.000005000s            5000 span-end\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (bad, "{\"traceEvents\": [", -1, NULL));
  g_assert_cmpint (run_weft (bad_args, &out, &err), ==, 1);
  g_assert_true (g_str_has_prefix (err, "weft: "));
  g_assert_nonnull (strstr (err, bad));
  g_assert_cmpint (strchr (err, '\n') - err, ==, (gssize) strlen (err) - 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/weft/cli/dump/known-trace", Fixture, NULL, fixture_set_up, test_known_trace,
              fixture_tear_down);
  g_test_add ("/weft/cli/dump/usage", Fixture, NULL, fixture_set_up, test_usage,
              fixture_tear_down);
  g_test_add ("/weft/cli/dump/bad-input", Fixture, NULL, fixture_set_up, test_bad_input,
              fixture_tear_down);
  g_test_add ("/weft/cli/dump/chrome-json", Fixture, NULL, fixture_set_up, test_chrome_json,
              fixture_tear_down);
  g_test_add ("/weft/cli/dump/damaged", Fixture, NULL, fixture_set_up, test_damaged,
              fixture_tear_down);
  return g_test_run ();
}
