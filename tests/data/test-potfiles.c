/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * po/: POTFILES.in names every file with translatable strings (and only
 * files that exist), and every translation in LINGUAS translates every
 * string the sources hold today.
 */
#include "weft-config.h"

#include <string.h>

#include <glib/gstdio.h>

static char *
source_path (const char *relative)
{
  return g_build_filename (g_getenv ("WEFT_SOURCEDIR"), relative, NULL);
}

/* The non-comment lines of a po/ list file. */
static GPtrArray *
read_list (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("WEFT_SOURCEDIR"), "po", name, NULL);
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line != '\0' && *line != '#')
        g_ptr_array_add (list, g_strdup (line));
    }
  return list;
}

/* Whether a source file holds strings for translators. */
static gboolean
is_translatable (const char *relative, const char *contents)
{
  static const char *const c_marks[] = { "_(\"", "N_(\"", "C_(\"", "g_dngettext (", NULL };

  if (g_str_has_suffix (relative, ".c") || g_str_has_suffix (relative, ".h"))
    {
      for (gsize i = 0; c_marks[i] != NULL; i++)
        if (strstr (contents, c_marks[i]) != NULL)
          return TRUE;
      return FALSE;
    }
  if (g_str_has_suffix (relative, ".ui"))
    return strstr (contents, "translatable=\"yes\"") != NULL;
  return g_str_has_suffix (relative, ".desktop.in") || g_str_has_suffix (relative, ".metainfo.xml.in")
         || g_str_has_suffix (relative, ".gschema.xml");
}

static void
collect (const char *relative_dir, GPtrArray *found)
{
  g_autofree char *dir_path = source_path (relative_dir);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *relative = g_build_filename (relative_dir, name, NULL);
      g_autofree char *path = source_path (relative);
      g_autofree char *contents = NULL;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect (relative, found);
      else if (g_file_get_contents (path, &contents, NULL, NULL)
               && is_translatable (relative, contents))
        g_ptr_array_add (found, g_steal_pointer (&relative));
    }
}

static gboolean
contains (GPtrArray *list, const char *item)
{
  return g_ptr_array_find_with_equal_func (list, item, g_str_equal, NULL);
}

static void
test_potfiles_complete (void)
{
  g_autoptr (GPtrArray) listed = read_list ("POTFILES.in");
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  guint missing = 0;

  /* The parts with a user interface; the CLI speaks English only. */
  collect ("gui", found);
  collect ("data", found);
  g_assert_cmpuint (found->len, >, 0);

  for (guint i = 0; i < found->len; i++)
    if (!contains (listed, found->pdata[i]))
      {
        g_test_message ("po/POTFILES.in lacks %s", (char *) found->pdata[i]);
        missing++;
      }
  for (guint i = 0; i < listed->len; i++)
    {
      g_autofree char *path = source_path (listed->pdata[i]);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_test_message ("po/POTFILES.in lists %s, which does not exist",
                          (char *) listed->pdata[i]);
          missing++;
        }
      else if (!contains (found, listed->pdata[i]))
        {
          g_test_message ("po/POTFILES.in lists %s, which has nothing to translate",
                          (char *) listed->pdata[i]);
          missing++;
        }
    }
  g_assert_cmpuint (missing, ==, 0);
}

static gboolean
spawn (const char *const *argv, char **err)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, err, &status, &error));
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL);
}

static void
test_translations_complete (void)
{
  g_autoptr (GPtrArray) linguas = read_list ("LINGUAS");
  g_autofree char *tmpdir = NULL;
  g_autofree char *pot = NULL;
  g_autofree char *potfiles = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  const char *root = g_getenv ("WEFT_SOURCEDIR");
  guint failures = 0;
  g_autofree char *xgettext = g_find_program_in_path ("xgettext");
  g_autofree char *msgcmp = g_find_program_in_path ("msgcmp");

  if (xgettext == NULL || msgcmp == NULL)
    {
      g_test_skip ("gettext is not installed");
      return;
    }
  g_assert_cmpuint (linguas->len, >=, 1);

  tmpdir = g_dir_make_tmp ("weft-test-po-XXXXXX", &error);
  g_assert_no_error (error);
  pot = g_build_filename (tmpdir, "weft.pot", NULL);
  potfiles = source_path ("po/POTFILES.in");
  {
    /* The keywords of meson's 'glib' preset (po/meson.build). */
    const char *argv[] = {
      "xgettext", "--from-code=UTF-8", "--add-comments", "--keyword=_", "--keyword=N_",
      "--keyword=C_:1c,2", "--keyword=NC_:1c,2", "--keyword=g_dcgettext:2",
      "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3", "-D", root, "-f", potfiles,
      "-o", pot, NULL,
    };

    g_assert_true (spawn (argv, &err));
  }

  for (guint i = 0; i < linguas->len; i++)
    {
      g_autofree char *po_name = g_strconcat (linguas->pdata[i], ".po", NULL);
      g_autofree char *po = g_build_filename (root, "po", po_name, NULL);
      g_autofree char *cmp_err = NULL;
      g_autofree char *fmt_err = NULL;
      /* msgcmp: every msgid of the sources translated (fuzzy and empty
       * ones count as missing); msgfmt -c: formats and headers agree. */
      const char *cmp[] = { "msgcmp", po, pot, NULL };
      const char *fmt[] = { "msgfmt", "-c", "-o", "/dev/null", po, NULL };

      if (!spawn (cmp, &cmp_err))
        {
          g_test_message ("%s is incomplete:\n%s", po_name, cmp_err);
          failures++;
        }
      if (!spawn (fmt, &fmt_err))
        {
          g_test_message ("%s does not check:\n%s", po_name, fmt_err);
          failures++;
        }
    }

  g_unlink (pot);
  g_rmdir (tmpdir);
  g_assert_cmpuint (failures, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/po/potfiles-complete", test_potfiles_complete);
  g_test_add_func ("/weft/po/translations-complete", test_translations_complete);
  return g_test_run ();
}
