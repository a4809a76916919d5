/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-timeline-private.h: what weft-timeline.c (drawing, session,
 * scrolling, tooltips) and weft-timeline-input.c (gestures and actions)
 * share.
 */
#pragma once

#include "weft-timeline.h"

G_BEGIN_DECLS

typedef enum
{
  DRAG_NONE,
  DRAG_SELECT, /* left button: a time range, or a click when it does not move */
  DRAG_PAN,    /* middle button, or left with Space held */
} DragMode;

struct _WeftTimeline
{
  GtkWidget parent_instance;

  /* Child widgets */
  GtkWidget *scrollbar;

  /* Owned references */
  WeftSession *session;
  WeftRenderer *renderer;  /* for the session's document */
  GtkAdjustment *vadjustment;

  /* Input state */
  gboolean pointer_inside;
  double pointer_x, pointer_y;
  gboolean space_down;
  DragMode drag_mode;
  double drag_x, drag_y;         /* where the drag began */
  guint64 drag_start, drag_end;  /* the visible range then */
  double drag_last_x, drag_last_y; /* the offset already applied, when panning */
  gboolean drag_moved;
  guint64 pinch_start, pinch_end;
  double pinch_x;

  /* Frames */
  cairo_surface_t *surfaces[2]; /* reused once GTK has let go of their texture: the one
                                 * shown and the one drawn */
  guint redraw_id;     /* a tick that draws again while tiles arrive */
  gint64 last_draw_us;
  gboolean last_complete;
};

/* How far a press may move and still be a click, in pixels. */
#define WEFT_TIMELINE_CLICK_SLOP 3.0
/* Zoom steps of W and S (and a notch of Ctrl+wheel). */
#define WEFT_TIMELINE_ZOOM_IN 0.8
#define WEFT_TIMELINE_ZOOM_OUT 1.25
/* The lanes scroll by this many units a wheel notch. */
#define WEFT_TIMELINE_SCROLL_STEP 48.0

/* weft-timeline.c */
gboolean _weft_timeline_lane_area (WeftTimeline *self, WeftRect *area);
/* The time under widget x, clamped to the visible range. */
guint64 _weft_timeline_time_at (WeftTimeline *self, double x);
void _weft_timeline_toggle_process (WeftTimeline *self, guint process);

/* weft-timeline-input.c */
void _weft_timeline_class_init_input (GtkWidgetClass *widget_class);
void _weft_timeline_init_input (WeftTimeline *self);
/* Zooms the visible range by factor around the time at fraction anchor
 * (0 … 1) of its width. */
void _weft_timeline_zoom (WeftTimeline *self, double anchor, double factor);
/* Moves the visible range by dt ns (> 0: later). */
void _weft_timeline_pan_ns (WeftTimeline *self, gint64 dt);
/* A pinch that began at widget x, then its scale since it began (GTK's
 * zoom gesture calls these; tests too, as no tool makes touch events). */
void _weft_timeline_pinch_begin (WeftTimeline *self, double x);
void _weft_timeline_pinch_scale (WeftTimeline *self, double scale);

G_END_DECLS
