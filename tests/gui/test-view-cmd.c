/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `weft view`: the CLI finds weft-viewer next to itself in the build
 * tree and runs it with the arguments given.
 */
#include "weft-config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib.h>

static char *
weft_path (void)
{
  return g_build_filename (g_getenv ("WEFT_BUILDDIR"), "cli", "weft", NULL);
}

static void
run (const char *const *argv, char **out, char **err, int *status)
{
  g_autoptr (GError) error = NULL;
  int wait_status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                               &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  *status = WEXITSTATUS (wait_status);
}

static void
test_version (void)
{
  g_autofree char *weft = weft_path ();
  const char *argv[] = { weft, "view", "--version", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;

  run (argv, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "weft-viewer " WEFT_VERSION "\n");
  g_assert_cmpstr (err, ==, "");
}

static void
test_help (void)
{
  g_autofree char *weft = weft_path ();
  const char *argv[] = { weft, "view", "--help", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;

  run (argv, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "Usage:\n  weft-viewer [OPTION…] [FILE…]"));
}

static void
test_listed (void)
{
  g_autofree char *weft = weft_path ();
  const char *argv[] = { weft, "--help", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;

  run (argv, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "\n  view "));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/gui/view-cmd/version", test_version);
  g_test_add_func ("/weft/gui/view-cmd/help", test_help);
  g_test_add_func ("/weft/gui/view-cmd/listed", test_listed);
  return g_test_run ();
}
