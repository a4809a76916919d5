/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Search highlights: the spans whose name is in the viewport's set are
 * outlined in the palette's highlight colour, lined inside with a
 * contrasting one (their fill stays), the
 * others are not; the single highlight_name outlines the same way; a set
 * shorter than the name ids highlights nothing past its end.
 */
#include <math.h>

#include "render-util.h"
#include "weft-renderer-private.h"

#define WIDTH 1000
#define HEIGHT 200

static guint32
rgb24 (const WeftColor *c)
{
  return (guint32) lround (c->r * 255) << 16 | (guint32) lround (c->g * 255) << 8
         | (guint32) lround (c->b * 255);
}

/* One thread: alpha [0, 10 ms), beta [12, 20 ms) with gamma [14, 18 ms)
 * nested in it, alpha again [22, 30 ms). */
static void
build (WeftBuilder *b)
{
  WeftBuilderStream s = render_util_thread (b, 7, 7, "main");

  weft_builder_span_begin (b, s, RT0, "alpha");
  weft_builder_span_end (b, s, RT0 + 10 * MS);
  weft_builder_span_begin (b, s, RT0 + 12 * MS, "beta");
  weft_builder_span_begin (b, s, RT0 + 14 * MS, "gamma");
  weft_builder_span_end (b, s, RT0 + 18 * MS);
  weft_builder_span_end (b, s, RT0 + 20 * MS);
  weft_builder_span_begin (b, s, RT0 + 22 * MS, "alpha");
  weft_builder_span_end (b, s, RT0 + 30 * MS);
}

static guint32
name_id (WeftModel *m, const char *name)
{
  for (guint i = 0; i < weft_model_get_n_names (m); i++)
    if (g_strcmp0 (weft_model_get_name (m, i), name) == 0)
      return i;
  g_error ("no name %s", name);
  return 0;
}

typedef struct
{
  WeftLod *lod;
  WeftRenderer *r;
  const WeftPalette *pal;
  WeftRect area;
  double row_y[2]; /* top of span rows 0 and 1 */
} Fixture;

static void
fixture_init (Fixture *fx)
{
  WeftViewport vp;

  fx->lod = render_util_lod_of (build);
  fx->r = weft_renderer_new (fx->lod);
  fx->pal = weft_palette_get (WEFT_THEME_LIGHT);
  weft_viewport_init (&vp, 0, 30 * MS, WIDTH, HEIGHT);
  vp.flags = 0;
  weft_renderer_get_lane_area (fx->r, &vp, &fx->area);
  for (guint i = 0; i < weft_renderer_get_n_lanes (fx->r); i++)
    {
      const WeftLane *l = weft_renderer_get_lane (fx->r, i);

      if (l->kind == WEFT_LANE_THREAD)
        {
          g_assert_cmpuint (l->n_rows, ==, 2);
          fx->row_y[0] = fx->area.y + l->y + WEFT_R_STATE_H;
          fx->row_y[1] = fx->row_y[0] + WEFT_R_ROW_H;
        }
    }
  g_assert_cmpfloat (fx->row_y[0], >, 0);
}

static void
fixture_clear (Fixture *fx)
{
  g_clear_object (&fx->r);
  g_clear_pointer (&fx->lod, weft_lod_unref);
}

static cairo_surface_t *
draw (Fixture *fx, guint32 name, const guint8 *names, gsize n_names)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (s);
  WeftViewport vp;

  weft_viewport_init (&vp, 0, 30 * MS, WIDTH, HEIGHT);
  vp.flags = 0;
  vp.highlight_name = name;
  vp.highlight_names = names;
  vp.n_highlight_names = n_names;
  weft_renderer_draw (fx->r, cr, &vp, fx->pal);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  return s;
}

static int
x_of (Fixture *fx, guint64 t)
{
  return (int) (fx->area.x + (double) t / (30 * MS) * fx->area.width);
}

/* Pixels of the highlight colour along row's top edge over [t0, t1). */
static int
edge_pixels (Fixture *fx, cairo_surface_t *s, guint row, guint64 t0, guint64 t1)
{
  guint32 hl = rgb24 (&fx->pal->highlight);
  int n = 0, y = (int) fx->row_y[row];

  for (int x = x_of (fx, t0) + 3; x < x_of (fx, t1) - 3; x++)
    n += render_util_pixel (s, x, y) == hl && render_util_pixel (s, x, y + 1) == hl;
  return n;
}

static guint32
middle_pixel (Fixture *fx, cairo_surface_t *s, guint row, guint64 t0, guint64 t1)
{
  return render_util_pixel (s, (x_of (fx, t0) + x_of (fx, t1)) / 2,
                            (int) (fx->row_y[row] + (WEFT_R_ROW_H - 1) / 2));
}

/* The left and right edges of [t0, t1) in row, at mid-height. */
static gboolean
side_pixels (Fixture *fx, cairo_surface_t *s, guint row, guint64 t0, guint64 t1)
{
  guint32 hl = rgb24 (&fx->pal->highlight);
  int y = (int) (fx->row_y[row] + (WEFT_R_ROW_H - 1) / 2);
  gboolean left = FALSE, right = FALSE;

  for (int x = x_of (fx, t0) - 1; x <= x_of (fx, t0) + 2; x++)
    left |= render_util_pixel (s, x, y) == hl;
  for (int x = x_of (fx, t1) - 3; x <= x_of (fx, t1); x++)
    right |= render_util_pixel (s, x, y) == hl;
  return left && right;
}

static void
test_set (void)
{
  Fixture fx = { 0 };
  WeftModel *m;
  guint32 alpha, gamma;
  g_autofree guint8 *mask = NULL;
  gsize n;
  cairo_surface_t *plain, *lit;
  guint32 hl;
  WeftColor lining;

  fixture_init (&fx);
  m = weft_lod_get_model (fx.lod);
  alpha = name_id (m, "alpha");
  gamma = name_id (m, "gamma");
  hl = rgb24 (&fx.pal->highlight);
  lining = _weft_text_color_on (&fx.pal->highlight);
  n = (weft_model_get_n_names (m) + 7) / 8;
  mask = g_new0 (guint8, n);
  mask[alpha / 8] |= 1 << (alpha & 7);
  mask[gamma / 8] |= 1 << (gamma & 7);

  /* Nothing highlighted: no pixel of the colour on any span. */
  plain = draw (&fx, WEFT_VIEWPORT_NONE, NULL, 0);
  g_assert_cmpint (edge_pixels (&fx, plain, 0, 0, 30 * MS), ==, 0);
  g_assert_cmpint (edge_pixels (&fx, plain, 1, 14 * MS, 18 * MS), ==, 0);

  /* alpha (both) and gamma: their top edges all along, sides too; beta
   * not; the fill inside stays the span's own colour. */
  lit = draw (&fx, WEFT_VIEWPORT_NONE, mask, n);
  g_assert_cmpint (edge_pixels (&fx, lit, 0, 0, 10 * MS), ==, x_of (&fx, 10 * MS) - 3 - (x_of (&fx, 0) + 3));
  g_assert_cmpint (edge_pixels (&fx, lit, 0, 22 * MS, 30 * MS), >=, x_of (&fx, 30 * MS) - x_of (&fx, 22 * MS) - 8);
  g_assert_cmpint (edge_pixels (&fx, lit, 1, 14 * MS, 18 * MS), ==, x_of (&fx, 18 * MS) - 3 - (x_of (&fx, 14 * MS) + 3));
  g_assert_cmpint (edge_pixels (&fx, lit, 0, 12 * MS, 20 * MS), ==, 0);
  g_assert_true (side_pixels (&fx, lit, 0, 0, 10 * MS));
  /* lined inside with the colour text on it would have, for spans of a
   * yellow thread */
  g_assert_cmpuint (render_util_pixel (lit, (x_of (&fx, 0) + x_of (&fx, 10 * MS)) / 2,
                                       (int) fx.row_y[0] + 2),
                    ==, rgb24 (&lining));
  g_assert_true (side_pixels (&fx, lit, 1, 14 * MS, 18 * MS));
  g_assert_cmpuint (middle_pixel (&fx, lit, 0, 0, 10 * MS), ==,
                    middle_pixel (&fx, plain, 0, 0, 10 * MS));
  g_assert_cmpuint (middle_pixel (&fx, lit, 0, 0, 10 * MS), !=, hl);
  g_assert_cmpuint (middle_pixel (&fx, lit, 0, 12 * MS, 20 * MS), ==,
                    middle_pixel (&fx, plain, 0, 12 * MS, 20 * MS));
  cairo_surface_destroy (lit);

  /* The single name outlines the same. */
  lit = draw (&fx, gamma, NULL, 0);
  g_assert_cmpint (edge_pixels (&fx, lit, 1, 14 * MS, 18 * MS), >, 0);
  g_assert_cmpint (edge_pixels (&fx, lit, 0, 0, 10 * MS), ==, 0);
  cairo_surface_destroy (lit);

  /* A set too short for the ids: nothing past its end, no overread. */
  if (alpha >= 8)
    {
      lit = draw (&fx, WEFT_VIEWPORT_NONE, mask, alpha / 8);
      g_assert_cmpint (edge_pixels (&fx, lit, 0, 0, 10 * MS), ==, 0);
      cairo_surface_destroy (lit);
    }
  lit = draw (&fx, WEFT_VIEWPORT_NONE, mask, 0);
  g_assert_cmpint (edge_pixels (&fx, lit, 0, 0, 30 * MS), ==, 0);
  cairo_surface_destroy (lit);

  cairo_surface_destroy (plain);
  fixture_clear (&fx);
}

/* Zoomed out so far that the spans are sub-pixel: the merged columns
 * whose main name is highlighted take the colour. */
static void
test_merged (void)
{
  Fixture fx = { 0 };
  WeftModel *m;
  guint32 alpha;
  guint8 mask[8] = { 0 };
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (s);
  WeftViewport vp;
  guint32 hl;
  int n = 0;

  fixture_init (&fx);
  m = weft_lod_get_model (fx.lod);
  alpha = name_id (m, "alpha");
  g_assert_cmpuint (alpha, <, 64);
  mask[alpha / 8] |= 1 << (alpha & 7);
  hl = rgb24 (&fx.pal->highlight);

  /* 30 ms in a tenth of a pixel column per ms … the whole trace in a
   * few columns */
  weft_viewport_init (&vp, 0, 30 * MS * 300, WIDTH, HEIGHT);
  vp.flags = 0;
  vp.highlight_names = mask;
  vp.n_highlight_names = sizeof mask;
  weft_renderer_draw (fx.r, cr, &vp, fx.pal);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  for (int x = (int) fx.area.x; x < (int) fx.area.x + 4; x++)
    n += render_util_pixel (s, x, (int) fx.row_y[0] + 4) == hl;
  g_assert_cmpint (n, >, 0);
  cairo_surface_destroy (s);
  fixture_clear (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  render_util_pin_fonts ();
  g_test_add_func ("/weft/render/highlight/set", test_set);
  g_test_add_func ("/weft/render/highlight/merged", test_merged);
  return g_test_run ();
}
