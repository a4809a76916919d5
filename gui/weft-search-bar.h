/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-search-bar.h: Ctrl+F above the timeline: a search entry bound to
 * the session's search text, the match count ("3 of 120") and previous /
 * next. Next and previous walk the matching spans in time order (they
 * wrap at the ends), move the session's visible range to show the span
 * (the zoom stays unless the span is wider than the view) and make it the
 * session's item, so the details pane shows it. The timeline outlines
 * every match from weft_session_get_search_name_mask().
 *
 * Actions, on the window the bar is in (group "search"): search.find
 * (reveal and focus the entry), search.next, search.previous. The entry
 * takes Enter for next and Shift+Enter for previous; Escape closes the bar,
 * which ends the search.
 */
#pragma once

#include <gtk/gtk.h>

#include "weft-search.h"
#include "weft-session.h"

G_BEGIN_DECLS

#define WEFT_TYPE_SEARCH_BAR (weft_search_bar_get_type ())
G_DECLARE_FINAL_TYPE (WeftSearchBar, weft_search_bar, WEFT, SEARCH_BAR, GtkWidget)

GtkWidget *weft_search_bar_new (void);

WeftSession *weft_search_bar_get_session (WeftSearchBar *self);
void weft_search_bar_set_session (WeftSearchBar *self, WeftSession *session);

/* Shows the bar and focuses its entry (search.find). */
void weft_search_bar_reveal (WeftSearchBar *self);

/* Goes to the next or previous match; FALSE when there is none (or the
 * count is still being computed). */
gboolean weft_search_bar_next (WeftSearchBar *self);
gboolean weft_search_bar_previous (WeftSearchBar *self);

/* Whether the matches of the current text are still being counted. */
gboolean weft_search_bar_is_searching (WeftSearchBar *self);
guint64 weft_search_bar_get_n_matches (WeftSearchBar *self);
/* The match last gone to; FALSE before any (or after the text changed). */
gboolean weft_search_bar_get_current (WeftSearchBar *self, WeftSearchMatch *match);

G_END_DECLS
