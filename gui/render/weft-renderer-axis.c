/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-axis.c: the time axis (ticks at 1, 2, 5 × 10^k ns, as
 * many as fit with labels that never overlap, in the unit that suits the
 * view), the grid lines under the lanes and the marks where events were
 * lost. Also the number formats the renderer shows.
 */
#include "weft-renderer-private.h"

#include <math.h>

guint64
_weft_axis_step (double range_ns, double width, double min_gap)
{
  static const guint64 mantissa[] = { 1, 2, 5 };
  guint64 decade = 1;

  if (range_ns <= 0 || width <= 0)
    return 1;
  for (guint k = 0; k < 19; k++, decade *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (mantissa); i++)
      {
        guint64 step = mantissa[i] * decade;

        if ((double) step / range_ns * width >= min_gap)
          return step;
      }
  return decade;
}

/* The next step of the 1, 2, 5 series. */
static guint64
next_step (guint64 step)
{
  guint64 d = 1;

  while (step / d >= 10)
    d *= 10;
  if (step / d == 1)
    return 2 * d;
  if (step / d == 2)
    return 5 * d;
  return 10 * d;
}

static const struct
{
  guint64 ns;
  const char *name;
} units[] = {
  { 1000000000, "s" },
  { 1000000, "ms" },
  { 1000, "µs" },
  { 1, "ns" },
};

/* Writes v/unit with decimals into out, the decimals grouped by three
 * with thin spaces when there are more than three. */
static void
append_fixed (GString *out, guint64 v, guint64 unit, guint decimals)
{
  guint64 frac = v % unit, scale = 1;

  g_string_append_printf (out, "%" G_GUINT64_FORMAT, v / unit);
  if (decimals == 0)
    return;
  for (guint i = 0; i < decimals; i++)
    scale *= 10;
  /* frac / unit in `decimals` digits; unit is a power of ten >= scale */
  frac /= unit / scale;
  g_string_append_c (out, '.');
  for (guint i = 0; i < decimals; i++)
    {
      guint64 p = scale / 10;
      guint64 digit = (frac / MAX (p, 1)) % 10;

      if (i > 0 && i % 3 == 0 && decimals > 3)
        g_string_append (out, "\u2009");
      g_string_append_c (out, (char) ('0' + digit));
      scale /= 10;
      if (scale == 0)
        break;
    }
}

char *
_weft_format_tick (guint64 t, guint64 step, guint64 ref)
{
  GString *out = g_string_new (NULL);
  guint u = G_N_ELEMENTS (units) - 1;
  guint decimals = 0;
  guint64 q;

  /* the largest unit the view reaches, so one axis speaks one unit */
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (ref >= units[i].ns)
      {
        u = i;
        break;
      }
  /* enough decimals to tell two ticks apart */
  for (q = units[u].ns; q > 1 && step % q != 0; q /= 10)
    decimals++;
  append_fixed (out, t, units[u].ns, decimals);
  g_string_append_printf (out, " %s", units[u].name);
  return g_string_free (out, FALSE);
}

char *
_weft_format_duration (guint64 ns)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (ns >= units[i].ns || i == G_N_ELEMENTS (units) - 1)
      {
        double v = (double) ns / units[i].ns;
        const char *format = v >= 100 || units[i].ns == 1 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f";

        g_ascii_formatd (buf, sizeof buf, format, v);
        return g_strdup_printf ("%s %s", buf, units[i].name);
      }
  g_assert_not_reached ();
}

char *
_weft_format_value (double v, gboolean is_bytes)
{
  static const char *const binary[] = { "B", "KiB", "MiB", "GiB", "TiB" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  guint i = 0;

  if (!isfinite (v))
    return g_strdup ("?");
  if (!is_bytes)
    {
      const char *format = fabs (v) >= 100 || v == floor (v) ? "%.0f" : "%.2f";

      g_ascii_formatd (buf, sizeof buf, format, v);
      return g_strdup (buf);
    }
  while (fabs (v) >= 1024 && i + 1 < G_N_ELEMENTS (binary))
    {
      v /= 1024;
      i++;
    }
  g_ascii_formatd (buf, sizeof buf, i == 0 || fabs (v) >= 100 ? "%.0f" : "%.1f", v);
  return g_strdup_printf ("%s %s", buf, binary[i]);
}

/* The frame's tick step: labels at least their own width + 14 apart. */
static guint64
tick_step (WeftFrame *f)
{
  double range = (double) (f->win.end - f->win.start);
  guint64 step = _weft_axis_step (range, f->area.width, 60);

  for (guint k = 0; k < 12; k++)
    {
      guint64 last = f->win.end - f->win.end % step;
      g_autofree char *label = _weft_format_tick (last, step, f->win.end);
      double w = _weft_frame_text_width (f, f->small, label);

      if ((double) step / range * f->area.width >= w + 14)
        break;
      step = next_step (step);
    }
  return step;
}

void
_weft_draw_axis (WeftFrame *f)
{
  cairo_t *cr = f->cr;
  guint64 step = tick_step (f), t;
  double y = f->area.y - WEFT_R_AXIS_H, base = f->area.y - 1;
  double right_edge = f->area.x + f->area.width, last_end = -G_MAXDOUBLE;

  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  weft_color_set_source (cr, &f->pal->grid);
  cairo_move_to (cr, f->area.x, base + 0.5);
  cairo_line_to (cr, right_edge, base + 0.5);
  cairo_stroke (cr);
  for (t = f->win.start + (step - f->win.start % step) % step; t <= f->win.end; t += step)
    {
      double x = floor (_weft_frame_x (f, weft_lod_window_time_to_x (&f->win, (double) t))) + 0.5;
      g_autofree char *label = _weft_format_tick (t, step, f->win.end);
      double w = _weft_frame_text_width (f, f->small, label), lx = x + 3;

      weft_color_set_source (cr, &f->pal->dim);
      cairo_move_to (cr, x, base - 6);
      cairo_line_to (cr, x, base);
      cairo_stroke (cr);
      /* a label sits right of its tick; the last one left of it when it
       * would run off the picture; one that would touch the previous
       * label is left out */
      if (lx + w > right_edge + WEFT_R_PAD)
        lx = x - 3 - w;
      if (lx >= last_end + 8)
        {
          _weft_frame_text (f, f->small, label, lx, y + 5, w + 1, WEFT_ALIGN_LEFT, &f->pal->dim, 1);
          last_end = lx + w;
        }
      if (t > G_MAXUINT64 - step)
        break;
    }
  cairo_restore (cr);
}

void
_weft_draw_grid (WeftFrame *f)
{
  cairo_t *cr = f->cr;
  guint64 step = tick_step (f);

  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  weft_color_set_source (cr, &f->pal->grid);
  for (guint64 t = f->win.start + (step - f->win.start % step) % step; t <= f->win.end; t += step)
    {
      double x = floor (_weft_frame_x (f, weft_lod_window_time_to_x (&f->win, (double) t))) + 0.5;

      cairo_move_to (cr, x, f->area.y);
      cairo_line_to (cr, x, f->area.y + f->area.height);
      if (t > G_MAXUINT64 - step)
        break;
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* A red mark at the top of the lanes and a thin line through them where
 * events were lost: at most one per 6 device pixels. */
void
_weft_draw_lost (WeftFrame *f)
{
  guint64 n_lost, lo = 0;
  const WeftModelLost *lost = weft_model_get_lost (f->model, &n_lost);
  guint n = f->win.n_columns, n_buckets = MAX (1u, n / 6);
  cairo_t *cr = f->cr;
  guint lane_saved = f->lane;

  if (n_lost == 0)
    return;
  f->sub = 0;
  f->lane = f->self->lanes->len; /* the overlay row, with the flows */
  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  for (guint b = 0; b < n_buckets; b++)
    {
      double c0 = (double) n * b / n_buckets, c1 = (double) n * (b + 1) / n_buckets;
      guint64 t0 = f->win.start + (guint64) ceil ((f->win.end - f->win.start) * (double) b / n_buckets);
      guint64 hi = n_lost;
      double x;

      while (lo < hi)
        {
          guint64 mid = lo + (hi - lo) / 2;

          if (lost[mid].time < t0)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (lo >= n_lost)
        break;
      x = weft_lod_window_time_to_x (&f->win, (double) lost[lo].time);
      if (x >= c1 || x < c0 - 1e-9)
        continue;
      _weft_frame_count (f, x, x + 1);
      x = floor (_weft_frame_x (f, x)) + 0.5;
      weft_color_set_source (cr, &f->pal->lost);
      cairo_move_to (cr, x - 4.5, f->area.y);
      cairo_line_to (cr, x + 4.5, f->area.y);
      cairo_line_to (cr, x, f->area.y + 7);
      cairo_close_path (cr);
      cairo_fill (cr);
      cairo_save (cr);
      cairo_set_source_rgba (cr, f->pal->lost.r, f->pal->lost.g, f->pal->lost.b, 0.45);
      cairo_move_to (cr, x, f->area.y + 7);
      cairo_line_to (cr, x, f->area.y + f->area.height);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  cairo_restore (cr);
  f->lane = lane_saved;
}
