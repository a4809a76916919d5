/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-search.h: finding spans by name, outside any widget. A search text
 * becomes a set of name ids (a bitmap, as the renderer's highlight set);
 * a scan of every thread's spans counts the matches and, up to a limit,
 * keeps them in time order so next/previous and "3 of 120" are a binary
 * search away. Past the limit the count stays exact and next/previous
 * scan the threads from the current match instead.
 *
 * Matching is a case-insensitive substring of the name (Unicode case
 * folding; ASCII names are compared without allocating).
 */
#pragma once

#include <gio/gio.h>

#include "weft-model.h"

G_BEGIN_DECLS

/* One matching span; ordered by start, then thread, then span index. */
typedef struct
{
  guint64 start;
  guint64 end;
  guint64 span;   /* index in the thread's spans */
  guint32 thread; /* model thread index */
  guint32 depth;
} WeftSearchMatch;

/* The search text folded for matching; NULL for an empty text. */
char *weft_search_fold (const char *text);

/* Whether name contains needle (from weft_search_fold()). */
gboolean weft_search_name_matches (const char *name, const char *needle);

/* The bitmap of the model's name ids that contain text (bit id & 7 of
 * byte id / 8), *n_bytes long; NULL (and 0) when text is empty or no name
 * matches. Free with g_free(). */
guint8 *weft_search_name_mask (WeftModel *model, const char *text, gsize *n_bytes);

typedef struct _WeftSearchResult WeftSearchResult;

/* Scans every span of model against mask (which it copies). NULL when
 * cancelled. Thread-safe: the model is read-only. */
WeftSearchResult *weft_search_result_new (WeftModel *model, const guint8 *mask, gsize n_bytes,
                                          GCancellable *cancellable);
void weft_search_result_free (WeftSearchResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftSearchResult, weft_search_result_free)

/* Matches kept in a sorted array at most (tests lower it). */
#define WEFT_SEARCH_MAX_STORED (1u << 20)
void _weft_search_set_max_stored (guint max);

guint64 weft_search_result_get_count (WeftSearchResult *result);
/* Whether matches are stored (then every match has a rank). */
gboolean weft_search_result_is_indexed (WeftSearchResult *result);

/* The first match after `after` in time order (NULL: the first of all),
 * or the last before `before` (NULL: the last of all). FALSE when there is
 * none (no wrapping). */
gboolean weft_search_result_next (WeftSearchResult *result, const WeftSearchMatch *after,
                                  WeftSearchMatch *out);
gboolean weft_search_result_previous (WeftSearchResult *result, const WeftSearchMatch *before,
                                      WeftSearchMatch *out);
/* The first match starting at or after t. */
gboolean weft_search_result_first_from (WeftSearchResult *result, guint64 t,
                                        WeftSearchMatch *out);

/* Its position, 0-based, in time order; FALSE when not indexed or not a
 * match. */
gboolean weft_search_result_rank (WeftSearchResult *result, const WeftSearchMatch *match,
                                  guint64 *rank);

G_END_DECLS
