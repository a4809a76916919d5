/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-stats-spans.c: the cProfile table. Each thread's spans are walked
 * in pre-order with the stack of open calls: a span's clipped length adds
 * to its name's tottime and is taken from its parent's; it adds to its
 * name's cumtime only when no call of the same name is open below it (the
 * outermost call of a recursion, as cProfile counts).
 */
#include "weft-stats-private.h"

guint64
_weft_clip_count (const WeftClip *r, const guint64 *times, guint64 n)
{
  guint64 lo = 0, hi = n, first;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      if (times[mid] < r->a)
        lo = mid + 1;
      else
        hi = mid;
    }
  first = lo;
  hi = n;
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      if (times[mid] < r->b || (r->inclusive && times[mid] == r->b))
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo - first;
}

typedef struct
{
  guint32 depth;
  guint32 name;
} Open;

/* The whole trace: nothing to clip, no events to count (the model has
 * them). The same walk as thread_spans(), without the range tests. */
static void
thread_spans_whole (const WeftModelThread *t, WeftSpanAcc *acc, Open *stack)
{
  guint sp = 0;

  for (guint64 i = 0; i < t->n_spans; i++)
    {
      const WeftModelSpan *s = &t->spans[i];
      guint32 depth = WEFT_MODEL_SPAN_DEPTH (s);
      guint64 len = s->end - s->start;
      gboolean outermost;

      while (sp > 0 && stack[sp - 1].depth >= depth)
        acc[stack[--sp].name].active--;
      outermost = _weft_span_acc_open (acc, s->name);
      _weft_span_acc_length (acc, s->name, sp > 0 ? stack[sp - 1].name : WEFT_MODEL_NONE,
                             outermost, len);
      stack[sp++] = (Open) { depth, s->name };
    }
  while (sp > 0)
    acc[stack[--sp].name].active--;
}

static void
thread_spans (const WeftModelThread *t, const WeftClip *r, WeftSpanAcc *acc, Open *stack,
              guint64 *events)
{
  guint64 i = r->a == 0 ? 0 : weft_model_thread_find_span (t, r->a);
  guint sp = 0;
  guint64 n_events = 0;

  for (; i < t->n_spans; i++)
    {
      const WeftModelSpan *s = &t->spans[i];
      guint32 depth = WEFT_MODEL_SPAN_DEPTH (s);
      guint64 clip;
      gboolean outermost;

      if (s->start > r->b || (s->start == r->b && !r->inclusive))
        break;
      n_events += weft_clip_has (r, s->start);
      if (!(s->depth & WEFT_MODEL_SPAN_UNCLOSED))
        n_events += weft_clip_has (r, s->end);

      while (sp > 0 && stack[sp - 1].depth >= depth)
        acc[stack[--sp].name].active--;
      if (!weft_clip_overlaps (r, s->start, s->end))
        continue;

      clip = weft_clip_len (r, s->start, s->end);
      outermost = _weft_span_acc_open (acc, s->name);
      _weft_span_acc_length (acc, s->name, sp > 0 ? stack[sp - 1].name : WEFT_MODEL_NONE,
                             outermost, clip);
      /* The stack is as deep as the thread's deepest nesting. */
      stack[sp++] = (Open) { depth, s->name };
    }
  while (sp > 0)
    acc[stack[--sp].name].active--;
  *events += n_events;
}

void
_weft_stats_spans (WeftModel *model, const WeftClip *r, WeftSpanAcc *acc, guint64 *events)
{
  guint max_depth = 1;
  g_autofree Open *stack = NULL;

  for (guint i = 0; i < weft_model_get_n_threads (model); i++)
    max_depth = MAX (max_depth, weft_model_get_thread (model, i)->max_depth);
  stack = g_new (Open, max_depth + 1);
  for (guint i = 0; i < weft_model_get_n_threads (model); i++)
    if (r->a == 0 && r->inclusive && r->b == weft_model_get_duration (model))
      thread_spans_whole (weft_model_get_thread (model, i), acc, stack);
    else
      thread_spans (weft_model_get_thread (model, i), r, acc, stack, events);
}
