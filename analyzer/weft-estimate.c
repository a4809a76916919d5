/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-estimate.c: the running estimate without scheduler data. Each
 * thread yields its running intervals in time order (the union of its
 * outermost spans minus its waits, computed on the fly), and a heap of
 * interval edges merges the threads.
 */
#include "weft-estimate-private.h"

#include "weft-model-private.h"

typedef struct
{
  const WeftModelThread *t;
  guint64 i;      /* next span */
  guint64 j;      /* next wait */
  guint64 cs, ce; /* rest of the current busy interval */
  guint64 wait_end; /* latest end of the waits begun so far */
  gboolean have;
} RunGen;

static gboolean
run_next (RunGen *g, guint64 a, guint64 b, guint64 *s_out, guint64 *e_out)
{
  const WeftModelThread *t = g->t;

  for (;;)
    {
      guint64 pe;

      if (!g->have)
        {
          guint64 s, e;

          if (g->i >= t->n_spans)
            return FALSE;
          s = t->spans[g->i].start;
          e = t->spans[g->i].end;
          /* Nested spans lie inside: merge everything starting before the end. */
          for (g->i++; g->i < t->n_spans && t->spans[g->i].start <= e; g->i++)
            e = MAX (e, t->spans[g->i].end);
          if (s >= b)
            {
              g->i = t->n_spans;
              return FALSE;
            }
          s = MAX (s, a);
          e = MIN (e, b);
          if (e <= s)
            continue;
          g->cs = s;
          g->ce = e;
          g->have = TRUE;
        }
      /* Waits that began by now push the start past their end. A wait
       * may outlast the busy interval it began in (one never woken ends
       * at the thread's end): its end is kept for the intervals after,
       * or a sweep from 0 and one from inside the wait would disagree. */
      g->cs = MAX (g->cs, g->wait_end);
      for (; g->j < t->n_waits && t->waits[g->j].start <= g->cs; g->j++)
        {
          g->wait_end = MAX (g->wait_end, t->waits[g->j].end);
          g->cs = MAX (g->cs, g->wait_end);
        }
      if (g->cs >= g->ce)
        {
          g->have = FALSE;
          continue;
        }
      pe = g->ce;
      if (g->j < t->n_waits && t->waits[g->j].start < pe)
        pe = t->waits[g->j].start;
      *s_out = g->cs;
      *e_out = pe;
      g->cs = pe;
      if (g->cs >= g->ce)
        g->have = FALSE;
      return TRUE;
    }
}

typedef struct
{
  guint64 time;
  guint32 thread;
  guint32 is_end;
} Edge;

static inline gboolean
edge_less (const Edge *x, const Edge *y)
{
  if (x->time != y->time)
    return x->time < y->time;
  return x->is_end > y->is_end; /* ends first: no momentary overcount */
}

static void
sift_down (Edge *heap, guint n, guint i)
{
  Edge e = heap[i];

  for (;;)
    {
      guint child = 2 * i + 1;
      if (child >= n)
        break;
      if (child + 1 < n && edge_less (&heap[child + 1], &heap[child]))
        child++;
      if (!edge_less (&heap[child], &e))
        break;
      heap[i] = heap[child];
      i = child;
    }
  heap[i] = e;
}

gboolean
_weft_estimate_sweep (WeftModel *model, guint64 a, guint64 b, guint cap, guint64 *on_cpu,
                      WeftEstimateHold hold, gpointer user_data, GCancellable *cancellable)
{
  guint n = weft_model_get_n_threads (model);
  g_autofree RunGen *gens = g_new0 (RunGen, MAX (n, 1));
  g_autofree guint64 *piece_end = g_new0 (guint64, MAX (n, 1));
  g_autofree Edge *heap = g_new (Edge, MAX (n, 1));
  guint n_heap = 0, running = 0;
  guint64 last = a, steps = 0;

  for (guint i = 0; i < n; i++)
    {
      guint64 s, e;

      gens[i].t = weft_model_get_thread (model, i);
      gens[i].i = a == 0 ? 0 : weft_model_thread_find_span (gens[i].t, a);
      if (run_next (&gens[i], a, b, &s, &e))
        {
          if (on_cpu != NULL)
            on_cpu[i] += e - s;
          piece_end[i] = e;
          heap[n_heap++] = (Edge) { s, i, FALSE };
        }
    }
  for (guint i = n_heap / 2; i-- > 0;)
    sift_down (heap, n_heap, i);

  while (n_heap > 0)
    {
      Edge *top = &heap[0];
      guint64 s, e;

      if (top->time > last)
        {
          hold (last, top->time, MIN (running, cap), user_data);
          last = top->time;
        }
      if (!top->is_end)
        {
          running++;
          top->time = piece_end[top->thread];
          top->is_end = TRUE;
        }
      else
        {
          running--;
          if (run_next (&gens[top->thread], a, b, &s, &e))
            {
              if (on_cpu != NULL)
                on_cpu[top->thread] += e - s;
              piece_end[top->thread] = e;
              top->time = s;
              top->is_end = FALSE;
            }
          else
            *top = heap[--n_heap];
        }
      if (n_heap > 0)
        sift_down (heap, n_heap, 0);
      if (G_UNLIKELY (++steps % 1000000 == 0) && g_cancellable_is_cancelled (cancellable))
        return FALSE;
    }
  if (b > last)
    hold (last, b, 0, user_data);
  return TRUE;
}
