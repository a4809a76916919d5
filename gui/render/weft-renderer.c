/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer.c: the renderer object and one frame's order of drawing:
 * background, header, axis, lane backgrounds and grid, the lanes that are
 * in view, flows, lost-event marks, selection, labels, legend.
 */
#include "weft-renderer-private.h"

#include <string.h>

#include "weft-stats.h"

G_DEFINE_FINAL_TYPE (WeftRenderer, weft_renderer, G_TYPE_OBJECT)

static void
weft_renderer_finalize (GObject *object)
{
  WeftRenderer *self = WEFT_RENDERER (object);

  g_clear_pointer (&self->lod, weft_lod_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->lanes, g_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->thread_keys, g_free);
  g_clear_pointer (&self->counter_min, g_free);
  g_clear_pointer (&self->counter_max, g_free);
  g_clear_pointer (&self->verdict, g_free);
  g_clear_pointer (&self->columns, g_array_unref);
  g_clear_pointer (&self->items, g_array_unref);
  g_clear_pointer (&self->count, weft_render_count_free);
  g_clear_pointer (&self->tiles, _weft_tile_cache_free);
  g_clear_pointer (&self->collapsed, g_hash_table_unref);
  _weft_batch_clear (&self->batch);
  G_OBJECT_CLASS (weft_renderer_parent_class)->finalize (object);
}

static void
weft_renderer_class_init (WeftRendererClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = weft_renderer_finalize;
}

static void
weft_renderer_init (WeftRenderer *self)
{
  self->max_span_rows = WEFT_R_DEFAULT_SPAN_ROWS;
  self->lane_scale = 1.0;
  self->complete = TRUE;
  self->collapsed = g_hash_table_new (NULL, NULL);
  self->columns = g_array_new (FALSE, FALSE, 1);
  self->items = g_array_new (FALSE, FALSE, sizeof (WeftLodItem));
  for (guint i = 0; i < WEFT_BATCH_SLOTS; i++)
    self->batch.slots[i].rects = g_array_new (FALSE, FALSE, sizeof (double) * 4);
}

/* "/path/to/bank gil" → "bank gil". */
static char *
short_command (const char *command)
{
  const char *start;

  if (command == NULL || *command == '\0')
    return NULL;
  start = command;
  for (const char *p = command; *p != '\0' && *p != ' '; p++)
    if (*p == '/')
      start = p + 1;
  return g_strdup (start);
}

WeftRenderer *
weft_renderer_new (WeftLod *lod)
{
  WeftRenderer *self;

  g_return_val_if_fail (lod != NULL, NULL);

  self = g_object_new (WEFT_TYPE_RENDERER, NULL);
  self->lod = weft_lod_ref (lod);
  self->model = weft_lod_get_model (lod);
  self->title = short_command (weft_model_get_metadata (self->model, "command"));
  _weft_renderer_layout (self);
  return self;
}

WeftLod *
weft_renderer_get_lod (WeftRenderer *self)
{
  g_return_val_if_fail (WEFT_IS_RENDERER (self), NULL);
  return self->lod;
}

void
weft_renderer_set_title (WeftRenderer *self, const char *title)
{
  g_return_if_fail (WEFT_IS_RENDERER (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
}

const char *
weft_renderer_get_title (WeftRenderer *self)
{
  g_return_val_if_fail (WEFT_IS_RENDERER (self), NULL);
  return self->title;
}

void
weft_renderer_set_max_span_rows (WeftRenderer *self, guint rows)
{
  g_return_if_fail (WEFT_IS_RENDERER (self));

  if (self->max_span_rows == rows)
    return;
  self->max_span_rows = rows;
  _weft_renderer_layout (self);
}

guint
weft_renderer_get_max_span_rows (WeftRenderer *self)
{
  g_return_val_if_fail (WEFT_IS_RENDERER (self), 0);
  return self->max_span_rows;
}

void
weft_renderer_set_lane_scale (WeftRenderer *self, double factor)
{
  g_return_if_fail (WEFT_IS_RENDERER (self));

  factor = CLAMP (factor, 1.0, 4.0);
  if (self->lane_scale == factor)
    return;
  self->lane_scale = factor;
  _weft_renderer_layout (self);
}

double
weft_renderer_get_lane_scale (WeftRenderer *self)
{
  g_return_val_if_fail (WEFT_IS_RENDERER (self), 1.0);
  return self->lane_scale;
}

/* The key of a process group: the index + 1, so that NONE (G_MAXUINT)
 * becomes 0 and fits a pointer key that is never NULL otherwise. */
#define COLLAPSED_KEY(process) GUINT_TO_POINTER ((process) + 1u)

void
weft_renderer_set_process_collapsed (WeftRenderer *self, guint process, gboolean collapsed)
{
  g_return_if_fail (WEFT_IS_RENDERER (self));

  if (weft_renderer_get_process_collapsed (self, process) == !!collapsed)
    return;
  if (collapsed)
    g_hash_table_add (self->collapsed, COLLAPSED_KEY (process));
  else
    g_hash_table_remove (self->collapsed, COLLAPSED_KEY (process));
  _weft_renderer_layout (self);
}

gboolean
weft_renderer_get_process_collapsed (WeftRenderer *self, guint process)
{
  g_return_val_if_fail (WEFT_IS_RENDERER (self), FALSE);
  return g_hash_table_contains (self->collapsed, COLLAPSED_KEY (process));
}

void
weft_renderer_set_show_disclosure (WeftRenderer *self, gboolean show)
{
  g_return_if_fail (WEFT_IS_RENDERER (self));
  self->show_disclosure = !!show;
}

void
weft_renderer_set_tile_cache (WeftRenderer *self, gsize max_bytes, gint64 frame_budget_us)
{
  g_return_if_fail (WEFT_IS_RENDERER (self));

  g_clear_pointer (&self->tiles, _weft_tile_cache_free);
  if (max_bytes > 0)
    self->tiles = _weft_tile_cache_new (self->lod, max_bytes, MAX (frame_budget_us, 0));
  self->complete = TRUE;
}

gboolean
weft_renderer_is_complete (WeftRenderer *self)
{
  g_return_val_if_fail (WEFT_IS_RENDERER (self), TRUE);
  return self->complete;
}

gsize
_weft_renderer_get_cache_bytes (WeftRenderer *self)
{
  return self->tiles != NULL ? _weft_tile_cache_get_bytes (self->tiles) : 0;
}

guint
weft_renderer_get_n_lanes (WeftRenderer *self)
{
  g_return_val_if_fail (WEFT_IS_RENDERER (self), 0);
  return self->lanes->len;
}

const WeftLane *
weft_renderer_get_lane (WeftRenderer *self, guint index)
{
  g_return_val_if_fail (WEFT_IS_RENDERER (self), NULL);
  g_return_val_if_fail (index < self->lanes->len, NULL);
  return &g_array_index (self->lanes, WeftLane, index);
}

double
weft_renderer_get_content_height (WeftRenderer *self)
{
  g_return_val_if_fail (WEFT_IS_RENDERER (self), 0);
  return self->content_height;
}

void
weft_renderer_get_lane_area (WeftRenderer *self, const WeftViewport *vp, WeftRect *area)
{
  g_return_if_fail (WEFT_IS_RENDERER (self));
  g_return_if_fail (vp != NULL && area != NULL);
  _weft_renderer_area (vp, area);
}

char *
weft_renderer_get_verdict (WeftRenderer *self, guint64 start, guint64 end,
                           double *average_running)
{
  WeftModel *m;
  guint64 duration, len;
  double alive = 0, tasks = 0, running = 0;

  g_return_val_if_fail (WEFT_IS_RENDERER (self), NULL);

  m = self->model;
  duration = weft_model_get_duration (m);
  end = MIN (end, duration);
  start = MIN (start, end);
  if (self->verdict != NULL && self->verdict_start == start && self->verdict_end == end)
    {
      if (average_running != NULL)
        *average_running = self->verdict_average;
      return g_strdup (self->verdict);
    }
  len = end - start;
  if (len > 0)
    {
      WeftLodWindow w = { start, end, 1 };
      WeftLodParallelColumn p;

      /* as weft_stats_new(): each thread's alive time clipped to the range */
      for (guint i = 0; i < weft_model_get_n_threads (m); i++)
        {
          const WeftModelThread *t = weft_model_get_thread (m, i);
          guint64 s = MAX (t->alive_start, start), e = MIN (t->alive_end, end);

          if (e > s)
            alive += (double) (e - s);
        }
      alive /= (double) len;
      /* tasks on one row never overlap: a row's fractions add up to the
       * tasks in progress on it */
      for (guint r = 0; r < weft_lod_get_n_task_rows (self->lod); r++)
        {
          WeftLodTaskColumn c;

          weft_lod_task_columns (self->lod, r, &w, &c);
          tasks += c.active + c.suspended;
        }
      weft_lod_parallelism (self->lod, &w, &p);
      running = p.mean;
    }
  g_free (self->verdict);
  self->verdict = weft_stats_verdict (alive, tasks, weft_model_get_cpu_count (m), running,
                                      !weft_model_has_sched (m));
  self->verdict_start = start;
  self->verdict_end = end;
  self->verdict_average = running;
  if (average_running != NULL)
    *average_running = running;
  return g_strdup (self->verdict);
}

gboolean
weft_viewport_is_valid (const WeftViewport *vp)
{
  return vp != NULL && vp->end > vp->start && vp->width >= 1 && vp->height >= 1
         && vp->scale > 0 && vp->width * vp->scale <= 1 << 20;
}

void
weft_viewport_init (WeftViewport *vp, guint64 start, guint64 end, double width, double height)
{
  g_return_if_fail (vp != NULL);

  memset (vp, 0, sizeof *vp);
  vp->start = start;
  vp->end = end;
  vp->width = width;
  vp->height = height;
  vp->scale = 1.0;
  vp->flags = WEFT_VIEWPORT_SHOW_ALL;
  vp->highlight_thread = WEFT_VIEWPORT_NONE;
  vp->highlight_name = WEFT_VIEWPORT_NONE;
}

static PangoFontDescription *
font_new (double size, PangoWeight weight)
{
  PangoFontDescription *font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  return font;
}

/* The lane area and the window: one column per device pixel. */
static void
frame_geometry (WeftFrame *f, const WeftViewport *vp)
{
  f->vp = vp;
  _weft_renderer_area (vp, &f->area);
  f->win.start = vp->start;
  f->win.end = vp->end;
  f->win.n_columns = (guint) MAX (1.0, f->area.width * vp->scale + 0.5);
  f->col_w = f->area.width / f->win.n_columns;
  f->top = f->area.y - vp->scroll_y;
}

static void
frame_begin (WeftFrame *f, WeftRenderer *self, cairo_t *cr, const WeftViewport *vp,
             const WeftPalette *pal)
{
  cairo_font_options_t *options = cairo_font_options_create ();
  PangoContext *context;

  memset (f, 0, sizeof *f);
  f->self = self;
  f->model = self->model;
  f->lod = self->lod;
  f->cr = cr;
  f->vp = vp;
  f->pal = pal;
  frame_geometry (f, vp);
  f->layout = pango_cairo_create_layout (cr);
  /* Unhinted metrics: text measures the same on screen, in PNG and PDF,
   * and golden images do not depend on the machine's font settings. */
  context = pango_layout_get_context (f->layout);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (context, options);
  pango_layout_context_changed (f->layout);
  cairo_font_options_destroy (options);
  f->font = font_new (WEFT_R_FONT, PANGO_WEIGHT_NORMAL);
  f->bold = font_new (WEFT_R_FONT, PANGO_WEIGHT_BOLD);
  f->small = font_new (WEFT_R_SMALL_FONT, PANGO_WEIGHT_NORMAL);
  f->title = font_new (WEFT_R_TITLE_FONT, PANGO_WEIGHT_BOLD);
  f->batch = &self->batch;
  f->batch->cr = cr;
  f->verdict = weft_renderer_get_verdict (self, vp->start, vp->end, &f->average);
  if (self->counting)
    {
      guint n_lanes = self->lanes->len, rows = 0;

      g_clear_pointer (&self->count, weft_render_count_free);
      f->count = g_new0 (WeftRenderCount, 1);
      f->count->lane_rows = g_new (guint, n_lanes + 1);
      for (guint i = 0; i < n_lanes; i++)
        {
          const WeftLane *l = &g_array_index (self->lanes, WeftLane, i);

          f->count->lane_rows[i] = rows;
          rows += l->kind == WEFT_LANE_THREAD ? 1 + l->n_rows : 1;
        }
      f->count->lane_rows[n_lanes] = rows;
      f->count->n_rows = rows + 1;
      f->count->n_columns = f->win.n_columns;
      f->count->counts = g_new0 (guint8, (gsize) f->count->n_rows * f->win.n_columns);
      self->count = f->count;
    }
}

static void
frame_end (WeftFrame *f)
{
  _weft_batch_flush (f->batch);
  f->batch->cr = NULL;
  g_clear_object (&f->layout);
  g_clear_pointer (&f->font, pango_font_description_free);
  g_clear_pointer (&f->bold, pango_font_description_free);
  g_clear_pointer (&f->small, pango_font_description_free);
  g_clear_pointer (&f->title, pango_font_description_free);
  g_clear_pointer (&f->verdict, g_free);
}

/* The lanes [*first, *last) that overlap the visible part of the area. */
static void
visible_lanes (WeftFrame *f, guint *first, guint *last)
{
  GArray *lanes = f->self->lanes;
  double y0 = f->vp->scroll_y, y1 = y0 + f->area.height;
  guint lo = 0, hi = lanes->len;

  /* lanes are sorted by y: the first whose bottom is below y0 */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const WeftLane *l = &g_array_index (lanes, WeftLane, mid);

      if (l->y + l->height <= y0)
        lo = mid + 1;
      else
        hi = mid;
    }
  *first = lo;
  while (lo < lanes->len && g_array_index (lanes, WeftLane, lo).y < y1)
    lo++;
  *last = lo;
}

static void
draw_lane_backgrounds (WeftFrame *f, guint first, guint last)
{
  const WeftPalette *pal = f->pal;

  for (guint i = first; i < last; i++)
    {
      const WeftLane *l = &g_array_index (f->self->lanes, WeftLane, i);
      double y = f->top + l->y;
      const WeftColor *c = l->kind == WEFT_LANE_PROCESS ? &pal->group : &pal->lane;

      if (l->kind == WEFT_LANE_THREAD && l->index == f->vp->highlight_thread)
        {
          WeftColor tint = weft_color_mix (&pal->lane, &pal->highlight, 0.35);
          _weft_batch_rect (f->batch, &tint, 0, y, f->vp->width, l->height);
          continue;
        }
      if (l->kind == WEFT_LANE_PROCESS)
        _weft_batch_rect (f->batch, c, 0, y, f->vp->width, l->height);
      else
        _weft_batch_rect (f->batch, c, f->area.x, y, f->area.width, l->height);
    }
  _weft_batch_flush (f->batch);
}

static void
draw_selection (WeftFrame *f)
{
  const WeftViewport *vp = f->vp;
  double x0, x1;

  if (!vp->has_selection || vp->selection_end <= vp->selection_start)
    return;
  x0 = weft_lod_window_time_to_x (&f->win, (double) vp->selection_start);
  x1 = weft_lod_window_time_to_x (&f->win, (double) vp->selection_end);
  x0 = CLAMP (x0, 0, f->win.n_columns);
  x1 = CLAMP (x1, 0, f->win.n_columns);
  if (x1 <= x0)
    return;
  cairo_save (f->cr);
  weft_color_set_source (f->cr, &f->pal->selection);
  cairo_rectangle (f->cr, _weft_frame_x (f, x0), f->area.y, (x1 - x0) * f->col_w,
                   f->area.height);
  cairo_fill (f->cr);
  cairo_restore (f->cr);
}

static void
draw_lanes (WeftFrame *f, guint first, guint last)
{
  for (guint i = first; i < last; i++)
    {
      const WeftLane *l = &g_array_index (f->self->lanes, WeftLane, i);
      double y = f->top + l->y;

      f->lane = i;
      f->sub = 0;
      switch (l->kind)
        {
        case WEFT_LANE_PARALLELISM:
          _weft_draw_parallelism (f, l, y);
          break;
        case WEFT_LANE_CPU:
          _weft_draw_cpu (f, l, y);
          break;
        case WEFT_LANE_THREAD:
          _weft_draw_thread (f, l, y);
          break;
        case WEFT_LANE_TASKS:
          _weft_draw_tasks (f, l, y);
          break;
        case WEFT_LANE_COUNTER:
          _weft_draw_counter (f, l, y);
          break;
        case WEFT_LANE_PROCESS:
        default:
          break;
        }
      _weft_batch_flush (f->batch);
    }
}

void
weft_renderer_warm (WeftRenderer *self, const WeftViewport *vp)
{
  WeftFrame f = { 0 };
  guint first, last;

  g_return_if_fail (WEFT_IS_RENDERER (self));
  g_return_if_fail (weft_viewport_is_valid (vp));

  if (self->tiles == NULL)
    return;
  f.self = self;
  f.model = self->model;
  f.lod = self->lod;
  frame_geometry (&f, vp);
  visible_lanes (&f, &first, &last);
  _weft_tile_cache_warm (self->tiles, &f, first, last);
}

void
weft_renderer_draw (WeftRenderer *self, cairo_t *cr, const WeftViewport *vp,
                    const WeftPalette *pal)
{
  WeftFrame f;
  guint first, last;

  g_return_if_fail (WEFT_IS_RENDERER (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (pal != NULL);
  g_return_if_fail (weft_viewport_is_valid (vp));

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, vp->width, vp->height);
  cairo_clip (cr);
  weft_color_set_source (cr, &pal->background);
  cairo_paint (cr);

  frame_begin (&f, self, cr, vp, pal);
  if (vp->flags & WEFT_VIEWPORT_SHOW_HEADER)
    _weft_draw_header (&f);
  if (vp->flags & WEFT_VIEWPORT_SHOW_AXIS)
    _weft_draw_axis (&f);

  visible_lanes (&f, &first, &last);
  self->complete = TRUE;
  if (self->tiles != NULL)
    {
      f.tiles = self->tiles;
      self->complete = _weft_tile_cache_prepare (self->tiles, &f, first, last);
    }
  cairo_save (cr);
  cairo_rectangle (cr, 0, f.area.y, vp->width, f.area.height);
  cairo_clip (cr);
  draw_lane_backgrounds (&f, first, last);
  cairo_save (cr);
  cairo_rectangle (cr, f.area.x, f.area.y, f.area.width, f.area.height);
  cairo_clip (cr);
  _weft_draw_grid (&f);
  draw_lanes (&f, first, last);
  _weft_draw_flows (&f);
  _weft_draw_lost (&f);
  draw_selection (&f);
  cairo_restore (cr);
  _weft_draw_labels (&f, first, last);
  cairo_restore (cr);

  if (weft_model_get_n_events (self->model) == 0)
    _weft_draw_note (&f, "No events in this trace");
  else if (vp->start >= weft_model_get_duration (self->model) && vp->start > 0)
    _weft_draw_note (&f, "This range is after the end of the trace");
  if (vp->flags & WEFT_VIEWPORT_SHOW_LEGEND)
    _weft_draw_legend (&f);
  frame_end (&f);
  cairo_restore (cr);
}

void
weft_render_count_free (WeftRenderCount *count)
{
  if (count == NULL)
    return;
  g_free (count->counts);
  g_free (count->lane_rows);
  g_free (count);
}

void
_weft_renderer_set_counting (WeftRenderer *self, gboolean counting)
{
  self->counting = counting;
}

WeftRenderCount *
_weft_renderer_take_count (WeftRenderer *self)
{
  return g_steal_pointer (&self->count);
}
