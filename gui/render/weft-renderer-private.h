/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-private.h: what the renderer's files share: the object's
 * fields, the sizes of the layout, and the per-frame drawing state with
 * its helpers (colour batches, text, primitive counting for the tests).
 */
#pragma once

#include <pango/pangocairo.h>

#include "weft-renderer.h"

G_BEGIN_DECLS

/* Sizes in user units (pixels at scale 1). */
#define WEFT_R_HEADER_H 30.0
#define WEFT_R_AXIS_H 24.0
#define WEFT_R_LEGEND_H 26.0
#define WEFT_R_PARALLEL_H 56.0
#define WEFT_R_CPU_H 24.0
#define WEFT_R_GAP 3.0          /* between lanes */
#define WEFT_R_GROUP_GAP 8.0    /* before a process group and between sections */
#define WEFT_R_PROCESS_H 20.0
#define WEFT_R_STATE_H 8.0      /* a thread's state strip above its span rows */
#define WEFT_R_STATE_ALONE_H 16.0 /* the strip of a thread without spans */
#define WEFT_R_ROW_H 17.0       /* one span row */
#define WEFT_R_TASK_H 16.0
#define WEFT_R_COUNTER_H 36.0
#define WEFT_R_FONT 11.0        /* label text height, in units */
#define WEFT_R_SMALL_FONT 9.5
#define WEFT_R_TITLE_FONT 13.0
#define WEFT_R_PAD 8.0          /* outer margin */
#define WEFT_R_DEFAULT_SPAN_ROWS 8

/* Counts the primitives drawn per lane and per column (tests): a rect or
 * text touching columns [c0, c1) adds one to each. Lanes are counted as
 * the level-of-detail queries are asked: a thread's state strip and each
 * of its span rows separately (row 0 the strip, row 1 + d depth d).
 * Guides that do not come from the trace (lane backgrounds, grid lines,
 * the selection) are not counted. The last row is the overlay of flow
 * arrows and lost-event marks, drawn across lanes. */
typedef struct
{
  guint n_rows;     /* counted rows: every lane's, then the overlay */
  guint n_columns;
  guint *lane_rows; /* per lane, its first counted row; [n_lanes] the overlay */
  guint8 *counts;   /* n_rows × n_columns, saturating at 255 */
  guint max;        /* the largest count, and where */
  guint max_lane;
  guint max_row;    /* within the lane */
  guint max_column;
  guint64 total;
} WeftRenderCount;

void weft_render_count_free (WeftRenderCount *count);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftRenderCount, weft_render_count_free)

/* From now on every draw of self fills a new count (replacing the last);
 * steal it with _weft_renderer_take_count(). */
void _weft_renderer_set_counting (WeftRenderer *self, gboolean counting);
gsize _weft_renderer_get_cache_bytes (WeftRenderer *self);
WeftRenderCount *_weft_renderer_take_count (WeftRenderer *self);

#define WEFT_BATCH_SLOTS 12

/* Rectangles gathered by colour and filled one path per colour: far
 * fewer cairo calls than a fill per rectangle. */
typedef struct
{
  WeftColor color;
  GArray *rects; /* double[4]: x, y, w, h */
} WeftBatchSlot;

typedef struct
{
  cairo_t *cr;
  guint n;
  WeftBatchSlot slots[WEFT_BATCH_SLOTS];
} WeftBatch;

typedef struct _WeftTileCache WeftTileCache;

struct _WeftRenderer
{
  GObject parent_instance;

  /* Owned references */
  WeftLod *lod;
  char *title;
  GArray *lanes;    /* WeftLane */
  GPtrArray *labels; /* the lanes' label strings */
  guint32 *thread_keys; /* colour key per model thread */
  double *counter_min;  /* per model counter, over the whole trace */
  double *counter_max;
  char *verdict;        /* cache of the last verdict asked */
  guint64 verdict_start;
  guint64 verdict_end;
  double verdict_average;

  /* Borrowed references */
  WeftModel *model;

  double content_height;
  guint max_span_rows;
  double lane_scale;    /* weft_renderer_set_lane_scale() */
  guint parallel_top;   /* the strip's top line: the core count */
  guint n_lanes_before_groups; /* parallelism + CPU lanes */
  GHashTable *collapsed;  /* folded process groups: process index + 1 (0 is NONE) */
  gboolean show_disclosure;

  /* Scratch reused from frame to frame */
  GArray *columns;      /* bytes for one lane's columns */
  GArray *items;        /* WeftLodItem */
  WeftBatch batch;
  gboolean counting;
  WeftRenderCount *count;
  WeftTileCache *tiles; /* the viewer's: weft_renderer_set_tile_cache() */
  gboolean complete;    /* the last frame drew every row at its resolution */
};

/* One frame being drawn. */
typedef struct
{
  WeftRenderer *self;
  WeftModel *model;
  WeftLod *lod;
  cairo_t *cr;
  const WeftViewport *vp;
  const WeftPalette *pal;
  WeftLodWindow win;  /* the visible range at one column per device pixel */
  WeftRect area;      /* the lanes, in units */
  double col_w;       /* units per column */
  double top;         /* y of the content's 0: area.y − scroll_y */
  PangoLayout *layout;
  PangoFontDescription *font;
  PangoFontDescription *bold;
  PangoFontDescription *small;
  PangoFontDescription *title;
  WeftBatch *batch;
  WeftRenderCount *count;
  guint lane;         /* the lane being drawn, for counting */
  guint sub;          /* the row in it: a thread's strip 0, depth d at 1 + d */
  double average;     /* threads running on average in the range */
  WeftTileCache *tiles; /* NULL: columns asked directly */
  char *verdict;
} WeftFrame;

/* ---- weft-renderer-layout.c ---- */
void _weft_renderer_layout (WeftRenderer *self);
double _weft_renderer_gutter (const WeftViewport *vp);
void _weft_renderer_area (const WeftViewport *vp, WeftRect *area);
const char *_weft_renderer_thread_label (WeftRenderer *self, guint thread);

/* ---- weft-renderer-frame.c: helpers ---- */
void _weft_batch_rect (WeftBatch *b, const WeftColor *c, double x, double y, double w, double h);
void _weft_batch_flush (WeftBatch *b);
void _weft_batch_clear (WeftBatch *b);

static inline double
_weft_frame_x (const WeftFrame *f, double column)
{
  return f->area.x + column * f->col_w;
}

/* Counts one primitive over columns [c0, c1) of the current lane. */
void _weft_frame_count (WeftFrame *f, double c0, double c1);

/* A filled rectangle over columns [c0, c1) from y0 to y1 (units), batched
 * by colour and counted. */
void _weft_frame_rect (WeftFrame *f, const WeftColor *c, double c0, double c1, double y0,
                       double y1);

typedef enum
{
  WEFT_ALIGN_LEFT,
  WEFT_ALIGN_CENTER,
  WEFT_ALIGN_RIGHT,
} WeftAlign;

/* Draws text in font at (x, y top) within max_w units, elided at the end
 * ("…") when longer; nothing when not even min_chars characters and the
 * ellipsis fit. Returns the width drawn (0 for nothing). x is the left,
 * centre or right edge by align. */
double _weft_frame_text (WeftFrame *f, const PangoFontDescription *font, const char *text,
                         double x, double y, double max_w, WeftAlign align,
                         const WeftColor *color, guint min_chars);

/* The width of text in font, unelided. */
double _weft_frame_text_width (WeftFrame *f, const PangoFontDescription *font, const char *text);

/* A thread's colour in this frame (faded when another is highlighted);
 * pal->other for WEFT_MODEL_NONE. */
WeftColor _weft_frame_thread_color (WeftFrame *f, guint32 thread);
WeftColor _weft_text_color_on (const WeftColor *c);

/* The frame's scratch array of n_columns items of item_size bytes. */
gpointer _weft_frame_columns (WeftFrame *f, gsize item_size);
guint _weft_parallel_guide_step (guint top, double height);

/* ---- weft-renderer-tiles.c: where columns come from ---- */
WeftTileCache *_weft_tile_cache_new (WeftLod *lod, gsize max_bytes, gint64 budget_us);
void _weft_tile_cache_free (WeftTileCache *cache);
gsize _weft_tile_cache_get_bytes (WeftTileCache *cache);
/* Before the lanes [first, last) of f are drawn: computes the tiles the
 * budget allows and picks each row's source. FALSE when a row is drawn
 * from another resolution than the view's. */
gboolean _weft_tile_cache_prepare (WeftTileCache *cache, WeftFrame *f, guint first, guint last);
/* The same without a budget: every tile of the view, on every core. */
void _weft_tile_cache_warm (WeftTileCache *cache, WeftFrame *f, guint first, guint last);

/* A lane's columns at the view's pixels: from the cache when f has one,
 * else from the level-of-detail index directly. */
void _weft_fetch_parallelism (WeftFrame *f, WeftLodParallelColumn *out);
void _weft_fetch_cpu (WeftFrame *f, guint cpu, WeftLodCpuColumn *out);
void _weft_fetch_states (WeftFrame *f, guint thread, WeftLodStateColumn *out);
void _weft_fetch_span_row (WeftFrame *f, guint thread, guint depth, GArray *items);
void _weft_fetch_tasks (WeftFrame *f, guint row, WeftLodTaskColumn *out);
void _weft_fetch_counter (WeftFrame *f, guint counter, WeftLodCounterColumn *out);

/* ---- drawing, one file per family of lanes ---- */
void _weft_draw_parallelism (WeftFrame *f, const WeftLane *lane, double y);
void _weft_draw_cpu (WeftFrame *f, const WeftLane *lane, double y);
void _weft_draw_thread (WeftFrame *f, const WeftLane *lane, double y);
void _weft_draw_tasks (WeftFrame *f, const WeftLane *lane, double y);
void _weft_draw_counter (WeftFrame *f, const WeftLane *lane, double y);
void _weft_draw_flows (WeftFrame *f);

/* weft-renderer-axis.c */
void _weft_draw_axis (WeftFrame *f);
void _weft_draw_grid (WeftFrame *f);
void _weft_draw_lost (WeftFrame *f);

/* The tick step (ns) for a range of range_ns over width units with labels
 * at least min_gap apart, from 1, 2, 5 × 10^k. */
guint64 _weft_axis_step (double range_ns, double width, double min_gap);
/* A tick's label: t in the largest unit ref (the view's end) reaches, with
 * the decimals step needs ("150 ms", "1.25 s",
 * "3.200000010 s"). */
char *_weft_format_tick (guint64 t, guint64 step, guint64 ref);
/* A duration for people: "610.5 ms", "12 µs", "1.62 s". */
char *_weft_format_duration (guint64 ns);
/* A counter value: bytes as KiB/MiB/GiB when is_bytes, else a plain number. */
char *_weft_format_value (double v, gboolean is_bytes);

/* weft-renderer-text.c */
void _weft_draw_header (WeftFrame *f);
void _weft_draw_labels (WeftFrame *f, guint first_lane, guint last_lane);
void _weft_draw_legend (WeftFrame *f);
void _weft_draw_note (WeftFrame *f, const char *text);

G_END_DECLS
