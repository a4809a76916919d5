/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-viewport.h: everything the renderer needs to know about where it
 * draws, as plain data: the visible time range, the size in user units
 * (pixels, or points on SVG/PDF), the device scale, the vertical scroll of
 * the lanes and the viewer's selection and highlights. The viewer fills
 * one from its widget state; `weft export` from its command line.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  WEFT_VIEWPORT_SHOW_HEADER = 1 << 0, /* the title and the verdict line */
  WEFT_VIEWPORT_SHOW_LEGEND = 1 << 1, /* thread colours and states, at the bottom */
  WEFT_VIEWPORT_SHOW_AXIS = 1 << 2,   /* the time axis above the lanes */
} WeftViewportFlags;

#define WEFT_VIEWPORT_SHOW_ALL \
  (WEFT_VIEWPORT_SHOW_HEADER | WEFT_VIEWPORT_SHOW_LEGEND | WEFT_VIEWPORT_SHOW_AXIS)

/* "No thread" / "no name" for the highlight fields. */
#define WEFT_VIEWPORT_NONE G_MAXUINT32

typedef struct
{
  guint64 start;     /* visible range, trace-relative ns; end > start */
  guint64 end;
  double width;      /* drawing size in user units */
  double height;
  double scale;      /* device pixels per user unit: 1, or 2 on HiDPI */
  double scroll_y;   /* the lanes are scrolled up by this many units */
  guint flags;       /* WeftViewportFlags */

  gboolean has_selection;   /* a selected time range, shaded */
  guint64 selection_start;
  guint64 selection_end;
  guint32 highlight_thread; /* a model thread index to emphasise, or NONE */
  guint32 highlight_name;   /* a span name id to outline (search), or NONE */
  /* The span names to outline (search matches): a bitmap indexed by name
   * id, bit (id & 7) of byte id / 8, over n_highlight_names bytes; ids
   * past its end are not highlighted. NULL: none. Borrowed: it must live
   * until the draw returns. Outlined as highlight_name is. */
  const guint8 *highlight_names;
  gsize n_highlight_names;
} WeftViewport;

/* Whether span name id is to be outlined in vp (highlight_name or the
 * highlight_names set). */
static inline gboolean
weft_viewport_highlights_name (const WeftViewport *vp, guint32 id)
{
  if (vp->highlight_name != WEFT_VIEWPORT_NONE && id == vp->highlight_name)
    return TRUE;
  return vp->highlight_names != NULL && id / 8 < vp->n_highlight_names
         && (vp->highlight_names[id / 8] >> (id & 7)) & 1;
}

/* Fills vp with the range [start, end), size width × height, scale 1, no
 * scroll, everything shown, nothing selected or highlighted. */
void weft_viewport_init (WeftViewport *vp, guint64 start, guint64 end, double width,
                         double height);

/* Whether vp can be drawn: a non-empty range and a positive size. */
gboolean weft_viewport_is_valid (const WeftViewport *vp);

G_END_DECLS
