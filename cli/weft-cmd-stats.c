/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PLACEHOLDER: being written; replace this whole file. */
#include "weft-cli.h"
int
weft_cmd_stats (int argc, char **argv)
{
  weft_cli_error (NULL, "not built yet");
  return 1;
}
