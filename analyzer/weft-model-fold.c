/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-model-fold.c: a build with a span sink (WeftModelSpanSink) hands
 * each thread's spans over as they are read instead of keeping them, so
 * the whole trace's statistics cost no memory per span: a piece at a
 * time, the array emptied and its pages reused.
 */
#include "weft-model-build.h"

#include <string.h>

/* With a sink: hands it the spans of thread index that start before
 * `before` (the next stream of the thread starts there, so no span to
 * come sorts before them), and drops them. Once streams overlapped, the
 * rest waits for the sort at the end. */
void
_weft_build_fold_spans (WeftBuild *b, guint32 index, guint64 before)
{
  WeftThreadData *t = &b->model->threads[index];
  gsize k = t->spans.len, lo = 0;

  if (t->unsorted)
    return;
  /* Sorted by start: the first that starts at or after `before`. */
  while (before != G_MAXUINT64 && lo < k)
    {
      gsize mid = lo + (k - lo) / 2;
      if (t->spans.data[mid].start < before)
        lo = mid + 1;
      else
        k = mid;
    }
  if (k == 0)
    return;
  b->sink->feed (b->sink->data, index, t->spans.data, k, b->model->names->len, FALSE);
  t->spans_handed = TRUE;
  for (gsize i = 0; i < t->open_spans.len; i++)
    {
      guint32 *at = &t->open_spans.data[i];
      *at = *at == WEFT_BUILD_SPAN_FOLDED || *at < k ? WEFT_BUILD_SPAN_FOLDED : *at - (guint32) k;
    }
  memmove (t->spans.data, t->spans.data + k, (t->spans.len - k) * sizeof (WeftModelSpan));
  t->spans.len -= k;
}

/* With a sink: an emptied span array (its pages faulted in) becomes the
 * spare, the bigger one kept; an empty one takes the spare. */
void
_weft_build_spans_recycle (WeftBuild *b, WeftVecSpan *spans)
{
  if (spans->len == 0 && spans->cap > b->spare.cap)
    {
      WeftVecSpan_clear (&b->spare);
      b->spare = *spans;
      memset (spans, 0, sizeof *spans);
    }
  else if (spans->cap == 0 && b->spare.cap > 0)
    {
      *spans = b->spare;
      memset (&b->spare, 0, sizeof b->spare);
    }
}
