/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The viewer's tile cache: the picture through it is the direct one at
 * every zoom; with no time budget a new zoom is drawn from the overview
 * and says it is not complete, warming completes it; the cache stays
 * within its bytes; turned off, frames are direct again.
 */
#include "render-util.h"
#include "weft-renderer-private.h"

static guint
count_different (cairo_surface_t *a, cairo_surface_t *b)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = render_util_pixel (a, x, y), q = render_util_pixel (b, x, y);

        for (int shift = 0; shift < 24; shift += 8)
          if (ABS ((int) ((p >> shift) & 0xff) - (int) ((q >> shift) & 0xff)) > 16)
            {
              n++;
              break;
            }
      }
  return n;
}

/* Drawn through the cache, resampled from tiles of a fixed resolution,
 * the picture is the direct one (to the golden images' tolerance), at
 * every zoom. */
static void
test_cache_same (void)
{
  void (*builds[]) (WeftBuilder *) = { render_util_build_cpu, render_util_build_spans,
                                       render_util_build_states, render_util_build_tasks,
                                       render_util_build_counters };

  for (guint i = 0; i < G_N_ELEMENTS (builds); i++)
    {
      g_autoptr (WeftLod) lod = render_util_lod_of (builds[i]);
      g_autoptr (WeftRenderer) direct = weft_renderer_new (lod);
      g_autoptr (WeftRenderer) cached = weft_renderer_new (lod);
      guint64 d = weft_model_get_duration (weft_lod_get_model (lod));
      guint64 windows[][2] = { { 0, d }, { d / 3, d / 3 + d / 7 }, { d / 2, d / 2 + d / 500 } };

      weft_renderer_set_tile_cache (cached, 16 << 20, G_MAXINT32);
      for (guint k = 0; k < G_N_ELEMENTS (windows); k++)
        {
          cairo_surface_t *a = render_util_draw (direct, windows[k][0], windows[k][1], 900, 360, 1,
                                                 WEFT_VIEWPORT_SHOW_ALL, WEFT_THEME_LIGHT);
          cairo_surface_t *b = render_util_draw (cached, windows[k][0], windows[k][1], 900, 360, 1,
                                                 WEFT_VIEWPORT_SHOW_ALL, WEFT_THEME_LIGHT);

          g_assert_true (weft_renderer_is_complete (cached));
          g_assert_cmpuint (_weft_renderer_get_cache_bytes (cached), >, 0);
          g_assert_cmpuint (count_different (a, b), <=, 900 * 360 / 200);
          cairo_surface_destroy (a);
          cairo_surface_destroy (b);
        }
    }
}

/* With no time to compute tiles, a new zoom is drawn from the overview
 * and says it is not complete; warming completes it; the cache stays
 * within its bytes. */
static void
test_cache_budget (void)
{
  g_autoptr (WeftLod) lod = render_util_lod_of (render_util_build_cpu);
  g_autoptr (WeftRenderer) r = weft_renderer_new (lod);
  guint64 d = weft_model_get_duration (weft_lod_get_model (lod));
  cairo_surface_t *s;
  WeftViewport vp;

  weft_renderer_set_tile_cache (r, 256 << 10, 0);
  g_assert_true (weft_renderer_is_complete (r));
  s = render_util_draw (r, 0, d, 900, 360, 1, WEFT_VIEWPORT_SHOW_ALL, WEFT_THEME_LIGHT);
  cairo_surface_destroy (s);
  /* the whole trace: the overview is its resolution */
  g_assert_true (weft_renderer_is_complete (r));
  s = render_util_draw (r, d / 4, d / 4 + d / 50, 900, 360, 1, WEFT_VIEWPORT_SHOW_ALL,
                        WEFT_THEME_LIGHT);
  cairo_surface_destroy (s);
  g_assert_false (weft_renderer_is_complete (r));
  weft_viewport_init (&vp, d / 4, d / 4 + d / 50, 900, 360);
  weft_renderer_warm (r, &vp);
  s = render_util_draw (r, d / 4, d / 4 + d / 50, 900, 360, 1, WEFT_VIEWPORT_SHOW_ALL,
                        WEFT_THEME_LIGHT);
  cairo_surface_destroy (s);
  g_assert_true (weft_renderer_is_complete (r));

  /* many places: older tiles go, the newest stay */
  for (guint i = 0; i < 40; i++)
    {
      guint64 start = d / 50 * (i % 40);

      weft_viewport_init (&vp, start, start + d / 100, 900, 360);
      weft_renderer_warm (r, &vp);
      s = render_util_draw (r, vp.start, vp.end, 900, 360, 1, WEFT_VIEWPORT_SHOW_ALL,
                            WEFT_THEME_LIGHT);
      cairo_surface_destroy (s);
      g_assert_cmpuint (_weft_renderer_get_cache_bytes (r), <=, 256 << 10);
    }
  /* off again: drawn directly, always complete */
  weft_renderer_set_tile_cache (r, 0, 0);
  g_assert_cmpuint (_weft_renderer_get_cache_bytes (r), ==, 0);
  s = render_util_draw (r, d / 3, d / 3 + 1000, 900, 360, 1, WEFT_VIEWPORT_SHOW_ALL,
                        WEFT_THEME_LIGHT);
  cairo_surface_destroy (s);
  g_assert_true (weft_renderer_is_complete (r));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  render_util_pin_fonts ();
  g_test_add_func ("/weft/render/cache/same-picture", test_cache_same);
  g_test_add_func ("/weft/render/cache/budget", test_cache_budget);
  return g_test_run ();
}
