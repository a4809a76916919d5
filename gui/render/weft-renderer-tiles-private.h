/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-tiles-private.h: the tile cache's keys and tiles, shared
 * by the cache (weft-renderer-tiles.c) and the reading of a row's columns
 * at the view's pixels (weft-renderer-resample.c).
 */
#pragma once

#include <math.h>

#include "weft-renderer-private.h"

G_BEGIN_DECLS

#define TILE_COLS 256
#define LEVELS_PER_DOUBLING 8

typedef enum
{
  ROW_PARALLEL,
  ROW_CPU,
  ROW_STATE,
  ROW_SPANS,
  ROW_TASKS,
  ROW_COUNTER,
} RowKind;

typedef struct
{
  guint32 kind;
  guint32 index;
  guint32 depth;
} RowKey;

/* No padding anywhere: keys are hashed and compared as bytes. */
typedef struct
{
  RowKey row;
  gint32 level;
  gint64 tile;
} TileKey;
G_STATIC_ASSERT (sizeof (RowKey) == 12);
G_STATIC_ASSERT (sizeof (TileKey) == 24);

typedef struct
{
  TileKey key;
  gpointer columns; /* TILE_COLS column structs of the row's kind */
  GArray *items;    /* span rows: WeftLodItem, x in the tile's columns */
  gsize bytes;
  guint64 stamp;    /* the last frame that used it */
} Tile;

/* A row's source in the frame being drawn: a level and its tiles over the
 * view (NULL tiles are beyond the trace and empty). */
typedef struct
{
  RowKey row;
  gint level;
  gint64 first_tile;
  guint n_tiles;
  Tile **tiles;
} RowSource;

/* A tile of level L spans round(256 · 2^(L/8)) ns: whole ns, so tiles
 * start on integer times, with columns of 1 ns or more. */
static inline guint64
level_span (gint level)
{
  return (guint64) llround (TILE_COLS * exp2 ((double) level / LEVELS_PER_DOUBLING));
}

static inline double
level_column (gint level)
{
  return (double) level_span (level) / TILE_COLS;
}

/* The row's source in the frame being drawn, or NULL (asked directly). */
const RowSource *_weft_tile_cache_source (WeftTileCache *cache, const RowKey *row);

G_END_DECLS
