/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-builder-events.c: the trace builder's event calls: each encodes
 * one event (kind, time delta, fields) into its stream's current chunk.
 */
#include "weft-builder-private.h"

#include <string.h>

#include "weft-varint.h"

/* Writes the kind byte and the time delta; clamps a time that goes back. */
static uint8_t *
put_head (Stream *s, uint8_t kind, uint64_t t)
{
  uint8_t *p = s->buf + s->len;

  if (!s->started)
    {
      s->started = 1;
      s->last = t;
      if (s->head.seq == 0)
        s->head.base_time = t;
    }
  if (t < s->last)
    t = s->last;
  *p++ = kind;
  p = weft_varint_put (p, t - s->last);
  s->last = t;
  return p;
}

/* One event with up to two names and up to three integer fields. */
static void
emit (WeftBuilder *b, WeftBuilderStream sh, uint64_t t, uint8_t kind, uint64_t pre,
      int has_pre, const char *name, const char *args, int n_post, const uint64_t *post)
{
  Stream *s = _weft_builder_stream_at (b, sh);
  size_t fields = has_pre ? _weft_builder_varint_size (pre) : 0;
  uint32_t id1, id2;
  uint8_t *p;

  for (int i = 0; i < n_post; i++)
    fields += _weft_builder_varint_size (post[i]);
  if (s == NULL || _weft_builder_begin_event (b, s, t, fields, name, args, &id1, &id2) < 0)
    return;
  p = put_head (s, kind, t);
  if (has_pre)
    p = weft_varint_put (p, pre);
  if (name != NULL)
    p = weft_varint_put (p, id1);
  if (args != NULL)
    p = weft_varint_put (p, id2);
  for (int i = 0; i < n_post; i++)
    p = weft_varint_put (p, post[i]);
  s->len = (size_t) (p - s->buf);
}

void
weft_builder_span_begin (WeftBuilder *b, WeftBuilderStream s, uint64_t t, const char *name)
{
  emit (b, s, t, WEFT_EV_SPAN_BEGIN, 0, 0, name ? name : "", NULL, 0, NULL);
}

void
weft_builder_span_begin_args (WeftBuilder *b, WeftBuilderStream s, uint64_t t, const char *name,
                              const char *args)
{
  emit (b, s, t, WEFT_EV_SPAN_BEGIN_ARGS, 0, 0, name ? name : "", args ? args : "", 0, NULL);
}

void
weft_builder_span_end (WeftBuilder *b, WeftBuilderStream s, uint64_t t)
{
  emit (b, s, t, WEFT_EV_SPAN_END, 0, 0, NULL, NULL, 0, NULL);
}

void
weft_builder_instant (WeftBuilder *b, WeftBuilderStream s, uint64_t t, const char *name)
{
  emit (b, s, t, WEFT_EV_INSTANT, 0, 0, name ? name : "", NULL, 0, NULL);
}

void
weft_builder_counter (WeftBuilder *b, WeftBuilderStream sh, uint64_t t, const char *name,
                      double value)
{
  Stream *s = _weft_builder_stream_at (b, sh);
  uint32_t id;
  uint8_t *p;

  if (s == NULL || _weft_builder_begin_event (b, s, t, 8, name ? name : "", NULL, &id, NULL) < 0)
    return;
  p = put_head (s, WEFT_EV_COUNTER, t);
  p = weft_varint_put (p, id);
  /* f64 little-endian: the byte order of every platform Weft runs on. */
  memcpy (p, &value, 8);
  s->len = (size_t) (p + 8 - s->buf);
}

void
weft_builder_task_begin (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t id,
                         const char *name)
{
  emit (b, s, t, WEFT_EV_TASK_BEGIN, id, 1, name ? name : "", NULL, 0, NULL);
}

#define ID_EVENT(fn, KIND)                                                                    \
  void fn (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t id)                      \
  {                                                                                           \
    emit (b, s, t, KIND, id, 1, NULL, NULL, 0, NULL);                                         \
  }

ID_EVENT (weft_builder_task_suspend, WEFT_EV_TASK_SUSPEND)
ID_EVENT (weft_builder_task_resume, WEFT_EV_TASK_RESUME)
ID_EVENT (weft_builder_task_end, WEFT_EV_TASK_END)
ID_EVENT (weft_builder_flow_begin, WEFT_EV_FLOW_BEGIN)
ID_EVENT (weft_builder_flow_end, WEFT_EV_FLOW_END)
ID_EVENT (weft_builder_lock_wait, WEFT_EV_LOCK_WAIT)
ID_EVENT (weft_builder_lock_acquired, WEFT_EV_LOCK_ACQUIRED)
ID_EVENT (weft_builder_lock_released, WEFT_EV_LOCK_RELEASED)
ID_EVENT (weft_builder_cond_woken, WEFT_EV_COND_WOKEN)
ID_EVENT (weft_builder_lost, WEFT_EV_LOST)

void
weft_builder_lock_name (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t lock,
                        const char *name)
{
  emit (b, s, t, WEFT_EV_LOCK_NAME, lock, 1, name ? name : "", NULL, 0, NULL);
}

void
weft_builder_cond_wait (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t cond,
                        uint64_t mutex)
{
  emit (b, s, t, WEFT_EV_COND_WAIT, cond, 1, NULL, NULL, 1, &mutex);
}

void
weft_builder_thread_name (WeftBuilder *b, WeftBuilderStream s, uint64_t t, const char *name)
{
  emit (b, s, t, WEFT_EV_THREAD_NAME, 0, 0, name ? name : "", NULL, 0, NULL);
}

void
weft_builder_process_name (WeftBuilder *b, WeftBuilderStream s, uint64_t t, const char *name)
{
  emit (b, s, t, WEFT_EV_PROCESS_NAME, 0, 0, name ? name : "", NULL, 0, NULL);
}

void
weft_builder_thread_start (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint32_t creator_tid)
{
  emit (b, s, t, WEFT_EV_THREAD_START, creator_tid, 1, NULL, NULL, 0, NULL);
}

void
weft_builder_thread_exit (WeftBuilder *b, WeftBuilderStream s, uint64_t t)
{
  emit (b, s, t, WEFT_EV_THREAD_EXIT, 0, 0, NULL, NULL, 0, NULL);
}

void
weft_builder_process_fork (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint32_t child_pid)
{
  emit (b, s, t, WEFT_EV_PROCESS_FORK, child_pid, 1, NULL, NULL, 0, NULL);
}

void
weft_builder_process_exec (WeftBuilder *b, WeftBuilderStream s, uint64_t t, const char *program)
{
  emit (b, s, t, WEFT_EV_PROCESS_EXEC, 0, 0, program ? program : "", NULL, 0, NULL);
}

void
weft_builder_process_exit (WeftBuilder *b, WeftBuilderStream s, uint64_t t, int status)
{
  emit (b, s, t, WEFT_EV_PROCESS_EXIT, weft_zigzag_encode (status), 1, NULL, NULL, 0, NULL);
}

void
weft_builder_switch (WeftBuilder *b, WeftBuilderStream sh, uint64_t t, int64_t prev_tid,
                     WeftSwitchState prev_state, int64_t next_tid)
{
  Stream *s = _weft_builder_stream_at (b, sh);
  uint8_t *p;

  if (s == NULL
      || _weft_builder_begin_event (b, s, t,
                      _weft_builder_varint_size (weft_zigzag_encode (prev_tid)) + 1
                        + _weft_builder_varint_size (weft_zigzag_encode (next_tid)),
                      NULL, NULL, NULL, NULL) < 0)
    return;
  p = put_head (s, WEFT_EV_SCHED_SWITCH, t);
  p = weft_varint_put (p, weft_zigzag_encode (prev_tid));
  *p++ = (uint8_t) prev_state;
  p = weft_varint_put (p, weft_zigzag_encode (next_tid));
  s->len = (size_t) (p - s->buf);
}

void
weft_builder_raw_event (WeftBuilder *b, WeftBuilderStream sh, uint64_t t, uint8_t kind,
                        const void *payload, uint32_t size)
{
  Stream *s = _weft_builder_stream_at (b, sh);
  uint8_t *p;

  if (s == NULL
      || _weft_builder_begin_event (b, s, t, (kind >= WEFT_EV_EXTENDED_FIRST ? _weft_builder_varint_size (size) : 0) + size,
                      NULL, NULL, NULL, NULL) < 0)
    return;
  p = put_head (s, kind, t);
  /* Fixed kinds are written verbatim (tests forge them); extended kinds
   * carry their length so readers can skip them. */
  if (kind >= WEFT_EV_EXTENDED_FIRST)
    p = weft_varint_put (p, size);
  if (size > 0)
    memcpy (p, payload, size);
  s->len = (size_t) (p - s->buf) + size;
}
