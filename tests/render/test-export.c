/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `weft export` to images as a user runs it (the built cli/weft), with no
 * display in the environment: PNG, SVG and PDF by extension, --size,
 * --scale, --theme, --range; the one-line errors for an unknown extension,
 * an unwritable path and a range after the trace; JSON still works.
 */
#include <cairo.h>
#include <glib/gstdio.h>
#include <string.h>

#include "render-util.h"

typedef struct
{
  char *dir;
  char *trace;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  WeftBuilder *b;

  f->dir = g_dir_make_tmp ("weft-export-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->trace = g_build_filename (f->dir, "demo.weft", NULL);
  b = weft_builder_new (f->trace);
  g_assert_nonnull (b);
  render_util_build_cpu (b);
  g_assert_cmpint (weft_builder_finish (b), ==, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->trace);
}

/* Runs weft with args (NULL-terminated) without DISPLAY or
 * WAYLAND_DISPLAY; returns the exit status, stderr in *err. */
static int
run_weft (char **err, ...)
{
  g_autofree char *weft = g_build_filename (g_getenv ("WEFT_BUILDDIR"), "cli", "weft", NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (GStrv) env = g_get_environ ();
  g_autoptr (GError) error = NULL;
  const char *arg;
  int status;
  va_list ap;

  env = g_environ_unsetenv (env, "DISPLAY");
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  g_ptr_array_add (argv, weft);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static cairo_surface_t *
load_png (const char *path)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  return s;
}

static guint32
corner (cairo_surface_t *s)
{
  cairo_surface_flush (s);
  return *(const guint32 *) (gconstpointer) cairo_image_surface_get_data (s) & 0xffffff;
}

static void
test_png (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->dir, "out.png", NULL);
  g_autofree char *err = NULL;
  cairo_surface_t *s;

  g_assert_cmpint (run_weft (&err, "export", f->trace, "-o", out, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  s = load_png (out);
  /* SPEC §3: 1920×1080 by default, light */
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 1920);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 1080);
  g_assert_cmpuint (corner (s), ==, 0xffffff);
  cairo_surface_destroy (s);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_weft (&err, "export", f->trace, "-o", out, "--size", "800x400",
                             "--scale", "2", "--theme", "dark", "--range", "10ms:30ms", NULL),
                   ==, 0);
  s = load_png (out);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 1600);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 800);
  g_assert_cmpuint (corner (s), ==, 0x1e1e1e);
  cairo_surface_destroy (s);
}

static void
check_magic (const char *path, const char *magic, const char *also)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpuint (len, >, strlen (magic));
  g_assert_true (memcmp (data, magic, strlen (magic)) == 0);
  /* PDF and PNG hold NUL bytes: search the whole buffer */
  if (also != NULL)
    {
      gsize n = strlen (also);
      gboolean found = FALSE;

      for (gsize i = 0; !found && i + n <= len; i++)
        found = memcmp (data + i, also, n) == 0;
      g_assert_true (found);
    }
}

static void
test_vector (Fixture *f, gconstpointer data)
{
  g_autofree char *svg = g_build_filename (f->dir, "out.svg", NULL);
  g_autofree char *pdf = g_build_filename (f->dir, "OUT.PDF", NULL);
  g_autofree char *json = g_build_filename (f->dir, "out.json", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (run_weft (&err, "export", f->trace, "-o", svg, "--size", "1000x500", NULL), ==,
                   0);
  /* points: the SVG says so */
  check_magic (svg, "<?xml", "width=\"1000pt\"");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_weft (&err, "export", f->trace, "-o", pdf, NULL), ==, 0);
  check_magic (pdf, "%PDF-", "/MediaBox [ 0 0 1920 1080 ]");
  g_clear_pointer (&err, g_free);
  /* the JSON path is still there */
  g_assert_cmpint (run_weft (&err, "export", f->trace, "-o", json, NULL), ==, 0);
  check_magic (json, "{", "traceEvents");
}

static void
test_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *bmp = g_build_filename (f->dir, "out.bmp", NULL);
  g_autofree char *nowhere = g_build_filename (f->dir, "missing", "out.png", NULL);
  g_autofree char *png = g_build_filename (f->dir, "out.png", NULL);
  g_autofree char *not_trace = g_build_filename (f->dir, "junk.weft", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_weft (&err, "export", f->trace, "-o", bmp, NULL), ==, 2);
  expected = g_strdup_printf ("weft: export: %s: unknown output format (use .json, .json.gz, "
                              ".png, .svg or .pdf) (try 'weft export --help')\n", bmp);
  g_assert_cmpstr (err, ==, expected);
  g_assert_false (g_file_test (bmp, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&expected, g_free);

  g_assert_cmpint (run_weft (&err, "export", f->trace, "-o", nowhere, NULL), ==, 1);
  expected = g_strdup_printf ("weft: %s: cannot write: No such file or directory\n", nowhere);
  g_assert_cmpstr (err, ==, expected);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_weft (&err, "export", f->trace, "-o", png, "--range", "1s:2s", NULL), ==,
                   1);
  g_assert_true (g_str_has_suffix (err, "--range starts after the trace's end (40000000 ns)\n"));
  g_assert_cmpuint (strchr (err, '\n') - err + 1, ==, strlen (err));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_weft (&err, "export", f->trace, "-o", png, "--size", "0x10", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_weft (&err, "export", f->trace, "-o", png, "--theme", "blue", NULL), ==, 2);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (not_trace, "not a trace at all", -1, NULL));
  g_assert_cmpint (run_weft (&err, "export", not_trace, "-o", png, NULL), ==, 1);
  g_assert_true (g_str_has_prefix (err, "weft: "));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
}

/* `weft export` draws headless: the command does not even link GTK (its
 * viewer is another binary, run by `weft view`). */
static void
test_no_gtk (Fixture *f, gconstpointer data)
{
  g_autofree char *weft = g_build_filename (g_getenv ("WEFT_BUILDDIR"), "cli", "weft", NULL);
  g_autofree char *bytes = NULL;
  const char *needles[] = { "libgtk-4.so", "libadwaita-1.so" };
  gsize len;

  g_assert_true (g_file_get_contents (weft, &bytes, &len, NULL));
  for (guint k = 0; k < G_N_ELEMENTS (needles); k++)
    {
      gsize n = strlen (needles[k]);

      for (gsize i = 0; i + n <= len; i++)
        g_assert_false (memcmp (bytes + i, needles[k], n) == 0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/weft/render/export-cli/png", Fixture, NULL, fixture_set_up, test_png,
              fixture_tear_down);
  g_test_add ("/weft/render/export-cli/vector", Fixture, NULL, fixture_set_up, test_vector,
              fixture_tear_down);
  g_test_add ("/weft/render/export-cli/errors", Fixture, NULL, fixture_set_up, test_errors,
              fixture_tear_down);
  g_test_add ("/weft/render/export-cli/no-gtk", Fixture, NULL, fixture_set_up, test_no_gtk,
              fixture_tear_down);
  return g_test_run ();
}
