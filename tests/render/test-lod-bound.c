/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The level-of-detail bound (SPEC §7), counted on what the renderer draws:
 * on a 10 M-event trace (switches on two cores, nested spans of every size
 * on four threads), at full zoom-out, a middle zoom and a deep zoom, no
 * lane gets more than four primitives in any pixel column.
 */
#include "render-util.h"
#include "weft-renderer-private.h"

#define N_THREADS 4
#define SWITCHES_PER_CPU 1250000 /* two events' worth each: 5 M events */
#define SPANS_PER_THREAD 625000  /* 2 events each: 5 M events */

/* A small deterministic generator: the same trace every run. */
static guint32
next (guint64 *state)
{
  *state = *state * 6364136223846793005ull + 1442695040888963407ull;
  return (guint32) (*state >> 33);
}

static guint64 duration;

static WeftLod *
build_big (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpu[2] = { weft_builder_cpu (b, 0), weft_builder_cpu (b, 1) };
  WeftBuilderStream th[N_THREADS];
  guint64 state = 42, t;
  guint64 n_events = 0;
  WeftLod *lod;

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_set_metadata (b, "sched", "true");
  for (guint i = 0; i < N_THREADS; i++)
    th[i] = render_util_thread (b, 700, 700 + i, "t");
  /* each core switches among the threads every 200 ns … 50 µs, with idle
   * gaps: most columns hold many slices at full zoom-out */
  for (guint c = 0; c < 2; c++)
    {
      gint64 prev = WEFT_TID_IDLE;

      t = RT0;
      for (guint i = 0; i < SWITCHES_PER_CPU * 2; i++)
        {
          guint32 r = next (&state);
          gint64 who = r % 5 == 0 ? WEFT_TID_IDLE : 700 + (c * 2 + (r >> 8) % 2);

          t += 200 + (r >> 12) % (i % 1000 < 10 ? 50000 : 2000);
          weft_builder_switch (b, cpu[c], t, prev,
                               (r & 0x10) ? WEFT_SWITCH_PREEMPTED : WEFT_SWITCH_BLOCKED, who);
          prev = who;
        }
      n_events += SWITCHES_PER_CPU * 2;
    }
  /* spans of three depths: long outer ones, and inner ones from 50 ns to
   * a millisecond */
  for (guint i = 0; i < N_THREADS; i++)
    {
      guint depth = 0;

      t = RT0;
      for (guint k = 0; k < SPANS_PER_THREAD * 2; k++)
        {
          guint32 r = next (&state);

          t += 50 + (r % 97 == 0 ? 400000 : r % 800);
          if (depth < 3 && (depth == 0 || r % 3 != 0))
            {
              weft_builder_span_begin (b, th[i], t, (r >> 4) % 2 ? "inner" : "outer");
              depth++;
            }
          else
            {
              weft_builder_span_end (b, th[i], t);
              depth--;
            }
        }
      while (depth-- > 0)
        weft_builder_span_end (b, th[i], t += 100);
      n_events += SPANS_PER_THREAD * 2;
    }
  g_assert_cmpuint (n_events, >=, 10000000);
  lod = render_util_lod (b);
  g_assert_cmpuint (weft_model_get_n_events (weft_lod_get_model (lod)), >=, 10000000);
  duration = weft_model_get_duration (weft_lod_get_model (lod));
  return lod;
}

static WeftLod *big;

static void
check_bound_with (guint64 start, guint64 end, const char *what, gboolean busy, gboolean cached)
{
  g_autoptr (WeftRenderer) renderer = weft_renderer_new (big);
  g_autoptr (WeftRenderCount) count = NULL;
  cairo_surface_t *surface;
  guint busy_columns = 0;

  if (cached)
    {
      /* the viewer's way: tiles of fixed resolutions, resampled */
      WeftViewport vp;

      weft_renderer_set_tile_cache (renderer, 64 << 20, 0);
      weft_viewport_init (&vp, start, end, 1920, 1080);
      weft_renderer_warm (renderer, &vp);
    }
  _weft_renderer_set_counting (renderer, TRUE);
  surface = render_util_draw (renderer, start, end, 1920, 1080, 1, WEFT_VIEWPORT_SHOW_ALL,
                              WEFT_THEME_LIGHT);
  cairo_surface_destroy (surface);
  count = _weft_renderer_take_count (renderer);
  g_assert_nonnull (count);
  if (cached)
    g_assert_true (weft_renderer_is_complete (renderer));
  g_test_message ("%s%s: %" G_GUINT64_FORMAT " primitives, at most %u in a column (lane %u "
                  "row %u, column %u)", what, cached ? " (tile cache)" : "", count->total, count->max, count->max_lane,
                  count->max_row, count->max_column);
  g_assert_cmpuint (count->max, <=, 4);
  /* and something was drawn: most columns of the first core's lane */
  g_assert_cmpuint (weft_renderer_get_lane (renderer, 1)->kind, ==, WEFT_LANE_CPU);
  if (!busy)
    return;
  for (guint c = 0; c < count->n_columns; c++)
    busy_columns += count->counts[count->lane_rows[1] * count->n_columns + c] > 0;
  g_assert_cmpuint (busy_columns, >, count->n_columns * 3 / 4);
}

static void
check_bound (guint64 start, guint64 end, const char *what, gboolean busy)
{
  check_bound_with (start, end, what, busy, FALSE);
  check_bound_with (start, end, what, busy, TRUE);
}

static void
test_zoomed_out (void)
{
  check_bound (0, duration, "full zoom-out", TRUE);
}

static void
test_middle (void)
{
  check_bound (duration / 2, duration / 2 + duration / 200, "1/200 of the trace", TRUE);
}

static void
test_deep (void)
{
  /* ~2 µs across: slices and spans wider than the window */
  check_bound (duration / 3, duration / 3 + 2000, "2 µs", FALSE);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  render_util_pin_fonts ();
  g_test_add_func ("/weft/render/lod-bound/zoomed-out", test_zoomed_out);
  g_test_add_func ("/weft/render/lod-bound/middle", test_middle);
  g_test_add_func ("/weft/render/lod-bound/deep", test_deep);
  big = build_big ();
  status = g_test_run ();
  weft_lod_unref (big);
  return status;
}
