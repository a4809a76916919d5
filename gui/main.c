/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * main.c: `weft-viewer [FILE…]`, also started by `weft view` and the
 * desktop launcher.
 */
#include "weft-config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "weft-application.h"

int
main (int argc, char **argv)
{
  g_autoptr (WeftApplication) app = NULL;

  /* Before the options are parsed: --help is translated too. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = weft_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
