/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `weft stats` as a user runs it: the three output forms, --range, --top
 * and --sort, and the exit statuses of SPEC §3 (0; 1 for a bad file, with
 * "weft: PATH: …"; 2 for bad usage), damaged files giving the intact part.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "json-check.h"
#include "weft-builder.h"

typedef struct
{
  char *dir;
  char *trace;
} Fixture;

static void
build_trace (const char *path)
{
  WeftBuilder *b = weft_builder_new (path);
  WeftBuilderStream s, w, c;

  g_assert_nonnull (b);
  weft_builder_set_chunk_size (b, 256); /* many chunks, to damage one */
  weft_builder_set_metadata (b, "command", "bank --threads 2");
  weft_builder_set_metadata (b, "cpu_count", "1");
  s = weft_builder_thread (b, 40, 40);
  w = weft_builder_thread (b, 40, 41);
  c = weft_builder_cpu (b, 0);
  weft_builder_thread_name (b, s, 1000, "main");
  for (guint64 i = 0; i < 100; i++)
    {
      guint64 t = 1000 + i * 1000;
      weft_builder_span_begin (b, s, t, "transfer");
      weft_builder_span_begin (b, s, t + 100, "audit");
      weft_builder_span_end (b, s, t + 300);
      weft_builder_span_end (b, s, t + 500);
      weft_builder_span_begin (b, w, t + 500, "report");
      weft_builder_span_end (b, w, t + 900);
      weft_builder_switch (b, c, t, 41, WEFT_SWITCH_PREEMPTED, 40);
      weft_builder_switch (b, c, t + 500, 40, WEFT_SWITCH_PREEMPTED, 41);
    }
  g_assert_cmpint (weft_builder_finish (b), ==, 0);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("weft-cli-stats-XXXXXX", &error);
  g_assert_no_error (error);
  f->trace = g_build_filename (f->dir, "bank.weft", NULL);
  build_trace (f->trace);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->trace);
}

/* Runs weft with args; returns its exit status. */
static int
run_weft (const char *const *args, char **out, char **err)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *weft = g_build_filename (g_getenv ("WEFT_BUILDDIR"), "cli", "weft", NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  int status;

  g_ptr_array_add (argv, weft);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out,
                               err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* The error is one line starting with prefix. */
static void
assert_one_line (const char *err, const char *prefix)
{
  g_assert_true (g_str_has_prefix (err, prefix));
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
}

static void
test_text (Fixture *f, gconstpointer data)
{
  const char *args[] = { "stats", f->trace, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_auto (GStrv) lines = NULL;
  guint n;

  g_assert_cmpint (run_weft (args, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  lines = g_strsplit (out, "\n", -1);
  n = g_strv_length (lines);
  g_assert_true (g_str_has_prefix (out, "Trace        "));
  g_assert_nonnull (strstr (out, "Command      bank --threads 2\n"));
  g_assert_nonnull (strstr (out, "transfer\n"));
  g_assert_cmpstr (lines[n - 2], ==,
                   "2.0 threads alive, 1.00 running on average on 1 core: "
                   "concurrent, interleaved: about one core at a time");
}

static void
test_json (Fixture *f, gconstpointer data)
{
  const char *args[] = { "stats", "--json", f->trace, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (JcNode) root = NULL;
  JcNode *trace, *spans;

  g_assert_cmpint (run_weft (args, &out, &err), ==, 0);
  root = jc_parse (out);
  g_assert_nonnull (root);
  g_assert_cmpstr (jc_get (root, "format")->text, ==, "weft-stats-1");
  trace = jc_get (root, "trace");
  g_assert_true (jc_get (trace, "sched")->boolean);
  g_assert_cmpuint (jc_uint (jc_get (trace, "events")), ==, 100 * 6 + 200);
  g_assert_cmpuint (jc_uint (jc_get (trace, "duration_ns")), ==, 99 * 1000 + 900);
  spans = jc_get (root, "spans");
  g_assert_cmpuint (spans->items->len, ==, 3);
  g_assert_cmpstr (jc_get (jc_at (spans, 0), "name")->text, ==, "transfer");
  g_assert_cmpuint (jc_uint (jc_get (jc_at (spans, 0), "cumtime_ns")), ==, 100 * 500);
  g_assert_cmpuint (jc_uint (jc_get (jc_at (spans, 0), "tottime_ns")), ==, 100 * 300);
}

static void
test_range_top_sort (Fixture *f, gconstpointer data)
{
  const char *args[] = { "stats", "--json", "--range", "1100ns:1.4us", "--top", "1",
                         "--sort", "name", f->trace, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (JcNode) root = NULL;
  JcNode *spans;

  g_assert_cmpint (run_weft (args, &out, &err), ==, 0);
  root = jc_parse (out);
  g_assert_nonnull (root);
  g_assert_cmpuint (jc_uint (jc_get (jc_get (root, "trace"), "duration_ns")), ==, 300);
  spans = jc_get (root, "spans");
  g_assert_cmpuint (spans->items->len, ==, 1);
  g_assert_cmpstr (jc_get (jc_at (spans, 0), "name")->text, ==, "audit");
  g_assert_cmpuint (jc_uint (jc_get (jc_at (spans, 0), "cumtime_ns")), ==, 200);
}

static void
test_csv (Fixture *f, gconstpointer data)
{
  const char *args[] = { "stats", "--csv", "threads", f->trace, NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_weft (args, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "pid,tid,name,alive_ns,on_cpu_ns,runnable_ns,blocked_ns,"
                                        "lock_wait_ns,context_switches,migrations\r\n"
                                        "40,40,main,"));
}

static void
test_help (Fixture *f, gconstpointer data)
{
  const char *args[] = { "stats", "--help", NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_weft (args, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "weft stats [OPTION…] FILE"));
  g_assert_nonnull (strstr (out, "--range=A:B"));
}

static void
test_usage_errors (Fixture *f, gconstpointer data)
{
  const char *const cases[][8] = {
    { "stats", NULL },
    { "stats", "a.weft", "b.weft", NULL },
    { "stats", "--json", "--csv", "spans", "x.weft", NULL },
    { "stats", "--csv", "rows", "x.weft", NULL },
    { "stats", "--range", "5s:2s", "x.weft", NULL },
    { "stats", "--range", "1parsec:", "x.weft", NULL },
    { "stats", "--top", "-1", "x.weft", NULL },
    { "stats", "--sort", "size", "x.weft", NULL },
    { "stats", "--bogus", "x.weft", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_assert_cmpint (run_weft (cases[i], &out, &err), ==, 2);
      g_assert_cmpstr (out, ==, "");
      assert_one_line (err, "weft: ");
    }
}

static void
test_bad_files (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "missing.weft", NULL);
  g_autofree char *text = g_build_filename (f->dir, "notes.txt", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "empty.weft", NULL);
  const char *paths[] = { missing, text, empty };

  g_assert_true (g_file_set_contents (text, "hello, not a trace\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      const char *args[] = { "stats", paths[i], NULL };
      g_autofree char *out = NULL, *err = NULL;
      g_autofree char *prefix = g_strdup_printf ("weft: %s: ", paths[i]);

      g_assert_cmpint (run_weft (args, &out, &err), ==, 1);
      g_assert_cmpstr (out, ==, "");
      assert_one_line (err, prefix);
    }
}

static void
test_range_after_end (Fixture *f, gconstpointer data)
{
  const char *args[] = { "stats", "--range", "1s:", f->trace, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *prefix = g_strdup_printf ("weft: %s: ", f->trace);

  g_assert_cmpint (run_weft (args, &out, &err), ==, 1);
  assert_one_line (err, prefix);
}

/* A flipped byte in the middle: a note on stderr and the intact part. */
static void
test_damaged (Fixture *f, gconstpointer data)
{
  const char *args[] = { "stats", "--json", f->trace, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *prefix = g_strdup_printf ("weft: %s: note: ", f->trace);
  g_autoptr (JcNode) root = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (f->trace, &contents, &len, NULL));
  for (gsize i = 0; i < 16; i++)
    contents[len / 2 + i] ^= 0x5a;
  g_assert_true (g_file_set_contents (f->trace, contents, len, NULL));

  g_assert_cmpint (run_weft (args, &out, &err), ==, 0);
  assert_one_line (err, prefix);
  g_assert_nonnull (strstr (err, "statistics of the intact part"));
  root = jc_parse (out);
  g_assert_nonnull (root);
  g_assert_cmpuint (jc_uint (jc_get (jc_get (root, "trace"), "events")), <, 800);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/weft/cli-stats/text", Fixture, NULL, fixture_setup, test_text, fixture_teardown);
  g_test_add ("/weft/cli-stats/json", Fixture, NULL, fixture_setup, test_json, fixture_teardown);
  g_test_add ("/weft/cli-stats/range-top-sort", Fixture, NULL, fixture_setup, test_range_top_sort,
              fixture_teardown);
  g_test_add ("/weft/cli-stats/csv", Fixture, NULL, fixture_setup, test_csv, fixture_teardown);
  g_test_add ("/weft/cli-stats/help", Fixture, NULL, fixture_setup, test_help, fixture_teardown);
  g_test_add ("/weft/cli-stats/usage-errors", Fixture, NULL, fixture_setup, test_usage_errors,
              fixture_teardown);
  g_test_add ("/weft/cli-stats/bad-files", Fixture, NULL, fixture_setup, test_bad_files,
              fixture_teardown);
  g_test_add ("/weft/cli-stats/range-after-end", Fixture, NULL, fixture_setup,
              test_range_after_end, fixture_teardown);
  g_test_add ("/weft/cli-stats/damaged", Fixture, NULL, fixture_setup, test_damaged,
              fixture_teardown);
  return g_test_run ();
}
