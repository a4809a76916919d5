/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-thread.c: the slow path. A thread's recording state, its stream,
 * taking a new block when one fills, name definitions, and writing any
 * event the fast path could not. Everything here may run inside a signal
 * handler: no malloc, no stdio; the only lock is taken while the thread's
 * TLS pointer says so (WEFT_TLS_BUSY), so a handler never waits for its
 * own thread.
 */
#include "weft-runtime-private.h"

#include <sys/mman.h>
#include <sys/prctl.h>

__thread WeftThread *_weft_tls __attribute__ ((tls_model ("initial-exec")));

/* --- thread state --- */

static WeftThread *
thread_attach (void)
{
  WeftThread *th;

  _weft_tls = WEFT_TLS_BUSY;
  pthread_mutex_lock (&_weft_rt.threads_lock);
  for (th = _weft_rt.threads; th != NULL && th->in_use; th = th->next_thread)
    ;
  if (th == NULL)
    {
      th = mmap (NULL, sizeof *th, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (th == MAP_FAILED)
        {
          pthread_mutex_unlock (&_weft_rt.threads_lock);
          _weft_tls = NULL;
          return NULL;
        }
      th->next_thread = _weft_rt.threads;
      _weft_rt.threads = th;
    }
  th->in_use = 1;
  pthread_mutex_unlock (&_weft_rt.threads_lock);

  th->busy = 0;
  th->fresh = 1;
  th->clock = (uint8_t) _weft_rt.clock;
  th->block = WEFT_POOL_NONE;
  th->stream = WEFT_POOL_NONE;
  th->base = NULL;
  th->off = 0;
  th->limit = 0;
  th->committed = &th->dummy_committed;
  pthread_setspecific (_weft_rt.key, th);
  _weft_tls = th;
  return th;
}

/* In a forked child only the forking thread lives on: its state starts a
 * new stream at its next event; the others' states are free for reuse. */
void
_weft_threads_after_fork (void)
{
  WeftThread *self = _weft_tls;

  pthread_mutex_init (&_weft_rt.threads_lock, NULL);
  for (WeftThread *th = _weft_rt.threads; th != NULL; th = th->next_thread)
    th->in_use = th == self;
  if ((uintptr_t) self < WEFT_TLS_SPECIAL)
    {
      if (self != NULL)
        _weft_tls = NULL;
      return;
    }
  self->fresh = 1;
  self->block = WEFT_POOL_NONE;
  self->stream = WEFT_POOL_NONE;
  self->base = NULL;
  self->off = 0;
  self->limit = 0;
  self->committed = &self->dummy_committed;
}

/* --- blocks --- */

static void
retire_block (WeftThread *th, uint32_t flags)
{
  WeftPoolBlock *b;

  if (th->block == WEFT_POOL_NONE)
    return;
  b = _weft_pool_block (_weft_rt.pool, th->block);
  b->flags |= flags;
  __atomic_store_n (&b->state, WEFT_BLOCK_FULL, __ATOMIC_RELEASE);
  th->block = WEFT_POOL_NONE;
  th->base = NULL;
  th->off = 0;
  th->limit = 0;
  th->committed = &th->dummy_committed;
  _weft_session_block_filled ();
}

static uint32_t
fast_limit (WeftThread *th)
{
  return th->clock == WEFT_CLOCK_TSC ? _weft_rt.pool->block_size - WEFT_EVENT_MAX : 0;
}

/* Takes a block for th (retiring its full one); 0 when none is left. */
static int
next_block (WeftThread *th)
{
  WeftPool *pool = _weft_rt.pool;
  WeftPoolStream *s = _weft_pool_stream (pool, th->stream);
  WeftPoolBlock *b;
  uint32_t index;

  retire_block (th, 0);
  index = _weft_pool_block_alloc (pool);
  if (index == WEFT_POOL_NONE)
    return 0;
  b = _weft_pool_block (pool, index);
  b->committed = 0;
  b->stream = th->stream;
  b->block_seq = s->n_blocks;
  b->base_time = th->last;
  b->lost = __atomic_exchange_n (&s->lost, 0, __ATOMIC_ACQ_REL);
  b->flags = 0;
  b->drained = 0;
  b->drained_time = 0;
  __atomic_store_n (&s->n_blocks, s->n_blocks + 1, __ATOMIC_RELEASE);
  __atomic_store_n (&b->state, WEFT_BLOCK_ACTIVE, __ATOMIC_RELEASE);
  th->block = index;
  th->base = _weft_pool_payload (pool, index);
  th->off = 0;
  th->committed = &b->committed;
  th->limit = fast_limit (th);
  return 1;
}

/* Counts n events lost on th's stream (it has no block). */
static void
count_lost (WeftThread *th, uint32_t n)
{
  WeftPoolStream *s = _weft_pool_stream (_weft_rt.pool, th->stream);

  if (__atomic_load_n (&s->lost, __ATOMIC_RELAXED) == 0)
    s->lost_time = th->last;
  __atomic_fetch_add (&s->lost, n, __ATOMIC_RELAXED);
}

/* --- names --- */

/* 64-bit hash of a copied name, 8 bytes at a time (wyhash-like mixing). */
static uint64_t
hash_name (const char *s, size_t len)
{
  uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
  size_t i = 0;

  for (; i + 8 <= len; i += 8)
    {
      uint64_t w;

      memcpy (&w, s + i, 8);
      h = (h ^ w) * 0xff51afd7ed558ccdull;
      h ^= h >> 32;
    }
  if (i < len)
    {
      uint64_t w = 0;

      /* Byte by byte: a memcpy of a variable size is a call. */
      for (size_t k = 0; i + k < len; k++)
        w |= (uint64_t) (uint8_t) s[i + k] << (8 * k);
      h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    }
  h ^= h >> 29;
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 32);
}

static size_t
name_length (const char *name)
{
  size_t len = strnlen (name, WEFT_NAME_MAX);

  /* Cut on a UTF-8 character boundary. */
  if (len == WEFT_NAME_MAX)
    while (len > 0 && ((uint8_t) name[len] & 0xc0) == 0x80)
      len--;
  return len;
}

static WeftNameEntry *
table_find (WeftThread *th, uint64_t key, uint32_t tag)
{
  uint32_t i = (uint32_t) ((key * 0x9e3779b97f4a7c15ull) >> 54) & (WEFT_NAME_TABLE - 1);

  for (;; i = (i + 1) & (WEFT_NAME_TABLE - 1))
    if (th->table[i].tag == 0 || (th->table[i].key == key && th->table[i].tag == tag))
      return &th->table[i];
}

/* Writes a STRING_DEF (delta 0: it takes the time of the previous event)
 * and remembers the name; returns its id. */
static uint32_t
define_name (WeftThread *th, uint8_t **pp, uint64_t key, uint32_t tag, const char *name, size_t len)
{
  WeftNameEntry *e;
  uint8_t *p = *pp;
  uint32_t id = th->next_id++;

  *p++ = WEFT_EV_STRING_DEF;
  *p++ = 0;
  p = _weft_put_varint (p, id);
  p = _weft_put_varint (p, len);
  memcpy (p, name, len);
  *pp = p + len;
  /* A full table starts over: names seen again get defined again. */
  if (th->table_used >= WEFT_NAME_TABLE * 3 / 4)
    {
      memset (th->table, 0, sizeof th->table);
      th->table_used = 0;
    }
  e = table_find (th, key, tag);
  e->key = key;
  e->tag = tag;
  e->id = id;
  th->table_used++;
  return id;
}

static uint32_t
resolve_static (WeftThread *th, uint8_t **pp, const char *name)
{
  WeftNameSlot *slot;
  WeftNameEntry *e;
  uint32_t id;

  if (name == NULL)
    return 0;
  slot = &th->names[WEFT_NAME_SLOT (name)];
  if (slot->ptr == name)
    return (uint32_t) slot->id;
  e = table_find (th, (uintptr_t) name, 1);
  id = e->tag != 0 ? e->id : define_name (th, pp, (uintptr_t) name, 1, name, name_length (name));
  slot->ptr = name;
  slot->id = id;
  return id;
}

static uint32_t
resolve_copy (WeftThread *th, uint8_t **pp, const char *name)
{
  WeftCopySlot *slot;
  WeftNameEntry *e;
  size_t len;
  uint64_t hash;
  uint32_t id;

  if (name == NULL)
    return 0;
  len = name_length (name);
  hash = hash_name (name, len);
  slot = &th->copies[hash & (WEFT_NAME_CACHE - 1)];
  if (slot->hash == hash && slot->len == len && slot->id != 0)
    return slot->id;
  e = table_find (th, hash, 2 + (uint32_t) len);
  id = e->tag != 0 ? e->id : define_name (th, pp, hash, 2 + (uint32_t) len, name, len);
  slot->hash = hash;
  slot->len = (uint32_t) len;
  slot->id = id;
  return id;
}

/* --- events --- */

static size_t
event_room (const WeftEv *ev)
{
  size_t n = WEFT_EVENT_MAX;

  /* A name may need its STRING_DEF first: kind, delta, id, length, bytes. */
  if (ev->name_mode != WEFT_NAME_NONE && ev->name != NULL)
    n += 1 + 1 + 5 + 2 + WEFT_NAME_MAX;
  return n + 1 + WEFT_VARINT_MAX * 2; /* and a LOST record */
}

/* Writes ev at p (room is there); time is the delta of the event. */
static uint8_t *
encode (WeftThread *th, uint8_t *p, const WeftEv *ev, uint64_t delta)
{
  uint8_t *q = p;
  uint32_t id = 0;

  if (ev->name_mode == WEFT_NAME_STATIC)
    id = resolve_static (th, &q, ev->name);
  else if (ev->name_mode == WEFT_NAME_COPY)
    id = resolve_copy (th, &q, ev->name);
  /* A STRING_DEF took the event's place: it has delta 0, the event keeps
   * its own. */
  p = q;
  *p++ = ev->kind;
  p = _weft_put_varint (p, delta);
  if (ev->ids_first)
    p = _weft_put_varint (p, ev->a);
  if (ev->name_mode != WEFT_NAME_NONE)
    p = _weft_put_varint (p, id);
  if (ev->n_ids >= 1 && !ev->ids_first)
    p = _weft_put_varint (p, ev->a);
  if (ev->n_ids >= 2)
    p = _weft_put_varint (p, ev->b);
  if (ev->has_value)
    {
      memcpy (p, &ev->value, 8);
      p += 8;
    }
  return p;
}

static int
start_stream (WeftThread *th);

/* With th->busy set: room, pending losses, then the event. 0 if lost. */
static int
write_event (WeftThread *th, const WeftEv *ev)
{
  WeftPool *pool = _weft_rt.pool;
  uint32_t nested, *lost;
  uint64_t delta;
  uint8_t *p;

  if (th->fresh && !start_stream (th))
    return 0;
  if (th->block == WEFT_POOL_NONE || th->off + event_room (ev) > pool->block_size)
    if (!next_block (th))
      {
        count_lost (th, 1);
        return 0;
      }
  /* A handler that finds busy set zeroes limit to send us here: restore
   * it before taking the count, so a later handler does it again. */
  th->limit = fast_limit (th);
  __atomic_signal_fence (__ATOMIC_SEQ_CST);
  /* Read before the (locked) exchange: it is nearly always 0. */
  lost = &_weft_pool_stream (pool, th->stream)->lost;
  nested = __atomic_load_n (lost, __ATOMIC_RELAXED);
  if (nested > 0)
    nested = __atomic_exchange_n (lost, 0, __ATOMIC_ACQ_REL);
  delta = _weft_delta_at (th, _weft_clock_read ((WeftClockDomain) th->clock));
  p = th->base + th->off;
  if (nested > 0)
    {
      *p++ = WEFT_EV_LOST;
      p = _weft_put_varint (p, delta);
      p = _weft_put_varint (p, nested);
      delta = 0;
    }
  p = encode (th, p, ev, delta);
  th->off = (uint32_t) (p - th->base);
  __atomic_store_n (th->committed, th->off, __ATOMIC_RELEASE);
  return 1;
}

static int
start_stream (WeftThread *th)
{
  WeftPool *pool = _weft_rt.pool;
  WeftPoolStream *s;
  char name[17] = "";
  uint32_t index = _weft_pool_stream_alloc (pool);

  if (index == WEFT_POOL_NONE)
    {
      __atomic_fetch_add (&pool->lost_unattached, 1, __ATOMIC_RELAXED);
      return 0;
    }
  th->tid = _weft_gettid ();
  s = _weft_pool_stream (pool, index);
  s->pid = _weft_rt.pid;
  s->tid = th->tid;
  /* pid, the exec generation (an exec'd program keeps the pid), and a
   * counter: unique in a file that several processes append to. */
  s->stream_id = (uint64_t) _weft_rt.pid << 32 | (uint64_t) (_weft_rt.generation & 0xff) << 24
                 | (__atomic_add_fetch (&pool->stream_counter, 1, __ATOMIC_RELAXED) & 0xffffff);
  s->n_blocks = 0;
  s->lost = 0;
  s->lost_time = 0;
  s->drained_blocks = 0;
  s->chunk_seq = 0;
  __atomic_store_n (&s->state, WEFT_POOL_STREAM_LIVE, __ATOMIC_RELEASE);

  th->stream = index;
  th->fresh = 0;
  th->next_id = 1;
  th->table_used = 0;
  memset (th->names, 0, sizeof th->names);
  memset (th->copies, 0, sizeof th->copies);
  memset (th->table, 0, sizeof th->table);
  th->last = _weft_clock_read ((WeftClockDomain) th->clock);

  /* Who this stream is, before its first event. */
  if (th->tid != _weft_rt.pid)
    write_event (th, &(WeftEv){ .kind = WEFT_EV_THREAD_START, .n_ids = 1, .a = 0 });
  if (!__atomic_exchange_n (&_weft_rt.process_named, 1, __ATOMIC_ACQ_REL))
    write_event (th, &(WeftEv){ .kind = WEFT_EV_PROCESS_NAME,
                                .name_mode = WEFT_NAME_COPY,
                                .name = _weft_rt.comm });
  prctl (PR_GET_NAME, name);
  write_event (th,
               &(WeftEv){ .kind = WEFT_EV_THREAD_NAME, .name_mode = WEFT_NAME_COPY, .name = name });
  return 1;
}

void
_weft_slow (WeftThread *th, const WeftEv *ev)
{
  if (WEFT_UNLIKELY ((uintptr_t) th < WEFT_TLS_SPECIAL))
    {
      if (!_weft_rt.enabled)
        return;
      if (th != NULL || (th = thread_attach ()) == NULL)
        {
          /* Set-up or tear-down of this thread was interrupted. */
          __atomic_fetch_add (&_weft_rt.pool->lost_unattached, 1, __ATOMIC_RELAXED);
          return;
        }
      th->busy = 1;
      __atomic_signal_fence (__ATOMIC_SEQ_CST);
    }
  write_event (th, ev);
  __atomic_signal_fence (__ATOMIC_SEQ_CST);
  th->busy = 0;
}

/* The count goes to the stream slot, where the thread's next event
 * writes it as a LOST record (limit 0 sends it to the slow path), or the
 * drainer in an empty chunk if the thread records nothing more. */
void
_weft_nested (WeftThread *th)
{
  if (th->stream == WEFT_POOL_NONE)
    {
      __atomic_fetch_add (&_weft_rt.pool->lost_unattached, 1, __ATOMIC_RELAXED);
      return;
    }
  count_lost (th, 1);
  th->limit = 0;
}

/* The pthread key's destructor: the thread's stream ends. */
void
_weft_thread_exit (void *arg)
{
  WeftThread *th = arg;

  if (th != _weft_tls)
    return;
  if (!th->fresh && _weft_rt.enabled)
    {
      th->busy = 1;
      __atomic_signal_fence (__ATOMIC_SEQ_CST);
      write_event (th, &(WeftEv){ .kind = WEFT_EV_THREAD_EXIT });
      retire_block (th, WEFT_BLOCK_LAST);
      __atomic_store_n (&_weft_pool_stream (_weft_rt.pool, th->stream)->state,
                        WEFT_POOL_STREAM_ENDED, __ATOMIC_RELEASE);
    }
  _weft_tls = WEFT_TLS_BUSY;
  pthread_mutex_lock (&_weft_rt.threads_lock);
  th->in_use = 0;
  pthread_mutex_unlock (&_weft_rt.threads_lock);
  _weft_tls = WEFT_TLS_DEAD;
}
