/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-palette.h: the renderer's colours, light and dark, as plain data
 * the caller passes to weft_renderer_draw() (the viewer picks one from the
 * style manager, `weft export` from --theme).
 *
 * Threads get colours from a categorical table ordered so that any two
 * neighbouring keys differ strongly in hue; the renderer gives each thread
 * its rank in lane order as the key, so a thread keeps its colour in the
 * CPU lanes and in its own lane, and neighbouring lanes never look alike.
 * Red is kept out of the table: it means lock waits and lost events.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double r, g, b, a; /* 0 … 1, not premultiplied */
} WeftColor;

typedef enum
{
  WEFT_THEME_LIGHT,
  WEFT_THEME_DARK,
} WeftTheme;

#define WEFT_PALETTE_N_THREAD_COLORS 10

typedef struct
{
  WeftTheme theme;
  WeftColor background;   /* the picture */
  WeftColor foreground;   /* titles and labels */
  WeftColor dim;          /* secondary text: axis labels, notes */
  WeftColor grid;         /* tick lines and guides */
  WeftColor lane;         /* a lane's empty time: an idle core, a thread not alive */
  WeftColor group;        /* a process group's header band */
  WeftColor other;        /* a core running untraced threads (-a) */
  WeftColor parallel;     /* the parallelism area up to one running thread */
  WeftColor parallel_more; /* the area above one: threads running at once */
  WeftColor parallel_line; /* its outline */
  WeftColor average;      /* the mark of the average */
  WeftColor runnable;     /* preempted, waiting for a core */
  WeftColor blocked;      /* sleeping */
  WeftColor lock_wait;    /* waiting for a lock or a condition */
  WeftColor task_active;
  WeftColor task_suspended;
  WeftColor flow;         /* arrows */
  WeftColor counter_fill;
  WeftColor counter_line;
  WeftColor lost;         /* where events were lost */
  WeftColor selection;    /* shade over a selected range */
  WeftColor highlight;    /* outline of highlighted spans, tint of a highlighted lane */
  WeftColor threads[WEFT_PALETTE_N_THREAD_COLORS];
} WeftPalette;

/* The built-in palettes (static, never freed). */
const WeftPalette *weft_palette_get (WeftTheme theme);

/* "light" or "dark". */
gboolean weft_theme_from_string (const char *text, WeftTheme *theme);

/* The colour of thread key (its rank in lane order). Keys past the table
 * repeat its hues, alternately darker and lighter; any two neighbouring
 * keys differ by at least 0.4 in RGB distance. */
WeftColor weft_palette_thread_color (const WeftPalette *pal, guint key);

/* A span's fill: the thread's colour, lightened (light theme) or darkened
 * (dark theme) by one of three steps picked by the span's name, so
 * neighbouring spans of different names differ while the lane keeps its
 * thread's hue. Text on it reads in pal->foreground. */
WeftColor weft_palette_span_color (const WeftPalette *pal, const WeftColor *thread_color,
                                   guint32 name);

/* a·(1 − t) + b·t, alpha included. */
WeftColor weft_color_mix (const WeftColor *a, const WeftColor *b, double t);

/* Relative luminance (sRGB, 0 … 1), for picking a readable text colour. */
double weft_color_luminance (const WeftColor *c);

static inline void
weft_color_set_source (cairo_t *cr, const WeftColor *c)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a);
}

G_END_DECLS
