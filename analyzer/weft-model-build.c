/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-model-build.c: the one pass over a reader's streams that fills the
 * model. Thread streams are read one after another (a thread's events are
 * in time order within its stream, so its arrays come out sorted), then
 * the CPU streams; what crosses streams (tasks, flows) is gathered by
 * weft-model-keys.c and put together in weft-model-post.c.
 */
#include "weft-model-build.h"

#include "weft-reader-decode.h"

#include <string.h>

/* Events between two looks at the cancellable and the progress callback. */
#define CHECK_EVERY 65536

/* First sight of a reader string id: intern it and remember. */
G_NO_INLINE static guint32
name_id_slow (WeftBuild *b, guint32 reader_id)
{
  guint32 id = _weft_model_intern (b->model, weft_reader_get_string (b->reader, reader_id));

  /* Reader ids are dense; a bound keeps a surprise from costing memory. */
  if (reader_id < (1u << 26))
    {
      while (b->remap.len <= reader_id)
        WeftVecU32_append (&b->remap, 0);
      b->remap.data[reader_id] = id + 1;
    }
  return id;
}

/* The model's id for a reader string id. */
static inline guint32
name_id (WeftBuild *b, guint32 reader_id)
{
  if (reader_id == 0)
    return 0;
  if (G_LIKELY (reader_id < b->remap.len && b->remap.data[reader_id] != 0))
    return b->remap.data[reader_id] - 1;
  return name_id_slow (b, reader_id);
}

static guint32
thread_create (WeftModel *m, guint32 pid, guint32 tid, GError **error)
{
  WeftThreadData *t;

  if (m->n_threads >= WEFT_MODEL_MAX_THREADS)
    {
      g_set_error (error, WEFT_MODEL_ERROR, WEFT_MODEL_ERROR_TOO_LARGE,
                   "more than %u threads", WEFT_MODEL_MAX_THREADS);
      return WEFT_MODEL_NONE;
    }
  if (m->n_threads == m->threads_cap)
    {
      m->threads_cap = MAX (16, m->threads_cap * 2);
      m->threads = g_renew (WeftThreadData, m->threads, m->threads_cap);
    }
  t = &m->threads[m->n_threads];
  memset (t, 0, sizeof *t);
  t->pub.pid = pid;
  t->pub.tid = tid;
  t->pub.process = WEFT_MODEL_NONE;
  if (!g_hash_table_contains (m->thread_by_tid, GUINT_TO_POINTER (tid)))
    g_hash_table_insert (m->thread_by_tid, GUINT_TO_POINTER (tid),
                         GUINT_TO_POINTER (m->n_threads + 1));
  return m->n_threads++;
}

/* The thread a CPU lane names by tid (created, of unknown process, when
 * it has no stream of its own). */
static guint32
thread_for_tid (WeftBuild *b, guint32 tid, GError **error)
{
  guint slot = tid & (G_N_ELEMENTS (b->tid_cache_tid) - 1);
  gpointer value;
  guint32 index;

  if (G_LIKELY (b->tid_cache_index[slot] != 0 && b->tid_cache_tid[slot] == tid))
    return b->tid_cache_index[slot] - 1;
  value = g_hash_table_lookup (b->model->thread_by_tid, GUINT_TO_POINTER (tid));
  if (value != NULL)
    index = GPOINTER_TO_UINT (value) - 1;
  else if ((index = thread_create (b->model, 0, tid, error)) == WEFT_MODEL_NONE)
    return WEFT_MODEL_NONE;
  b->tid_cache_tid[slot] = tid;
  b->tid_cache_index[slot] = index + 1;
  return index;
}

static void
thread_seen (WeftThreadData *t, guint64 time)
{
  if (!t->seen)
    {
      t->seen = TRUE;
      t->first_event = time;
      t->last_event = time;
    }
  else
    {
      t->first_event = MIN (t->first_event, time);
      t->last_event = MAX (t->last_event, time);
    }
}

static guint32
lock_for (WeftBuild *b, guint32 pid, guint64 address, gboolean cond)
{
  WeftModel *m = b->model;
  guint32 index = _weft_key_lookup (&b->lock_keys, address, pid, cond, m->locks->len);

  if (index == m->locks->len)
    {
      WeftModelLock lock = { .address = address, .pid = pid, .cond = cond };
      g_array_append_val (m->locks, lock);
    }
  return index;
}

/* The locks a stream used lately, direct-mapped by address: programs
 * wait on a handful of locks over and over. */
#define LOCK_CACHE_SIZE 16
G_STATIC_ASSERT (LOCK_CACHE_SIZE == 1 << 4); /* the slot is the top 4 bits of a hash */

typedef struct
{
  guint64 address[LOCK_CACHE_SIZE];
  guint32 index[LOCK_CACHE_SIZE]; /* lock index + 1, 0 when empty */
  guint8 cond[LOCK_CACHE_SIZE];
} LockCache;

static inline guint32
lock_cached (WeftBuild *b, LockCache *cache, guint32 pid, guint64 address, gboolean cond)
{
  /* Multiplicative: nearby addresses (fields of one struct, ids) must not
   * share a slot, or every wait goes to the hash table. */
  guint slot = (guint) (((address ^ cond) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) >> 60);

  if (cache->index[slot] == 0 || cache->address[slot] != address || cache->cond[slot] != cond)
    {
      cache->index[slot] = lock_for (b, pid, address, cond) + 1;
      cache->address[slot] = address;
      cache->cond[slot] = (guint8) cond;
    }
  return cache->index[slot] - 1;
}

/* The open wait of t on lock, or NULL; *slot is its place in open_waits. */
static inline WeftModelWait *
open_wait (WeftThreadData *t, guint32 lock, gsize *slot)
{
  for (gsize i = 0; i < t->open_waits.len; i++)
    {
      WeftModelWait *w = &t->waits.data[t->open_waits.data[i]];
      if (w->lock == lock)
        {
          *slot = i;
          return w;
        }
    }
  return NULL;
}

static inline void
open_wait_drop (WeftThreadData *t, gsize slot)
{
  t->open_waits.data[slot] = t->open_waits.data[--t->open_waits.len];
}

/* Opens a wait. A second wait for a lock the thread is still waiting for
 * is nested in the first (a program's own weft_lock_wait() around a
 * pthread_mutex_lock() that the hooks record too): it is one wait, which
 * the outer acquire ends. The inner events stay events (other_times). */
static void
wait_begin (WeftBuild *b, WeftThreadData *t, guint64 time, guint32 lock, guint32 flags)
{
  gsize slot;
  WeftModelWait *w = open_wait (t, lock, &slot);

  if (w != NULL && (w->flags & WEFT_MODEL_WAIT_UNCLOSED))
    {
      w->flags |= WEFT_MODEL_WAIT_NESTED;
      WeftVecU64_append (&t->other_times, time);
      return;
    }
  /* A nested wait acquired once, whose outer acquire never came. */
  if (w != NULL)
    open_wait_drop (t, slot);
  WeftVecU32_append (&t->open_waits, t->waits.len);
  *WeftVecWait_push (&t->waits)
    = (WeftModelWait) { time, time, lock, flags | WEFT_MODEL_WAIT_UNCLOSED };
}

/* Acquired or woken. A nested wait ends at its first acquire but stays
 * open for the outer one, which moves the end (the lock is held from
 * the inner acquire, but the waiting code returns at the outer one). */
static void
wait_end (WeftThreadData *t, guint64 time, guint32 lock)
{
  gsize slot;
  WeftModelWait *w = open_wait (t, lock, &slot);

  if (w == NULL)
    {
      /* Acquired or woken without a wait we saw: still an event. */
      WeftVecU64_append (&t->other_times, time);
      return;
    }
  if (w->flags & WEFT_MODEL_WAIT_UNCLOSED)
    {
      w->end = time;
      w->flags &= ~WEFT_MODEL_WAIT_UNCLOSED;
      if (!(w->flags & WEFT_MODEL_WAIT_NESTED))
        open_wait_drop (t, slot);
      return;
    }
  /* The outer acquire of a nested wait: the inner one becomes an event. */
  WeftVecU64_append (&t->other_times, w->end);
  w->end = MAX (time, w->end);
  open_wait_drop (t, slot);
}

/* A release ends the hope of an outer acquire for a nested wait. */
static void
wait_released (WeftThreadData *t, guint32 lock)
{
  gsize slot;
  WeftModelWait *w = open_wait (t, lock, &slot);

  if (w != NULL && !(w->flags & WEFT_MODEL_WAIT_UNCLOSED))
    open_wait_drop (t, slot);
}

typedef struct
{
  GCancellable *cancellable;
  WeftModelProgressFunc progress;
  gpointer user_data;
  guint64 bytes_total;
  guint64 bytes_done;
} Progress;

static gboolean
check (Progress *p, guint64 stream_bytes, guint64 stream_events, GError **error)
{
  if (g_cancellable_set_error_if_cancelled (p->cancellable, error))
    return FALSE;
  if (p->progress != NULL && p->bytes_total > 0)
    {
      /* About 3 bytes an event: a guess inside the stream, exact between. */
      guint64 inside = MIN (stream_bytes, stream_events * 3);
      p->progress (0.9 * (double) (p->bytes_done + inside) / (double) p->bytes_total,
                   p->user_data);
    }
  return TRUE;
}

/* Reads one thread stream, whose first event is first; with a sink, its
 * spans that start before fold_before go there as it goes. */
static gboolean
read_thread_stream (WeftBuild *b, WeftStreamIter *iter, const WeftEvent *first, guint32 index,
                    const WeftStreamInfo *info, guint64 fold_before, Progress *p,
                    GError **error)
{
  WeftModel *m = b->model;
  WeftThreadData *t = &m->threads[index];
  const guint64 zero = m->time_zero;
  guint32 pid = info->pid;
  /* A local event: with the decoder inlined, its fields live in
   * registers and the ones this kind does not set are never cleared. */
  WeftEvent e = *first, *ev = &e;
  guint64 events = 0, n = 0, countdown = CHECK_EVERY;
  guint32 counter_name = G_MAXUINT32, counter_index = 0;
  LockCache locks = { { 0 } };
  WeftDecodeCursor cur;

  thread_seen (t, ev->time - zero);

  _weft_decode_cursor_get (&cur, iter);
  do
    {
      /* Times never go back within a stream: the decoder clamps them. */
      guint64 rel = ev->time - zero;

      switch (ev->kind)
        {
        case WEFT_EV_SPAN_BEGIN:
        case WEFT_EV_SPAN_BEGIN_ARGS:
          {
            guint32 depth = MIN (t->open_spans.len, WEFT_MODEL_SPAN_UNCLOSED - 1);

            if (ev->kind == WEFT_EV_SPAN_BEGIN_ARGS && ev->args != 0 && b->sink == NULL
                && t->spans.len < G_MAXUINT32)
              *WeftVecSpanArgs_push (&t->span_args)
                = (WeftModelSpanArgs) { t->spans.len, name_id (b, ev->args) };
            if (t->spans.len >= G_MAXUINT32)
              {
                g_set_error (error, WEFT_MODEL_ERROR, WEFT_MODEL_ERROR_TOO_LARGE,
                             "more than %u spans on thread %u", G_MAXUINT32, t->pub.tid);
                return FALSE;
              }
            WeftVecU32_append (&t->open_spans, t->spans.len);
            *WeftVecSpan_push (&t->spans) = (WeftModelSpan) {
              rel, rel, name_id (b, ev->name), depth | WEFT_MODEL_SPAN_UNCLOSED
            };
            if (G_UNLIKELY (depth + 1 > t->pub.max_depth))
              {
                t->pub.max_depth = depth + 1;
                while (t->depth_spans.len < MIN (t->pub.max_depth, WEFT_MODEL_DEPTH_COUNTS))
                  WeftVecU64_append (&t->depth_spans, 0);
              }
            t->depth_spans.data[MIN (depth, WEFT_MODEL_DEPTH_COUNTS - 1)]++;
            events++;
            break;
          }
        case WEFT_EV_SPAN_END:
          if (t->open_spans.len > 0)
            {
              gsize depth = --t->open_spans.len;
              guint32 at = t->open_spans.data[depth];

              if (G_UNLIKELY (at == WEFT_BUILD_SPAN_FOLDED))
                b->sink->end (b->sink->data, index,
                              (guint32) MIN (depth, WEFT_MODEL_SPAN_UNCLOSED - 1), rel);
              else
                {
                  WeftModelSpan *s = &t->spans.data[at];

                  /* Its depth is its place in the stack: stored, not read
                   * back and masked (a load the end would wait for). */
                  s->end = rel;
                  s->depth = (guint32) MIN (depth, WEFT_MODEL_SPAN_UNCLOSED - 1);
                }
            }
          else
            {
              t->pub.unmatched_ends++;
              WeftVecU64_append (&t->other_times, rel);
            }
          events++;
          break;
        case WEFT_EV_INSTANT:
          WeftVecU64_append (&t->instant_times, rel);
          WeftVecU32_append (&t->instant_names, name_id (b, ev->name));
          events++;
          break;
        case WEFT_EV_COUNTER:
          {
            WeftCounterData *c;

            if (ev->name != counter_name)
              {
                counter_index = _weft_build_counter_for (b, pid, name_id (b, ev->name));
                counter_name = ev->name;
              }
            c = &m->counters[counter_index];
            if (c->times.len > 0 && c->times.data[c->times.len - 1] > rel)
              c->unsorted = TRUE;
            WeftVecU64_append (&c->times, rel);
            WeftVecF64_append (&c->values, ev->value);
            events++;
            break;
          }
        case WEFT_EV_TASK_BEGIN:
          _weft_build_task_event (b, pid, ev->id, name_id (b, ev->name), rel, WEFT_TASK_OP_BEGIN);
          events++;
          break;
        case WEFT_EV_TASK_SUSPEND:
          _weft_build_task_event (b, pid, ev->id, 0, rel, WEFT_TASK_OP_SUSPEND);
          events++;
          break;
        case WEFT_EV_TASK_RESUME:
          _weft_build_task_event (b, pid, ev->id, 0, rel, WEFT_TASK_OP_RESUME);
          events++;
          break;
        case WEFT_EV_TASK_END:
          _weft_build_task_event (b, pid, ev->id, 0, rel, WEFT_TASK_OP_END);
          events++;
          break;
        case WEFT_EV_FLOW_BEGIN:
          _weft_build_flow_event (b, index, ev->id, rel, FALSE);
          break;
        case WEFT_EV_FLOW_END:
          _weft_build_flow_event (b, index, ev->id, rel, TRUE);
          events++;
          break;
        case WEFT_EV_LOCK_WAIT:
          wait_begin (b, t, rel, lock_cached (b, &locks, pid, ev->id, FALSE), 0);
          events++;
          break;
        case WEFT_EV_LOCK_ACQUIRED:
          wait_end (t, rel, lock_cached (b, &locks, pid, ev->id, FALSE));
          events++;
          break;
        case WEFT_EV_LOCK_RELEASED:
          if (t->open_waits.len > 0)
            wait_released (t, lock_cached (b, &locks, pid, ev->id, FALSE));
          WeftVecU64_append (&t->other_times, rel);
          events++;
          break;
        case WEFT_EV_COND_WAIT:
          wait_begin (b, t, rel, lock_cached (b, &locks, pid, ev->id, TRUE), WEFT_MODEL_WAIT_COND);
          events++;
          break;
        case WEFT_EV_COND_WOKEN:
          wait_end (t, rel, lock_cached (b, &locks, pid, ev->id, TRUE));
          events++;
          break;
        case WEFT_EV_LOCK_NAME:
          {
            WeftKey key = { ev->id, pid, 0 };
            g_hash_table_replace (b->lock_names, g_memdup2 (&key, sizeof key),
                                  GUINT_TO_POINTER (name_id (b, ev->name)));
            break;
          }
        case WEFT_EV_THREAD_NAME:
          t->pub.name = name_id (b, ev->name);
          break;
        case WEFT_EV_PROCESS_NAME:
          g_hash_table_insert (b->process_names, GUINT_TO_POINTER (pid),
                               GUINT_TO_POINTER (name_id (b, ev->name)));
          break;
        case WEFT_EV_PROCESS_EXEC:
          g_hash_table_insert (b->process_execs, GUINT_TO_POINTER (pid),
                               GUINT_TO_POINTER (name_id (b, ev->name)));
          break;
        case WEFT_EV_LOST:
          m->lost_events += ev->id;
          *WeftVecLost_push (&m->lost) = (WeftModelLost) { rel, ev->id };
          break;
        case WEFT_EV_THREAD_START:
          if (!t->has_created)
            {
              t->has_created = TRUE;
              t->created = rel;
            }
          break;
        case WEFT_EV_THREAD_EXIT:
          t->has_exited = TRUE;
          t->exited = rel;
          break;
        default:
          /* Forks, process exits, migrations and switches on a thread
           * stream carry nothing the model keeps. */
          break;
        }

      if (G_UNLIKELY (--countdown == 0))
        {
          n += CHECK_EVERY;
          countdown = CHECK_EVERY;
          if (!check (p, info->encoded_bytes, n, error))
            return FALSE;
          /* Folded while the spans' lines are still in the cache. */
          if (b->sink != NULL)
            _weft_build_fold_spans (b, index, fold_before);
        }
    }
  while (_weft_stream_iter_decode_at (iter, &cur, ev));

  thread_seen (t, cur.last_ns - zero);
  m->n_events += events;
  return TRUE;
}

/* A thread's stream that begins before its streams so far ended: what it
 * adds to an array that held something may need sorting. A recorder
 * writes a thread's start and exit in a stream of its own beside the
 * runtime's, which it overlaps whole; with nothing of the kind before
 * them, the runtime's spans, waits and instants are in order as read, and
 * sorting millions of them was half the load of a recording. (Kept out of
 * read_thread_stream (): live across its loop, these took registers the
 * loop needed.) */
typedef struct
{
  gboolean overlaps;
  gsize waits, instants; /* the thread's, before the stream */
} Overlap;

static gboolean
overlap_begin (WeftModel *m, WeftThreadData *t, guint64 first, Overlap *o)
{
  o->overlaps = t->seen && first - m->time_zero < t->last_event;
  o->waits = t->waits.len;
  o->instants = t->instant_times.len;
  if (!o->overlaps)
    return TRUE;
  /* Spans before this stream's would sort among its own and nest anew:
   * known now, so that none is folded before the sort. */
  if (t->spans.len > 0)
    t->unsorted = TRUE;
  /* Spans already handed to the sink cannot be: the fold cannot be exact.
   * Stop; the caller reads again keeping the spans. */
  if (t->spans_handed)
    {
      t->unsorted = TRUE;
      m->fold_overlapped = TRUE;
      return FALSE;
    }
  return TRUE;
}

static void
overlap_end (WeftThreadData *t, const Overlap *o)
{
  if (o->overlaps
      && ((o->waits > 0 && t->waits.len > o->waits)
          || (o->instants > 0 && t->instant_times.len > o->instants)))
    t->unsorted = TRUE;
}

static guint
cpu_lane (WeftModel *m, guint32 cpu)
{
  for (guint i = 0; i < m->n_cpus; i++)
    if (m->cpus[i].pub.cpu == cpu)
      return i;
  m->cpus = g_renew (WeftCpuData, m->cpus, m->n_cpus + 1);
  memset (&m->cpus[m->n_cpus], 0, sizeof (WeftCpuData));
  m->cpus[m->n_cpus].pub.cpu = cpu;
  return m->n_cpus++;
}

/* Reads one CPU stream: each switch starts a slice of its next thread and
 * tells how the previous slice ended. */
static gboolean
read_cpu_stream (WeftBuild *b, WeftStreamIter *iter, const WeftEvent *first,
                 const WeftStreamInfo *info, guint64 *total_slices, Progress *p, GError **error)
{
  WeftModel *m = b->model;
  guint lane_index = cpu_lane (m, info->tid); /* may move m->cpus: before taking &m->cpus[…] */
  WeftCpuData *lane = &m->cpus[lane_index];
  WeftEvent e = *first, *ev = &e;
  guint64 events = 0, n = 0;
  guint64 last = lane->starts.len > 0 ? lane->starts.data[lane->starts.len - 1] + m->time_zero : 0;
  guint32 prev = WEFT_MODEL_NONE;
  WeftDecodeCursor cur;

  if (lane->who.len > 0)
    prev = WEFT_MODEL_SLICE_THREAD (lane->who.data[lane->who.len - 1]);
  _weft_decode_cursor_get (&cur, iter);

  do
    {
      guint64 time = ev->time > last ? ev->time : last;
      guint64 rel;

      last = time;
      rel = time - m->time_zero;

      if (ev->kind == WEFT_EV_SCHED_SWITCH)
        {
          guint32 who;

          if (*total_slices >= G_MAXUINT32)
            {
              g_set_error (error, WEFT_MODEL_ERROR, WEFT_MODEL_ERROR_TOO_LARGE,
                           "more than %u scheduler switches", G_MAXUINT32);
              return FALSE;
            }
          if (lane->who.len > 0)
            {
              guint32 *end = &lane->who.data[lane->who.len - 1];
              *end = (*end & ~3u) | (ev->state & 3);
              if (prev < WEFT_MODEL_MAX_THREADS)
                thread_seen (&m->threads[prev], rel);
            }
          if (ev->next_tid == WEFT_TID_IDLE)
            who = WEFT_MODEL_SLICE_IDLE;
          else if (ev->next_tid < 0 || ev->next_tid > G_MAXUINT32)
            who = WEFT_MODEL_SLICE_OTHER;
          else
            {
              who = thread_for_tid (b, (guint32) ev->next_tid, error);
              if (who == WEFT_MODEL_NONE)
                return FALSE;
              thread_seen (&m->threads[who], rel);
              m->threads[who].n_switch_ins++;
            }
          prev = who;
          WeftVecU64_append (&lane->starts, rel);
          WeftVecU32_append (&lane->who, who << 2 | WEFT_SWITCH_UNKNOWN);
          (*total_slices)++;
          events++;
        }
      else if (ev->kind == WEFT_EV_LOST)
        {
          m->lost_events += ev->id;
          *WeftVecLost_push (&m->lost) = (WeftModelLost) { rel, ev->id };
        }

      if (G_UNLIKELY (++n % CHECK_EVERY == 0) && !check (p, info->encoded_bytes, n, error))
        return FALSE;
    }
  while (_weft_stream_iter_decode_at (iter, &cur, ev));

  m->n_events += events;
  return TRUE;
}

typedef struct
{
  guint stream;
  guint32 kind;
  guint32 pid;
  guint32 tid;
  guint64 first;
} StreamOrder;

static int
compare_streams (gconstpointer a, gconstpointer b)
{
  const StreamOrder *x = a, *y = b;

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  if (x->tid != y->tid)
    return x->tid < y->tid ? -1 : 1;
  if (x->first != y->first)
    return x->first < y->first ? -1 : 1;
  return x->stream < y->stream ? -1 : x->stream > y->stream;
}

static void
read_metadata (WeftModel *m, WeftReader *reader)
{
  const char *const *keys = weft_reader_get_metadata_keys (reader);
  const char *value;

  for (gsize i = 0; keys != NULL && keys[i] != NULL; i++)
    g_hash_table_replace (m->metadata, g_strdup (keys[i]),
                          g_strdup (weft_reader_get_metadata (reader, keys[i])));

  value = g_hash_table_lookup (m->metadata, "source");
  m->source = g_strdup (value != NULL && strcmp (value, "chrome-json") == 0 ? "chrome-json"
                                                                            : "weft");
  value = g_hash_table_lookup (m->metadata, "sched");
  m->sched = value != NULL && strcmp (value, "true") == 0;
  value = g_hash_table_lookup (m->metadata, "system_wide");
  m->other = value != NULL && strcmp (value, "true") == 0;
  value = g_hash_table_lookup (m->metadata, "cpu_count");
  if (value != NULL)
    {
      guint64 count;
      /* A hostile count must not make thousands of lanes. */
      if (g_ascii_string_to_unsigned (value, 10, 1, 4096, &count, NULL))
        m->cpu_count = (int) count;
    }
}

static void
build_clear (WeftBuild *b)
{
  WeftVecU32_clear (&b->remap);
  WeftVecSpan_clear (&b->spare);
  _weft_key_map_clear (&b->task_keys);
  WeftVecU64_clear (&b->task_key_ids);
  WeftVecU32_clear (&b->task_key_pids);
  WeftVecTaskEvent_clear (&b->task_events);
  _weft_key_map_clear (&b->flow_keys);
  WeftVecFlowEvent_clear (&b->flow_events);
  _weft_key_map_clear (&b->counter_keys);
  _weft_key_map_clear (&b->lock_keys);
  g_hash_table_unref (b->lock_names);
  g_hash_table_unref (b->process_names);
  g_hash_table_unref (b->process_execs);
}

static gboolean
read_streams (WeftBuild *b, Progress *p, GError **error)
{
  WeftModel *m = b->model;
  guint n = weft_reader_get_n_streams (b->reader);
  g_autofree WeftStreamIter *iters = g_new0 (WeftStreamIter, MAX (n, 1));
  g_autofree WeftEvent *firsts = g_new0 (WeftEvent, MAX (n, 1));
  g_autofree StreamOrder *order = g_new0 (StreamOrder, MAX (n, 1));
  guint n_order = 0;
  gboolean any = FALSE;
  guint64 t0 = G_MAXUINT64, total_slices = 0;
  guint32 current = WEFT_MODEL_NONE;

  /* Time zero is the earliest first event of any stream. */
  for (guint i = 0; i < n; i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (b->reader, i);

      p->bytes_total += info->encoded_bytes;
      weft_stream_iter_init (&iters[i], b->reader, i);
      if (!weft_stream_iter_next (&iters[i], &firsts[i]))
        continue;
      any = TRUE;
      t0 = MIN (t0, firsts[i].time);
      order[n_order++] = (StreamOrder) { i, info->kind == WEFT_STREAM_CPU ? 1 : 0, info->pid,
                                         info->tid, firsts[i].time };
    }
  m->time_zero = any ? t0 : 0;
  qsort (order, n_order, sizeof (StreamOrder), compare_streams);

  for (guint k = 0; k < n_order; k++)
    {
      guint i = order[k].stream;
      const WeftStreamInfo *info = weft_reader_get_stream (b->reader, i);

      if (info->kind == WEFT_STREAM_CPU)
        {
          m->sched = TRUE;
          if (!read_cpu_stream (b, &iters[i], &firsts[i], info, &total_slices, p, error))
            return FALSE;
        }
      else
        {
          guint64 before = G_MAXUINT64;
          Overlap overlap;

          /* Streams of one thread are adjacent: they share its arrays. */
          if (current == WEFT_MODEL_NONE || m->threads[current].pub.pid != info->pid
              || m->threads[current].pub.tid != info->tid)
            {
              if (b->sink != NULL && current != WEFT_MODEL_NONE)
                _weft_build_spans_recycle (b, &m->threads[current].spans);
              current = thread_create (m, info->pid, info->tid, error);
              if (current == WEFT_MODEL_NONE)
                return FALSE;
              if (b->sink != NULL)
                _weft_build_spans_recycle (b, &m->threads[current].spans);
            }
          if (k + 1 < n_order && order[k + 1].kind == order[k].kind
              && order[k + 1].pid == info->pid && order[k + 1].tid == info->tid)
            before = order[k + 1].first - m->time_zero;
          if (!overlap_begin (m, &m->threads[current], firsts[i].time, &overlap)
              || !read_thread_stream (b, &iters[i], &firsts[i], current, info, before, p, error))
            return FALSE;
          overlap_end (&m->threads[current], &overlap);
          if (b->sink != NULL)
            _weft_build_fold_spans (b, current, before);
        }
      p->bytes_done += info->encoded_bytes;
      if (!check (p, 0, 0, error))
        return FALSE;
    }

  for (guint i = 0; i < m->n_threads; i++)
    if (m->threads[i].seen)
      m->duration = MAX (m->duration, m->threads[i].last_event);
  for (guint i = 0; i < m->n_cpus; i++)
    if (m->cpus[i].starts.len > 0)
      m->duration = MAX (m->duration, m->cpus[i].starts.data[m->cpus[i].starts.len - 1]);
  for (gsize i = 0; i < m->lost.len; i++)
    m->duration = MAX (m->duration, m->lost.data[i].time);
  return TRUE;
}

gboolean
_weft_model_build (WeftModel *m, WeftReader *reader, const WeftModelSpanSink *sink,
                   const WeftModelSweepSink *sweep, WeftModelProgressFunc progress,
                   gpointer user_data, GCancellable *cancellable, GError **error)
{
  WeftBuild b = { .model = m, .reader = reader, .sink = sink, .sweep = sweep };
  Progress p = { cancellable, progress, user_data, 0, 0 };
  gboolean ok;

  b.lock_names = g_hash_table_new_full (weft_key_hash, weft_key_equal, g_free, NULL);
  b.process_names = g_hash_table_new (NULL, NULL);
  b.process_execs = g_hash_table_new (NULL, NULL);

  read_metadata (m, reader);
  ok = read_streams (&b, &p, error);
  if (ok)
    {
      /* Lanes for every core, even one that never switched. */
      if (m->sched)
        for (int c = 0; c < m->cpu_count; c++)
          cpu_lane (m, (guint32) c);
      if (m->cpu_count < 0 && m->n_cpus > 0)
        m->cpu_count = (int) m->n_cpus;

      _weft_model_post_threads (&b);
      _weft_model_post_tasks (&b);
      _weft_model_post_flows (&b);
      _weft_model_post_counters (&b);
      _weft_model_post_locks (&b);
      _weft_model_post_processes (&b);
      if (progress != NULL)
        progress (1.0, user_data);
    }
  build_clear (&b);
  return ok;
}
