/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-cmd-export.c: `weft export FILE -o OUT [--range A:B] [--size WxH]
 * [--scale N] [--theme light|dark]`. The output's extension picks the
 * format: .json (or .json.gz) is Chrome Trace Event JSON; .png, .svg and
 * .pdf are the timeline image, drawn by the renderer (not in this build
 * yet).
 */
#include "weft-cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "weft-chrome-export.h"
#include "weft-range.h"
#include "weft-trace-file.h"

typedef enum
{
  OUT_UNKNOWN,
  OUT_JSON,
  OUT_IMAGE,
} OutKind;

typedef struct
{
  char *output;
  char *range;
  char *size;
  char *scale;
  char *theme;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->output);
  g_free (o->range);
  g_free (o->size);
  g_free (o->scale);
  g_free (o->theme);
}

static int
usage (Options *o, const char *format, const char *value)
{
  g_autofree char *message = g_strdup_printf (format, value);

  weft_cli_error (NULL, "export: %s (try 'weft export --help')", message);
  options_clear (o);
  return WEFT_EXIT_USAGE;
}

static OutKind
out_kind (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".json") || g_str_has_suffix (lower, ".json.gz"))
    return OUT_JSON;
  if (g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".svg")
      || g_str_has_suffix (lower, ".pdf"))
    return OUT_IMAGE;
  return OUT_UNKNOWN;
}

/* "1920x1080": both positive and at most 32768. */
static gboolean
parse_size (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, "x", 3);
  guint64 w, h;

  return g_strv_length (parts) == 2
         && g_ascii_string_to_unsigned (parts[0], 10, 1, 32768, &w, NULL)
         && g_ascii_string_to_unsigned (parts[1], 10, 1, 32768, &h, NULL);
}

static gboolean
parse_scale (const char *text)
{
  char *end;
  double v = g_ascii_strtod (text, &end);

  return end != text && *end == '\0' && v > 0 && v <= 8;
}

int
weft_cmd_export (int argc, char **argv)
{
  Options o = { 0 };
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
      "Write to OUT: .json or .json.gz (Chrome Trace Event Format), .png, .svg or .pdf", "OUT" },
    { "range", 0, 0, G_OPTION_ARG_STRING, &o.range,
      "Only the time range A:B from the trace's first event (1.5s:2s, 100ms:, :500us; bare "
      "numbers are ns)", "A:B" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &o.size,
      "Image size: pixels for PNG, points for SVG and PDF (default 1920x1080)", "WxH" },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &o.scale, "PNG pixel scale, 2 for HiDPI", "N" },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &o.theme, "Image colours: light or dark",
      "light|dark" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE");
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GError) error = NULL;
  WeftRange range = { 0 };
  guint64 zero, start = 0, end = G_MAXUINT64;
  const char *path, *damage;
  OutKind kind;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Exports a trace (.weft or Chrome JSON): as Chrome Trace Event "
                                "JSON that Perfetto UI\nand chrome://tracing open (.json, "
                                ".json.gz), or as a timeline image (.png, .svg, .pdf).");
  argv[0] = (char *) "weft export";
  if (!weft_cli_parse (context, &argc, &argv))
    {
      options_clear (&o);
      return WEFT_EXIT_USAGE;
    }
  if (argc != 2)
    return usage (&o, "%s", argc < 2 ? "missing FILE" : "expected one FILE");
  if (o.output == NULL)
    return usage (&o, "%s", "missing -o OUT");
  kind = out_kind (o.output);
  if (kind == OUT_UNKNOWN)
    return usage (&o, "%s: unknown output format (use .json, .json.gz, .png, .svg or .pdf)",
                  o.output);
  if (o.range != NULL && !weft_range_parse (o.range, &range, &error))
    return usage (&o, "--range: %s", error->message);
  if (o.size != NULL && !parse_size (o.size))
    return usage (&o, "--size takes WxH in pixels or points, such as 1920x1080, not '%s'",
                  o.size);
  if (o.scale != NULL && !parse_scale (o.scale))
    return usage (&o, "--scale takes a number from 0 to 8, not '%s'", o.scale);
  if (o.theme != NULL && strcmp (o.theme, "light") != 0 && strcmp (o.theme, "dark") != 0)
    return usage (&o, "--theme takes light or dark, not '%s'", o.theme);
  if (kind == OUT_IMAGE)
    {
      weft_cli_error (o.output, "image export is not available in this build yet");
      options_clear (&o);
      return WEFT_EXIT_BAD_INPUT;
    }
  path = argv[1];

  reader = weft_trace_file_open (path, NULL, &error);
  if (reader == NULL)
    {
      weft_cli_error (path, "%s", error->message);
      options_clear (&o);
      return WEFT_EXIT_BAD_INPUT;
    }
  damage = weft_reader_get_damage (reader);
  if (damage != NULL)
    weft_cli_error (path, "note: %s; exporting the intact part", damage);

  /* --range counts from the trace's first event */
  zero = weft_chrome_export_time_zero (reader);
  if (range.has_start)
    start = zero + range.start;
  if (range.has_end)
    end = zero + range.end;
  if (!weft_chrome_export_file (reader, o.output, start, end, NULL, &error))
    {
      weft_cli_error (o.output, "%s", error->message);
      unlink (o.output);
      options_clear (&o);
      return WEFT_EXIT_BAD_INPUT;
    }
  options_clear (&o);
  return WEFT_EXIT_OK;
}
