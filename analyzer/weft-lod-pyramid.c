/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-lod-pyramid.c: summaries of blocks of items, a level per factor of
 * WEFT_LOD_FANOUT, so that a range of blocks is answered by O(FANOUT ·
 * levels) nodes: the dominant id (a heavy-hitters merge) and maxima.
 */
#include "weft-lod-private.h"

/* A full tally: the least candidate gives way to a larger newcomer. */
void
_weft_lod_candidates_replace (WeftLodCandidates *c, guint32 id, double ns)
{
  guint min = 0;

  for (guint i = 1; i < c->n; i++)
    if (c->ns[i] < c->ns[min])
      min = i;
  if (c->ns[min] < ns)
    {
      c->id[min] = id;
      c->ns[min] = ns;
    }
}

guint32
_weft_lod_candidates_best (const WeftLodCandidates *c, double *ns)
{
  guint32 best = WEFT_MODEL_NONE;
  double most = 0.0;

  for (guint i = 0; i < c->n; i++)
    if (c->ns[i] > most || (c->ns[i] == most && best != WEFT_MODEL_NONE && c->id[i] < best))
      {
        most = c->ns[i];
        best = c->id[i];
      }
  if (ns != NULL)
    *ns = most;
  return best;
}

guint32
_weft_lod_direct_best (double *per_id, const guint32 *touched, guint n_touched, double *ns)
{
  guint32 best = WEFT_MODEL_NONE;
  double most = 0.0;

  for (guint i = 0; i < n_touched; i++)
    {
      guint32 id = touched[i];
      double v = per_id[id];

      if (v > most || (v == most && best != WEFT_MODEL_NONE && id < best))
        {
          most = v;
          best = id;
        }
      per_id[id] = 0.0;
    }
  *ns = most;
  return best;
}

void
_weft_lod_levels_init (WeftLodLevels *l, guint64 n_leaves)
{
  guint64 n = n_leaves;

  memset (l, 0, sizeof *l);
  for (;;)
    {
      l->offset[l->n_levels] = l->total;
      l->len[l->n_levels] = n;
      l->total += n;
      l->n_levels++;
      if (n <= 1 || l->n_levels == WEFT_LOD_MAX_LEVELS)
        break;
      n = (n + WEFT_LOD_FANOUT - 1) / WEFT_LOD_FANOUT;
    }
}

void
_weft_lod_dom_finish (const WeftLodLevels *l, WeftLodDom *dom)
{
  for (guint lv = 1; lv < l->n_levels; lv++)
    {
      const WeftLodDom *below = dom + l->offset[lv - 1];
      WeftLodDom *here = dom + l->offset[lv];

      for (guint64 i = 0; i < l->len[lv]; i++)
        {
          WeftLodCandidates c = { 0 };
          guint64 end = MIN ((i + 1) * WEFT_LOD_FANOUT, l->len[lv - 1]);
          double ns;

          for (guint64 j = i * WEFT_LOD_FANOUT; j < end; j++)
            if (below[j].id != WEFT_MODEL_NONE)
              _weft_lod_candidates_add (&c, below[j].id, below[j].ns);
          here[i].id = _weft_lod_candidates_best (&c, &ns);
          here[i].ns = (float) ns;
        }
    }
}

/* Visits the nodes covering leaves [lo, hi): at each level the unaligned
 * ends, then one level up. */
#define FOR_RANGE_NODES(l, lo_, hi_, lv, idx, body)                                          \
  G_STMT_START                                                                               \
  {                                                                                          \
    guint64 _lo = (lo_), _hi = (hi_);                                                        \
    for (guint lv = 0; lv < (l)->n_levels && _lo < _hi; lv++)                                \
      {                                                                                      \
        if (lv + 1 == (l)->n_levels || _hi - _lo <= WEFT_LOD_FANOUT)                         \
          {                                                                                  \
            for (guint64 idx = _lo; idx < _hi; idx++)                                        \
              body;                                                                          \
            break;                                                                           \
          }                                                                                  \
        for (; _lo % WEFT_LOD_FANOUT != 0 && _lo < _hi; _lo++)                               \
          {                                                                                  \
            guint64 idx = _lo;                                                               \
            body;                                                                            \
          }                                                                                  \
        for (; _hi % WEFT_LOD_FANOUT != 0 && _hi > _lo; _hi--)                               \
          {                                                                                  \
            guint64 idx = _hi - 1;                                                           \
            body;                                                                            \
          }                                                                                  \
        _lo /= WEFT_LOD_FANOUT;                                                              \
        _hi /= WEFT_LOD_FANOUT;                                                              \
      }                                                                                      \
  }                                                                                          \
  G_STMT_END

void
_weft_lod_dom_range (const WeftLodLevels *l, const WeftLodDom *dom, guint64 lo, guint64 hi,
                     WeftLodCandidates *c)
{
  FOR_RANGE_NODES (l, lo, hi, lv, idx, {
    const WeftLodDom *d = &dom[l->offset[lv] + idx];
    if (d->id != WEFT_MODEL_NONE)
      _weft_lod_candidates_add (c, d->id, d->ns);
  });
}

void
_weft_lod_maxf_finish (const WeftLodLevels *l, float *max)
{
  for (guint lv = 1; lv < l->n_levels; lv++)
    {
      const float *below = max + l->offset[lv - 1];
      float *here = max + l->offset[lv];

      for (guint64 i = 0; i < l->len[lv]; i++)
        {
          guint64 end = MIN ((i + 1) * WEFT_LOD_FANOUT, l->len[lv - 1]);
          float m = below[i * WEFT_LOD_FANOUT];

          for (guint64 j = i * WEFT_LOD_FANOUT + 1; j < end; j++)
            m = MAX (m, below[j]);
          here[i] = m;
        }
    }
}

float
_weft_lod_maxf_range (const WeftLodLevels *l, const float *max, guint64 lo, guint64 hi)
{
  float m = 0.0f;

  FOR_RANGE_NODES (l, lo, hi, lv, idx, { m = MAX (m, max[l->offset[lv] + idx]); });
  return m;
}

guint64
_weft_lod_maxf_find (const WeftLodLevels *l, const float *max, guint64 from, double threshold)
{
  guint64 idx = from;
  guint lv = 0;

  if (l->n_levels == 0 || from >= l->len[0])
    return G_MAXUINT64;
  /* Up: look at the rest of the current group, else move past it. */
  for (;;)
    {
      guint64 group_end = MIN ((idx / WEFT_LOD_FANOUT + 1) * WEFT_LOD_FANOUT, l->len[lv]);
      guint64 j;

      if (lv + 1 == l->n_levels)
        group_end = l->len[lv];
      for (j = idx; j < group_end; j++)
        if ((double) max[l->offset[lv] + j] >= threshold)
          break;
      if (j < group_end)
        {
          idx = j;
          break;
        }
      if (lv + 1 == l->n_levels || group_end >= l->len[lv])
        return G_MAXUINT64;
      idx = group_end / WEFT_LOD_FANOUT;
      lv++;
    }
  /* Down: the first child that reaches the threshold. */
  while (lv > 0)
    {
      guint64 child = idx * WEFT_LOD_FANOUT, end = MIN (child + WEFT_LOD_FANOUT, l->len[lv - 1]);

      lv--;
      while (child < end && (double) max[l->offset[lv] + child] < threshold)
        child++;
      if (child == end)
        return G_MAXUINT64; /* cannot happen: a parent is the max of its children */
      idx = child;
    }
  return idx;
}

void
_weft_lod_maxd_finish (const WeftLodLevels *l, double *max)
{
  for (guint lv = 1; lv < l->n_levels; lv++)
    {
      const double *below = max + l->offset[lv - 1];
      double *here = max + l->offset[lv];

      for (guint64 i = 0; i < l->len[lv]; i++)
        {
          guint64 end = MIN ((i + 1) * WEFT_LOD_FANOUT, l->len[lv - 1]);
          double m = below[i * WEFT_LOD_FANOUT];

          for (guint64 j = i * WEFT_LOD_FANOUT + 1; j < end; j++)
            m = MAX (m, below[j]);
          here[i] = m;
        }
    }
}

double
_weft_lod_maxd_range (const WeftLodLevels *l, const double *max, guint64 lo, guint64 hi)
{
  double m = -G_MAXDOUBLE;

  FOR_RANGE_NODES (l, lo, hi, lv, idx, { m = MAX (m, max[l->offset[lv] + idx]); });
  return m;
}
