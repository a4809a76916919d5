/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-emit.c: writes the collected records as a .weft trace. Each
 * thread is sorted and replayed through a slice stack that follows
 * Perfetto's SliceTracker, so a file shows the same slices in both tools:
 *
 * - an X that starts inside another X and ends after it is dropped
 *   (Perfetto's slice_drop_overlapping_complete_event);
 * - B slices still open inside an X when it ends are cut at its end
 *   (Perfetto's misplaced_end_event truncation);
 * - an E closes the innermost open B whose name and category match (no
 *   name or category matches any); slices opened inside it are cut there,
 *   since a .weft stream nests strictly; an E with nothing to close is
 *   skipped;
 * - a B never closed stays open, as Perfetto shows it ("did not end").
 *
 * Same-start X events are ordered longest first, so a parent written after
 * its child (as tracers that emit on completion do) still nests correctly.
 */
#include "weft-chrome-import-private.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "weft-format.h"

typedef enum
{
  SLOT_SPAN,
  SLOT_LOCK,
  SLOT_COND,
} SlotKind;

typedef struct
{
  gint64 begin;
  gint64 dur; /* -1: pending (a B) */
  guint32 name, cat;
  SlotKind kind;
  gint64 lock;
} Slot;

typedef struct
{
  WeftChromeImport *im;
  WeftBuilder *b;
  gint64 min_ts; /* subtracted from every time when negative times exist */
  gboolean shift;
  WeftBuilderStream s;
  GArray *stack;     /* Slot */
  GArray *bind_next; /* guint64 flow ids waiting for the next slice */
  GString *scratch;
  guint64 last; /* last time written on the stream */
} Emit;

static guint64
T (Emit *e, gint64 ts)
{
  if (e->shift)
    return (guint64) ts - (guint64) e->min_ts; /* exact modulo 2^64 */
  return (guint64) ts;
}

static const char *
str (Emit *e, guint32 id)
{
  return _weft_chrome_strings_get (&e->im->strings, id);
}

static void
end_slot (Emit *e, const Slot *slot, gint64 ts)
{
  guint64 t = T (e, ts);

  switch (slot->kind)
    {
    case SLOT_SPAN:
      weft_builder_span_end (e->b, e->s, t);
      break;
    case SLOT_LOCK:
      weft_builder_lock_acquired (e->b, e->s, t, (uint64_t) slot->lock);
      break;
    case SLOT_COND:
      weft_builder_cond_woken (e->b, e->s, t, (uint64_t) slot->lock);
      break;
    }
  e->last = t;
}

/* Ends the slots from the top down to index i (inclusive) at ts at the
 * latest; pending ones ended here were cut short. */
static void
pop_to (Emit *e, guint i, gint64 ts, gboolean count_cut)
{
  while (e->stack->len > i)
    {
      const Slot *top = &g_array_index (e->stack, Slot, e->stack->len - 1);
      gint64 end = ts;

      if (top->dur >= 0 && top->begin + top->dur < ts)
        end = top->begin + top->dur;
      else if (count_cut && e->stack->len - 1 > i)
        e->im->notes[NOTE_TRUNCATED]++;
      end_slot (e, top, end);
      g_array_set_size (e->stack, e->stack->len - 1);
    }
}

/* Perfetto's MaybeCloseStack: pops what ended before ts; FALSE when a
 * new complete slice [ts, ts + new_dur) would straddle an open one. */
static gboolean
close_stack (Emit *e, gint64 ts, gboolean new_pending, gint64 new_dur)
{
  gboolean incomplete = FALSE;

  for (int i = (int) e->stack->len - 1; i >= 0; i--)
    {
      const Slot *slot;
      gint64 end;

      if ((guint) i >= e->stack->len)
        continue;
      slot = &g_array_index (e->stack, Slot, i);
      if (slot->dur < 0)
        {
          incomplete = TRUE;
          continue;
        }
      end = slot->begin + slot->dur;
      if (incomplete)
        {
          if (ts <= end)
            continue;
          /* B slices inside this X outlived it: cut them at its end */
          e->im->notes[NOTE_TRUNCATED] += e->stack->len - (guint) i - 1;
          pop_to (e, (guint) i, end, FALSE);
          incomplete = FALSE;
          continue;
        }
      if (end < ts || (end == ts && !(slot->dur == 0 && !new_pending && new_dur == 0)))
        {
          pop_to (e, (guint) i, end, FALSE);
          continue;
        }
      if (!new_pending && ts < end && ts + new_dur > end)
        return FALSE;
    }
  return TRUE;
}

static void
flush_bind_next (Emit *e, guint64 t)
{
  for (guint i = 0; i < e->bind_next->len; i++)
    weft_builder_flow_end (e->b, e->s, t, g_array_index (e->bind_next, guint64, i));
  g_array_set_size (e->bind_next, 0);
}

static void
push (Emit *e, const WeftChromeRec *r, gint64 dur)
{
  Slot slot = { r->ts, dur, r->name, r->extra, SLOT_SPAN, 0 };
  guint64 t = T (e, r->ts);

  if (r->flags & (REC_F_LOCK | REC_F_COND))
    {
      char dflt[48];
      gpointer named;
      gint64 key = r->v;

      slot.kind = r->flags & REC_F_LOCK ? SLOT_LOCK : SLOT_COND;
      slot.lock = r->v;
      /* Weft's export names unnamed locks mutex@0x… / cond@0x… */
      g_snprintf (dflt, sizeof dflt, "%s@0x%" PRIx64, slot.kind == SLOT_LOCK ? "mutex" : "cond",
                  (uint64_t) r->v);
      named = g_hash_table_lookup (e->im->named_locks, &key);
      if (strcmp (str (e, r->name), dflt) != 0 && GPOINTER_TO_UINT (named) != r->name)
        {
          weft_builder_lock_name (e->b, e->s, t, (uint64_t) r->v, str (e, r->name));
          g_hash_table_insert (e->im->named_locks, g_memdup2 (&key, sizeof key),
                               GUINT_TO_POINTER (r->name));
        }
      if (slot.kind == SLOT_LOCK)
        weft_builder_lock_wait (e->b, e->s, t, (uint64_t) r->v);
      else
        weft_builder_cond_wait (e->b, e->s, t, (uint64_t) r->v,
                                g_ascii_strtoull (str (e, r->aux), NULL, 0));
    }
  else
    {
      if (r->aux != 0)
        weft_builder_span_begin_args (e->b, e->s, t, str (e, r->name), str (e, r->aux));
      else
        weft_builder_span_begin (e->b, e->s, t, str (e, r->name));
      if (e->bind_next->len > 0)
        flush_bind_next (e, t);
    }
  e->last = t;
  g_array_append_val (e->stack, slot);
}

/* An E: closes the innermost pending slice it matches. */
static void
end_event (Emit *e, const WeftChromeRec *r)
{
  close_stack (e, r->ts, TRUE, -1);
  for (int i = (int) e->stack->len - 1; i >= 0; i--)
    {
      const Slot *slot = &g_array_index (e->stack, Slot, i);

      if (slot->dur >= 0)
        continue;
      if (r->extra != 0 && slot->cat != r->extra)
        continue;
      if (r->name != 0 && slot->name != r->name)
        continue;
      pop_to (e, (guint) i, r->ts, TRUE);
      return;
    }
  e->im->skipped[SKIP_E_WITHOUT_B]++;
}

static void
counter (Emit *e, const WeftChromeRec *r, guint64 t)
{
  gpointer keys = g_hash_table_lookup (e->im->counter_keys, GUINT_TO_POINTER (r->name));
  double value;

  /* one series per key; a counter with a single key is named by itself */
  g_string_assign (e->scratch, str (e, r->name));
  if (GPOINTER_TO_UINT (keys) == G_MAXUINT32)
    g_string_append_printf (e->scratch, " %s", str (e, r->aux));
  memcpy (&value, &r->v, sizeof value);
  weft_builder_counter (e->b, e->s, t, e->scratch->str, value);
}

static void
weft_event (Emit *e, const WeftChromeRec *r, guint64 t)
{
  switch (r->extra)
    {
    case WEFT_EV_THREAD_START:
      weft_builder_thread_start (e->b, e->s, t, (uint32_t) r->v);
      break;
    case WEFT_EV_THREAD_EXIT:
      weft_builder_thread_exit (e->b, e->s, t);
      break;
    case WEFT_EV_PROCESS_FORK:
      weft_builder_process_fork (e->b, e->s, t, (uint32_t) r->v);
      break;
    case WEFT_EV_PROCESS_EXEC:
      weft_builder_process_exec (e->b, e->s, t, str (e, r->name));
      break;
    case WEFT_EV_PROCESS_EXIT:
      weft_builder_process_exit (e->b, e->s, t, (int) r->v);
      break;
    case WEFT_EV_LOST:
      weft_builder_lost (e->b, e->s, t, (uint64_t) r->v);
      break;
    case WEFT_EV_LOCK_ACQUIRED:
      weft_builder_lock_acquired (e->b, e->s, t, (uint64_t) r->v);
      break;
    case WEFT_EV_LOCK_RELEASED:
      weft_builder_lock_released (e->b, e->s, t, (uint64_t) r->v);
      break;
    default:
      break;
    }
}

/* Same-start X events: longest first, so parents precede children. */
static int
by_dur_desc (const void *a, const void *b)
{
  const WeftChromeRec *x = a, *y = b;

  if (x->v != y->v)
    return x->v > y->v ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
order_same_start (GArray *recs)
{
  guint i = 0;

  while (i < recs->len)
    {
      const WeftChromeRec *r = &g_array_index (recs, WeftChromeRec, i);
      guint j = i + 1;

      if (r->kind == REC_X)
        while (j < recs->len && g_array_index (recs, WeftChromeRec, j).kind == REC_X
               && g_array_index (recs, WeftChromeRec, j).ts == r->ts)
          j++;
      if (j - i > 1)
        qsort (&g_array_index (recs, WeftChromeRec, i), j - i, sizeof (WeftChromeRec), by_dur_desc);
      i = j;
    }
}

static void
emit_records (Emit *e, GArray *recs)
{
  for (guint i = 0; i < recs->len; i++)
    {
      const WeftChromeRec *r = &g_array_index (recs, WeftChromeRec, i);
      guint64 t = T (e, r->ts);

      switch (r->kind)
        {
        case REC_X:
          if (!close_stack (e, r->ts, FALSE, r->v))
            e->im->skipped[SKIP_X_OVERLAP]++;
          else
            push (e, r, r->v);
          continue;
        case REC_B:
          close_stack (e, r->ts, TRUE, -1);
          push (e, r, -1);
          continue;
        case REC_E:
          end_event (e, r);
          continue;
        default:
          break;
        }
      close_stack (e, r->ts, TRUE, -1);
      switch (r->kind)
        {
        case REC_INSTANT:
          weft_builder_instant (e->b, e->s, t, str (e, r->name));
          break;
        case REC_COUNTER:
          counter (e, r, t);
          break;
        case REC_WEFT:
          weft_event (e, r, t);
          break;
        case REC_TASK_BEGIN:
          weft_builder_task_begin (e->b, e->s, t, (uint64_t) r->v, str (e, r->name));
          break;
        case REC_TASK_END:
          weft_builder_task_end (e->b, e->s, t, (uint64_t) r->v);
          break;
        case REC_TASK_SUSPEND:
          weft_builder_task_suspend (e->b, e->s, t, (uint64_t) r->v);
          break;
        case REC_TASK_RESUME:
          weft_builder_task_resume (e->b, e->s, t, (uint64_t) r->v);
          break;
        case REC_FLOW_BEGIN:
          weft_builder_flow_begin (e->b, e->s, t, (uint64_t) r->v);
          break;
        case REC_FLOW_END:
          if (r->flags & REC_F_BIND_NEXT)
            {
              guint64 id = (guint64) r->v;

              g_array_append_val (e->bind_next, id);
            }
          else
            weft_builder_flow_end (e->b, e->s, t, (uint64_t) r->v);
          break;
        default:
          break;
        }
      e->last = MAX (e->last, t);
    }
  /* what is left: complete slices end at their own end, B slices inside
   * them are cut there, outer B slices stay open */
  close_stack (e, G_MAXINT64, TRUE, -1);
  e->im->notes[NOTE_B_NEVER_ENDED] += e->stack->len;
  g_array_set_size (e->stack, 0);
  if (e->bind_next->len > 0)
    flush_bind_next (e, e->last);
}

static int
by_pid_tid (gconstpointer a, gconstpointer b)
{
  const WeftChromeThread *x = *(WeftChromeThread *const *) a, *y = *(WeftChromeThread *const *) b;

  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* sched_switch data without any JSON thread (a bare systrace capture):
 * every task it names becomes a thread, named by its comm. */
static void
threads_from_sched (WeftChromeImport *im)
{
  for (guint i = 0; i < im->sched->len; i++)
    {
      const WeftChromeRec *r = &g_array_index (im->sched, WeftChromeRec, i);
      guint32 tids[2] = { r->name, (guint32) r->v };

      for (int k = 0; k < 2; k++)
        if (tids[k] != 0)
          {
            gpointer tgid = g_hash_table_lookup (im->sched_tgid, GUINT_TO_POINTER (tids[k]));

            _weft_chrome_import_thread (im, tgid != NULL ? GPOINTER_TO_UINT (tgid) : tids[k],
                                        tids[k]);
          }
    }
}

static int
by_cpu_time (const void *a, const void *b)
{
  const WeftChromeRec *x = a, *y = b;

  if (x->thread != y->thread)
    return x->thread < y->thread ? -1 : 1;
  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static gint64
sched_tid (GHashTable *known, guint32 tid)
{
  if (tid == 0)
    return WEFT_TID_IDLE;
  return g_hash_table_contains (known, GUINT_TO_POINTER (tid)) ? (gint64) tid : WEFT_TID_OTHER;
}

/* Returns the number of switches written. */
static guint64
emit_sched (Emit *e)
{
  WeftChromeImport *im = e->im;
  g_autoptr (GHashTable) known = g_hash_table_new (NULL, NULL);
  guint64 written = 0;
  guint32 cpu = G_MAXUINT32;
  gint64 running = WEFT_TID_IDLE;

  for (guint i = 0; i < im->threads->len; i++)
    {
      const WeftChromeThread *t = g_ptr_array_index (im->threads, i);

      if (t->real_tid && t->tid != 0)
        g_hash_table_add (known, GUINT_TO_POINTER (t->tid));
    }
  if (im->sched->len > 1) /* qsort of a NULL array is undefined, even of 0 items */
    qsort (im->sched->data, im->sched->len, sizeof (WeftChromeRec), by_cpu_time);
  for (guint i = 0; i < im->sched->len; i++)
    {
      const WeftChromeRec *r = &g_array_index (im->sched, WeftChromeRec, i);
      gint64 prev = sched_tid (known, r->name), next = sched_tid (known, (guint32) r->v);

      if (r->thread != cpu)
        {
          cpu = r->thread;
          e->s = weft_builder_cpu (e->b, cpu);
          running = WEFT_TID_IDLE;
        }
      /* untraced to untraced changes nothing Weft can show */
      if (prev == WEFT_TID_OTHER && next == WEFT_TID_OTHER && running == WEFT_TID_OTHER)
        continue;
      weft_builder_switch (e->b, e->s, T (e, r->ts), prev, (WeftSwitchState) r->extra, next);
      running = next;
      written++;
    }
  return written;
}

static void
append_note (GString *notes, guint64 n, const char *what)
{
  if (n == 0)
    return;
  if (notes->len > 0)
    g_string_append (notes, "; ");
  g_string_append_printf (notes, "%" G_GUINT64_FORMAT " %s", n, what);
}

static char *
describe (WeftChromeImport *im)
{
  static const char *const skip_text[SKIP_N_REASONS] = {
    [SKIP_NOT_OBJECT] = "array elements that are not objects",
    [SKIP_NO_PHASE] = "events without ph",
    [SKIP_NO_TS] = "events without ts",
    [SKIP_BAD_TS] = "events with a ts that is not a number in range",
    [SKIP_BAD_DUR] = "X events without a valid dur",
    [SKIP_X_OVERLAP] = "X events overlapping an enclosing X (dropped, as Perfetto does)",
    [SKIP_E_WITHOUT_B] = "E events without a matching B",
    [SKIP_ASYNC_NO_ID] = "async events without id",
    [SKIP_ASYNC_END_WITHOUT_BEGIN] = "async ends without a begin",
    [SKIP_FLOW_NO_ID] = "flow events without id",
    [SKIP_FLOW_WITHOUT_START] = "flow steps or ends without a start",
    [SKIP_COUNTER_VALUE] = "counter values that are not numbers",
    [SKIP_UNSUPPORTED_PHASE] = "events of unsupported phases",
    [SKIP_FTRACE_LINE] = "unreadable systemTraceEvents lines",
    [SKIP_SYSTEM_OBJECT] = "systemTraceEvents objects (not ftrace text)",
    [SKIP_TRUNCATED_TAIL] = "event cut off at the end of the file",
  };
  static const char *const note_text[NOTE_N] = {
    [NOTE_B_NEVER_ENDED] = "B slices never ended (left open)",
    [NOTE_TRUNCATED] = "slices cut at the end of their parent",
    [NOTE_TASK_NEVER_ENDED] = "async tasks never ended (left open)",
    [NOTE_NESTED_ASYNC] = "nested async slices folded into their task",
    [NOTE_DUPLICATE_METADATA] = "repeated names (the last one wins)",
    [NOTE_TRAILING_COMMA] = "trailing commas tolerated",
    [NOTE_UNCLOSED_ARRAY] = "events array without its closing bracket",
    [NOTE_SHIFTED] = "negative timestamps: times shifted to start at 0",
    [NOTE_FTRACE_OTHER] = "ftrace lines of other events ignored",
    [NOTE_DISPLAY_TIME_UNIT] = "displayTimeUnit ignored (ts is always microseconds)",
    [NOTE_BIG_ARGS] = "args objects over 64 KiB left out",
  };
  GString *notes = g_string_new (NULL);

  for (int i = 0; i < SKIP_N_REASONS; i++)
    {
      append_note (notes, im->skipped[i], skip_text[i]);
      if (i == SKIP_UNSUPPORTED_PHASE && im->skipped[i] > 0)
        {
          g_string_append (notes, " (");
          for (int c = 33; c < 127; c++)
            if (im->unsupported_phases[c / 32] & (1u << (c % 32)))
              g_string_append_c (notes, (char) c);
          g_string_append_c (notes, ')');
        }
    }
  for (int i = 0; i < NOTE_N; i++)
    append_note (notes, im->notes[i], note_text[i]);
  return g_string_free (notes, FALSE);
}

static gboolean
is_reserved_key (const char *key)
{
  return strcmp (key, "source") == 0 || strcmp (key, "sched") == 0
         || strcmp (key, "import_skipped") == 0 || strcmp (key, "import_notes") == 0;
}

static void
emit_metadata (Emit *e, guint64 switches)
{
  WeftChromeImport *im = e->im;
  const char *cpu_count = NULL, *sched_reason = NULL;
  g_autofree char *notes = NULL, *skipped = NULL, *cpus = NULL;
  guint64 total = 0;

  g_autoptr (GHashTable) said = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i + 1 < im->metadata->len; i += 2)
    g_hash_table_add (said, g_ptr_array_index (im->metadata, i));
  for (guint i = 0; i + 1 < im->metadata->len; i += 2)
    {
      const char *key = g_ptr_array_index (im->metadata, i);
      const char *value = g_ptr_array_index (im->metadata, i + 1);

      if (g_str_has_prefix (key, "chrome:"))
        {
          key += strlen ("chrome:");
          if (g_hash_table_contains (said, key))
            continue;
        }
      if (strcmp (key, "cpu_count") == 0)
        cpu_count = value;
      else if (strcmp (key, "sched_reason") == 0)
        sched_reason = value;
      else if (!is_reserved_key (key))
        weft_builder_set_metadata (e->b, key, value);
    }
  weft_builder_set_metadata (e->b, "source", "chrome-json");
  weft_builder_set_metadata (e->b, "sched", switches > 0 ? "true" : "false");
  if (switches == 0)
    weft_builder_set_metadata (e->b, "sched_reason",
                               sched_reason != NULL ? sched_reason
                                                    : "the JSON file has no sched_switch data");
  if (cpu_count == NULL && im->max_cpu >= 0 && switches > 0)
    cpu_count = cpus = g_strdup_printf ("%d", im->max_cpu + 1);
  if (cpu_count != NULL)
    weft_builder_set_metadata (e->b, "cpu_count", cpu_count);
  for (int i = 0; i < SKIP_N_REASONS; i++)
    total += im->skipped[i];
  skipped = g_strdup_printf ("%" G_GUINT64_FORMAT, total);
  weft_builder_set_metadata (e->b, "import_skipped", skipped);
  notes = describe (im);
  if (notes[0] != '\0')
    weft_builder_set_metadata (e->b, "import_notes", notes);
}

void
_weft_chrome_emit (WeftChromeImport *im, WeftBuilder *b)
{
  Emit e = { im, b };
  g_autoptr (GPtrArray) order = NULL;
  g_autoptr (GHashTable) hosts = NULL;
  guint64 switches;

  if (im->threads->len == 0)
    threads_from_sched (im);
  _weft_chrome_resolve_scoped (im);
  e.min_ts = im->min_ts;
  e.shift = im->have_ts && im->min_ts < 0;
  if (e.shift)
    im->notes[NOTE_SHIFTED]++;
  e.stack = g_array_new (FALSE, FALSE, sizeof (Slot));
  e.bind_next = g_array_new (FALSE, FALSE, sizeof (guint64));
  e.scratch = g_string_new (NULL);

  order = g_ptr_array_new ();
  for (guint i = 0; i < im->threads->len; i++)
    g_ptr_array_add (order, g_ptr_array_index (im->threads, i));
  g_ptr_array_sort (order, by_pid_tid);
  /* the process's name goes on its main thread's stream (tid == pid),
   * else on its first */
  hosts = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < order->len; i++)
    {
      WeftChromeThread *t = g_ptr_array_index (order, i);

      if (t->tid == t->pid || !g_hash_table_contains (hosts, GUINT_TO_POINTER (t->pid)))
        g_hash_table_insert (hosts, GUINT_TO_POINTER (t->pid), t);
    }
  for (guint i = 0; i < order->len; i++)
    {
      WeftChromeThread *t = g_ptr_array_index (order, i);
      WeftChromeProcess *proc = g_hash_table_lookup (im->processes, GUINT_TO_POINTER (t->pid));
      guint64 t0;
      guint32 name = t->name;

      _weft_chrome_sort_by_time (t->recs);
      order_same_start (t->recs);
      t0 = t->recs->len > 0 ? T (&e, g_array_index (t->recs, WeftChromeRec, 0).ts)
                            : T (&e, im->have_ts ? im->min_ts : 0);
      e.s = weft_builder_thread (b, t->pid, t->tid);
      e.last = t0;
      if (name == 0 && t->real_tid)
        name = GPOINTER_TO_UINT (g_hash_table_lookup (im->sched_comm, GUINT_TO_POINTER (t->tid)));
      if (name != 0)
        weft_builder_thread_name (b, e.s, t0, str (&e, name));
      if (proc != NULL && proc->name != 0
          && g_hash_table_lookup (hosts, GUINT_TO_POINTER (t->pid)) == t)
        weft_builder_process_name (b, e.s, t0, str (&e, proc->name));
      emit_records (&e, t->recs);
      g_array_set_size (t->recs, 0);
    }
  switches = emit_sched (&e);
  emit_metadata (&e, switches);
  g_array_unref (e.stack);
  g_array_unref (e.bind_next);
  g_string_free (e.scratch, TRUE);
}
