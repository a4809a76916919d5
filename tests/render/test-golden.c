/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Golden images: each lane kind drawn from a small synthetic trace and
 * compared with tests/render/data/golden-NAME.png. A picture passes when
 * at most 0.5 % of its pixels differ by more than 16/255 in any channel
 * (antialiasing may move by a shade between cairo and pixman builds).
 *
 * Regenerate after an intended change of the picture, then look at them:
 *   WEFT_REGENERATE_GOLDEN=1 meson test -C _build --suite render test-golden
 */
#include <glib/gstdio.h>

#include "render-util.h"

typedef struct
{
  const char *name;
  void (*build) (WeftBuilder *b);
  int width;
  int height;
  double scale;
  WeftTheme theme;
  guint64 start; /* the range; end 0: the whole trace */
  guint64 end;
} Golden;

static const Golden goldens[] = {
  { "cpu", render_util_build_cpu, 900, 320, 1, WEFT_THEME_LIGHT, 0, 0 },
  { "cpu-dark-hidpi", render_util_build_cpu, 640, 340, 2, WEFT_THEME_DARK, 0, 0 },
  { "spans", render_util_build_spans, 900, 240, 1, WEFT_THEME_LIGHT, 0, 0 },
  { "spans-zoom", render_util_build_spans, 900, 240, 1, WEFT_THEME_LIGHT, 11500 * US, 14 * MS },
  { "states", render_util_build_states, 900, 320, 1, WEFT_THEME_LIGHT, 0, 0 },
  { "tasks", render_util_build_tasks, 900, 330, 1, WEFT_THEME_LIGHT, 0, 0 },
  { "counters", render_util_build_counters, 900, 330, 1, WEFT_THEME_LIGHT, 0, 0 },
  { "lost", render_util_build_lost, 900, 200, 1, WEFT_THEME_LIGHT, 0, 0 },
};

#define MAX_DIFF_FRACTION 0.005
#define CHANNEL_TOLERANCE 16

static gboolean
passes (guint64 bad, guint64 total)
{
  return bad <= total * MAX_DIFF_FRACTION;
}

static guint
channel_diff (guint32 a, guint32 b)
{
  guint d = 0;

  for (guint shift = 0; shift < 24; shift += 8)
    d = MAX (d, (guint) ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)));
  return d;
}

/* Pixels differing by more than the tolerance; marks them in diff. */
static guint64
count_differences (cairo_surface_t *a, cairo_surface_t *b, cairo_surface_t *diff)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  const guint8 *pa = cairo_image_surface_get_data (a), *pb = cairo_image_surface_get_data (b);
  guint8 *pd = cairo_image_surface_get_data (diff);
  int sa = cairo_image_surface_get_stride (a), sb = cairo_image_surface_get_stride (b);
  int sd = cairo_image_surface_get_stride (diff);
  guint64 n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 va = ((const guint32 *) (gconstpointer) (pa + y * sa))[x];
        guint32 vb = ((const guint32 *) (gconstpointer) (pb + y * sb))[x];
        gboolean bad = channel_diff (va, vb) > CHANNEL_TOLERANCE;

        ((guint32 *) (gpointer) (pd + y * sd))[x] = bad ? 0xffff0000u : (va & 0x00ffffffu) | 0xff000000u;
        n += bad;
      }
  cairo_surface_mark_dirty (diff);
  return n;
}

static void
test_golden (gconstpointer data)
{
  const Golden *g = data;
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (WeftLod) lod = NULL;
  g_autoptr (WeftRenderer) renderer = NULL;
  g_autofree char *file = g_strdup_printf ("golden-%s.png", g->name);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "render", "data", file, NULL);
  cairo_surface_t *actual, *expected, *diff;
  guint64 end, bad, total;

  g->build (b);
  lod = render_util_lod (b);
  renderer = weft_renderer_new (lod);
  end = g->end != 0 ? g->end : weft_model_get_duration (weft_lod_get_model (lod));
  actual = render_util_draw (renderer, g->start, end, g->width, g->height, g->scale,
                             WEFT_VIEWPORT_SHOW_ALL, g->theme);

  if (g_getenv ("WEFT_REGENERATE_GOLDEN") != NULL)
    {
      g_assert_cmpint (cairo_surface_write_to_png (actual, path), ==, CAIRO_STATUS_SUCCESS);
      g_test_message ("wrote %s", path);
      cairo_surface_destroy (actual);
      return;
    }

  expected = cairo_image_surface_create_from_png (path);
  if (cairo_surface_status (expected) != CAIRO_STATUS_SUCCESS)
    g_error ("%s: %s; create it with WEFT_REGENERATE_GOLDEN=1 (see the top of %s)", path,
             cairo_status_to_string (cairo_surface_status (expected)), __FILE__);
  g_assert_cmpint (cairo_image_surface_get_width (expected), ==,
                   cairo_image_surface_get_width (actual));
  g_assert_cmpint (cairo_image_surface_get_height (expected), ==,
                   cairo_image_surface_get_height (actual));
  diff = cairo_image_surface_create (CAIRO_FORMAT_RGB24, cairo_image_surface_get_width (actual),
                                     cairo_image_surface_get_height (actual));
  bad = count_differences (actual, expected, diff);
  total = (guint64) cairo_image_surface_get_width (actual) * cairo_image_surface_get_height (actual);
  if (!passes (bad, total))
    {
      g_autofree char *dir = g_dir_make_tmp ("weft-golden-XXXXXX", NULL);
      g_autofree char *out = g_build_filename (dir, file, NULL);
      g_autofree char *diff_file = g_strdup_printf ("diff-%s.png", g->name);
      g_autofree char *diff_path = g_build_filename (dir, diff_file, NULL);

      cairo_surface_write_to_png (actual, out);
      cairo_surface_write_to_png (diff, diff_path);
      g_test_message ("%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                      " pixels differ; the picture is %s, the differences in red %s",
                      g->name, bad, total, out, diff_path);
      g_test_fail ();
    }
  else
    g_test_message ("%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " pixels differ",
                    g->name, bad, total);
  cairo_surface_destroy (diff);
  cairo_surface_destroy (expected);
  cairo_surface_destroy (actual);
}

/* The comparison itself: a picture against a copy with a few pixels
 * changed passes, with many changed fails. */
static void
test_compare (void)
{
  cairo_surface_t *a = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 100, 100);
  cairo_surface_t *b = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 100, 100);
  cairo_surface_t *d = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 100, 100);
  cairo_t *cr = cairo_create (b);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  cr = cairo_create (a);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  /* 40 pixels a little off (within tolerance), 50 far off */
  cairo_set_source_rgb (cr, 1 - 10 / 255.0, 1, 1);
  cairo_rectangle (cr, 0, 0, 40, 1);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 1);
  cairo_rectangle (cr, 0, 50, 50, 1);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_flush (a);
  g_assert_cmpuint (count_differences (a, b, d), ==, 50);
  g_assert_true (passes (50, 10000));
  g_assert_false (passes (51, 10000));
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  cairo_surface_destroy (d);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  render_util_pin_fonts ();
  g_test_add_func ("/weft/render/golden/compare", test_compare);
  for (guint i = 0; i < G_N_ELEMENTS (goldens); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/weft/render/golden/%s", goldens[i].name);

      g_test_add_data_func (test_path, &goldens[i], test_golden);
    }
  return g_test_run ();
}
