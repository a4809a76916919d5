/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-cmd-export.c: `weft export FILE -o OUT [--range A:B] [--size WxH]
 * [--scale N] [--theme light|dark]`. The output's extension picks the
 * format: .json (or .json.gz) is Chrome Trace Event JSON; .png, .svg and
 * .pdf are the timeline image, drawn headless by the renderer
 * (gui/render/, no GTK).
 */
#include "weft-cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "weft-chrome-export.h"
#include "weft-lod.h"
#include "weft-range.h"
#include "weft-render-export.h"
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
parse_size (const char *text, guint64 *w, guint64 *h)
{
  g_auto (GStrv) parts = g_strsplit (text, "x", 3);

  return g_strv_length (parts) == 2
         && g_ascii_string_to_unsigned (parts[0], 10, 1, 32768, w, NULL)
         && g_ascii_string_to_unsigned (parts[1], 10, 1, 32768, h, NULL);
}

static gboolean
parse_scale (const char *text, double *v)
{
  char *end;

  *v = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && *v > 0 && *v <= 8;
}

/* The timeline image: the model and its level-of-detail index, then the
 * renderer on a cairo image, SVG or PDF surface. No display is needed. */
static int
export_image (const char *path, const char *output, WeftImageFormat format,
              const WeftRange *range, WeftImageOptions *image)
{
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (WeftLod) lod = NULL;
  g_autoptr (WeftRenderer) renderer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *base = NULL;
  const char *damage;
  WeftModel *model;
  guint64 duration;

  reader = weft_trace_file_open (path, NULL, &error);
  if (reader != NULL)
    lod = weft_lod_new_for_reader (reader, NULL, NULL, NULL, &error);
  if (lod == NULL)
    {
      weft_cli_error (path, "%s", error->message);
      return WEFT_EXIT_BAD_INPUT;
    }
  damage = weft_reader_get_damage (reader);
  if (damage != NULL)
    weft_cli_error (path, "note: %s; exporting the intact part", damage);
  model = weft_lod_get_model (lod);
  duration = weft_model_get_duration (model);
  if (range->has_start && range->start > duration)
    {
      weft_cli_error (path, "--range starts after the trace's end (%" G_GUINT64_FORMAT " ns)",
                      duration);
      return WEFT_EXIT_BAD_INPUT;
    }
  /* An explicit end past the trace stays: pictures of several traces with
   * one --range share a time scale. */
  image->start = range->has_start ? range->start : 0;
  image->end = range->has_end ? range->end : MAX (duration, image->start + 1000);
  renderer = weft_renderer_new (lod);
  if (weft_renderer_get_title (renderer) == NULL)
    {
      base = g_path_get_basename (path);
      weft_renderer_set_title (renderer, base);
    }
  if (!weft_render_export (renderer, output, format, image, &error))
    {
      weft_cli_error (output, "%s", error->message);
      return WEFT_EXIT_BAD_INPUT;
    }
  return WEFT_EXIT_OK;
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
  WeftImageOptions image;
  WeftImageFormat format = WEFT_IMAGE_PNG;
  guint64 zero, start = 0, end = G_MAXUINT64, width = 1920, height = 1080;
  const char *path, *damage;
  OutKind kind;
  int status;

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
  weft_image_options_init (&image, NULL);
  if (o.size != NULL && !parse_size (o.size, &width, &height))
    return usage (&o, "--size takes WxH in pixels or points, such as 1920x1080, not '%s'",
                  o.size);
  if (o.scale != NULL && !parse_scale (o.scale, &image.scale))
    return usage (&o, "--scale takes a number from 0 to 8, not '%s'", o.scale);
  if (o.theme != NULL && !weft_theme_from_string (o.theme, &image.theme))
    return usage (&o, "--theme takes light or dark, not '%s'", o.theme);
  path = argv[1];
  if (kind == OUT_IMAGE)
    {
      image.width = (double) width;
      image.height = (double) height;
      weft_image_format_from_path (o.output, &format);
      status = export_image (path, o.output, format, &range, &image);
      options_clear (&o);
      return status;
    }

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
