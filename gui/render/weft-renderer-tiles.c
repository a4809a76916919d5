/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-renderer-tiles.c: where a lane's columns come from. Exported
 * pictures ask the level-of-detail index directly, at one column per
 * device pixel. The viewer turns on a tile cache: columns are asked for in
 * tiles of 256 at fixed resolutions (eight per doubling of ns per column),
 * kept (least recently used out, up to a byte budget), and resampled to
 * the view's pixels; occupancy fractions are linear, so a pixel's value is
 * the overlap-weighted mean of the finer columns under it, exactly.
 *
 * A frame computes the tiles it lacks on every core until its time budget
 * is spent; a row whose tiles are not all there yet is drawn from the
 * resolution it had in the last frame, or from an overview of the whole
 * trace (computed once per row), and weft_renderer_is_complete() says so,
 * for the viewer to draw again.
 */
#include "weft-renderer-tiles-private.h"

#include <math.h>
#include <string.h>

#define MAX_LEVEL (LEVELS_PER_DOUBLING * 54)
/* the overview: the whole trace in about this many columns */
#define OVERVIEW_COLUMNS 2048

struct _WeftTileCache
{
  WeftLod *lod;
  GHashTable *tiles;        /* TileKey → Tile (owned) */
  GHashTable *last_level;   /* RowKey → the level it was drawn from last */
  GHashTable *frame_rows;   /* RowKey → RowSource, this frame's */
  GThreadPool *pool;
  gsize bytes;
  gsize max_bytes;
  gint64 budget_us;
  guint64 stamp;
  gint overview;            /* the overview's level */

  /* one frame's jobs */
  GMutex lock;
  GCond done;
  guint pending;
  gint64 deadline;
};

/* ---- keys and levels ---- */

static guint
row_hash (gconstpointer p)
{
  const RowKey *k = p;

  return (k->kind * 0x9e3779b1u) ^ (k->index * 0x85ebca6bu) ^ (k->depth * 0xc2b2ae35u);
}

static gboolean
row_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (RowKey)) == 0;
}

static guint
tile_hash (gconstpointer p)
{
  const TileKey *k = p;

  return row_hash (&k->row) ^ ((guint) k->level * 0x27d4eb2fu)
         ^ (guint) (k->tile ^ (k->tile >> 32)) * 0x165667b1u;
}

static gboolean
tile_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (TileKey)) == 0;
}

/* The coarsest level whose columns are no wider than width ns, or -1
 * below one ns a column (the view is then asked for directly). */
static gint
level_for (double width)
{
  gint level;

  if (!(width >= 1.0))
    return -1;
  level = (gint) floor (log2 (width) * LEVELS_PER_DOUBLING);
  level = CLAMP (level, 0, MAX_LEVEL);
  while (level > 0 && level_column (level) > width)
    level--;
  return level;
}

static gsize
column_size (RowKind kind)
{
  switch (kind)
    {
    case ROW_PARALLEL:
      return sizeof (WeftLodParallelColumn);
    case ROW_CPU:
      return sizeof (WeftLodCpuColumn);
    case ROW_STATE:
      return sizeof (WeftLodStateColumn);
    case ROW_TASKS:
      return sizeof (WeftLodTaskColumn);
    case ROW_COUNTER:
      return sizeof (WeftLodCounterColumn);
    case ROW_SPANS:
    default:
      return 0;
    }
}

/* ---- tiles ---- */

static void
tile_free (gpointer p)
{
  Tile *t = p;

  g_free (t->columns);
  if (t->items != NULL)
    g_array_unref (t->items);
  g_free (t);
}

static Tile *
tile_compute (WeftLod *lod, const TileKey *key)
{
  guint64 span = level_span (key->level);
  WeftLodWindow w = { (guint64) key->tile * span, (guint64) (key->tile + 1) * span, TILE_COLS };
  Tile *t = g_new0 (Tile, 1);
  gsize size = column_size (key->row.kind);

  t->key = *key;
  if (key->row.kind == ROW_SPANS)
    {
      t->items = g_array_new (FALSE, FALSE, sizeof (WeftLodItem));
      weft_lod_span_row (lod, key->row.index, key->row.depth, &w, 1.0, t->items);
      t->bytes = sizeof *t + t->items->len * sizeof (WeftLodItem);
      return t;
    }
  t->columns = g_malloc (size * TILE_COLS);
  t->bytes = sizeof *t + size * TILE_COLS;
  switch (key->row.kind)
    {
    case ROW_PARALLEL:
      weft_lod_parallelism (lod, &w, t->columns);
      break;
    case ROW_CPU:
      weft_lod_cpu_columns (lod, key->row.index, &w, t->columns);
      break;
    case ROW_STATE:
      weft_lod_thread_states (lod, key->row.index, &w, t->columns);
      break;
    case ROW_TASKS:
      weft_lod_task_columns (lod, key->row.index, &w, t->columns);
      break;
    case ROW_COUNTER:
    default:
      weft_lod_counter_columns (lod, key->row.index, &w, t->columns);
      break;
    }
  return t;
}

typedef struct
{
  WeftTileCache *cache;
  TileKey key;
  Tile *result;
  gboolean required; /* computed whatever the budget */
} Job;

static void
job_run (gpointer data, gpointer user_data)
{
  Job *job = data;
  WeftTileCache *cache = job->cache;

  /* the deadline is written before the jobs are pushed (the pool locks) */
  if (job->required || g_get_monotonic_time () < cache->deadline)
    job->result = tile_compute (cache->lod, &job->key);
  g_mutex_lock (&cache->lock);
  if (--cache->pending == 0)
    g_cond_signal (&cache->done);
  g_mutex_unlock (&cache->lock);
}

/* Computes jobs on the pool (every core) and adds what they made. */
static void
run_jobs (WeftTileCache *cache, GArray *jobs)
{
  if (jobs->len == 0)
    return;
  cache->pending = jobs->len;
  for (guint i = 0; i < jobs->len; i++)
    g_thread_pool_push (cache->pool, &g_array_index (jobs, Job, i), NULL);
  g_mutex_lock (&cache->lock);
  while (cache->pending > 0)
    g_cond_wait (&cache->done, &cache->lock);
  g_mutex_unlock (&cache->lock);
  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = &g_array_index (jobs, Job, i);

      if (job->result == NULL || g_hash_table_contains (cache->tiles, &job->key))
        {
          g_clear_pointer (&job->result, tile_free);
          continue;
        }
      job->result->stamp = cache->stamp;
      cache->bytes += job->result->bytes;
      g_hash_table_insert (cache->tiles, &job->result->key, job->result);
    }
}

WeftTileCache *
_weft_tile_cache_new (WeftLod *lod, gsize max_bytes, gint64 budget_us)
{
  WeftTileCache *cache = g_new0 (WeftTileCache, 1);
  guint64 duration = weft_model_get_duration (weft_lod_get_model (lod));

  cache->lod = weft_lod_ref (lod);
  cache->tiles = g_hash_table_new_full (tile_hash, tile_equal, NULL, tile_free);
  cache->last_level = g_hash_table_new_full (row_hash, row_equal, g_free, NULL);
  cache->max_bytes = max_bytes;
  cache->budget_us = budget_us;
  cache->overview = MAX (0, level_for ((double) MAX (duration, 1) / OVERVIEW_COLUMNS));
  g_mutex_init (&cache->lock);
  g_cond_init (&cache->done);
  cache->pool = g_thread_pool_new (job_run, NULL, (gint) MAX (1u, g_get_num_processors ()),
                                   FALSE, NULL);
  return cache;
}

static void
row_source_free (gpointer p)
{
  RowSource *s = p;

  g_free (s->tiles);
  g_free (s);
}

void
_weft_tile_cache_free (WeftTileCache *cache)
{
  if (cache == NULL)
    return;
  g_thread_pool_free (cache->pool, FALSE, TRUE);
  g_clear_pointer (&cache->frame_rows, g_hash_table_unref);
  g_hash_table_unref (cache->tiles);
  g_hash_table_unref (cache->last_level);
  g_mutex_clear (&cache->lock);
  g_cond_clear (&cache->done);
  weft_lod_unref (cache->lod);
  g_free (cache);
}

gsize
_weft_tile_cache_get_bytes (WeftTileCache *cache)
{
  return cache->bytes;
}

/* ---- a frame ---- */

/* The tiles of level over the view [a, b) ns: the columns resampling
 * reads, plus one. */
static void
tile_range (gint level, double a, double b, gint64 *first, gint64 *last)
{
  double col = level_column (level);

  *first = (gint64) floor (a / col) / TILE_COLS;
  *last = ((gint64) ceil (b / col)) / TILE_COLS;
}

static gboolean
row_complete (WeftTileCache *cache, const RowKey *row, gint level, double a, double b)
{
  gint64 first, last;
  TileKey key = { *row, level, 0 };

  tile_range (level, a, b, &first, &last);
  for (key.tile = first; key.tile <= last; key.tile++)
    if (!g_hash_table_contains (cache->tiles, &key))
      return FALSE;
  return TRUE;
}

static void
add_missing (WeftTileCache *cache, GArray *jobs, const RowKey *row, gint level, double a,
             double b, gboolean required)
{
  gint64 first, last;
  TileKey key = { *row, level, 0 };

  tile_range (level, a, b, &first, &last);
  for (key.tile = first; key.tile <= last; key.tile++)
    if (!g_hash_table_contains (cache->tiles, &key))
      {
        Job job = { cache, key, NULL, required };

        g_array_append_val (jobs, job);
      }
}

static void
add_source (WeftTileCache *cache, const RowKey *row, gint level, double a, double b)
{
  RowSource *s = g_new0 (RowSource, 1);
  gint64 first, last;
  TileKey key = { *row, level, 0 };
  RowKey *remembered;

  tile_range (level, a, b, &first, &last);
  s->row = *row;
  s->level = level;
  s->first_tile = first;
  s->n_tiles = (guint) (last - first + 1);
  s->tiles = g_new0 (Tile *, s->n_tiles);
  for (guint i = 0; i < s->n_tiles; i++)
    {
      key.tile = first + i;
      s->tiles[i] = g_hash_table_lookup (cache->tiles, &key);
      if (s->tiles[i] != NULL)
        s->tiles[i]->stamp = cache->stamp;
    }
  g_hash_table_replace (cache->frame_rows, &s->row, s);
  remembered = g_memdup2 (row, sizeof *row);
  g_hash_table_replace (cache->last_level, remembered, GINT_TO_POINTER (level + 1));
}

/* Appends the level-of-detail rows of lane. */
static void
lane_rows (const WeftLane *lane, GArray *rows)
{
  RowKey key = { 0 };

  switch (lane->kind)
    {
    case WEFT_LANE_PARALLELISM:
      key = (RowKey) { ROW_PARALLEL, 0, 0 };
      break;
    case WEFT_LANE_CPU:
      key = (RowKey) { ROW_CPU, lane->index, 0 };
      break;
    case WEFT_LANE_THREAD:
      key = (RowKey) { ROW_STATE, lane->index, 0 };
      for (guint d = 0; d < lane->n_rows; d++)
        {
          RowKey row = { ROW_SPANS, lane->index, d };

          g_array_append_val (rows, row);
        }
      break;
    case WEFT_LANE_TASKS:
      key = (RowKey) { ROW_TASKS, lane->index, 0 };
      break;
    case WEFT_LANE_COUNTER:
      key = (RowKey) { ROW_COUNTER, lane->index, 0 };
      break;
    case WEFT_LANE_PROCESS:
    default:
      return;
    }
  g_array_append_val (rows, key);
}

static int
compare_stamp (gconstpointer a, gconstpointer b)
{
  const Tile *x = *(Tile *const *) a, *y = *(Tile *const *) b;

  return x->stamp < y->stamp ? -1 : x->stamp > y->stamp;
}

static void
evict (WeftTileCache *cache)
{
  g_autoptr (GPtrArray) old = NULL;
  GHashTableIter iter;
  gpointer value;

  if (cache->bytes <= cache->max_bytes)
    return;
  old = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, cache->tiles);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Tile *) value)->stamp < cache->stamp)
      g_ptr_array_add (old, value);
  /* oldest first, down to three quarters of the budget */
  g_ptr_array_sort (old, compare_stamp);
  for (guint i = 0; i < old->len && cache->bytes > cache->max_bytes / 4 * 3; i++)
    {
      Tile *t = old->pdata[i];

      cache->bytes -= t->bytes;
      g_hash_table_remove (cache->tiles, &t->key);
    }
}

void
_weft_tile_cache_warm (WeftTileCache *cache, WeftFrame *f, guint first, guint last)
{
  gint64 budget = cache->budget_us;

  cache->budget_us = G_MAXINT64 / 4;
  _weft_tile_cache_prepare (cache, f, first, last);
  cache->budget_us = budget;
}

gboolean
_weft_tile_cache_prepare (WeftTileCache *cache, WeftFrame *f, guint first, guint last)
{
  double a = (double) f->win.start, b = (double) f->win.end;
  gint level = level_for ((b - a) / f->win.n_columns), fallback;
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (RowKey));
  g_autoptr (GArray) jobs = g_array_new (FALSE, FALSE, sizeof (Job));
  gboolean complete = TRUE;

  cache->stamp++;
  g_clear_pointer (&cache->frame_rows, g_hash_table_unref);
  if (level < 0)
    return TRUE; /* deeper than 1 ns a column: asked directly */
  cache->frame_rows = g_hash_table_new_full (row_hash, row_equal, NULL, row_source_free);
  /* a view a little coarser than the overview (the whole trace in a
   * smaller window) reads the overview: up to four of its columns a pixel */
  if (level >= cache->overview && level - cache->overview <= 2 * LEVELS_PER_DOUBLING)
    level = cache->overview;
  /* the overview, unless the view is coarser still (wider than the trace) */
  fallback = MAX (cache->overview, level);
  for (guint i = first; i < last; i++)
    lane_rows (&g_array_index (f->self->lanes, WeftLane, i), rows);

  /* the view's own resolution, within the budget */
  for (guint i = 0; i < rows->len; i++)
    add_missing (cache, jobs, &g_array_index (rows, RowKey, i), level, a, b, FALSE);
  cache->deadline = g_get_monotonic_time () + cache->budget_us;
  run_jobs (cache, jobs);
  g_array_set_size (jobs, 0);

  /* rows not complete there: the level they had, else the overview */
  for (guint i = 0; i < rows->len; i++)
    {
      const RowKey *row = &g_array_index (rows, RowKey, i);
      gint last_level;

      if (row_complete (cache, row, level, a, b))
        {
          add_source (cache, row, level, a, b);
          continue;
        }
      last_level = GPOINTER_TO_INT (g_hash_table_lookup (cache->last_level, row)) - 1;
      if (last_level >= 0 && row_complete (cache, row, last_level, a, b))
        add_source (cache, row, last_level, a, b);
      else
        add_missing (cache, jobs, row, fallback, a, b, TRUE);
    }
  run_jobs (cache, jobs);
  for (guint i = 0; i < rows->len; i++)
    {
      const RowKey *row = &g_array_index (rows, RowKey, i);

      const RowSource *source;

      if (!g_hash_table_contains (cache->frame_rows, row))
        add_source (cache, row, fallback, a, b);
      source = g_hash_table_lookup (cache->frame_rows, row);
      complete &= source->level == level;
    }
  evict (cache);
  return complete;
}

const RowSource *
_weft_tile_cache_source (WeftTileCache *cache, const RowKey *row)
{
  if (cache->frame_rows == NULL)
    return NULL;
  return g_hash_table_lookup (cache->frame_rows, row);
}
