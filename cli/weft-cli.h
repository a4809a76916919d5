/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-cli.h: what every `weft` subcommand shares: the error conventions
 * of SPEC §3 and the table of subcommands.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses (SPEC §3). */
enum
{
  WEFT_EXIT_OK = 0,
  WEFT_EXIT_BAD_INPUT = 1, /* a file that cannot be read or understood */
  WEFT_EXIT_USAGE = 2,     /* bad command line */
};

typedef struct
{
  const char *name;
  const char *summary;               /* one line for `weft --help` */
  int (*run) (int argc, char **argv); /* argv[0] is the subcommand */
} WeftCommand;

/* Prints "weft: SUBJECT: message" on stderr (SUBJECT may be NULL). */
void weft_cli_error (const char *subject, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Parses a subcommand's options; on a bad command line prints the error
 * as one line with a hint to --help and returns FALSE (exit 2). */
gboolean weft_cli_parse (GOptionContext *context, int *argc, char ***argv);

int weft_cmd_dump (int argc, char **argv);
int weft_cmd_record (int argc, char **argv);
int weft_cmd_export (int argc, char **argv);
int weft_cmd_stats (int argc, char **argv);
int weft_cmd_view (int argc, char **argv);

G_END_DECLS
