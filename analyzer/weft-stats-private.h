/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-stats-private.h: the range arithmetic and the parts of the
 * statistics computed in their own files.
 */
#pragma once

#include "weft-estimate-private.h"
#include "weft-model-private.h"
#include "weft-stats.h"

G_BEGIN_DECLS

/* [a, b), or [a, b] when the range ends at the trace's end and is not
 * empty there (an empty [d, d] holds nothing; the whole of a trace of one
 * instant, [0, 0], holds everything). */
typedef struct
{
  guint64 a;
  guint64 b;
  gboolean inclusive;
} WeftClip;

/* Length of [s, e) inside the range. */
static inline guint64
weft_clip_len (const WeftClip *r, guint64 s, guint64 e)
{
  guint64 lo = MAX (s, r->a), hi = MIN (e, r->b);

  return hi > lo ? hi - lo : 0;
}

/* An event at t belongs to the range. */
static inline gboolean
weft_clip_has (const WeftClip *r, guint64 t)
{
  return t >= r->a && (t < r->b || (r->inclusive && t == r->b));
}

/* [s, e) overlaps the range (an empty one: lies in it). */
static inline gboolean
weft_clip_overlaps (const WeftClip *r, guint64 s, guint64 e)
{
  if (s == e)
    return weft_clip_has (r, s);
  return s < r->b && e > r->a;
}

/* How many of the sorted times fall in the range. */
guint64 _weft_clip_count (const WeftClip *r, const guint64 *times, guint64 n);

/* Per span name: the cProfile columns. */
typedef struct
{
  guint64 ncalls;
  /* Modulo 2^64: a call's own time is >= 0 (its callees nest inside
   * it), so the sum comes out exact even past 2^63 ns. */
  guint64 tottime;
  guint64 cumtime;
  guint64 active; /* calls of this name open on the current stack */
} WeftSpanAcc;

/* cProfile's rule for one call of name, in two steps: the call opens
 * (counted; TRUE when no call of its name is open below it, the only case
 * whose length adds to cumtime), then its length is known (the array walk
 * knows it at once; the fold of weft-stats-fold.c may learn it later). */
static inline gboolean
_weft_span_acc_open (WeftSpanAcc *acc, guint32 name)
{
  acc[name].ncalls++;
  return acc[name].active++ == 0;
}

/* len counts to name's tottime and is taken from its caller's (parent,
 * WEFT_MODEL_NONE for none). */
static inline void
_weft_span_acc_length (WeftSpanAcc *acc, guint32 name, guint32 parent, gboolean outermost,
                       guint64 len)
{
  acc[name].tottime += len;
  if (parent != WEFT_MODEL_NONE)
    acc[parent].tottime -= len;
  if (outermost)
    acc[name].cumtime += len;
}

/* weft-stats-spans.c: fills acc (one per model name) and counts the span
 * begin and end events in the range (not over the whole trace, whose
 * count the model has). */
void _weft_stats_spans (WeftModel *model, const WeftClip *r, WeftSpanAcc *acc, guint64 *events);

/* weft-stats.c: weft_stats_new(), the span table given (folded, of the
 * whole trace) rather than walked when folded is not NULL. */
WeftStats *_weft_stats_new_folded (WeftModel *model, guint64 start, guint64 end,
                                   const WeftSpanAcc *folded, guint n_folded);

G_END_DECLS
