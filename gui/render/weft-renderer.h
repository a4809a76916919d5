/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer.h: draws a trace's timeline with cairo from explicit
 * inputs (STYLE §3): the level-of-detail index of the trace, a viewport
 * (range, size, scale, scroll, selection) and a palette. It reads no
 * widget state and never includes GTK: the viewer calls it from its
 * snapshot, `weft export` on image, SVG and PDF surfaces, so an exported
 * picture is what the screen shows.
 *
 * From top to bottom: a header (title, verdict line), the time axis, then
 * the lanes: the parallelism strip, one lane per CPU core, per process its
 * thread lanes (state strip and span rows), async task rows and counter
 * tracks; a legend at the bottom. Every lane draws from the analyzer's
 * level-of-detail queries at one column per device pixel: at most four
 * primitives per column per lane, occupancy-true when zoomed out.
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "weft-lane.h"
#include "weft-lod.h"
#include "weft-palette.h"
#include "weft-viewport.h"

G_BEGIN_DECLS

#define WEFT_TYPE_RENDERER (weft_renderer_get_type ())
G_DECLARE_FINAL_TYPE (WeftRenderer, weft_renderer, WEFT, RENDERER, GObject)

/* A renderer for lod's trace (holds a reference on it). The layout is
 * built here, once. */
WeftRenderer *weft_renderer_new (WeftLod *lod);

WeftLod *weft_renderer_get_lod (WeftRenderer *self); /* borrowed */

/* The header's title (default: the trace's command, or nothing). */
void weft_renderer_set_title (WeftRenderer *self, const char *title);
const char *weft_renderer_get_title (WeftRenderer *self);

/* Span rows shown per thread (default 8); deeper rows are counted in the
 * lane's hidden_rows. Changes the layout. */
void weft_renderer_set_max_span_rows (WeftRenderer *self, guint rows);
guint weft_renderer_get_max_span_rows (WeftRenderer *self);

/* Makes the lanes that show occupancy (the parallelism strip, the cores,
 * thread strips, counters) taller by factor (1 … 4; default 1), to fill a
 * picture. Text rows keep their height. Changes the layout. */
void weft_renderer_set_lane_scale (WeftRenderer *self, double factor);
double weft_renderer_get_lane_scale (WeftRenderer *self);

/* For interactive drawing (the viewer): keep the lanes' columns in tiles
 * of fixed resolutions, up to max_bytes (0 turns the cache off, as for
 * export: every frame then asks the level-of-detail index at one column
 * per device pixel). A frame spends at most about frame_budget_us
 * computing tiles it lacks, on every core; rows whose tiles are not ready
 * are drawn from the resolution of the last frame or from an overview of
 * the whole trace, and weft_renderer_is_complete() is FALSE until a later
 * frame has them all: draw again then (the picture sharpens). */
void weft_renderer_set_tile_cache (WeftRenderer *self, gsize max_bytes, gint64 frame_budget_us);
gboolean weft_renderer_is_complete (WeftRenderer *self);
/* Computes every tile vp needs now, whatever the budget: for the first
 * picture of a trace, from the thread that loads it (then its first frame
 * is as quick as the next). Does nothing without a cache. */
void weft_renderer_warm (WeftRenderer *self, const WeftViewport *vp);

/* Draws vp's picture on cr, whose user space is vp's units (the caller
 * scales by vp->scale for HiDPI, as weft_render_export does). Draws
 * inside [0, width] × [0, height] only. */
void weft_renderer_draw (WeftRenderer *self, cairo_t *cr, const WeftViewport *vp,
                         const WeftPalette *pal);

/* ---- layout, for the viewer ---- */

/* Folds process group process (a WEFT_LANE_PROCESS lane's index: a model
 * process, or WEFT_MODEL_NONE for the threads of none) to its header:
 * its threads, task rows and counters leave the layout, the threads keep
 * their colours. Changes the layout. */
void weft_renderer_set_process_collapsed (WeftRenderer *self, guint process, gboolean collapsed);
gboolean weft_renderer_get_process_collapsed (WeftRenderer *self, guint process);
/* Draws a disclosure triangle before each process header, for a viewer
 * where a click on the header folds the group (default FALSE: pictures
 * have none). */
void weft_renderer_set_show_disclosure (WeftRenderer *self, gboolean show);

guint weft_renderer_get_n_lanes (WeftRenderer *self);
const WeftLane *weft_renderer_get_lane (WeftRenderer *self, guint index);
/* The lanes' total height: the vertical scroll runs from 0 to this minus
 * the lane area's height. */
double weft_renderer_get_content_height (WeftRenderer *self);

typedef struct
{
  double x, y, width, height;
} WeftRect;

/* Where vp puts the lanes (left of x is the label column, above y the
 * header and the axis), in vp's units. */
void weft_renderer_get_lane_area (WeftRenderer *self, const WeftViewport *vp, WeftRect *area);

/* What is at (x, y) of vp. Returns FALSE (and kind NONE) for nothing. */
gboolean weft_renderer_hit_test (WeftRenderer *self, const WeftViewport *vp, double x, double y,
                                 WeftHit *hit);

/* Where item (a hit of kind SPAN, CPU_SLICE or TASK, as the viewer keeps
 * the clicked one) is drawn in vp, in vp's units, unclipped: x and width
 * follow its times even outside the visible range. FALSE for other kinds,
 * or when its lane or row is not in the layout (a folded group, a hidden
 * depth). */
gboolean weft_renderer_get_item_rect (WeftRenderer *self, const WeftViewport *vp,
                                      const WeftHit *item, WeftRect *rect);

/* The verdict sentence of [start, end) (SPEC §5's rule, from the
 * level-of-detail index, so it is cheap for any range) and the average
 * number of running threads in it. */
char *weft_renderer_get_verdict (WeftRenderer *self, guint64 start, guint64 end,
                                 double *average_running);

G_END_DECLS
