/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-reader-decode.h: the event decoder as an inline function, for the
 * loops that decode every event of a trace (the model's build): inlined
 * there, the call, the clearing of a WeftEvent and its reading back go
 * away. weft_stream_iter_next() is this function too. The rare paths (a
 * new chunk, a string definition, damage) stay out of line. Private to
 * the analyzer.
 */
#pragma once

#include "weft-reader-private.h"
#include "weft-varint.h"

G_BEGIN_DECLS

#define IT_DENSE(it) ((DenseMap *) (it)->reserved[0])
#define IT_CHUNK(it) ((const ReaderChunk *) (it)->reserved[1])

/* weft-reader-iter.c */
gboolean _weft_stream_iter_next_chunk (WeftStreamIter *iter);
void _weft_stream_iter_damage (WeftStreamIter *iter, const guint8 *at, const char *what);
void _weft_stream_iter_unknown_kind (WeftStreamIter *iter, const guint8 *at, guint kind);
gboolean _weft_stream_iter_string_def (WeftStreamIter *iter, const guint8 **pp,
                                       const guint8 *end);
guint32 _weft_stream_iter_lookup_slow (WeftReader *reader, ReaderStream *st, guint64 local);

static inline guint64
_weft_reader_seg_apply (const ClockSeg *s, guint64 tsc)
{
  unsigned __int128 d;

  /* Rounded to the nearest ns: pairs with an exact rate convert exactly. */
  if (tsc >= s->tsc0)
    {
      d = ((unsigned __int128) (tsc - s->tsc0) * s->mult + CLOCK_HALF) >> CLOCK_SHIFT;
      return d > G_MAXUINT64 - s->ns0 ? G_MAXUINT64 : s->ns0 + (guint64) d;
    }
  d = ((unsigned __int128) (s->tsc0 - tsc) * s->mult + CLOCK_HALF) >> CLOCK_SHIFT;
  return d > s->ns0 ? 0 : s->ns0 - (guint64) d;
}

static inline guint64
_weft_stream_iter_to_ns (WeftStreamIter *iter, guint64 t)
{
  WeftReader *reader = iter->reader;
  guint i;

  if (iter->clock == WEFT_CLOCK_MONOTONIC || reader->n_segs == 0)
    return t;
  i = GPOINTER_TO_UINT (iter->clock_state);
  while (i + 1 < reader->n_segs && t >= reader->segs[i + 1].tsc0)
    i++;
  while (i > 0 && t < reader->segs[i].tsc0)
    i--;
  iter->clock_state = GUINT_TO_POINTER (i);
  return _weft_reader_seg_apply (&reader->segs[i], t);
}

/* The segment for tsc: the last whose tsc0 <= tsc, or the first
 * (weft-reader-iter.c). Segments are sorted, their tsc0 rising. */
guint _weft_reader_seg_find (const WeftReader *reader, guint64 tsc);

#define VARINT(v)                                                                             \
  do                                                                                          \
    {                                                                                         \
      if (G_UNLIKELY (!weft_varint_get (&p, end, &(v))))                                      \
        goto truncated;                                                                       \
    }                                                                                         \
  while (0)

#define NAME(field)                                                                           \
  do                                                                                          \
    {                                                                                         \
      guint64 local_;                                                                         \
      const DenseMap *m_ = IT_DENSE (iter);                                                   \
      VARINT (local_);                                                                        \
      if (G_LIKELY (local_ < m_->len && m_->ids[local_] != 0))                                \
        ev->field = m_->ids[local_] - 1;                                                      \
      else                                                                                    \
        ev->field = _weft_stream_iter_lookup_slow (                                           \
          iter->reader, &iter->reader->streams[iter->stream], local_);                        \
    }                                                                                         \
  while (0)

/* The decoder's moving state. A loop over a whole stream keeps it in a
 * local of its own, so it stays in registers from one event to the next;
 * in the iterator, which the slow paths take by address, every event
 * stored it and loaded it back (12 % of decoding). */
typedef struct
{
  const guint8 *p, *end; /* cursor in the current chunk */
  guint64 last;          /* previous event time, stream clock */
  guint64 last_ns;       /* previous returned time */
  /* The clock segment of the previous time (NULL: the stream's times are
   * ns already) and the ticks [seg_lo, seg_hi) it converts with neither
   * a search nor a check: from its tsc0 up to the next segment's, and
   * short of where ns would saturate. Through the iterator, the search's
   * cursor was loaded and stored every event (a tenth of loading a
   * recording), and the checks were a third of the conversion. */
  const ClockSeg *seg;
  guint64 seg_lo, seg_hi;
} WeftDecodeCursor;

static inline void
_weft_decode_cursor_clock (WeftDecodeCursor *c, const WeftReader *reader, guint i)
{
  const ClockSeg *s = &reader->segs[i];
  guint64 hi = i + 1 < reader->n_segs ? reader->segs[i + 1].tsc0 : G_MAXUINT64;

  if (s->mult > 0)
    {
      /* x ticks past tsc0 with x * mult below room round to at most
       * G_MAXUINT64 - ns0 ns. */
      unsigned __int128 room
        = (((unsigned __int128) (G_MAXUINT64 - s->ns0) + 1) << CLOCK_SHIFT) - CLOCK_HALF;
      unsigned __int128 safe = room / s->mult;

      if (safe < (unsigned __int128) (hi - s->tsc0))
        hi = s->tsc0 + (guint64) safe;
    }
  c->seg = s;
  c->seg_lo = s->tsc0;
  c->seg_hi = hi;
}

/* The iterator's moving state into c; with clocked, also its clock
 * segment (for a loop over many events: one event at a time, the
 * iterator's own search is cheaper than setting the segment up). */
static inline G_ALWAYS_INLINE void
_weft_decode_cursor_load (WeftDecodeCursor *c, const WeftStreamIter *iter, gboolean clocked)
{
  const WeftReader *reader = iter->reader;

  *c = (WeftDecodeCursor) { iter->p, iter->end, iter->last, iter->last_ns, NULL, 0, 0 };
  if (clocked && iter->clock != WEFT_CLOCK_MONOTONIC && reader->n_segs > 0)
    _weft_decode_cursor_clock (c, reader,
                               MIN (GPOINTER_TO_UINT (iter->clock_state), reader->n_segs - 1));
}

static inline void
_weft_decode_cursor_get (WeftDecodeCursor *c, const WeftStreamIter *iter)
{
  _weft_decode_cursor_load (c, iter, TRUE);
}

static inline void
_weft_decode_cursor_put (const WeftDecodeCursor *c, WeftStreamIter *iter)
{
  iter->p = c->p;
  iter->end = c->end;
  iter->last = c->last;
  iter->last_ns = c->last_ns;
  if (c->seg != NULL)
    iter->clock_state = GUINT_TO_POINTER ((guint) (c->seg - iter->reader->segs));
}

/* The next event of iter, whose moving state is c (the iterator's own
 * copy of it is stale until _weft_decode_cursor_put()). Always inlined:
 * GCC otherwise keeps one out-of-line copy per file, and the call is what
 * this header is for. clocked (a constant): c keeps the clock segment. */
static inline G_ALWAYS_INLINE gboolean
_weft_stream_iter_decode_with (WeftStreamIter *iter, WeftDecodeCursor *c, WeftEvent *ev,
                               gboolean clocked)
{
  const guint8 *p = c->p, *end = c->end;
  guint64 t = c->last, v;
  guint kind;

  for (;;)
    {
      if (G_UNLIKELY (p >= end))
        {
          c->p = p;
          c->last = t;
          _weft_decode_cursor_put (c, iter);
          if (!_weft_stream_iter_next_chunk (iter))
            {
              iter->p = iter->end = NULL;
              c->p = c->end = NULL;
              return FALSE;
            }
          _weft_decode_cursor_load (c, iter, clocked);
          p = c->p;
          end = c->end;
          t = c->last;
          if (iter->pending_lost > 0)
            {
              memset (ev, 0, sizeof *ev);
              ev->kind = WEFT_EV_LOST;
              ev->id = iter->pending_lost;
              ev->time = MAX (_weft_stream_iter_to_ns (iter, iter->pending_time), c->last_ns);
              c->last_ns = ev->time;
              iter->pending_lost = 0;
              return TRUE;
            }
          continue;
        }

      kind = *p++;
      VARINT (v);
      t = v > G_MAXUINT64 - t ? G_MAXUINT64 : t + v;
      memset (ev, 0, sizeof *ev);
      ev->kind = (guint8) kind;

      /* Span ends and begins, most events, are tested for first: two
       * conditional branches predict better than the jump table's one
       * indirect jump (5 % of the model's build). */
      if (kind == WEFT_EV_SPAN_END)
        ; /* nothing more to read */
      else if (kind == WEFT_EV_SPAN_BEGIN)
        NAME (name);
      else
        switch (kind)
          {
          case WEFT_EV_SPAN_BEGIN:
          case WEFT_EV_INSTANT:
          case WEFT_EV_THREAD_NAME:
          case WEFT_EV_PROCESS_NAME:
          case WEFT_EV_PROCESS_EXEC:
            NAME (name);
            break;
          case WEFT_EV_SPAN_END:
          case WEFT_EV_THREAD_EXIT:
            break;
          case WEFT_EV_SPAN_BEGIN_ARGS:
            NAME (name);
            NAME (args);
            break;
          case WEFT_EV_COUNTER:
            NAME (name);
            if (G_UNLIKELY (end - p < 8))
              goto truncated;
            {
              guint64 bits;
              memcpy (&bits, p, 8);
              bits = GUINT64_FROM_LE (bits);
              memcpy (&ev->value, &bits, 8);
            }
            p += 8;
            break;
          case WEFT_EV_TASK_BEGIN:
          case WEFT_EV_LOCK_NAME:
            VARINT (ev->id);
            NAME (name);
            break;
          case WEFT_EV_TASK_SUSPEND:
          case WEFT_EV_TASK_RESUME:
          case WEFT_EV_TASK_END:
          case WEFT_EV_FLOW_BEGIN:
          case WEFT_EV_FLOW_END:
          case WEFT_EV_LOCK_WAIT:
          case WEFT_EV_LOCK_ACQUIRED:
          case WEFT_EV_LOCK_RELEASED:
          case WEFT_EV_COND_WOKEN:
          case WEFT_EV_LOST:
          case WEFT_EV_THREAD_START:
          case WEFT_EV_PROCESS_FORK:
            VARINT (ev->id);
            break;
          case WEFT_EV_COND_WAIT:
            VARINT (ev->id);
            VARINT (ev->id2);
            break;
          case WEFT_EV_PROCESS_EXIT:
            VARINT (v);
            ev->prev_tid = weft_zigzag_decode (v);
            break;
          case WEFT_EV_SCHED_SWITCH:
            VARINT (v);
            ev->prev_tid = weft_zigzag_decode (v);
            if (G_UNLIKELY (p >= end))
              goto truncated;
            ev->state = *p <= WEFT_SWITCH_UNKNOWN ? *p : WEFT_SWITCH_UNKNOWN;
            p++;
            VARINT (v);
            ev->next_tid = weft_zigzag_decode (v);
            break;
          case WEFT_EV_STRING_DEF:
            {
              /* Through a copy: p's own address, once taken, kept p in
               * memory for the whole loop (11 % of the model's build). */
              const guint8 *q = p;
              gboolean ok = _weft_stream_iter_string_def (iter, &q, end);

              p = q;
              if (G_UNLIKELY (!ok))
                goto truncated;
              continue;
            }
          default:
            if (kind >= WEFT_EV_EXTENDED_FIRST)
              {
                VARINT (v);
                if (G_UNLIKELY (v > (guint64) (end - p)))
                  goto truncated;
                p += v; /* a newer writer's event: skipped */
                continue;
              }
            _weft_stream_iter_unknown_kind (iter, p - 1, kind);
            p = end;
            continue;
          }

      if (!clocked)
        ev->time = iter->clock == WEFT_CLOCK_MONOTONIC ? t : _weft_stream_iter_to_ns (iter, t);
      else if (c->seg == NULL)
        ev->time = t;
      else
        {
          /* Unsigned: below seg_lo wraps past the width. */
          if (G_UNLIKELY (t - c->seg_lo >= c->seg_hi - c->seg_lo))
            _weft_decode_cursor_clock (c, iter->reader, _weft_reader_seg_find (iter->reader, t));
          if (G_LIKELY (t - c->seg_lo < c->seg_hi - c->seg_lo))
            ev->time = c->seg->ns0
                       + (guint64) (((unsigned __int128) (t - c->seg_lo) * c->seg->mult
                                     + CLOCK_HALF)
                                    >> CLOCK_SHIFT);
          else /* before the first pair, or past saturation */
            ev->time = _weft_reader_seg_apply (c->seg, t);
        }
      if (G_UNLIKELY (ev->time < c->last_ns))
        ev->time = c->last_ns;
      c->last_ns = ev->time;
      c->p = p;
      c->last = t;
      return TRUE;

    truncated:
      _weft_stream_iter_damage (iter, p, "truncated event");
      p = end;
    }
}

#undef VARINT
#undef NAME

/* For a loop over a stream: c, from _weft_decode_cursor_get (), keeps
 * the clock segment from one event to the next. */
static inline G_ALWAYS_INLINE gboolean
_weft_stream_iter_decode_at (WeftStreamIter *iter, WeftDecodeCursor *c, WeftEvent *ev)
{
  return _weft_stream_iter_decode_with (iter, c, ev, TRUE);
}

/* The next event of iter, its state read and written back around it. */
static inline G_ALWAYS_INLINE gboolean
_weft_stream_iter_decode (WeftStreamIter *iter, WeftEvent *ev)
{
  WeftDecodeCursor c;
  gboolean ok;

  _weft_decode_cursor_load (&c, iter, FALSE);
  ok = _weft_stream_iter_decode_with (iter, &c, ev, FALSE);
  if (ok)
    _weft_decode_cursor_put (&c, iter);
  return ok;
}

G_END_DECLS
