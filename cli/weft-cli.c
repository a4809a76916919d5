/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-cli.h"

#include <stdio.h>

void
weft_cli_error (const char *subject, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (subject != NULL)
    fprintf (stderr, "weft: %s: %s\n", subject, message);
  else
    fprintf (stderr, "weft: %s\n", message);
}

gboolean
weft_cli_parse (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      weft_cli_error (NULL, "%s (try '%s --help')", error->message, (*argv)[0]);
      return FALSE;
    }
  return TRUE;
}
