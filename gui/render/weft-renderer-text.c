/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-text.c: the header (title and verdict line), the lane
 * labels in the left column, the legend of thread colours and states at
 * the bottom, and notes over the lanes. Every text is elided to the room
 * it has, so nothing overlaps.
 */
#include "weft-renderer-private.h"

#include <math.h>

void
_weft_draw_header (WeftFrame *f)
{
  const WeftViewport *vp = f->vp;
  double y = 8, right = vp->width - WEFT_R_PAD, room = right - WEFT_R_PAD;
  double verdict_w = 0, title_w = 0;
  const char *title = f->self->title;
  g_autofree char *duration = _weft_format_duration (vp->end - vp->start);
  g_autofree char *subtitle = NULL;

  if (f->verdict != NULL)
    verdict_w = _weft_frame_text (f, f->font, f->verdict, right, y + 2, room * 0.62,
                                  WEFT_ALIGN_RIGHT, &f->pal->foreground, 4);
  room -= verdict_w + (verdict_w > 0 ? 24 : 0);
  if (title != NULL && *title != '\0')
    title_w = _weft_frame_text (f, f->title, title, WEFT_R_PAD, y, room, WEFT_ALIGN_LEFT,
                                &f->pal->foreground, 3);
  room -= title_w + (title_w > 0 ? 10 : 0);
  subtitle = g_strdup_printf ("%s shown", duration);
  _weft_frame_text (f, f->font, subtitle, WEFT_R_PAD + title_w + (title_w > 0 ? 10 : 0), y + 2,
                    room, WEFT_ALIGN_LEFT, &f->pal->dim, 6);
}

static void
draw_swatch (cairo_t *cr, const WeftColor *c, double x, double y, double size)
{
  weft_color_set_source (cr, c);
  cairo_rectangle (cr, x, y, size, size);
  cairo_fill (cr);
}

static void
label_parallelism (WeftFrame *f, const WeftLane *lane, double y, double room)
{
  guint top = f->self->parallel_top;
  double h = lane->height - 6, bottom = y + lane->height;
  guint step = _weft_parallel_guide_step (top, h);

  _weft_frame_text (f, f->font, lane->label, WEFT_R_PAD, y + 4, room - 22, WEFT_ALIGN_LEFT,
                    &f->pal->foreground, 4);
  /* without scheduler data the strip is SPEC §5's estimate */
  _weft_frame_text (f, f->small,
                    weft_model_has_sched (f->model) ? "on all cores" : "estimated", WEFT_R_PAD, y + 4 + WEFT_R_FONT + 3, room - 22,
                    WEFT_ALIGN_LEFT, &f->pal->dim, 4);
  /* the guides' numbers, only as many as fit without touching */
  for (guint k = step; k <= top; k += step)
    {
      g_autofree char *n = g_strdup_printf ("%u", k);
      double gy = bottom - h * k / top;

      if (h * step / top < WEFT_R_SMALL_FONT + 1 && k != top)
        continue;
      _weft_frame_text (f, f->small, n, f->area.x - 5, gy - WEFT_R_SMALL_FONT / 2 - 2, 20,
                        WEFT_ALIGN_RIGHT, &f->pal->dim, 1);
    }
}

static void
label_thread (WeftFrame *f, const WeftLane *lane, double y, double room)
{
  WeftColor c = _weft_frame_thread_color (f, lane->index);
  double row = lane->n_rows > 0 ? WEFT_R_STATE_H + WEFT_R_ROW_H / 2 : lane->height / 2;
  double x = WEFT_R_PAD + 10, ty = y + row - WEFT_R_FONT / 2 - 2;

  draw_swatch (f->cr, &c, x, y + row - 4, 8);
  _weft_frame_text (f, f->font, lane->label, x + 12, ty, room - 22, WEFT_ALIGN_LEFT,
                    &f->pal->foreground, 3);
  if (lane->hidden_rows > 0 && lane->n_rows > 1)
    {
      g_autofree char *more = g_strdup_printf ("+%u deeper rows", lane->hidden_rows);

      _weft_frame_text (f, f->small, more, x + 12, ty + WEFT_R_FONT + 4, room - 22,
                        WEFT_ALIGN_LEFT, &f->pal->dim, 3);
    }
}

/* A small triangle at (x, cy): pointing right when folded, down when not. */
static void
draw_disclosure (WeftFrame *f, double x, double cy, gboolean collapsed)
{
  cairo_t *cr = f->cr;

  if (collapsed)
    {
      cairo_move_to (cr, x + 2, cy - 4.5);
      cairo_line_to (cr, x + 8, cy);
      cairo_line_to (cr, x + 2, cy + 4.5);
    }
  else
    {
      cairo_move_to (cr, x, cy - 3);
      cairo_line_to (cr, x + 9, cy - 3);
      cairo_line_to (cr, x + 4.5, cy + 3);
    }
  cairo_close_path (cr);
  weft_color_set_source (cr, &f->pal->dim);
  cairo_fill (cr);
}

void
_weft_draw_labels (WeftFrame *f, guint first_lane, guint last_lane)
{
  cairo_t *cr = f->cr;
  double room = f->area.x - WEFT_R_PAD - 4;

  for (guint i = first_lane; i < last_lane; i++)
    {
      const WeftLane *lane = &g_array_index (f->self->lanes, WeftLane, i);
      double y = f->top + lane->y, mid = y + lane->height / 2 - WEFT_R_FONT / 2 - 2;

      cairo_save (cr);
      if (lane->kind == WEFT_LANE_PROCESS)
        {
          double x = WEFT_R_PAD;

          if (f->self->show_disclosure)
            {
              draw_disclosure (f, x, y + lane->height / 2, lane->collapsed);
              x += 14;
            }
          /* the group's band runs under the lanes: its name may too */
          _weft_frame_text (f, f->bold, lane->label, x, mid, f->vp->width - x - WEFT_R_PAD,
                            WEFT_ALIGN_LEFT, &f->pal->foreground, 3);
          cairo_restore (cr);
          continue;
        }
      cairo_rectangle (cr, 0, y, f->area.x - 4, lane->height);
      cairo_clip (cr);
      switch (lane->kind)
        {
        case WEFT_LANE_PARALLELISM:
          label_parallelism (f, lane, y, room);
          break;
        case WEFT_LANE_THREAD:
          label_thread (f, lane, y, room);
          break;
        case WEFT_LANE_TASKS:
        case WEFT_LANE_COUNTER:
          _weft_frame_text (f, f->small, lane->label, WEFT_R_PAD + 10, mid + 1, room - 10,
                            WEFT_ALIGN_LEFT, &f->pal->dim, 3);
          break;
        case WEFT_LANE_CPU:
        case WEFT_LANE_PROCESS:
        default:
          _weft_frame_text (f, f->font, lane->label, WEFT_R_PAD, mid, room, WEFT_ALIGN_LEFT,
                            &f->pal->foreground, 3);
          break;
        }
      cairo_restore (cr);
    }
}

/* Draws a swatch and its text at *x if both fit before limit; moves *x. */
static gboolean
legend_item (WeftFrame *f, const WeftColor *c, const char *text, double *x, double y,
             double limit)
{
  double w = _weft_frame_text_width (f, f->small, text);

  if (*x + 12 + w > limit)
    return FALSE;
  if (c != NULL)
    {
      draw_swatch (f->cr, c, *x, y + 2, 9);
      *x += 13;
    }
  _weft_frame_text (f, f->small, text, *x, y, w + 1, WEFT_ALIGN_LEFT, &f->pal->foreground, 1);
  *x += w + 14;
  return TRUE;
}

void
_weft_draw_legend (WeftFrame *f)
{
  const WeftPalette *pal = f->pal;
  double y = f->vp->height - WEFT_R_LEGEND_H + 7, x, right = f->vp->width - WEFT_R_PAD;
  guint64 lost = weft_model_get_lost_events (f->model);
  WeftColor running = weft_palette_thread_color (pal, 0);
  struct
  {
    const WeftColor *color;
    const char *text;
  } states[] = {
    { &running, "running (thread's colour)" },
    { &pal->runnable, "waiting for a core" },
    { &pal->lock_wait, "lock wait" },
    { &pal->blocked, "blocked" },
    { &pal->lane, "idle / not alive" },
  };
  g_autofree char *lost_text = NULL;
  double states_w = 0;
  guint shown = 0, n_threads = 0;

  /* the states' key on the right */
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    states_w += 13 + _weft_frame_text_width (f, f->small, states[i].text) + 14;
  if (lost > 0)
    {
      lost_text = g_strdup_printf ("%" G_GUINT64_FORMAT " events lost", lost);
      states_w += 13 + _weft_frame_text_width (f, f->small, lost_text) + 14;
    }
  x = MAX (f->vp->width * 0.45, right - states_w);
  /* lost events first: they must not be missed */
  if (lost_text != NULL)
    legend_item (f, &pal->lost, lost_text, &x, y, right);
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (!legend_item (f, states[i].color, states[i].text, &x, y, right))
      break;

  /* the threads' colours on the left, as many as fit */
  x = WEFT_R_PAD;
  right = MAX (f->vp->width * 0.45, right - states_w) - 20;
  for (guint i = 0; i < f->self->lanes->len; i++)
    if (g_array_index (f->self->lanes, WeftLane, i).kind == WEFT_LANE_THREAD)
      n_threads++;
  for (guint i = 0; i < f->self->lanes->len; i++)
    {
      const WeftLane *lane = &g_array_index (f->self->lanes, WeftLane, i);
      WeftColor c;

      if (lane->kind != WEFT_LANE_THREAD)
        continue;
      c = _weft_frame_thread_color (f, lane->index);
      /* keep room for "+N more" */
      if (!legend_item (f, &c, lane->label, &x, y, shown + 1 < n_threads ? right - 60 : right))
        break;
      shown++;
    }
  if (shown < n_threads)
    {
      g_autofree char *more = g_strdup_printf ("+%u more", n_threads - shown);

      legend_item (f, NULL, more, &x, y, right + 20);
    }
}

void
_weft_draw_note (WeftFrame *f, const char *text)
{
  double w = MIN (f->area.width - 20, _weft_frame_text_width (f, f->font, text) + 24);
  double x = f->area.x + f->area.width / 2, y = f->area.y + MIN (f->area.height / 2, 120.0);
  WeftColor back = f->pal->background;

  back.a = 0.9;
  weft_color_set_source (f->cr, &back);
  cairo_rectangle (f->cr, x - w / 2, y - 6, w, WEFT_R_FONT + 14);
  cairo_fill (f->cr);
  _weft_frame_text (f, f->font, text, x, y, w - 8, WEFT_ALIGN_CENTER, &f->pal->dim, 4);
}
