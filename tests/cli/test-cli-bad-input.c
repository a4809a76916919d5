/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * SPEC §8 at the command line: `weft stats`, `weft dump` and `weft export`
 * (image and JSON) on garbage, empty, truncated, damaged gzip, directory,
 * FIFO and missing paths. Each gives exactly one line `weft: PATH: what`, the
 * same for every command, exits 1, prints nothing on stdout and writes no
 * output file.
 */
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "weft-builder.h"

typedef struct
{
  const char *name;    /* file in the test's directory */
  const char *message; /* after "weft: PATH: " */
} BadInput;

static const BadInput bad_inputs[] = {
  { "garbage.weft", "not a trace (neither Weft nor Chrome JSON)" },
  { "empty.weft", "empty file" },
  { "header-cut.weft", "truncated: the file ends inside its header" },
  { "header-only.weft", "truncated: no chunk after the header" },
  { "header-garbage.weft",
    "no intact chunk (1 of 1 chunks damaged (256 bytes): garbage instead of a chunk header at "
    "offset 32)" },
  { "blank.json", "not a trace (neither Weft nor Chrome JSON)" },
  { "bom-only.json", "not a trace (neither Weft nor Chrome JSON)" },
  { "cut.json", "malformed JSON at byte 25: unexpected end of file" },
  { "scalar.json", "not a trace (neither Weft nor Chrome JSON)" },
  { "no-events.json", "not a Chrome trace: a JSON object without traceEvents" },
  { "cut.json.gz", "damaged gzip data: unexpected end of file" },
  { "magic-only.json.gz", "damaged gzip data: unexpected end of file" },
  { "a-directory", "is a directory" },
  { "a-fifo", "not a regular file" }, /* no writer: must not wait for one */
  { "missing.weft", "No such file or directory" },
};

typedef struct
{
  char *dir;
} Fixture;

static void
write_file (const char *dir, const char *name, const void *data, gsize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  static const guint8 gzip_cut[]
      = { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x8b, 0xae, 0x56, 0x4a };
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (8);
  g_autofree char *good = NULL, *contents = NULL, *chrome = NULL;
  guint8 garbage[4096], header_garbage[32 + 256];
  gsize len;
  WeftBuilder *b;
  WeftBuilderStream s;

  f->dir = g_dir_make_tmp ("weft-cli-bad-XXXXXX", &error);
  g_assert_no_error (error);

  /* A good trace, for its header. */
  good = g_build_filename (f->dir, "good.weft", NULL);
  b = weft_builder_new (good);
  g_assert_nonnull (b);
  s = weft_builder_thread (b, 1, 1);
  weft_builder_span_begin (b, s, 1000, "work");
  weft_builder_span_end (b, s, 2000);
  g_assert_cmpint (weft_builder_finish (b), ==, 0);
  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 32);
  memcpy (header_garbage, contents, 32);
  g_unlink (good);

  /* Random bytes that start like nothing Weft knows ('x' is not JSON). */
  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (guint8) g_rand_int_range (rand, 0, 256);
  garbage[0] = 'x';
  write_file (f->dir, "garbage.weft", garbage, sizeof garbage);
  write_file (f->dir, "empty.weft", "", 0);
  write_file (f->dir, "header-cut.weft", header_garbage, 20);
  write_file (f->dir, "header-only.weft", header_garbage, 32);
  memcpy (header_garbage + 32, garbage, 256);
  write_file (f->dir, "header-garbage.weft", header_garbage, 32 + 256);
  write_file (f->dir, "blank.json", " \n\t\n", 4);
  write_file (f->dir, "bom-only.json", "\xef\xbb\xbf", 3);
  chrome = g_strdup ("{\"traceEvents\":[{\"ph\":\"X\"");
  write_file (f->dir, "cut.json", chrome, strlen (chrome));
  write_file (f->dir, "scalar.json", "42", 2);
  write_file (f->dir, "no-events.json", "{\"foo\":[1]}", 11);
  write_file (f->dir, "cut.json.gz", gzip_cut, sizeof gzip_cut);
  write_file (f->dir, "magic-only.json.gz", gzip_cut, 2);
  {
    g_autofree char *sub = g_build_filename (f->dir, "a-directory", NULL);
    g_autofree char *fifo = g_build_filename (f->dir, "a-fifo", NULL);

    g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      if (g_unlink (path) != 0)
        g_rmdir (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
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

static void
check_command (Fixture *f, const char *command, const char *output)
{
  g_autofree char *out_path = output != NULL ? g_build_filename (f->dir, output, NULL) : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, bad_inputs[i].name, NULL);
      g_autofree char *out = NULL, *err = NULL;
      g_autofree char *want = g_strdup_printf ("weft: %s: %s\n", path, bad_inputs[i].message);
      const char *args[] = { command, path, out_path != NULL ? "-o" : NULL, out_path, NULL };

      g_test_message ("weft %s %s", command, bad_inputs[i].name);
      g_assert_cmpint (run_weft (args, &out, &err), ==, 1);
      g_assert_cmpstr (err, ==, want);
      g_assert_cmpstr (out, ==, "");
      if (out_path != NULL)
        g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));
    }
}

static void
test_stats (Fixture *f, gconstpointer data)
{
  check_command (f, "stats", NULL);
}

static void
test_dump (Fixture *f, gconstpointer data)
{
  check_command (f, "dump", NULL);
}

static void
test_export_png (Fixture *f, gconstpointer data)
{
  check_command (f, "export", "out.png");
}

static void
test_export_json (Fixture *f, gconstpointer data)
{
  check_command (f, "export", "out.json");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/weft/cli/bad-input/stats", Fixture, NULL, fixture_setup, test_stats,
              fixture_teardown);
  g_test_add ("/weft/cli/bad-input/dump", Fixture, NULL, fixture_setup, test_dump,
              fixture_teardown);
  g_test_add ("/weft/cli/bad-input/export-png", Fixture, NULL, fixture_setup, test_export_png,
              fixture_teardown);
  g_test_add ("/weft/cli/bad-input/export-json", Fixture, NULL, fixture_setup, test_export_json,
              fixture_teardown);
  return g_test_run ();
}
