/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-timeline.c: the timeline widget: a frame is the renderer's picture
 * of the session's visible range, drawn on an image surface at the
 * device's scale and handed to GTK as a texture. The renderer keeps the
 * lanes' columns in its tile cache and spends a bounded time per frame
 * computing the tiles it lacks; a frame drawn partly from coarser tiles
 * asks for another on the next tick, until the picture is complete.
 * Input is in weft-timeline-input.c.
 */
#include "weft-config.h"

#include "weft-timeline-private.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "weft-units.h"

/* The tile cache of SPEC §7's frames: 48 MiB (within the memory budget's
 * 64 MiB over the events) and 6 ms of computing tiles per frame. */
#define TILE_CACHE_BYTES (48u << 20)
#define TILE_FRAME_BUDGET_US 6000

G_DEFINE_FINAL_TYPE (WeftTimeline, weft_timeline, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const WeftPalette *
current_palette (void)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  return weft_palette_get (dark ? WEFT_THEME_DARK : WEFT_THEME_LIGHT);
}

/* The width of the lanes' part: the widget less its scrollbar. */
static double
lanes_width (WeftTimeline *self)
{
  int sb = 0;

  if (gtk_widget_get_child_visible (self->scrollbar))
    gtk_widget_measure (self->scrollbar, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &sb, NULL, NULL);
  return MAX (0, gtk_widget_get_width (GTK_WIDGET (self)) - sb);
}

gboolean
weft_timeline_get_viewport (WeftTimeline *self, WeftViewport *vp)
{
  double width, height;
  guint64 start, end;

  g_return_val_if_fail (WEFT_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (vp != NULL, FALSE);

  width = lanes_width (self);
  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (self->renderer == NULL || self->session == NULL || width < 1 || height < 1)
    return FALSE;
  start = weft_session_get_visible_start (self->session);
  end = weft_session_get_visible_end (self->session);
  /* An empty trace (or one event) still draws its lanes. */
  if (end <= start)
    end = start + 1;
  weft_viewport_init (vp, start, end, width, height);
  vp->flags = WEFT_VIEWPORT_SHOW_AXIS | WEFT_VIEWPORT_SHOW_LEGEND;
  vp->scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  vp->scroll_y = gtk_adjustment_get_value (self->vadjustment);
  vp->has_selection = weft_session_get_has_selection (self->session);
  vp->selection_start = weft_session_get_selection_start (self->session);
  vp->selection_end = weft_session_get_selection_end (self->session);
  /* Ctrl+F's matches: outlined (the session owns the mask until the
   * search text or the document changes, after this frame). */
  vp->highlight_names = weft_session_get_search_name_mask (self->session, &vp->n_highlight_names);
  return TRUE;
}

gboolean
_weft_timeline_lane_area (WeftTimeline *self, WeftRect *area)
{
  WeftViewport vp;

  if (!weft_timeline_get_viewport (self, &vp))
    return FALSE;
  weft_renderer_get_lane_area (self->renderer, &vp, area);
  return TRUE;
}

guint64
_weft_timeline_time_at (WeftTimeline *self, double x)
{
  WeftRect area;
  guint64 start = weft_session_get_visible_start (self->session);
  guint64 end = weft_session_get_visible_end (self->session);
  double frac;

  if (!_weft_timeline_lane_area (self, &area) || end <= start)
    return start;
  frac = CLAMP ((x - area.x) / area.width, 0.0, 1.0);
  return start + (guint64) llround (frac * (double) (end - start));
}

/* The scrollbar's range: the lanes' height against the part of the
 * widget they are drawn in. */
static void
update_adjustment (WeftTimeline *self)
{
  WeftRect area = { 0 };
  double upper = 0, page, value;

  if (self->renderer != NULL && _weft_timeline_lane_area (self, &area))
    upper = weft_renderer_get_content_height (self->renderer);
  page = MAX (1.0, area.height);
  value = CLAMP (gtk_adjustment_get_value (self->vadjustment), 0, MAX (0, upper - page));
  gtk_adjustment_configure (self->vadjustment, value, 0, MAX (upper, page),
                            WEFT_TIMELINE_SCROLL_STEP, page * 0.9, page);
  /* No scrollbar when every lane fits (hiding it changes the lanes' width,
   * never their height, so this settles at once). Shown again, it needs
   * an allocation before the next snapshot. */
  if (gtk_widget_get_child_visible (self->scrollbar) != (upper > page))
    {
      gtk_widget_set_child_visible (self->scrollbar, upper > page);
      gtk_widget_queue_allocate (GTK_WIDGET (self));
    }
}

/* ---- frames ---- */

static gboolean
redraw_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);

  self->redraw_id = 0;
  gtk_widget_queue_draw (widget);
  return G_SOURCE_REMOVE;
}

static void
draw_empty (WeftTimeline *self, GtkSnapshot *snapshot)
{
  const WeftPalette *pal = current_palette ();
  GdkRGBA bg = { pal->background.r, pal->background.g, pal->background.b, 1 };

  gtk_snapshot_append_color (snapshot, &bg,
                             &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (GTK_WIDGET (self)),
                                                  gtk_widget_get_height (GTK_WIDGET (self))));
}

/* An image surface of pw × ph for a frame, with a reference for the
 * texture's bytes: one of the last frames' when GTK no longer holds its
 * texture (only the pool's reference left), so a frame does not allocate
 * and fault in 8 MB of fresh pages. */
static cairo_surface_t *
take_surface (WeftTimeline *self, int pw, int ph)
{
  guint slot = G_N_ELEMENTS (self->surfaces);

  for (guint i = 0; i < G_N_ELEMENTS (self->surfaces); i++)
    {
      cairo_surface_t *s = self->surfaces[i];

      if (s != NULL && cairo_surface_get_reference_count (s) == 1
          && cairo_image_surface_get_width (s) == pw && cairo_image_surface_get_height (s) == ph)
        return cairo_surface_reference (s);
      if (s == NULL || cairo_surface_get_reference_count (s) == 1)
        slot = i;
    }
  /* none free of that size: replace a free one of another size, else
   * allocate one outside the pool */
  if (slot == G_N_ELEMENTS (self->surfaces))
    {
      g_debug ("timeline: every frame surface is still in use; allocating one");
      return cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
    }
  g_clear_pointer (&self->surfaces[slot], cairo_surface_destroy);
  self->surfaces[slot] = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  return cairo_surface_reference (self->surfaces[slot]);
}

/* The clicked item (the session's) outlined over the frame: drawn by the
 * widget, so the outline follows the item without the renderer knowing
 * about selection. */
static void
draw_item_outline (WeftTimeline *self, GtkSnapshot *snapshot, const WeftViewport *vp,
                   const WeftPalette *pal)
{
  const WeftHit *item = weft_session_get_item (self->session);
  WeftRect r, area;
  double x0, x1;
  GdkRGBA c = { pal->foreground.r, pal->foreground.g, pal->foreground.b, 1 };

  if (item == NULL || !weft_renderer_get_item_rect (self->renderer, vp, item, &r))
    return;
  weft_renderer_get_lane_area (self->renderer, vp, &area);
  /* at least 3 px wide so a thin item shows; clipped near the lanes so a
   * long one stays in float range */
  if (r.width < 3)
    {
      r.x -= (3 - r.width) / 2;
      r.width = 3;
    }
  x0 = MAX (r.x, area.x - 4);
  x1 = MIN (r.x + r.width, area.x + area.width + 4);
  if (x1 <= x0)
    return;
  gtk_snapshot_push_clip (snapshot,
                          &GRAPHENE_RECT_INIT (area.x, area.y, area.width, area.height));
  gtk_snapshot_append_border (snapshot,
                              &GSK_ROUNDED_RECT_INIT (x0 - 1, r.y - 1, x1 - x0 + 2, r.height + 2),
                              (float[4]) { 2, 2, 2, 2 }, (GdkRGBA[4]) { c, c, c, c });
  gtk_snapshot_pop (snapshot);
}

static void
weft_timeline_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);
  const WeftPalette *pal = current_palette ();
  WeftViewport vp;
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  int pw, ph;
  gint64 t0 = g_get_monotonic_time ();

  if (!weft_timeline_get_viewport (self, &vp))
    {
      draw_empty (self, snapshot);
      return;
    }
  /* An image surface of our own rather than a cairo node: the renderer
   * writes bars as pixels into image surfaces, and the texture is exactly
   * the device's pixels at any scale. */
  pw = (int) ceil (vp.width * vp.scale);
  ph = (int) ceil (vp.height * vp.scale);
  surface = take_surface (self, pw, ph);
  cr = cairo_create (surface);
  cairo_scale (cr, vp.scale, vp.scale);
  weft_renderer_draw (self->renderer, cr, &vp, pal);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * ph,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  texture = gdk_memory_texture_new (pw, ph, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  gtk_snapshot_append_texture (snapshot, texture,
                               &GRAPHENE_RECT_INIT (0, 0, vp.width, vp.height));
  draw_item_outline (self, snapshot, &vp, pal);
  if (gtk_widget_get_child_visible (self->scrollbar))
    gtk_widget_snapshot_child (widget, self->scrollbar, snapshot);

  self->last_complete = weft_renderer_is_complete (self->renderer);
  self->last_draw_us = g_get_monotonic_time () - t0;
  /* Tiles are still coming: draw again on the next frame, sharper. */
  if (!self->last_complete && self->redraw_id == 0)
    self->redraw_id = gtk_widget_add_tick_callback (widget, redraw_tick, NULL, NULL);
}

static void
weft_timeline_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                       int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);
  int sb_min = 0, sb_nat = 0;

  gtk_widget_measure (self->scrollbar, orientation, -1, &sb_min, &sb_nat, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240 + sb_min;
      *natural = 800 + sb_nat;
    }
  else
    {
      *minimum = MAX (160, sb_min);
      *natural = MAX (480, sb_nat);
    }
}

static void
weft_timeline_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);
  int sb = 0;

  /* the scrollbar's visibility first: it is allocated only when shown */
  update_adjustment (self);
  gtk_widget_measure (self->scrollbar, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &sb, NULL, NULL);
  gtk_widget_size_allocate (self->scrollbar,
                            &(GtkAllocation) { MAX (0, width - sb), 0, sb, height }, -1);
}

/* ---- the renderer of the session's document ---- */

static void
on_document_changed (WeftTimeline *self)
{
  WeftDocument *document = self->session ? weft_session_get_document (self->session) : NULL;
  WeftLod *lod = document != NULL ? weft_document_get_lod (document) : NULL;

  g_clear_object (&self->renderer);
  if (lod != NULL)
    {
      self->renderer = weft_renderer_new (lod);
      weft_renderer_set_tile_cache (self->renderer, TILE_CACHE_BYTES, TILE_FRAME_BUDGET_US);
      weft_renderer_set_show_disclosure (self->renderer, TRUE);
    }
  gtk_adjustment_set_value (self->vadjustment, 0);
  update_adjustment (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_view_changed (WeftTimeline *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

WeftRenderer *
weft_timeline_get_renderer (WeftTimeline *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE (self), NULL);
  return self->renderer;
}

gboolean
weft_timeline_get_process_collapsed (WeftTimeline *self, guint process)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE (self), FALSE);
  return self->renderer != NULL && weft_renderer_get_process_collapsed (self->renderer, process);
}

void
weft_timeline_set_process_collapsed (WeftTimeline *self, guint process, gboolean collapsed)
{
  g_return_if_fail (WEFT_IS_TIMELINE (self));

  if (self->renderer == NULL)
    return;
  weft_renderer_set_process_collapsed (self->renderer, process, collapsed);
  update_adjustment (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_weft_timeline_toggle_process (WeftTimeline *self, guint process)
{
  weft_timeline_set_process_collapsed (self, process,
                                       !weft_timeline_get_process_collapsed (self, process));
}

GtkAdjustment *
weft_timeline_get_vadjustment (WeftTimeline *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE (self), NULL);
  return self->vadjustment;
}

gint64
weft_timeline_get_last_draw_us (WeftTimeline *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE (self), 0);
  return self->last_draw_us;
}

gboolean
weft_timeline_get_last_complete (WeftTimeline *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE (self), TRUE);
  return self->last_complete;
}

/* ---- the tooltip ---- */

static const char *
state_name (WeftLodState state)
{
  switch (state)
    {
    case WEFT_LOD_STATE_RUNNING:
      return _("Running");
    case WEFT_LOD_STATE_RUNNABLE:
      return _("Runnable (waiting for a core)");
    case WEFT_LOD_STATE_BLOCKED:
      return _("Blocked");
    case WEFT_LOD_STATE_LOCK_WAIT:
      return _("Waiting for a lock");
    case WEFT_LOD_STATE_COND_WAIT:
      return _("Waiting for a condition");
    case WEFT_LOD_STATE_NONE:
    default:
      return _("Not recorded");
    }
}

static char *
thread_text (WeftModel *model, guint32 thread)
{
  const WeftModelThread *t;

  if (thread == WEFT_MODEL_NONE || thread >= weft_model_get_n_threads (model))
    return g_strdup (_("an untraced thread"));
  t = weft_model_get_thread (model, thread);
  return weft_units_format_thread (weft_model_get_name (model, t->name), t->tid);
}

static char *
cpu_text (WeftModel *model, guint32 cpu)
{
  if (cpu == WEFT_MODEL_NONE || cpu >= weft_model_get_n_cpus (model))
    return g_strdup (_("not on a CPU"));
  return g_strdup_printf (_("CPU %u"), weft_model_get_cpu (model, cpu)->cpu);
}

/* Name, duration, thread and CPU of what hit is on, as tooltip markup;
 * NULL for nothing worth a tooltip. */
static char *
tooltip_markup (WeftTimeline *self, const WeftHit *hit)
{
  WeftLod *lod = weft_renderer_get_lod (self->renderer);
  WeftModel *model = weft_lod_get_model (lod);
  g_autofree char *name = NULL, *duration = NULL, *thread = NULL, *cpu = NULL;
  guint32 cpu_index = WEFT_MODEL_NONE;

  switch (hit->kind)
    {
    case WEFT_HIT_SPAN:
      {
        const WeftModelThread *t = weft_model_get_thread (model, hit->thread);
        const WeftModelSpan *span = &t->spans[hit->span];

        name = g_markup_escape_text (weft_model_get_name (model, span->name), -1);
        duration = weft_units_format_duration (span->end - span->start);
        weft_lod_thread_state_at (lod, hit->thread, hit->time, &cpu_index);
        break;
      }
    case WEFT_HIT_CPU_SLICE:
      {
        const WeftModelCpu *c = weft_model_get_cpu (model, hit->cpu);
        guint64 end = weft_model_get_slice_end (model, hit->cpu, hit->slice);

        name = g_strdup (_("Running"));
        duration = weft_units_format_duration (end - MIN (end, c->starts[hit->slice]));
        cpu_index = hit->cpu;
        break;
      }
    case WEFT_HIT_THREAD_STATE:
      name = g_markup_escape_text (state_name (hit->state), -1);
      cpu_index = hit->cpu;
      break;
    case WEFT_HIT_TASK:
      {
        const WeftModelTask *task = weft_model_get_task (model, hit->task);
        const guint64 *times = weft_model_get_task_times (model, task);

        name = g_markup_escape_text (weft_model_get_name (model, task->name), -1);
        duration = weft_units_format_duration (times[task->n_times - 1] - times[0]);
        break;
      }
    default:
      return NULL;
    }
  {
    g_autofree char *plain = thread_text (model, hit->thread);

    thread = g_markup_escape_text (plain, -1);
  }
  cpu = cpu_text (model, cpu_index);
  /* the name in bold, its duration, then its thread and where it ran */
  return g_strdup_printf ("<b>%s</b>%s%s\n%s · %s", name, duration != NULL ? "  " : "",
                          duration != NULL ? duration : "", thread, cpu);
}

char *
weft_timeline_get_tooltip_markup (WeftTimeline *self, double x, double y)
{
  WeftViewport vp;
  WeftHit hit;

  g_return_val_if_fail (WEFT_IS_TIMELINE (self), NULL);

  if (!weft_timeline_get_viewport (self, &vp)
      || !weft_renderer_hit_test (self->renderer, &vp, x, y, &hit))
    return NULL;
  return tooltip_markup (self, &hit);
}

static gboolean
weft_timeline_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard,
                             GtkTooltip *tooltip)
{
  WeftTimeline *self = WEFT_TIMELINE (widget);
  g_autofree char *markup = NULL;

  if (keyboard || self->drag_mode != DRAG_NONE)
    return FALSE;
  markup = weft_timeline_get_tooltip_markup (self, x, y);
  if (markup == NULL)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

/* ---- the object ---- */

static void
disconnect_session (WeftTimeline *self)
{
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->session, on_document_changed, self);
      g_signal_handlers_disconnect_by_func (self->session, on_view_changed, self);
    }
}

static void
weft_timeline_dispose (GObject *object)
{
  WeftTimeline *self = WEFT_TIMELINE (object);

  if (self->redraw_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->redraw_id);
  self->redraw_id = 0;
  disconnect_session (self);
  g_clear_object (&self->session);
  g_clear_object (&self->renderer);
  g_clear_pointer (&self->scrollbar, gtk_widget_unparent);
  G_OBJECT_CLASS (weft_timeline_parent_class)->dispose (object);
}

static void
weft_timeline_finalize (GObject *object)
{
  WeftTimeline *self = WEFT_TIMELINE (object);

  g_clear_object (&self->vadjustment);
  for (guint i = 0; i < G_N_ELEMENTS (self->surfaces); i++)
    g_clear_pointer (&self->surfaces[i], cairo_surface_destroy);
  G_OBJECT_CLASS (weft_timeline_parent_class)->finalize (object);
}

static void
weft_timeline_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  WeftTimeline *self = WEFT_TIMELINE (object);

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
weft_timeline_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  WeftTimeline *self = WEFT_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      weft_timeline_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_timeline_class_init (WeftTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = weft_timeline_dispose;
  object_class->finalize = weft_timeline_finalize;
  object_class->get_property = weft_timeline_get_property;
  object_class->set_property = weft_timeline_set_property;
  widget_class->snapshot = weft_timeline_snapshot;
  widget_class->measure = weft_timeline_measure;
  widget_class->size_allocate = weft_timeline_size_allocate;
  widget_class->query_tooltip = weft_timeline_query_tooltip;

  properties[PROP_SESSION] = g_param_spec_object (
      "session", NULL, NULL, WEFT_TYPE_SESSION,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "wefttimeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  _weft_timeline_class_init_input (widget_class);
}

static void
weft_timeline_init (WeftTimeline *self)
{
  self->vadjustment = g_object_ref_sink (gtk_adjustment_new (0, 0, 1, 1, 1, 1));
  self->scrollbar = gtk_scrollbar_new (GTK_ORIENTATION_VERTICAL, self->vadjustment);
  gtk_widget_set_parent (self->scrollbar, GTK_WIDGET (self));
  g_signal_connect_object (self->vadjustment, "value-changed", G_CALLBACK (on_view_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_view_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  self->last_complete = TRUE;
  _weft_timeline_init_input (self);
}

GtkWidget *
weft_timeline_new (void)
{
  return g_object_new (WEFT_TYPE_TIMELINE, NULL);
}

WeftSession *
weft_timeline_get_session (WeftTimeline *self)
{
  g_return_val_if_fail (WEFT_IS_TIMELINE (self), NULL);
  return self->session;
}

void
weft_timeline_set_session (WeftTimeline *self, WeftSession *session)
{
  static const char *const view_props[] = {
    "notify::visible-start", "notify::visible-end", "notify::has-selection",
    "notify::selection-start", "notify::selection-end", "notify::item", "notify::search-text",
  };

  g_return_if_fail (WEFT_IS_TIMELINE (self));
  g_return_if_fail (session == NULL || WEFT_IS_SESSION (session));

  if (self->session == session)
    return;
  disconnect_session (self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::document", G_CALLBACK (on_document_changed), self,
                               G_CONNECT_SWAPPED);
      for (gsize i = 0; i < G_N_ELEMENTS (view_props); i++)
        g_signal_connect_object (session, view_props[i], G_CALLBACK (on_view_changed), self,
                                 G_CONNECT_SWAPPED);
    }
  on_document_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
