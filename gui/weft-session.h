/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-session.h: what one window is looking at, outside any widget: the
 * loaded document, the visible time range, the selected range and the
 * search text. Every part of the window (the timeline, the minimap, the
 * details and statistics panes) binds to these properties instead of to
 * each other, so a test or a GAction can drive them all through one
 * object.
 *
 * Times are trace-relative nanoseconds, as the model's: 0 is the trace's
 * first event and the document's duration its last; these bound every
 * range.
 */
#pragma once

#include <glib-object.h>

#include "weft-document.h"
#include "weft-lane.h"

G_BEGIN_DECLS

#define WEFT_TYPE_SESSION (weft_session_get_type ())
G_DECLARE_FINAL_TYPE (WeftSession, weft_session, WEFT, SESSION, GObject)

WeftSession *weft_session_new (void);

WeftDocument *weft_session_get_document (WeftSession *self);
/* Replaces the document and shows all of it (zoom to fit, no selection). */
void weft_session_set_document (WeftSession *self, WeftDocument *document);

/* The document's model (NULL without a document): what the timeline
 * and the statistics read. */
WeftModel *weft_session_get_model (WeftSession *self);

/* The document's duration (0 without a document). */
guint64 weft_session_get_duration (WeftSession *self);

guint64 weft_session_get_visible_start (WeftSession *self);
guint64 weft_session_get_visible_end (WeftSession *self);
/* Clamps to the document's bounds, keeping the width where it fits; a
 * range narrower than WEFT_SESSION_MIN_VISIBLE_NS is widened around its
 * middle. Does nothing without a document. */
void weft_session_set_visible_range (WeftSession *self, guint64 start, guint64 end);
void weft_session_zoom_to_fit (WeftSession *self);

/* The smallest visible width: below a nanosecond per few pixels nothing
 * more can be seen. */
#define WEFT_SESSION_MIN_VISIBLE_NS G_GUINT64_CONSTANT (100)

gboolean weft_session_get_has_selection (WeftSession *self);
guint64 weft_session_get_selection_start (WeftSession *self);
guint64 weft_session_get_selection_end (WeftSession *self);
/* Orders and clamps start and end to the document; an empty range after
 * clamping clears the selection. */
void weft_session_set_selection (WeftSession *self, guint64 start, guint64 end);
void weft_session_clear_selection (WeftSession *self);

/* The clicked item, what the details pane shows: a renderer hit
 * (weft-lane.h), copied. NULL when nothing is selected. Setting NULL or a
 * hit of kind WEFT_HIT_NONE clears it; "notify::item" says it changed.
 * A new document clears it. */
const WeftHit *weft_session_get_item (WeftSession *self);
void weft_session_set_item (WeftSession *self, const WeftHit *hit);

const char *weft_session_get_search_text (WeftSession *self);
void weft_session_set_search_text (WeftSession *self, const char *text);

/* The span names the search text finds, for the timeline's highlights
 * (WeftViewport.highlight_names): a bitmap by name id, *n bytes long;
 * NULL (and 0) when the text is empty or matches no name. It changes with
 * "notify::search-text" and "notify::document"; owned by the session,
 * valid until either changes (copy it to keep it). */
const guint8 *weft_session_get_search_name_mask (WeftSession *self, gsize *n);

G_END_DECLS
