/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-render-export.h: a renderer's picture written to a PNG, SVG or PDF
 * file, headless (cairo surfaces only). `weft export` and the viewer's
 * Export… use it.
 */
#pragma once

#include <gio/gio.h>

#include "weft-renderer.h"

G_BEGIN_DECLS

#define WEFT_RENDER_ERROR (weft_render_error_quark ())
GQuark weft_render_error_quark (void);

typedef enum
{
  WEFT_RENDER_ERROR_FORMAT, /* not .png, .svg or .pdf */
  WEFT_RENDER_ERROR_SIZE,   /* an image too large or empty */
  WEFT_RENDER_ERROR_WRITE,  /* the file could not be written */
} WeftRenderError;

typedef enum
{
  WEFT_IMAGE_PNG,
  WEFT_IMAGE_SVG,
  WEFT_IMAGE_PDF,
} WeftImageFormat;

/* The format of path by its extension (any case). */
gboolean weft_image_format_from_path (const char *path, WeftImageFormat *format);

typedef struct
{
  guint64 start;  /* the range, trace-relative ns; end > start */
  guint64 end;
  double width;   /* pixels for PNG, points for SVG and PDF */
  double height;
  double scale;   /* PNG: device pixels per pixel (2 for HiDPI); others ignore it */
  WeftTheme theme;
} WeftImageOptions;

/* Default options: the whole trace (at least 1 µs), 1920 × 1080, scale 1,
 * light. */
void weft_image_options_init (WeftImageOptions *options, WeftModel *model);

/* Draws renderer's picture with options into path as format. When the
 * lanes do not fit the height, span rows are limited (down to one per
 * thread) for this picture. On failure path is removed. */
gboolean weft_render_export (WeftRenderer *renderer, const char *path, WeftImageFormat format,
                             const WeftImageOptions *options, GError **error);

G_END_DECLS
