/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-palette.c: the light and dark palettes (GNOME's palette where it has
 * the colour) and the thread and span colour rules.
 */
#include "weft-palette.h"

#include <math.h>
#include <string.h>

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0, 1.0 }
#define RGBA(hex, alpha) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0, alpha }

/* Ordered so that neighbours differ most, also across the table's wrap
 * into its darker and lighter repeats (the order with the largest least
 * RGB distance between neighbours in both themes, found by search): blue,
 * orange, green, purple, yellow, navy, olive, pink, teal, brown. */
static const WeftPalette light_palette = {
  .theme = WEFT_THEME_LIGHT,
  .background = RGB (0xffffff),
  .foreground = RGB (0x241f31),
  .dim = RGB (0x5e5c64),
  .grid = RGBA (0x000000, 0.10),
  .lane = RGB (0xf3f3f2),
  .group = RGB (0xe8e8e7),
  .other = RGB (0xb0afac),
  .parallel = RGB (0x99c1f1),
  .parallel_more = RGB (0x3584e4),
  .parallel_line = RGB (0x1c71d8),
  .average = RGB (0x241f31),
  .runnable = RGB (0x9a9996),
  .blocked = RGB (0xdeddda),
  .lock_wait = RGB (0xe01b24),
  .task_active = RGB (0x2190a4),
  .task_suspended = RGB (0xb5dde4),
  .flow = RGBA (0x241f31, 0.75),
  .counter_fill = RGBA (0x26a269, 0.35),
  .counter_line = RGB (0x26a269),
  .lost = RGB (0xe01b24),
  .selection = RGBA (0x3584e4, 0.15),
  .highlight = RGB (0xf6d32d),
  .threads = {
    RGB (0x3584e4), RGB (0xe66100), RGB (0x26a269), RGB (0xc061cb), RGB (0xe5a50a),
    RGB (0x1a3f8f), RGB (0x7a9a01), RGB (0xe66eb3), RGB (0x2190a4), RGB (0x986a44),
  },
};

static const WeftPalette dark_palette = {
  .theme = WEFT_THEME_DARK,
  .background = RGB (0x1e1e1e),
  .foreground = RGB (0xf6f5f4),
  .dim = RGB (0xb0afac),
  .grid = RGBA (0xffffff, 0.12),
  .lane = RGB (0x2a2a2b),
  .group = RGB (0x38383a),
  .other = RGB (0x6a6a6d),
  .parallel = RGB (0x1c4f8f),
  .parallel_more = RGB (0x62a0ea),
  .parallel_line = RGB (0x99c1f1),
  .average = RGB (0xf6f5f4),
  .runnable = RGB (0x77767b),
  .blocked = RGB (0x3d3d40),
  .lock_wait = RGB (0xf66151),
  .task_active = RGB (0x4fb3c4),
  .task_suspended = RGB (0x22505a),
  .flow = RGBA (0xf6f5f4, 0.75),
  .counter_fill = RGBA (0x57e389, 0.30),
  .counter_line = RGB (0x57e389),
  .lost = RGB (0xf66151),
  .selection = RGBA (0x62a0ea, 0.22),
  .highlight = RGB (0xf8e45c),
  .threads = {
    RGB (0x62a0ea), RGB (0xff7800), RGB (0x33d17a), RGB (0xdc8add), RGB (0xf6d32d),
    RGB (0x8fa8e8), RGB (0xa5c43a), RGB (0xf48fc4), RGB (0x4fc3d6), RGB (0xcdab8f),
  },
};

const WeftPalette *
weft_palette_get (WeftTheme theme)
{
  return theme == WEFT_THEME_DARK ? &dark_palette : &light_palette;
}

gboolean
weft_theme_from_string (const char *text, WeftTheme *theme)
{
  g_return_val_if_fail (theme != NULL, FALSE);

  if (g_strcmp0 (text, "light") == 0)
    *theme = WEFT_THEME_LIGHT;
  else if (g_strcmp0 (text, "dark") == 0)
    *theme = WEFT_THEME_DARK;
  else
    return FALSE;
  return TRUE;
}

WeftColor
weft_color_mix (const WeftColor *a, const WeftColor *b, double t)
{
  return (WeftColor) { a->r + (b->r - a->r) * t, a->g + (b->g - a->g) * t,
                       a->b + (b->b - a->b) * t, a->a + (b->a - a->a) * t };
}

static double
linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

double
weft_color_luminance (const WeftColor *c)
{
  return 0.2126 * linear (c->r) + 0.7152 * linear (c->g) + 0.0722 * linear (c->b);
}

WeftColor
weft_palette_thread_color (const WeftPalette *pal, guint key)
{
  static const WeftColor black = { 0, 0, 0, 1 }, white = { 1, 1, 1, 1 };
  guint round = key / WEFT_PALETTE_N_THREAD_COLORS;
  const WeftColor *base;

  g_return_val_if_fail (pal != NULL, black);

  base = &pal->threads[key % WEFT_PALETTE_N_THREAD_COLORS];
  if (round == 0)
    return *base;
  /* Later rounds: darker, lighter, darker… (keys past 30 repeat colours:
   * by then a lane's label tells threads apart, not its colour alone). */
  return weft_color_mix (base, round % 2 ? &black : &white, round % 2 ? 0.3 : 0.25);
}

WeftColor
weft_palette_span_color (const WeftPalette *pal, const WeftColor *thread_color, guint32 name)
{
  static const WeftColor black = { 0, 0, 0, 1 }, white = { 1, 1, 1, 1 };
  static const double light_steps[3] = { 0.35, 0.52, 0.68 };
  static const double dark_steps[3] = { 0.30, 0.45, 0.58 };
  /* Knuth's multiplicative hash spreads consecutive name ids. */
  guint step = ((name * 2654435761u) >> 16) % 3;

  if (pal->theme == WEFT_THEME_DARK)
    return weft_color_mix (thread_color, &black, dark_steps[step]);
  return weft_color_mix (thread_color, &white, light_steps[step]);
}
