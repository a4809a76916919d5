/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-frame.c: drawing helpers of one frame: rectangles batched
 * by colour, elided text, and the primitive count the tests read.
 */
#include "weft-renderer-private.h"

#include <math.h>
#include <string.h>

/* Where the batch's rectangles can be written as pixels: an image surface
 * drawn through a scale-and-translate matrix, clipped to a rectangle. */
typedef struct
{
  cairo_surface_t *target;
  guint8 *data;
  int stride;
  gboolean alpha;     /* ARGB32 (else RGB24) */
  double xx, yy, x0, y0; /* user space to pixels */
  int cx0, cy0, cx1, cy1; /* the clip, in pixels */
} Raster;

static gboolean
raster_begin (cairo_t *cr, Raster *r)
{
  cairo_surface_t *target = cairo_get_target (cr);
  cairo_format_t format;
  cairo_matrix_t m;
  double dx, dy, sx, sy, x1, y1, x2, y2;

  if (cairo_surface_get_type (target) != CAIRO_SURFACE_TYPE_IMAGE)
    return FALSE;
  format = cairo_image_surface_get_format (target);
  cairo_get_matrix (cr, &m);
  if ((format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24) || m.xy != 0 || m.yx != 0
      || m.xx <= 0 || m.yy <= 0)
    return FALSE;
  cairo_surface_get_device_offset (target, &dx, &dy);
  cairo_surface_get_device_scale (target, &sx, &sy);
  r->target = target;
  r->alpha = format == CAIRO_FORMAT_ARGB32;
  r->xx = m.xx * sx;
  r->yy = m.yy * sy;
  r->x0 = m.x0 * sx + dx;
  r->y0 = m.y0 * sy + dy;
  cairo_clip_extents (cr, &x1, &y1, &x2, &y2);
  r->cx0 = MAX (0, (int) floor (x1 * r->xx + r->x0 + 0.5));
  r->cy0 = MAX (0, (int) floor (y1 * r->yy + r->y0 + 0.5));
  r->cx1 = MIN (cairo_image_surface_get_width (target), (int) floor (x2 * r->xx + r->x0 + 0.5));
  r->cy1 = MIN (cairo_image_surface_get_height (target), (int) floor (y2 * r->yy + r->y0 + 0.5));
  cairo_surface_flush (target);
  r->data = cairo_image_surface_get_data (target);
  r->stride = cairo_image_surface_get_stride (target);
  return r->data != NULL;
}

/* Rounds to the nearest integer without a libm call (the hot loop's). */
static inline int
iround (double v)
{
  return v >= 0 ? (int) (v + 0.5) : -(int) (0.5 - v);
}

/* A colour as a premultiplied pixel, as cairo keeps them. */
static guint32
premultiply (const WeftColor *c)
{
  guint32 a = (guint32) iround (CLAMP (c->a, 0, 1) * 255);

  return a << 24 | (guint32) iround (CLAMP (c->r, 0, 1) * a) << 16
         | (guint32) iround (CLAMP (c->g, 0, 1) * a) << 8 | (guint32) iround (CLAMP (c->b, 0, 1) * a);
}

/* Fills the pixels of one rectangle: a store for an opaque colour, an
 * OVER blend otherwise. */
static void
raster_fill (Raster *r, guint32 pixel, const double *rect)
{
  int x0 = MAX (r->cx0, iround (rect[0] * r->xx + r->x0));
  int y0 = MAX (r->cy0, iround (rect[1] * r->yy + r->y0));
  int x1 = MIN (r->cx1, iround ((rect[0] + rect[2]) * r->xx + r->x0));
  int y1 = MIN (r->cy1, iround ((rect[1] + rect[3]) * r->yy + r->y0));
  guint32 sa = pixel >> 24, inv = 255 - sa;

  for (int y = y0; y < y1; y++)
    {
      guint32 *row = (guint32 *) (gpointer) (r->data + (gsize) y * r->stride);

      if (sa == 255)
        for (int x = x0; x < x1; x++)
          row[x] = pixel;
      else
        for (int x = x0; x < x1; x++)
          {
            guint32 d = row[x], out = 0;

            if (!r->alpha)
              d |= 0xff000000u;
            for (int shift = 0; shift < 32; shift += 8)
              out |= (((pixel >> shift) & 0xff) + (((d >> shift) & 0xff) * inv + 127) / 255) << shift;
            row[x] = out;
          }
    }
}

void
_weft_batch_flush (WeftBatch *b)
{
  Raster raster = { 0 };
  gboolean direct = FALSE, any = FALSE;

  for (guint i = 0; i < b->n; i++)
    any |= b->slots[i].rects->len > 0;
  if (!any)
    {
      b->n = 0;
      return;
    }
  /* On an image, pixels are written directly: cairo's general fill costs
   * several times more for thousands of small boxes a frame. Vector
   * surfaces (SVG, PDF) get the rectangles. */
  direct = raster_begin (b->cr, &raster);
  for (guint i = 0; i < b->n; i++)
    {
      WeftBatchSlot *s = &b->slots[i];
      const double *r = (const double *) (gpointer) s->rects->data;

      if (s->rects->len == 0)
        continue;
      if (direct)
        {
          guint32 pixel = premultiply (&s->color);

          for (guint k = 0; k < s->rects->len; k++, r += 4)
            raster_fill (&raster, pixel, r);
        }
      else
        {
          for (guint k = 0; k < s->rects->len; k++, r += 4)
            cairo_rectangle (b->cr, r[0], r[1], r[2], r[3]);
          weft_color_set_source (b->cr, &s->color);
          cairo_fill (b->cr);
        }
      g_array_set_size (s->rects, 0);
    }
  if (direct)
    cairo_surface_mark_dirty (raster.target);
  b->n = 0;
}

void
_weft_batch_clear (WeftBatch *b)
{
  for (guint i = 0; i < WEFT_BATCH_SLOTS; i++)
    g_clear_pointer (&b->slots[i].rects, g_array_unref);
  b->n = 0;
}

void
_weft_batch_rect (WeftBatch *b, const WeftColor *c, double x, double y, double w, double h)
{
  WeftBatchSlot *slot = NULL;
  double r[4] = { x, y, w, h };

  if (w <= 0 || h <= 0 || c->a <= 0)
    return;
  for (guint i = 0; i < b->n; i++)
    if (memcmp (&b->slots[i].color, c, sizeof *c) == 0)
      {
        slot = &b->slots[i];
        break;
      }
  if (slot == NULL)
    {
      /* Overlapping rectangles of one lane are always drawn in one batch
       * before the next lane's, so flushing early keeps the order. */
      if (b->n == WEFT_BATCH_SLOTS)
        _weft_batch_flush (b);
      slot = &b->slots[b->n++];
      slot->color = *c;
    }
  g_array_append_vals (slot->rects, r, 1);
}

void
_weft_frame_count (WeftFrame *f, double c0, double c1)
{
  WeftRenderCount *count = f->count;
  guint8 *row;
  guint r;
  gint64 a, z;

  if (count == NULL)
    return;
  r = count->lane_rows[MIN (f->lane, f->self->lanes->len)] + f->sub;
  if (r >= count->n_rows)
    return;
  /* the columns the primitive touches: a sliver counts in its column */
  a = (gint64) floor (c0 + 1e-9);
  z = (gint64) ceil (c1 - 1e-9);
  if (z <= a)
    z = a + 1;
  a = MAX (a, 0);
  z = MIN (z, (gint64) count->n_columns);
  row = count->counts + (gsize) r * count->n_columns;
  for (gint64 c = a; c < z; c++)
    {
      if (row[c] < 255)
        row[c]++;
      if (row[c] > count->max)
        {
          count->max = row[c];
          count->max_lane = f->lane;
          count->max_row = f->sub;
          count->max_column = (guint) c;
        }
    }
  count->total++;
}

/* Edges on the device pixel grid: cairo fills pixel-aligned boxes with
 * plain spans, unaligned ones through its antialiasing rasteriser, which
 * costs ten times more with thousands of bars a frame. Rounding each edge
 * (never the height) keeps stacked bands tiling exactly, so a fraction of
 * a column stays true to within half a device pixel. */
static inline double
snap (double v, double scale)
{
  double d = v * scale;

  return (d >= 0 ? (double) (gint64) (d + 0.5) : -(double) (gint64) (0.5 - d)) / scale;
}

void
_weft_frame_rect (WeftFrame *f, const WeftColor *c, double c0, double c1, double y0, double y1)
{
  double s = f->vp->scale, x0, x1;

  if (c1 <= c0 || y1 <= y0)
    return;
  _weft_frame_count (f, c0, c1);
  x0 = snap (_weft_frame_x (f, c0), s);
  x1 = snap (_weft_frame_x (f, c1), s);
  y0 = snap (y0, s);
  y1 = snap (y1, s);
  /* a span narrower than a device pixel still shows as one */
  if (x1 <= x0)
    x1 = x0 + 1 / s;
  _weft_batch_rect (f->batch, c, x0, y0, x1 - x0, y1 - y0);
}

double
_weft_frame_text_width (WeftFrame *f, const PangoFontDescription *font, const char *text)
{
  int w;

  pango_layout_set_font_description (f->layout, font);
  pango_layout_set_width (f->layout, -1);
  pango_layout_set_text (f->layout, text, -1);
  pango_layout_get_pixel_size (f->layout, &w, NULL);
  return w;
}

double
_weft_frame_text (WeftFrame *f, const PangoFontDescription *font, const char *text, double x,
                  double y, double max_w, WeftAlign align, const WeftColor *color,
                  guint min_chars)
{
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;
  PangoRectangle ink, logical;

  if (text == NULL || *text == '\0')
    return 0;
  /* too narrow for min_chars and the ellipsis: draw nothing rather than
   * a lone "…" (the average glyph is about 0.6 of the size wide) */
  if (max_w < (min_chars + 1) * 0.6 * size)
    return 0;
  pango_layout_set_font_description (f->layout, font);
  pango_layout_set_text (f->layout, text, -1);
  pango_layout_set_width (f->layout, (int) (max_w * PANGO_SCALE));
  pango_layout_set_ellipsize (f->layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_extents (f->layout, &ink, &logical);
  if (align == WEFT_ALIGN_CENTER)
    x -= logical.width / 2.0;
  else if (align == WEFT_ALIGN_RIGHT)
    x -= logical.width;
  weft_color_set_source (f->cr, color);
  cairo_move_to (f->cr, x, y);
  pango_cairo_show_layout (f->cr, f->layout);
  return logical.width;
}

WeftColor
_weft_frame_thread_color (WeftFrame *f, guint32 thread)
{
  WeftColor c;

  if (thread >= weft_model_get_n_threads (f->model))
    return f->pal->other;
  c = weft_palette_thread_color (f->pal, f->self->thread_keys[thread]);
  /* a highlighted thread stands out: the others fade towards the lane */
  if (f->vp->highlight_thread != WEFT_VIEWPORT_NONE && f->vp->highlight_thread != thread)
    c = weft_color_mix (&c, &f->pal->lane, 0.7);
  return c;
}

/* Black or white text, whichever reads better on c. */
WeftColor
_weft_text_color_on (const WeftColor *c)
{
  static const WeftColor dark = { 0.14, 0.12, 0.19, 1 }, light = { 1, 1, 1, 1 };

  return weft_color_luminance (c) > 0.36 ? dark : light;
}
