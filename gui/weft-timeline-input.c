/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-timeline-input.c: the timeline's input as SPEC §6 has it (the
 * wheel scrolls the lanes, Shift+wheel pans, Ctrl+wheel and pinch zoom at
 * the pointer, W/S/A/D, 0/Home, left-drag selects, middle-drag or
 * Space+drag pans, a click selects). Gestures and keys only translate
 * into the widget's actions; the actions change the session (or the
 * vertical scroll), so a test driving the actions drives what the pointer
 * does.
 */
#include "weft-config.h"

#include "weft-timeline-private.h"

#include <math.h>

/* ---- what the actions do ---- */

void
_weft_timeline_zoom (WeftTimeline *self, double anchor, double factor)
{
  guint64 start, end;
  double width, new_width, at, new_start;

  if (self->session == NULL || weft_session_get_document (self->session) == NULL
      || !(factor > 0) || !isfinite (factor))
    return;
  start = weft_session_get_visible_start (self->session);
  end = weft_session_get_visible_end (self->session);
  width = (double) (end - start);
  anchor = CLAMP (anchor, 0.0, 1.0);
  /* The time under the anchor stays where it is. */
  new_width = MAX (1.0, round (width * factor));
  at = (double) start + anchor * width;
  new_start = MAX (0.0, round (at - anchor * new_width));
  weft_session_set_visible_range (self->session, (guint64) new_start,
                                  (guint64) new_start + (guint64) new_width);
}

void
_weft_timeline_pan_ns (WeftTimeline *self, gint64 dt)
{
  guint64 start, end, new_start;

  if (self->session == NULL || weft_session_get_document (self->session) == NULL)
    return;
  start = weft_session_get_visible_start (self->session);
  end = weft_session_get_visible_end (self->session);
  if (dt < 0)
    new_start = (guint64) -dt > start ? 0 : start - (guint64) -dt;
  else
    new_start = start + (guint64) dt;
  /* The session slides a range past the end back inside. */
  weft_session_set_visible_range (self->session, new_start, new_start + (end - start));
}

/* Where the pointer is, as a fraction of the lanes' width; the middle
 * when it is not over them. */
static double
pointer_anchor (WeftTimeline *self)
{
  WeftRect area;

  if (!self->pointer_inside || !_weft_timeline_lane_area (self, &area)
      || self->pointer_x < area.x || self->pointer_x > area.x + area.width)
    return 0.5;
  return (self->pointer_x - area.x) / area.width;
}

static guint64
visible_width (WeftTimeline *self)
{
  return weft_session_get_visible_end (self->session)
         - weft_session_get_visible_start (self->session);
}

/* ---- actions ---- */

static void
zoom_in_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);

  _weft_timeline_zoom (self, pointer_anchor (self), WEFT_TIMELINE_ZOOM_IN);
}

static void
zoom_out_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);

  _weft_timeline_zoom (self, pointer_anchor (self), WEFT_TIMELINE_ZOOM_OUT);
}

static void
zoom_at_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);
  WeftRect area;
  double x, factor;

  g_variant_get (param, "(dd)", &x, &factor);
  if (_weft_timeline_lane_area (self, &area))
    _weft_timeline_zoom (self, (x - area.x) / area.width, factor);
}

static void
pan_step_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);
  gint64 step;

  if (self->session == NULL)
    return;
  step = (gint64) (visible_width (self) / 10);
  _weft_timeline_pan_ns (self, g_str_equal (name, "timeline.pan-left") ? -step : step);
}

static void
pan_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);
  WeftRect area;

  if (self->session == NULL || !_weft_timeline_lane_area (self, &area))
    return;
  _weft_timeline_pan_ns (
      self, (gint64) llround (g_variant_get_double (param) / area.width * visible_width (self)));
}

static void
zoom_to_fit_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);

  if (self->session != NULL)
    weft_session_zoom_to_fit (self->session);
}

static void
zoom_to_selection_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);

  if (self->session != NULL && weft_session_get_has_selection (self->session))
    weft_session_set_visible_range (self->session,
                                    weft_session_get_selection_start (self->session),
                                    weft_session_get_selection_end (self->session));
}

static void
clear_selection_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);

  if (self->session != NULL)
    weft_session_clear_selection (self->session);
}

static void
scroll_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);
  GtkAdjustment *adj = self->vadjustment;

  /* The adjustment clamps to [lower, upper − page]. */
  gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + g_variant_get_double (param));
}

static void
select_range_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);
  guint64 start, end;

  g_variant_get (param, "(tt)", &start, &end);
  if (self->session != NULL)
    weft_session_set_selection (self->session, start, end);
}

static void
select_at_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);
  WeftViewport vp;
  WeftHit hit;
  double x, y;

  g_variant_get (param, "(dd)", &x, &y);
  if (!weft_timeline_get_viewport (self, &vp))
    return;
  weft_renderer_hit_test (self->renderer, &vp, x, y, &hit);
  /* A process group's header folds the group; anything else is an item
   * for the details; a click on nothing (or an idle core) drops the
   * item and the selected range, as in Perfetto. */
  if (hit.lane != G_MAXUINT
      && weft_renderer_get_lane (self->renderer, hit.lane)->kind == WEFT_LANE_PROCESS)
    _weft_timeline_toggle_process (self, weft_renderer_get_lane (self->renderer, hit.lane)->index);
  else if (hit.kind == WEFT_HIT_NONE || hit.kind == WEFT_HIT_CPU_IDLE)
    {
      weft_session_set_item (self->session, NULL);
      weft_session_clear_selection (self->session);
    }
  else
    weft_session_set_item (self->session, &hit);
}

static void
toggle_process_action (GtkWidget *widget, const char *name, GVariant *param)
{
  _weft_timeline_toggle_process (WEFT_TIMELINE (widget), g_variant_get_uint32 (param));
}

/* ---- gestures: each becomes an action ---- */

static gboolean
on_scroll (WeftTimeline *self, double dx, double dy, GtkEventControllerScroll *controller)
{
  GdkModifierType state
      = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  WeftRect area;

  if (!_weft_timeline_lane_area (self, &area))
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    {
      /* A notch is one step of W/S, at the pointer. */
      double x = self->pointer_inside ? self->pointer_x : area.x + area.width / 2;

      gtk_widget_activate_action (GTK_WIDGET (self), "timeline.zoom-at", "(dd)", x,
                                  pow (WEFT_TIMELINE_ZOOM_OUT, dy != 0 ? dy : dx));
    }
  else if (state & GDK_SHIFT_MASK)
    gtk_widget_activate_action (GTK_WIDGET (self), "timeline.pan", "d",
                                (dy != 0 ? dy : dx) * area.width / 10);
  else
    {
      if (dy != 0)
        gtk_widget_activate_action (GTK_WIDGET (self), "timeline.scroll", "d",
                                    dy * WEFT_TIMELINE_SCROLL_STEP);
      if (dx != 0)
        gtk_widget_activate_action (GTK_WIDGET (self), "timeline.pan", "d", dx * area.width / 10);
    }
  return TRUE;
}

void
_weft_timeline_pinch_begin (WeftTimeline *self, double x)
{
  if (self->session == NULL)
    return;
  self->pinch_start = weft_session_get_visible_start (self->session);
  self->pinch_end = weft_session_get_visible_end (self->session);
  self->pinch_x = x;
}

void
_weft_timeline_pinch_scale (WeftTimeline *self, double scale)
{
  guint64 current;

  if (self->session == NULL || !(scale > 0) || self->pinch_end <= self->pinch_start)
    return;
  /* The factor that takes today's width to the pinch's, at its centre. */
  current = visible_width (self);
  if (current == 0)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "timeline.zoom-at", "(dd)", self->pinch_x,
                              (double) (self->pinch_end - self->pinch_start) / scale / current);
}

static void
on_pinch_begin (WeftTimeline *self, GdkEventSequence *sequence, GtkGesture *gesture)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (gesture, &x, &y))
    x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
  _weft_timeline_pinch_begin (self, x);
}

static void
on_pinch_scale (WeftTimeline *self, double scale, GtkGestureZoom *gesture)
{
  _weft_timeline_pinch_scale (self, scale);
}

static void
on_drag_begin (WeftTimeline *self, double x, double y, GtkGestureDrag *gesture)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  if (self->session == NULL || self->renderer == NULL || (button != 1 && button != 2))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_mode = button == 2 || self->space_down ? DRAG_PAN : DRAG_SELECT;
  self->drag_x = x;
  self->drag_y = y;
  self->drag_start = weft_session_get_visible_start (self->session);
  self->drag_end = weft_session_get_visible_end (self->session);
  self->drag_last_x = self->drag_last_y = 0;
  self->drag_moved = FALSE;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (self->drag_mode == DRAG_PAN)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_drag_update (WeftTimeline *self, double ox, double oy, GtkGestureDrag *gesture)
{
  if (self->drag_mode == DRAG_NONE)
    return;
  if (fabs (ox) >= WEFT_TIMELINE_CLICK_SLOP || fabs (oy) >= WEFT_TIMELINE_CLICK_SLOP)
    self->drag_moved = TRUE;
  if (self->drag_mode == DRAG_SELECT && self->drag_moved)
    gtk_widget_activate_action (GTK_WIDGET (self), "timeline.select-range", "(tt)",
                                _weft_timeline_time_at (self, self->drag_x),
                                _weft_timeline_time_at (self, self->drag_x + ox));
  else if (self->drag_mode == DRAG_PAN)
    {
      /* The content follows the pointer: moving right shows earlier
       * times, moving down the lanes above. */
      gtk_widget_activate_action (GTK_WIDGET (self), "timeline.pan", "d", self->drag_last_x - ox);
      gtk_widget_activate_action (GTK_WIDGET (self), "timeline.scroll", "d",
                                  self->drag_last_y - oy);
      self->drag_last_x = ox;
      self->drag_last_y = oy;
    }
}

static void
on_drag_end (WeftTimeline *self, double ox, double oy, GtkGestureDrag *gesture)
{
  if (self->drag_mode == DRAG_SELECT && !self->drag_moved)
    gtk_widget_activate_action (GTK_WIDGET (self), "timeline.select-at", "(dd)", self->drag_x,
                                self->drag_y);
  self->drag_mode = DRAG_NONE;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_motion (WeftTimeline *self, double x, double y, GtkEventControllerMotion *controller)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
}

static void
on_leave (WeftTimeline *self, GtkEventControllerMotion *controller)
{
  self->pointer_inside = FALSE;
}

/* Space held turns a left-drag into a pan. */
static gboolean
on_key_pressed (WeftTimeline *self, guint keyval, guint keycode, GdkModifierType state,
                GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_space)
    return FALSE;
  self->space_down = TRUE;
  return TRUE;
}

static void
on_key_released (WeftTimeline *self, guint keyval, guint keycode, GdkModifierType state,
                 GtkEventControllerKey *controller)
{
  if (keyval == GDK_KEY_space)
    self->space_down = FALSE;
}

static void
on_focus_leave (WeftTimeline *self, GtkEventControllerFocus *controller)
{
  self->space_down = FALSE;
}

void
_weft_timeline_init_input (WeftTimeline *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *gesture;

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, controller);

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect_swapped (gesture, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect_swapped (gesture, "scale-changed", G_CALLBACK (on_pinch_scale), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect_swapped (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect_swapped (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect_swapped (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect_swapped (controller, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (widget, controller);
}

void
_weft_timeline_class_init_input (GtkWidgetClass *widget_class)
{
  static const struct
  {
    guint keyval;
    const char *action;
  } keys[] = {
    { GDK_KEY_w, "timeline.zoom-in" },         { GDK_KEY_s, "timeline.zoom-out" },
    { GDK_KEY_a, "timeline.pan-left" },        { GDK_KEY_d, "timeline.pan-right" },
    { GDK_KEY_0, "timeline.zoom-to-fit" },     { GDK_KEY_KP_0, "timeline.zoom-to-fit" },
    { GDK_KEY_Home, "timeline.zoom-to-fit" },  { GDK_KEY_f, "timeline.zoom-to-selection" },
    { GDK_KEY_Escape, "timeline.clear-selection" },
  };

  gtk_widget_class_install_action (widget_class, "timeline.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "timeline.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "timeline.zoom-at", "(dd)", zoom_at_action);
  gtk_widget_class_install_action (widget_class, "timeline.pan-left", NULL, pan_step_action);
  gtk_widget_class_install_action (widget_class, "timeline.pan-right", NULL, pan_step_action);
  gtk_widget_class_install_action (widget_class, "timeline.pan", "d", pan_action);
  gtk_widget_class_install_action (widget_class, "timeline.zoom-to-fit", NULL,
                                   zoom_to_fit_action);
  gtk_widget_class_install_action (widget_class, "timeline.zoom-to-selection", NULL,
                                   zoom_to_selection_action);
  gtk_widget_class_install_action (widget_class, "timeline.clear-selection", NULL,
                                   clear_selection_action);
  gtk_widget_class_install_action (widget_class, "timeline.scroll", "d", scroll_action);
  gtk_widget_class_install_action (widget_class, "timeline.select-range", "(tt)",
                                   select_range_action);
  gtk_widget_class_install_action (widget_class, "timeline.select-at", "(dd)", select_at_action);
  gtk_widget_class_install_action (widget_class, "timeline.toggle-process", "u",
                                   toggle_process_action);

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding_action (widget_class, keys[i].keyval, 0, keys[i].action, NULL);
}
