/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-counters.c: counter tracks. A counter is a step function (a
 * value holds until the next sample); a column reports the min and max of
 * the values it shows (the one held at its start included) and the last.
 * Blocks of WEFT_LOD_COUNTER_BLOCK samples keep their max and min in a
 * pyramid, so a column with many samples costs O(log n).
 */
#include "weft-lod-private.h"

#define B WEFT_LOD_COUNTER_BLOCK

void
_weft_lod_counter_build (WeftLod *lod, guint counter)
{
  const WeftModelCounter *c = weft_model_get_counter (lod->model, counter);
  WeftLodCounterIndex *index = &lod->counters[counter];
  guint64 n_blocks = (c->n + B - 1) / B;

  _weft_lod_levels_init (&index->levels, n_blocks);
  index->max = g_new (double, MAX (index->levels.total, 1));
  index->neg_min = g_new (double, MAX (index->levels.total, 1));
  for (guint64 b = 0; b < n_blocks; b++)
    {
      guint64 end = MIN ((b + 1) * B, c->n);
      double max = c->values[b * B], min = max;

      for (guint64 k = b * B + 1; k < end; k++)
        {
          max = MAX (max, c->values[k]);
          min = MIN (min, c->values[k]);
        }
      index->max[b] = max;
      index->neg_min[b] = -min;
    }
  _weft_lod_maxd_finish (&index->levels, index->max);
  _weft_lod_maxd_finish (&index->levels, index->neg_min);
}

void
_weft_lod_counters_clear (WeftLod *lod)
{
  for (guint i = 0; lod->counters != NULL && i < lod->n_counters; i++)
    {
      g_free (lod->counters[i].max);
      g_free (lod->counters[i].neg_min);
    }
  g_clear_pointer (&lod->counters, g_free);
}

/* Min and max of samples [lo, hi), hi > lo. */
static void
range_min_max (const WeftModelCounter *c, const WeftLodCounterIndex *index, guint64 lo,
               guint64 hi, double *min, double *max)
{
  guint64 bl = (lo + B - 1) / B, bh = hi / B;

  *min = G_MAXDOUBLE;
  *max = -G_MAXDOUBLE;
  if (bl >= bh)
    {
      for (guint64 k = lo; k < hi; k++)
        {
          *min = MIN (*min, c->values[k]);
          *max = MAX (*max, c->values[k]);
        }
      return;
    }
  for (guint64 k = lo; k < bl * B; k++)
    {
      *min = MIN (*min, c->values[k]);
      *max = MAX (*max, c->values[k]);
    }
  for (guint64 k = bh * B; k < hi; k++)
    {
      *min = MIN (*min, c->values[k]);
      *max = MAX (*max, c->values[k]);
    }
  *max = MAX (*max, _weft_lod_maxd_range (&index->levels, index->max, bl, bh));
  *min = MIN (*min, -_weft_lod_maxd_range (&index->levels, index->neg_min, bl, bh));
}

#define TIME_OF(k) (c->times[k])

void
weft_lod_counter_columns (WeftLod *lod, guint counter, const WeftLodWindow *w,
                          WeftLodCounterColumn *out)
{
  const WeftModelCounter *c;
  const WeftLodCounterIndex *index;
  guint64 held_end = 0, before_a = 0, before_b = 0;

  if (!_weft_lod_window_ok (w))
    return;
  g_return_if_fail (counter < lod->n_counters);
  c = weft_model_get_counter (lod->model, counter);
  index = &lod->counters[counter];

  for (guint i = 0; i < w->n_columns; i++)
    {
      WeftLodEdge a = _weft_lod_edge (w, i), b = _weft_lod_edge (w, i + 1);
      WeftLodCounterColumn *col = &out[i];

      memset (col, 0, sizeof *col);
      /* Samples at or before a (the last one holds at a), before a, and
       * before b. */
      WEFT_LOD_LOWER_BOUND (held_end, c->n, held_end, a.ti + 1, TIME_OF);
      WEFT_LOD_LOWER_BOUND (before_a, c->n, before_a, _weft_lod_edge_ceil (a), TIME_OF);
      WEFT_LOD_LOWER_BOUND (before_b, c->n, before_b, _weft_lod_edge_ceil (b), TIME_OF);
      if (before_b == 0)
        continue;
      col->defined = TRUE;
      col->n_samples = (guint32) MIN (before_b - before_a, G_MAXUINT32);
      col->last = c->values[before_b - 1];
      /* The value held at a, then every sample after a and before b. */
      {
        guint64 lo = held_end > 0 ? held_end - 1 : 0;
        range_min_max (c, index, lo, MAX (before_b, lo + 1), &col->min, &col->max);
      }
    }
}
