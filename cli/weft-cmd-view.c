/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-cmd-view.c: `weft view [FILE…]` runs the GTK viewer, weft-viewer,
 * with the same arguments. The CLI never links GTK (it must run headless),
 * so it execs the viewer: installed beside `weft` in bindir, or in gui/
 * of the build tree beside cli/.
 */
#include "weft-config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "weft-cli.h"

static char *
find_viewer (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self != NULL ? g_path_get_dirname (self) : NULL;
  char *candidates[3] = { NULL, NULL, NULL };
  char *found = NULL;

  if (dir != NULL)
    {
      candidates[0] = g_build_filename (dir, "weft-viewer", NULL);
      candidates[1] = g_build_filename (dir, "..", "gui", "weft-viewer", NULL);
    }
  candidates[2] = g_build_filename (WEFT_BINDIR, "weft-viewer", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (found == NULL && candidates[i] != NULL
        && g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE)
        && !g_file_test (candidates[i], G_FILE_TEST_IS_DIR))
      found = g_steal_pointer (&candidates[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    g_free (candidates[i]);
  return found;
}

int
weft_cmd_view (int argc, char **argv)
{
  g_autofree char *viewer = find_viewer ();
  char **args;

  if (viewer == NULL)
    {
      if (argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
        {
          printf ("Usage: weft view [FILE…]\n\n"
                  "Opens the traces in the viewer. This weft was built without it\n"
                  "(GTK 4 and libadwaita were missing).\n");
          return WEFT_EXIT_OK;
        }
      weft_cli_error (NULL, "the viewer (weft-viewer) is not installed: "
                            "Weft was built without GTK 4 and libadwaita");
      return WEFT_EXIT_BAD_INPUT;
    }

  /* argv[0] becomes the viewer's own name; the rest is passed as given. */
  args = g_new0 (char *, argc + 1);
  args[0] = viewer;
  for (int i = 1; i < argc; i++)
    args[i] = argv[i];
  fflush (stdout);
  execv (viewer, args);

  weft_cli_error (viewer, "%s", g_strerror (errno));
  g_free (args);
  return WEFT_EXIT_BAD_INPUT;
}
