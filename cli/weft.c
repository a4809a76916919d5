/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft.c: `weft SUBCOMMAND …` dispatch, `--help` and `--version`.
 */
#include "weft-config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "weft-cli.h"

static const WeftCommand commands[] = {
  { "record", "run a command and record its threads, processes and CPUs", weft_cmd_record },
  { "dump", "print every event, one per line, in time order per stream", weft_cmd_dump },
  { "stats", "parallelism, on-CPU time, spans and the verdict of a trace", weft_cmd_stats },
  { "export", "draw a timeline image (PNG, SVG, PDF) or write Chrome JSON", weft_cmd_export },
  { "view", "open traces in the viewer (weft-viewer)", weft_cmd_view },
};

static void
print_help (FILE *out)
{
  fprintf (out, "Usage: weft COMMAND [OPTION…]\n\n"
                "Record, analyse and view what threads, processes and async tasks do,\n"
                "one lane per CPU core.\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nOptions:\n"
                "  -h, --help     show this help\n"
                "  --version      show the version\n\n"
                "'weft COMMAND --help' describes a command.\n");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      print_help (stderr);
      return WEFT_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_help (stdout);
      return WEFT_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("weft %s\n", WEFT_VERSION);
      return WEFT_EXIT_OK;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  weft_cli_error (NULL, "unknown command '%s' (try 'weft --help')", argv[1]);
  return WEFT_EXIT_USAGE;
}
