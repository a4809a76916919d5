/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-minimap.c: the whole trace's parallelism as a strip, computed once
 * per size and theme from the level-of-detail index (one query of a
 * column per device pixel, however many events) and kept as a texture;
 * each frame only lays the visible window's mark over it.
 */
#include "weft-config.h"

#include "weft-minimap.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "weft-palette.h"

#define MINIMAP_HEIGHT 44

struct _WeftMinimap
{
  GtkWidget parent_instance;

  /* Owned references */
  WeftSession *session;
  GdkTexture *texture;   /* the strip, for the key below */

  /* What the texture was drawn for (a new document clears it) */
  WeftLod *texture_lod;  /* compared, not dereferenced */
  int texture_width, texture_height;
  gboolean texture_dark;

  /* A drag */
  double drag_x, drag_last;
};

G_DEFINE_FINAL_TYPE (WeftMinimap, weft_minimap, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static WeftLod *
session_lod (WeftMinimap *self)
{
  WeftDocument *document = self->session ? weft_session_get_document (self->session) : NULL;

  return document != NULL ? weft_document_get_lod (document) : NULL;
}

guint64
weft_minimap_time_at (WeftMinimap *self, double x)
{
  int width;
  guint64 duration;

  g_return_val_if_fail (WEFT_IS_MINIMAP (self), 0);

  width = gtk_widget_get_width (GTK_WIDGET (self));
  duration = self->session != NULL ? weft_session_get_duration (self->session) : 0;
  if (width <= 0)
    return 0;
  return (guint64) llround (CLAMP (x / width, 0.0, 1.0) * (double) duration);
}

double
weft_minimap_x_at (WeftMinimap *self, guint64 t)
{
  guint64 duration;

  g_return_val_if_fail (WEFT_IS_MINIMAP (self), 0);

  duration = self->session != NULL ? weft_session_get_duration (self->session) : 0;
  if (duration == 0)
    return 0;
  return (double) MIN (t, duration) / (double) duration * gtk_widget_get_width (GTK_WIDGET (self));
}

/* The strip: per device pixel column the mean number of running threads
 * against the core count, one running thread in the light colour and the
 * rest (threads running at once) in the strong one, as the lanes' strip. */
static GdkTexture *
draw_strip (WeftLod *lod, int pw, int ph, const WeftPalette *pal)
{
  WeftModel *model = weft_lod_get_model (lod);
  WeftLodWindow win = { 0, weft_model_get_duration (model) + 1, (guint) pw };
  int cpus = weft_model_get_cpu_count (model);
  double top = cpus > 0 ? (double) cpus : (double) MAX (1u, weft_model_get_n_cpus (model));
  g_autofree WeftLodParallelColumn *cols = g_new0 (WeftLodParallelColumn, pw);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cairo_t *cr = cairo_create (surface);
  g_autoptr (GBytes) bytes = NULL;
  GdkTexture *texture;

  weft_lod_parallelism (lod, &win, cols);
  weft_color_set_source (cr, &pal->lane);
  cairo_paint (cr);
  for (int pass = 0; pass < 2; pass++)
    {
      weft_color_set_source (cr, pass == 0 ? &pal->parallel : &pal->parallel_more);
      for (int x = 0; x < pw; x++)
        {
          double mean = CLAMP (cols[x].mean, 0.0f, (float) top);
          double lo = pass == 0 ? 0 : 1, hi = pass == 0 ? MIN (mean, 1.0) : mean;
          double y0 = ph - round (lo / top * (ph - 2)), y1 = ph - round (hi / top * (ph - 2));

          if (y1 < y0)
            cairo_rectangle (cr, x, y1, 1, y0 - y1);
        }
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * ph,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  texture = gdk_memory_texture_new (pw, ph, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  return texture;
}

static void
weft_minimap_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  WeftMinimap *self = WEFT_MINIMAP (widget);
  WeftLod *lod = session_lod (self);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  const WeftPalette *pal = weft_palette_get (dark ? WEFT_THEME_DARK : WEFT_THEME_LIGHT);
  double x0, x1;
  GdkRGBA shade, edge;

  if (lod == NULL || width <= 0 || height <= 0)
    return;
  if (self->texture == NULL || self->texture_lod != lod || self->texture_width != width * scale
      || self->texture_height != height * scale || self->texture_dark != dark)
    {
      g_clear_object (&self->texture);
      self->texture = draw_strip (lod, width * scale, height * scale, pal);
      self->texture_lod = lod;
      self->texture_width = width * scale;
      self->texture_height = height * scale;
      self->texture_dark = dark;
    }
  gtk_snapshot_append_texture (snapshot, self->texture, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Outside the visible window is shaded; the window has a frame. */
  x0 = floor (weft_minimap_x_at (self, weft_session_get_visible_start (self->session)));
  x1 = ceil (weft_minimap_x_at (self, weft_session_get_visible_end (self->session)));
  x1 = MAX (x1, x0 + 2);
  shade = (GdkRGBA) { pal->background.r, pal->background.g, pal->background.b, 0.55 };
  edge = (GdkRGBA) { pal->highlight.r, pal->highlight.g, pal->highlight.b, 1 };
  gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (0, 0, x0, height));
  gtk_snapshot_append_color (snapshot, &shade,
                             &GRAPHENE_RECT_INIT (x1, 0, MAX (0, width - x1), height));
  gtk_snapshot_append_border (snapshot,
                              &GSK_ROUNDED_RECT_INIT (x0, 0, x1 - x0, height),
                              (float[4]) { 2, 2, 2, 2 },
                              (GdkRGBA[4]) { edge, edge, edge, edge });
}

static void
weft_minimap_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                      int *natural, int *minimum_baseline, int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 100;
  else
    *minimum = *natural = MINIMAP_HEIGHT;
}

/* ---- actions: what the pointer does ---- */

static void
move_visible_to (WeftMinimap *self, guint64 start)
{
  guint64 width = weft_session_get_visible_end (self->session)
                  - weft_session_get_visible_start (self->session);

  weft_session_set_visible_range (self->session, start, start + width);
}

static void
center_at_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftMinimap *self = WEFT_MINIMAP (widget);
  guint64 t, half;

  if (self->session == NULL)
    return;
  t = weft_minimap_time_at (self, g_variant_get_double (param));
  half = (weft_session_get_visible_end (self->session)
          - weft_session_get_visible_start (self->session)) / 2;
  move_visible_to (self, t > half ? t - half : 0);
}

static void
move_window_action (GtkWidget *widget, const char *name, GVariant *param)
{
  WeftMinimap *self = WEFT_MINIMAP (widget);
  guint64 start, from, to;
  double from_x, to_x;

  if (self->session == NULL)
    return;
  g_variant_get (param, "(dd)", &from_x, &to_x);
  from = weft_minimap_time_at (self, from_x);
  to = weft_minimap_time_at (self, to_x);
  start = weft_session_get_visible_start (self->session);
  if (to >= from)
    move_visible_to (self, start + (to - from));
  else
    move_visible_to (self, start > from - to ? start - (from - to) : 0);
}

static void
on_drag_begin (WeftMinimap *self, double x, double y, GtkGestureDrag *gesture)
{
  double x0, x1;

  if (self->session == NULL || weft_session_get_document (self->session) == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  x0 = weft_minimap_x_at (self, weft_session_get_visible_start (self->session));
  x1 = weft_minimap_x_at (self, weft_session_get_visible_end (self->session));
  /* Pressed beside the window: it jumps there first, then follows. */
  if (x < x0 - 2 || x > x1 + 2)
    gtk_widget_activate_action (GTK_WIDGET (self), "minimap.center-at", "d", x);
  self->drag_x = x;
  self->drag_last = 0;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_drag_update (WeftMinimap *self, double ox, double oy, GtkGestureDrag *gesture)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "minimap.move-window", "(dd)",
                              self->drag_x + self->drag_last, self->drag_x + ox);
  self->drag_last = ox;
}

static void
on_drag_end (WeftMinimap *self, double ox, double oy, GtkGestureDrag *gesture)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

/* ---- the object ---- */

static void
on_session_changed (WeftMinimap *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_document_changed (WeftMinimap *self)
{
  g_clear_object (&self->texture);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
weft_minimap_dispose (GObject *object)
{
  WeftMinimap *self = WEFT_MINIMAP (object);

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->session, on_session_changed, self);
      g_signal_handlers_disconnect_by_func (self->session, on_document_changed, self);
    }
  g_clear_object (&self->session);
  g_clear_object (&self->texture);
  G_OBJECT_CLASS (weft_minimap_parent_class)->dispose (object);
}

static void
weft_minimap_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  WeftMinimap *self = WEFT_MINIMAP (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_minimap_set_property (GObject *object, guint prop_id, const GValue *value,
                           GParamSpec *pspec)
{
  WeftMinimap *self = WEFT_MINIMAP (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      weft_minimap_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_minimap_class_init (WeftMinimapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_minimap_dispose;
  object_class->get_property = weft_minimap_get_property;
  object_class->set_property = weft_minimap_set_property;
  widget_class->snapshot = weft_minimap_snapshot;
  widget_class->measure = weft_minimap_measure;

  properties[PROP_SESSION] = g_param_spec_object (
      "session", NULL, NULL, WEFT_TYPE_SESSION,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "minimap.center-at", "d", center_at_action);
  gtk_widget_class_install_action (widget_class, "minimap.move-window", "(dd)",
                                   move_window_action);
  gtk_widget_class_set_css_name (widget_class, "weftminimap");
}

static void
weft_minimap_init (WeftMinimap *self)
{
  GtkGesture *gesture = gtk_gesture_drag_new ();

  g_signal_connect_swapped (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect_swapped (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect_swapped (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_session_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("The whole trace: drag the frame to move the view"));
}

GtkWidget *
weft_minimap_new (void)
{
  return g_object_new (WEFT_TYPE_MINIMAP, NULL);
}

WeftSession *
weft_minimap_get_session (WeftMinimap *self)
{
  g_return_val_if_fail (WEFT_IS_MINIMAP (self), NULL);
  return self->session;
}

void
weft_minimap_set_session (WeftMinimap *self, WeftSession *session)
{
  static const char *const props[] = {
    "notify::visible-start",
    "notify::visible-end",
  };

  g_return_if_fail (WEFT_IS_MINIMAP (self));
  g_return_if_fail (session == NULL || WEFT_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->session, on_session_changed, self);
      g_signal_handlers_disconnect_by_func (self->session, on_document_changed, self);
    }
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::document", G_CALLBACK (on_document_changed),
                               self, G_CONNECT_SWAPPED);
      for (gsize i = 0; i < G_N_ELEMENTS (props); i++)
        g_signal_connect_object (session, props[i], G_CALLBACK (on_session_changed), self,
                                 G_CONNECT_SWAPPED);
    }
  g_clear_object (&self->texture);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
