/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-render-export.c: PNG, SVG and PDF through cairo's stream surfaces,
 * written with stdio so a failure says why (errno), not just "write
 * error".
 */
#include "weft-render-export.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <math.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "weft-renderer-private.h"

G_DEFINE_QUARK (weft-render-error-quark, weft_render_error)

/* A PNG's pixels at most (1 GiB of ARGB), and its sides. */
#define MAX_PIXELS (G_GUINT64_CONSTANT (1) << 28)
#define MAX_SIDE 32768.0

gboolean
weft_image_format_from_path (const char *path, WeftImageFormat *format)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (path != NULL && format != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    *format = WEFT_IMAGE_PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    *format = WEFT_IMAGE_SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = WEFT_IMAGE_PDF;
  else
    return FALSE;
  return TRUE;
}

void
weft_image_options_init (WeftImageOptions *options, WeftModel *model)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->start = 0;
  options->end = MAX (model != NULL ? weft_model_get_duration (model) : 0, 1000);
  options->width = 1920;
  options->height = 1080;
  options->scale = 1;
  options->theme = WEFT_THEME_LIGHT;
}

typedef struct
{
  FILE *file;
  int error; /* errno of the first failure */
} Sink;

static cairo_status_t
sink_write (void *closure, const unsigned char *data, unsigned int length)
{
  Sink *sink = closure;

  if (sink->error != 0)
    return CAIRO_STATUS_WRITE_ERROR;
  if (fwrite (data, 1, length, sink->file) != length)
    {
      sink->error = errno != 0 ? errno : EIO;
      return CAIRO_STATUS_WRITE_ERROR;
    }
  return CAIRO_STATUS_SUCCESS;
}

/* A picture uses its height: taller occupancy lanes while they fit
 * (up to 3×), or fewer span rows until they fit (down to one). */
static void
fit_lanes (WeftRenderer *renderer, const WeftViewport *vp)
{
  WeftRect area;

  weft_renderer_get_lane_area (renderer, vp, &area);
  for (double f = 3.0; f > 1.0; f -= 0.25)
    {
      weft_renderer_set_lane_scale (renderer, f);
      if (weft_renderer_get_content_height (renderer) <= area.height)
        return;
    }
  weft_renderer_set_lane_scale (renderer, 1.0);
  while (weft_renderer_get_content_height (renderer) > area.height
         && weft_renderer_get_max_span_rows (renderer) > 1)
    weft_renderer_set_max_span_rows (renderer,
                                     MAX (1, weft_renderer_get_max_span_rows (renderer) / 2));
}

static void
draw (WeftRenderer *renderer, cairo_surface_t *surface, const WeftViewport *vp,
      const WeftPalette *pal)
{
  cairo_t *cr = cairo_create (surface);

  cairo_scale (cr, vp->scale, vp->scale);
  weft_renderer_draw (renderer, cr, vp, pal);
  cairo_destroy (cr);
}

gboolean
weft_render_export (WeftRenderer *renderer, const char *path, WeftImageFormat format,
                    const WeftImageOptions *options, GError **error)
{
  const WeftPalette *pal;
  WeftViewport vp;
  cairo_surface_t *surface = NULL;
  cairo_status_t status;
  Sink sink = { NULL, 0 };
  guint rows;
  double w, h, lane_scale;

  g_return_val_if_fail (WEFT_IS_RENDERER (renderer), FALSE);
  g_return_val_if_fail (path != NULL && options != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (format > WEFT_IMAGE_PDF)
    {
      g_set_error (error, WEFT_RENDER_ERROR, WEFT_RENDER_ERROR_FORMAT, "unknown image format");
      return FALSE;
    }
  w = format == WEFT_IMAGE_PNG ? ceil (options->width * options->scale) : options->width;
  h = format == WEFT_IMAGE_PNG ? ceil (options->height * options->scale) : options->height;
  if (!(options->width >= 1 && options->height >= 1 && options->scale > 0 && w <= MAX_SIDE
        && h <= MAX_SIDE && w * h <= (double) MAX_PIXELS) || options->end <= options->start)
    {
      g_set_error (error, WEFT_RENDER_ERROR, WEFT_RENDER_ERROR_SIZE,
                   "image size %.0f×%.0f is out of bounds (1 to %.0f per side, %" G_GUINT64_FORMAT
                   " pixels)", w, h, MAX_SIDE, MAX_PIXELS);
      return FALSE;
    }

  sink.file = g_fopen (path, "wb");
  if (sink.file == NULL)
    {
      int e = errno;

      g_set_error (error, WEFT_RENDER_ERROR, WEFT_RENDER_ERROR_WRITE, "cannot write: %s",
                   g_strerror (e));
      return FALSE;
    }

  weft_viewport_init (&vp, options->start, options->end, options->width, options->height);
  vp.scale = format == WEFT_IMAGE_PNG ? options->scale : 1.0;
  pal = weft_palette_get (options->theme);
  rows = weft_renderer_get_max_span_rows (renderer);
  lane_scale = weft_renderer_get_lane_scale (renderer);
  fit_lanes (renderer, &vp);

  switch (format)
    {
    case WEFT_IMAGE_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
      draw (renderer, surface, &vp, pal);
      status = cairo_surface_status (surface);
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_write_to_png_stream (surface, sink_write, &sink);
      break;
    case WEFT_IMAGE_SVG:
      surface = cairo_svg_surface_create_for_stream (sink_write, &sink, w, h);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PT);
      draw (renderer, surface, &vp, pal);
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
      break;
    case WEFT_IMAGE_PDF:
    default:
      surface = cairo_pdf_surface_create_for_stream (sink_write, &sink, w, h);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Weft");
      draw (renderer, surface, &vp, pal);
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
      break;
    }
  cairo_surface_destroy (surface);
  weft_renderer_set_max_span_rows (renderer, rows);
  weft_renderer_set_lane_scale (renderer, lane_scale);

  if (fclose (sink.file) != 0 && sink.error == 0)
    sink.error = errno != 0 ? errno : EIO;
  if (status != CAIRO_STATUS_SUCCESS || sink.error != 0)
    {
      g_set_error (error, WEFT_RENDER_ERROR, WEFT_RENDER_ERROR_WRITE, "cannot write: %s",
                   sink.error != 0 ? g_strerror (sink.error) : cairo_status_to_string (status));
      g_unlink (path);
      return FALSE;
    }
  return TRUE;
}
