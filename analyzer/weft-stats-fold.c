/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-stats-fold.c: the whole trace's span table folded while the model
 * is built (a WeftModelSpanSink), for `weft stats`: the spans never sit
 * in memory all at once, which on a 20 M-event trace was most of the
 * model's memory and a third of the command's time (fresh pages).
 *
 * The walk is weft-stats-spans.c's (pre-order, the stack of open calls,
 * cProfile's rule in _weft_span_acc_open/_length), carried across the
 * pieces the build hands over. A span still open when handed over is
 * opened at once and waits, by depth, for its length. Each thread keeps
 * its own stack; the calls open in acc (`active`) are only the current
 * thread's, as in the array walk, which does one thread after another.
 */
#include "weft-reader-private.h"
#include "weft-stats-private.h"

#include <string.h>

typedef struct
{
  guint32 depth;
  guint32 name;
} FoldOpen;

/* A call handed over open: its length comes with its end. */
typedef struct
{
  guint64 start;
  guint32 name;
  guint32 parent;
  gboolean outermost;
  gboolean open;
} FoldPending;

typedef struct
{
  FoldOpen *stack;
  guint sp;
  guint stack_cap;
  FoldPending *pending; /* by depth */
  guint n_pending;
} FoldThread;

typedef struct
{
  WeftSpanAcc *acc;
  guint n_acc;
  FoldThread **threads; /* by thread index, NULL until its first span */
  guint n_threads;
  guint32 current; /* the thread whose open calls acc counts */
} Fold;

static void
fold_thread_free (FoldThread *ft)
{
  if (ft == NULL)
    return;
  g_free (ft->stack);
  g_free (ft->pending);
  g_free (ft);
}

static void
fold_clear (Fold *f)
{
  for (guint i = 0; i < f->n_threads; i++)
    fold_thread_free (f->threads[i]);
  g_free (f->threads);
  g_free (f->acc);
}

/* Makes thread's open calls the ones acc counts. */
static void
fold_switch (Fold *f, guint32 thread)
{
  FoldThread *ft;

  if (thread == f->current)
    return;
  if (f->current < f->n_threads && (ft = f->threads[f->current]) != NULL)
    for (guint i = 0; i < ft->sp; i++)
      f->acc[ft->stack[i].name].active--;
  f->current = thread;
  if (thread < f->n_threads && (ft = f->threads[thread]) != NULL)
    for (guint i = 0; i < ft->sp; i++)
      f->acc[ft->stack[i].name].active++;
}

static FoldThread *
fold_thread (Fold *f, guint32 thread)
{
  if (thread >= f->n_threads)
    {
      guint n = MAX (thread + 1, f->n_threads * 2);
      f->threads = g_renew (FoldThread *, f->threads, n);
      memset (f->threads + f->n_threads, 0, (n - f->n_threads) * sizeof (FoldThread *));
      f->n_threads = n;
    }
  if (f->threads[thread] == NULL)
    f->threads[thread] = g_new0 (FoldThread, 1);
  return f->threads[thread];
}

static void
fold_feed (gpointer data, guint32 thread, const WeftModelSpan *spans, gsize n, guint n_names,
           gboolean ends_known)
{
  Fold *f = data;
  FoldThread *ft = fold_thread (f, thread);
  WeftSpanAcc *acc;

  fold_switch (f, thread);
  if (n_names > f->n_acc)
    {
      f->acc = g_renew (WeftSpanAcc, f->acc, n_names);
      memset (f->acc + f->n_acc, 0, (n_names - f->n_acc) * sizeof (WeftSpanAcc));
      f->n_acc = n_names;
    }
  acc = f->acc;

  for (gsize i = 0; i < n; i++)
    {
      const WeftModelSpan *s = &spans[i];
      guint32 depth = WEFT_MODEL_SPAN_DEPTH (s);
      guint32 parent;
      gboolean outermost;

      while (ft->sp > 0 && ft->stack[ft->sp - 1].depth >= depth)
        acc[ft->stack[--ft->sp].name].active--;
      parent = ft->sp > 0 ? ft->stack[ft->sp - 1].name : WEFT_MODEL_NONE;
      outermost = _weft_span_acc_open (acc, s->name);
      if ((s->depth & WEFT_MODEL_SPAN_UNCLOSED) && !ends_known)
        {
          /* One open span per depth: the slot is free. */
          if (depth >= ft->n_pending)
            {
              guint cap = MAX (depth + 1, ft->n_pending * 2);
              ft->pending = g_renew (FoldPending, ft->pending, cap);
              memset (ft->pending + ft->n_pending, 0, (cap - ft->n_pending) * sizeof (FoldPending));
              ft->n_pending = cap;
            }
          ft->pending[depth] = (FoldPending) { s->start, s->name, parent, outermost, TRUE };
        }
      else
        _weft_span_acc_length (acc, s->name, parent, outermost, s->end - s->start);
      if (ft->sp == ft->stack_cap)
        {
          ft->stack_cap = MAX (64, ft->stack_cap * 2);
          ft->stack = g_renew (FoldOpen, ft->stack, ft->stack_cap);
        }
      ft->stack[ft->sp++] = (FoldOpen) { depth, s->name };
    }
}

static void
pending_end (Fold *f, FoldPending *p, guint64 time)
{
  _weft_span_acc_length (f->acc, p->name, p->parent, p->outermost, time - p->start);
  p->open = FALSE;
}

static void
fold_end (gpointer data, guint32 thread, guint32 depth, guint64 time)
{
  Fold *f = data;
  FoldThread *ft = thread < f->n_threads ? f->threads[thread] : NULL;

  if (ft != NULL && depth < ft->n_pending && ft->pending[depth].open)
    pending_end (f, &ft->pending[depth], time);
}

static void
fold_finish (gpointer data, guint32 thread, guint64 end)
{
  Fold *f = data;
  FoldThread *ft = thread < f->n_threads ? f->threads[thread] : NULL;

  if (ft == NULL)
    return;
  fold_switch (f, thread);
  for (guint d = 0; d < ft->n_pending; d++)
    if (ft->pending[d].open)
      pending_end (f, &ft->pending[d], end);
  while (ft->sp > 0)
    f->acc[ft->stack[--ft->sp].name].active--;
  fold_thread_free (ft);
  f->threads[thread] = NULL;
}

/* Scheduler data, which the model will have: then the statistics need
 * no span rows (without it, the running estimate walks them). */
static gboolean
reader_has_sched (WeftReader *reader)
{
  if (g_strcmp0 (weft_reader_get_metadata (reader, "sched"), "true") == 0)
    return TRUE;
  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    if (weft_reader_get_stream (reader, i)->kind == WEFT_STREAM_CPU)
      return TRUE;
  return FALSE;
}

WeftStats *
weft_stats_new_from_reader (WeftReader *reader, GCancellable *cancellable, GError **error)
{
  Fold f = { .current = WEFT_MODEL_NONE };
  WeftModelSpanSink sink = { fold_feed, fold_end, fold_finish, &f };
  g_autoptr (WeftModel) model = NULL;
  WeftStats *st;

  g_return_val_if_fail (reader != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (reader_has_sched (reader))
    {
      gboolean overlapped;

      model = _weft_model_new_folding (reader, &sink, cancellable, &overlapped, error);
      if ((model == NULL && !overlapped) || (model != NULL && weft_model_has_sched (model)))
        {
          st = model != NULL ? _weft_stats_new_folded (model, 0, weft_model_get_duration (model),
                                                       f.acc, f.n_acc)
                             : NULL;
          fold_clear (&f);
          return st;
        }
      /* No scheduler data after all (its CPU streams were empty), or a
       * thread's streams overlapped: read again, keeping the spans, from
       * a reader of the same bytes that has decoded nothing (a stream
       * decoded once knows strings it used before defining them, which a
       * first decode names "?"). */
      fold_clear (&f);
      g_clear_pointer (&model, weft_model_unref);
      {
        g_autoptr (WeftReader) fresh = weft_reader_new_from_bytes (reader->bytes, error);

        if (fresh == NULL)
          return NULL;
        model = weft_model_new (fresh, NULL, NULL, cancellable, error);
        return model != NULL ? weft_stats_new_whole (model) : NULL;
      }
    }
  model = weft_model_new (reader, NULL, NULL, cancellable, error);
  return model != NULL ? weft_stats_new_whole (model) : NULL;
}
