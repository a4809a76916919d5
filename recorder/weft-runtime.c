/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-runtime.c: the public recording calls of weft.h.
 *
 * The fast path of every call: read the thread's state from initial-exec
 * TLS, mark it busy (a signal handler that records now only counts its
 * event lost), check that the block has WEFT_EVENT_MAX bytes left and the
 * name is cached, read the TSC, encode kind + varint delta + fields in
 * place, publish the committed byte count with a plain store, leave busy.
 * No lock, no system call, no allocation, no function call. Anything else
 * (first event of a thread, full block, new name, recording off) goes to
 * _weft_slow() in weft-thread.c.
 */
#include "weft.h"

#include "weft-runtime-private.h"

/* The slow-path entries take scalars, so the fast path calls them with a
 * tail jump and needs no stack frame of its own. */
static __attribute__ ((noinline, cold)) void
slow_named (WeftThread *th, uint8_t kind, const char *name)
{
  _weft_slow (th, &(WeftEv){ .kind = kind, .name_mode = WEFT_NAME_STATIC, .name = name });
}

static __attribute__ ((noinline, cold)) void
slow_plain (WeftThread *th, uint8_t kind)
{
  _weft_slow (th, &(WeftEv){ .kind = kind });
}

static __attribute__ ((noinline, cold)) void
slow_id (WeftThread *th, uint8_t kind, uint64_t a)
{
  _weft_slow (th, &(WeftEv){ .kind = kind, .n_ids = 1, .a = a });
}

static __attribute__ ((noinline, cold)) void
slow_counter (WeftThread *th, const char *name, double value)
{
  _weft_slow (th, &(WeftEv){ .kind = WEFT_EV_COUNTER,
                             .name_mode = WEFT_NAME_STATIC,
                             .name = name,
                             .has_value = 1,
                             .value = value });
}

static __attribute__ ((noinline, cold)) void
slow_task_begin (WeftThread *th, uint64_t id, const char *name)
{
  _weft_slow (th, &(WeftEv){ .kind = WEFT_EV_TASK_BEGIN,
                             .name_mode = WEFT_NAME_STATIC,
                             .name = name,
                             .n_ids = 1,
                             .ids_first = 1,
                             .a = id });
}

/* Opens the busy section, or leaves through slow_call (at once when not
 * recording: a program run without WEFT_TRACE pays a load and a branch). */
#define ENTER(th, slow_call)                                                                       \
  WeftThread *th = _weft_tls;                                                                      \
  if (WEFT_UNLIKELY ((uintptr_t) th < WEFT_TLS_SPECIAL))                                           \
    {                                                                                              \
      if (_weft_rt.enabled)                                                                        \
        slow_call;                                                                                 \
      return;                                                                                      \
    }                                                                                              \
  if (WEFT_UNLIKELY (th->busy))                                                                    \
    {                                                                                              \
      _weft_nested (th);                                                                           \
      return;                                                                                      \
    }                                                                                              \
  th->busy = 1;                                                                                    \
  __atomic_signal_fence (__ATOMIC_SEQ_CST);                                                        \
  if (WEFT_UNLIKELY (th->off >= th->limit))                                                        \
    {                                                                                              \
      slow_call;                                                                                   \
      return;                                                                                      \
    }

/* The id of a cached static name, or the slow path. */
#define NAME_ID(th, var, name, slow_call)                                                          \
  const WeftNameSlot *slot_ = &th->names[WEFT_NAME_SLOT (name)];                                   \
  if (WEFT_UNLIKELY (slot_->ptr != (name)))                                                        \
    {                                                                                              \
      slow_call;                                                                                   \
      return;                                                                                      \
    }                                                                                              \
  uint64_t var = slot_->id

static inline __attribute__ ((always_inline)) void
named_event (uint8_t kind, const char *name)
{
  ENTER (th, slow_named (th, kind, name));
  NAME_ID (th, id, name, slow_named (th, kind, name));
  uint64_t delta = _weft_delta (th);
  uint8_t *p = th->base + th->off;

  *p++ = kind;
  p = _weft_put_varint (p, delta);
  p = _weft_put_varint (p, id);
  _weft_commit (th, p);
}

static inline __attribute__ ((always_inline)) void
id_event (uint8_t kind, uint64_t a)
{
  ENTER (th, slow_id (th, kind, a));
  uint64_t delta = _weft_delta (th);
  uint8_t *p = th->base + th->off;

  *p++ = kind;
  p = _weft_put_varint (p, delta);
  p = weft_varint_put (p, a);
  _weft_commit (th, p);
}

WEFT_PUBLIC void
weft_span_begin (const char *name)
{
  named_event (WEFT_EV_SPAN_BEGIN, name);
}

WEFT_PUBLIC void
weft_span_end (void)
{
  ENTER (th, slow_plain (th, WEFT_EV_SPAN_END));
  uint64_t delta = _weft_delta (th);
  uint8_t *p = th->base + th->off;

  *p++ = WEFT_EV_SPAN_END;
  p = _weft_put_varint (p, delta);
  _weft_commit (th, p);
}

WEFT_PUBLIC void
weft_instant (const char *name)
{
  named_event (WEFT_EV_INSTANT, name);
}

WEFT_PUBLIC void
weft_counter (const char *name, double value)
{
  ENTER (th, slow_counter (th, name, value));
  NAME_ID (th, id, name, slow_counter (th, name, value));
  uint64_t delta = _weft_delta (th);
  uint8_t *p = th->base + th->off;

  *p++ = WEFT_EV_COUNTER;
  p = _weft_put_varint (p, delta);
  p = _weft_put_varint (p, id);
  memcpy (p, &value, 8);
  _weft_commit (th, p + 8);
}

WEFT_PUBLIC void
weft_span_begin_copy (const char *name)
{
  WeftEv ev = { .kind = WEFT_EV_SPAN_BEGIN, .name_mode = WEFT_NAME_COPY, .name = name };
  WeftThread *th = _weft_tls;

  /* Hashing the name is most of the cost; the slow path does it. */
  if ((uintptr_t) th >= WEFT_TLS_SPECIAL)
    {
      if (WEFT_UNLIKELY (th->busy))
        {
          _weft_nested (th);
          return;
        }
      th->busy = 1;
      __atomic_signal_fence (__ATOMIC_SEQ_CST);
    }
  _weft_slow (th, &ev);
}

/* Events with a copied name, rare: always the slow path. */
static void
copied_event (uint8_t kind, const char *name, int has_id, uint64_t a)
{
  WeftEv ev = { .kind = kind,
                .name_mode = WEFT_NAME_COPY,
                .name = name,
                .n_ids = (uint8_t) has_id,
                .ids_first = (uint8_t) has_id,
                .a = a };
  WeftThread *th = _weft_tls;

  if ((uintptr_t) th >= WEFT_TLS_SPECIAL)
    {
      if (th->busy)
        {
          _weft_nested (th);
          return;
        }
      th->busy = 1;
      __atomic_signal_fence (__ATOMIC_SEQ_CST);
    }
  _weft_slow (th, &ev);
}

WEFT_PUBLIC void
weft_thread_set_name (const char *name)
{
  copied_event (WEFT_EV_THREAD_NAME, name, 0, 0);
}

WEFT_PUBLIC void
weft_task_begin (uint64_t id, const char *name)
{
  ENTER (th, slow_task_begin (th, id, name));
  NAME_ID (th, name_id, name, slow_task_begin (th, id, name));
  uint64_t delta = _weft_delta (th);
  uint8_t *p = th->base + th->off;

  *p++ = WEFT_EV_TASK_BEGIN;
  p = _weft_put_varint (p, delta);
  p = weft_varint_put (p, id);
  p = _weft_put_varint (p, name_id);
  _weft_commit (th, p);
}

WEFT_PUBLIC void
weft_task_suspend (uint64_t id)
{
  id_event (WEFT_EV_TASK_SUSPEND, id);
}

WEFT_PUBLIC void
weft_task_resume (uint64_t id)
{
  id_event (WEFT_EV_TASK_RESUME, id);
}

WEFT_PUBLIC void
weft_task_end (uint64_t id)
{
  id_event (WEFT_EV_TASK_END, id);
}

WEFT_PUBLIC void
weft_flow_begin (uint64_t id)
{
  id_event (WEFT_EV_FLOW_BEGIN, id);
}

WEFT_PUBLIC void
weft_flow_end (uint64_t id)
{
  id_event (WEFT_EV_FLOW_END, id);
}

WEFT_PUBLIC void
weft_lock_name (const void *lock, const char *name)
{
  copied_event (WEFT_EV_LOCK_NAME, name, 1, (uintptr_t) lock);
}

WEFT_PUBLIC void
weft_lock_wait (const void *lock)
{
  id_event (WEFT_EV_LOCK_WAIT, (uintptr_t) lock);
}

WEFT_PUBLIC void
weft_lock_acquired (const void *lock)
{
  id_event (WEFT_EV_LOCK_ACQUIRED, (uintptr_t) lock);
}

WEFT_PUBLIC void
weft_lock_released (const void *lock)
{
  id_event (WEFT_EV_LOCK_RELEASED, (uintptr_t) lock);
}
