/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-resolve.c: async events and flows are matched by key (cat
 * and id, process-scoped for id2.local) in time order across every thread,
 * then handed to the thread each event happened on as task and flow
 * events with fresh ids.
 *
 * An async key's outermost begin/end pair is one Weft task; begins nested
 * inside it are slices of the same task, folded into it (Weft's own export
 * writes a task's suspension as a nested slice named "suspended" in
 * category weft.task, which comes back as suspend/resume). As Perfetto's
 * SliceTracker on the key's track, an end closes the innermost open slice
 * of its name (an unnamed end or begin matches any), cutting what is open
 * inside it: Node's async_hooks reuse ids across threads, so an end often
 * is not the innermost begin's.
 */
#include "weft-chrome-import-private.h"

#include <stdlib.h>

typedef struct
{
  GArray *names;      /* guint32: the open slices' names, outermost first */
  guint suspended_at; /* depth of the open "suspended" slice, 0 if none */
  guint64 task;
} AsyncState;

static void
async_state_free (gpointer data)
{
  AsyncState *st = data;

  g_array_unref (st->names);
  g_free (st);
}

/* The innermost open slice an end of this name closes, or -1. */
static gint64
async_match (const AsyncState *st, guint32 name, guint32 no_name)
{
  for (guint i = st->names->len; i > 0; i--)
    {
      guint32 open = g_array_index (st->names, guint32, i - 1);

      if (name == no_name || open == no_name || open == name)
        return (gint64) i - 1;
    }
  return -1;
}

static int
by_time (const void *a, const void *b)
{
  const WeftChromeRec *x = a, *y = b;

  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static gboolean
is_sorted (const GArray *list)
{
  for (guint i = 1; i < list->len; i++)
    if (by_time (&g_array_index (list, WeftChromeRec, i - 1),
                 &g_array_index (list, WeftChromeRec, i))
        > 0)
      return FALSE;
  return TRUE;
}

/* Tracers that write a slice when it ends put children before parents: a
 * few records out of place. Insertion sort fixes that in one pass; a
 * budget of moves keeps a hostile order from making it quadratic. */
static gboolean
insertion_sort (WeftChromeRec *a, gsize n, gsize budget)
{
  gsize moves = 0;

  for (gsize i = 1; i < n; i++)
    {
      WeftChromeRec tmp;
      gsize j = i;

      if (by_time (&a[i - 1], &a[i]) <= 0)
        continue;
      tmp = a[i];
      while (j > 0 && by_time (&a[j - 1], &tmp) > 0)
        {
          a[j] = a[j - 1];
          j--;
          if (++moves > budget)
            {
              a[j] = tmp;
              return FALSE;
            }
        }
      a[j] = tmp;
    }
  return TRUE;
}

void
_weft_chrome_sort_by_time (GArray *list)
{
  if (is_sorted (list))
    return;
  if (!insertion_sort ((WeftChromeRec *) list->data, list->len, 4 * (gsize) list->len + 64))
    qsort (list->data, list->len, sizeof (WeftChromeRec), by_time);
}

/* Puts a resolved event on its thread, keeping the file order for ties. */
static WeftChromeRec *
give (WeftChromeImport *im, const WeftChromeRec *from, WeftChromeRecKind kind, guint64 id)
{
  WeftChromeRec *r = _weft_chrome_import_add (im, NULL, from->thread, kind, from->ts);

  r->seq = from->seq;
  r->v = (gint64) id;
  return r;
}

static void
resolve_async (WeftChromeImport *im)
{
  g_autoptr (GHashTable) states = g_hash_table_new_full (NULL, NULL, NULL, async_state_free);
  GHashTableIter iter;
  gpointer value;

  _weft_chrome_sort_by_time (im->async);
  for (guint i = 0; i < im->async->len; i++)
    {
      const WeftChromeRec *r = &g_array_index (im->async, WeftChromeRec, i);
      AsyncState *st = g_hash_table_lookup (states, GUINT_TO_POINTER (r->aux));

      switch (r->kind)
        {
        case REC_ASYNC_BEGIN:
          if (st == NULL)
            {
              st = g_new0 (AsyncState, 1);
              st->names = g_array_new (FALSE, FALSE, sizeof (guint32));
              g_hash_table_insert (states, GUINT_TO_POINTER (r->aux), st);
            }
          if (st->names->len == 0)
            {
              st->task = im->next_task_id++;
              give (im, r, REC_TASK_BEGIN, st->task)->name = r->name;
            }
          else if ((r->flags & REC_F_SUSPENDED) && st->suspended_at == 0)
            {
              st->suspended_at = st->names->len + 1;
              give (im, r, REC_TASK_SUSPEND, st->task);
            }
          else
            im->notes[NOTE_NESTED_ASYNC]++;
          g_array_append_val (st->names, r->name);
          break;
        case REC_ASYNC_END:
          {
            gint64 at = st != NULL ? async_match (st, r->name, im->s_no_name) : -1;

            if (at < 0)
              {
                im->skipped[SKIP_ASYNC_END_WITHOUT_BEGIN]++;
                break;
              }
            if (st->suspended_at > (guint) at)
              {
                st->suspended_at = 0;
                give (im, r, REC_TASK_RESUME, st->task);
              }
            g_array_set_size (st->names, (guint) at);
            if (at == 0)
              give (im, r, REC_TASK_END, st->task);
          }
          break;
        default: /* n, T, p: a moment of the task, an instant on its thread */
          give (im, r, REC_INSTANT, 0)->name = r->name;
          break;
        }
    }
  g_hash_table_iter_init (&iter, states);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((AsyncState *) value)->names->len > 0)
      im->notes[NOTE_TASK_NEVER_ENDED]++;
  g_array_set_size (im->async, 0);
}

static void
resolve_flows (WeftChromeImport *im)
{
  g_autoptr (GHashTable) open = g_hash_table_new (NULL, NULL);

  _weft_chrome_sort_by_time (im->flows);
  for (guint i = 0; i < im->flows->len; i++)
    {
      const WeftChromeRec *r = &g_array_index (im->flows, WeftChromeRec, i);
      gpointer key = GUINT_TO_POINTER (r->aux);
      guint64 current = (guint64) (guintptr) g_hash_table_lookup (open, key);
      guint64 id;

      if (r->kind != REC_FLOW_START && current == 0)
        {
          im->skipped[SKIP_FLOW_WITHOUT_START]++;
          continue;
        }
      if (r->kind != REC_FLOW_START)
        give (im, r, REC_FLOW_END, current)->flags = r->flags;
      if (r->kind == REC_FLOW_FINISH)
        {
          g_hash_table_remove (open, key);
          continue;
        }
      id = im->next_flow_id++;
      give (im, r, REC_FLOW_BEGIN, id);
      g_hash_table_insert (open, key, (gpointer) (guintptr) id);
    }
  g_array_set_size (im->flows, 0);
}

/* The thread a process-scoped instant of pid goes on: its main thread
 * (tid = pid), else its thread with the lowest tid (where the process's
 * name goes too), else a new main thread (the process has no other). */
static guint32
process_thread (WeftChromeImport *im, GHashTable *cache, guint32 pid)
{
  gpointer found = g_hash_table_lookup (cache, GUINT_TO_POINTER (pid));
  guint32 thread = G_MAXUINT32;

  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;
  for (guint i = 0; i < im->threads->len; i++)
    {
      const WeftChromeThread *t = g_ptr_array_index (im->threads, i);
      const WeftChromeThread *best
          = thread != G_MAXUINT32 ? g_ptr_array_index (im->threads, thread) : NULL;

      if (t->pid == pid
          && (best == NULL || (best->tid != pid && (t->tid == pid || t->tid < best->tid))))
        thread = i;
    }
  if (thread == G_MAXUINT32)
    thread = _weft_chrome_import_thread (im, pid, pid);
  g_hash_table_insert (cache, GUINT_TO_POINTER (pid), GUINT_TO_POINTER (thread + 1));
  return thread;
}

void
_weft_chrome_resolve_scoped (WeftChromeImport *im)
{
  g_autoptr (GHashTable) cache = g_hash_table_new (NULL, NULL);
  gboolean have_first = im->threads->len > 0;
  guint32 first_pid = G_MAXUINT32;

  for (guint i = 0; i < im->threads->len; i++)
    first_pid = MIN (first_pid, ((WeftChromeThread *) g_ptr_array_index (im->threads, i))->pid);
  for (guint i = 0; i < im->scoped->len; i++)
    {
      const WeftChromeRec *r = &g_array_index (im->scoped, WeftChromeRec, i);
      guint32 pid = r->extra == 'g' && have_first ? first_pid : r->aux;
      guint32 thread = process_thread (im, cache, pid);
      WeftChromeRec *to = _weft_chrome_import_add (im, NULL, thread, REC_INSTANT, r->ts);

      to->seq = r->seq;
      to->name = r->name;
    }
  g_array_set_size (im->scoped, 0);
}

void
_weft_chrome_resolve (WeftChromeImport *im)
{
  resolve_async (im);
  resolve_flows (im);
}
