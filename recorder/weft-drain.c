/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-drain.c: block pool -> STREAM chunks. Each stream's blocks are
 * written in block_seq order; a block is written in one or more pieces
 * (more when a flush catches it half full), each a chunk that decodes on
 * its own: its base_time is the time of the event before it.
 */
#include "weft-drain.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "weft-chunk.h"
#include "weft-clock.h"
#include "weft-varint.h"

int
_weft_drainer_init (WeftDrainer *d, WeftPool *pool, int fd)
{
  size_t size = (size_t) pool->n_blocks * sizeof (WeftDrainItem);
  void *items;

  memset (d, 0, sizeof *d);
  /* mmap, not malloc: the scratch must survive fork and never take the
   * malloc lock at exit. */
  items = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
                0);
  if (items == MAP_FAILED)
    return -1;
  d->pool = pool;
  d->fd = fd;
  d->items = items;
  d->n_items = pool->n_blocks;
  d->blocks = _weft_pool_block (pool, 0);
  d->streams = _weft_pool_stream (pool, 0);
  d->payload = _weft_pool_payload (pool, 0);
  d->block_size = pool->block_size;
  d->n_streams = pool->n_streams;
  return 0;
}

void
_weft_drainer_fini (WeftDrainer *d)
{
  if (d->items != NULL)
    munmap (d->items, (size_t) d->n_items * sizeof (WeftDrainItem));
  d->items = NULL;
  d->n_items = 0;
}

void
_weft_drainer_set_writer (WeftDrainer *d, WeftDrainWriteFunc write, void *data)
{
  d->write = write;
  d->write_data = data;
}

static int
put_chunk (WeftDrainer *d, uint16_t type, const void *head, size_t head_size, const void *payload,
           size_t size)
{
  if (d->write != NULL)
    return d->write (d->write_data, type, head, head_size, payload, size);
  return weft_chunk_write (d->fd, type, head, head_size, payload, size);
}

static void
write_chunk (WeftDrainer *d, WeftPoolStream *s, uint64_t base_time, uint32_t lost,
             const uint8_t *events, size_t size)
{
  WeftStreamChunkHeader h = {
    .stream_id = s->stream_id,
    .pid = s->pid,
    .tid = s->tid,
    .base_time = base_time,
    .seq = s->chunk_seq++,
    .clock = (uint16_t) d->pool->clock,
    .kind = WEFT_STREAM_THREAD,
    .lost = lost,
  };

  /* Two clock pairs before the first TSC events: a file cut after them
   * (the program killed) still has a rate to convert their times. The
   * first pair was written at start, a block's worth of events ago.
   * (weft record writes its own pairs: weft-record-pools.c.) */
  if (d->clock_pairs == 1 && h.clock == WEFT_CLOCK_TSC)
    _weft_drainer_write_clock (d);
  if (put_chunk (d, WEFT_CHUNK_STREAM, &h, sizeof h, events, size) < 0)
    {
      if (d->error == 0)
        d->error = errno;
      return;
    }
  d->chunks++;
  d->bytes += size;
}

/* Shell sort: no allocation (qsort may malloc), and the items are few
 * except in a final drain of a large backlog. */
static void
sort_items (WeftDrainItem *items, uint32_t n)
{
  static const uint32_t gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };

  for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++)
    for (uint32_t i = gaps[g]; i < n; i++)
      {
        WeftDrainItem t = items[i];
        uint32_t j = i;

        for (; j >= gaps[g] && items[j - gaps[g]].key > t.key; j -= gaps[g])
          items[j] = items[j - gaps[g]];
        items[j] = t;
      }
}

/* The time of the last event of [p, end), starting from time. */
static uint64_t
walk_time (const uint8_t *p, const uint8_t *end, uint64_t time)
{
  while (p < end)
    {
      size_t n = _weft_event_walk (p, end, &time);

      if (n == 0)
        break;
      p += n;
    }
  return time;
}

static void
drain_block (WeftDrainer *d, uint32_t index, WeftDrainMode mode)
{
  WeftPoolBlock *b = &d->blocks[index];
  WeftPoolStream *s;
  uint32_t state, committed, from, stream;
  uint64_t base_time;
  const uint8_t *payload;

  stream = __atomic_load_n (&b->stream, __ATOMIC_RELAXED);
  if (stream >= d->n_streams)
    return;
  s = &d->streams[stream];
  /* Its predecessor is not written yet (it filled after our scan). */
  if (b->block_seq != s->drained_blocks)
    return;
  state = __atomic_load_n (&b->state, __ATOMIC_ACQUIRE);
  if (state != WEFT_BLOCK_FULL && (state != WEFT_BLOCK_ACTIVE || mode == WEFT_DRAIN_FULL))
    return;
  committed = __atomic_load_n (&b->committed, __ATOMIC_ACQUIRE);
  if (committed > d->block_size)
    committed = d->block_size;
  from = b->drained;
  if (from > committed)
    from = committed;
  payload = d->payload + (size_t) index * d->block_size;
  if (committed > from || (from == 0 && b->lost > 0 && state == WEFT_BLOCK_FULL))
    {
      base_time = from == 0 ? b->base_time : b->drained_time;
      write_chunk (d, s, base_time, from == 0 ? b->lost : 0, payload + from, committed - from);
      if (state == WEFT_BLOCK_ACTIVE)
        b->drained_time = walk_time (payload + from, payload + committed, base_time);
      b->drained = committed;
    }
  if (state == WEFT_BLOCK_FULL)
    {
      s->drained_blocks++;
      _weft_pool_block_free_in (d->pool, d->blocks, index);
    }
}

/* Lost counts that no block carries yet: a stream starved of blocks, or
 * whose thread a signal handler interrupted and recorded nothing since
 * (written when the stream ends, on flush and at the final drain), and
 * events no stream could take (at the final drain). */
static void
drain_streams (WeftDrainer *d, WeftDrainMode mode)
{
  WeftPool *pool = d->pool;
  uint32_t n = _weft_pool_streams_used (pool);
  WeftPoolStream *any = NULL;

  if (n > d->n_streams)
    n = d->n_streams;
  uint64_t unattached;

  for (uint32_t i = 0; i < n; i++)
    {
      WeftPoolStream *s = &d->streams[i];
      uint32_t state = __atomic_load_n (&s->state, __ATOMIC_ACQUIRE);
      uint32_t lost;

      if (state == WEFT_POOL_STREAM_FREE)
        continue;
      if (any == NULL)
        any = s;
      /* After the stream's blocks: its chunks would come first otherwise.
       * A flush or the final drain wrote every block of it just now. */
      if (s->drained_blocks != __atomic_load_n (&s->n_blocks, __ATOMIC_ACQUIRE)
          && mode == WEFT_DRAIN_FULL)
        continue;
      if (state == WEFT_POOL_STREAM_ENDED || mode != WEFT_DRAIN_FULL)
        {
          uint64_t t = s->lost_time;

          lost = __atomic_exchange_n (&s->lost, 0, __ATOMIC_ACQ_REL);
          if (lost > 0)
            write_chunk (d, s, t, lost, NULL, 0);
        }
      if (state == WEFT_POOL_STREAM_ENDED
          && s->drained_blocks == __atomic_load_n (&s->n_blocks, __ATOMIC_ACQUIRE))
        _weft_pool_stream_free_in (pool, d->streams, i);
    }
  if (mode != WEFT_DRAIN_FINAL)
    return;
  unattached = __atomic_exchange_n (&pool->lost_unattached, 0, __ATOMIC_ACQ_REL);
  if (unattached > 0)
    {
      /* A stream of this process to carry the count, or one made up. */
      WeftPoolStream none = {
        .pid = pool->pid,
        .tid = pool->pid,
        .stream_id = (uint64_t) pool->pid << 32,
        .chunk_seq = d->orphan_seq,
      };
      WeftPoolStream *s = any != NULL ? any : &none;
      uint64_t t = _weft_clock_read ((WeftClockDomain) pool->clock);

      write_chunk (d, s, t, unattached > UINT32_MAX ? UINT32_MAX : (uint32_t) unattached, NULL, 0);
      d->orphan_seq = none.chunk_seq;
    }
}

uint64_t
_weft_drainer_pass (WeftDrainer *d, WeftDrainMode mode)
{
  WeftPool *pool = d->pool;
  uint32_t n = _weft_pool_blocks_used (pool);
  uint32_t k = 0;
  uint64_t before = d->chunks;

  if (n > d->n_items)
    n = d->n_items;
  for (uint32_t i = 0; i < n; i++)
    {
      WeftPoolBlock *b = &d->blocks[i];
      uint32_t state = __atomic_load_n (&b->state, __ATOMIC_ACQUIRE);

      if (state == WEFT_BLOCK_FULL || (state == WEFT_BLOCK_ACTIVE && mode != WEFT_DRAIN_FULL))
        d->items[k++] = (WeftDrainItem){ (uint64_t) b->stream << 32 | b->block_seq, i, 0 };
    }
  sort_items (d->items, k);
  for (uint32_t i = 0; i < k; i++)
    drain_block (d, d->items[i].block, mode);
  drain_streams (d, mode);
  return d->chunks - before;
}

void
_weft_drainer_write_clock (WeftDrainer *d)
{
  WeftClockChunkHeader h = { .count = 1 };
  WeftClockSync pair;

  _weft_clock_sync (&pair);
  if (put_chunk (d, WEFT_CHUNK_CLOCK, &h, sizeof h, &pair, sizeof pair) < 0)
    {
      if (d->error == 0)
        d->error = errno;
      return;
    }
  d->clock_pairs++;
}

/* Fields after the delta, per fixed kind: 'v' varint, 'd' 8 bytes,
 * 'b' one byte, 's' string (varint length + bytes). */
static const char *const layouts[WEFT_EV_EXTENDED_FIRST] = {
  [WEFT_EV_SPAN_BEGIN] = "v",    [WEFT_EV_SPAN_END] = "",      [WEFT_EV_INSTANT] = "v",
  [WEFT_EV_COUNTER] = "vd",      [WEFT_EV_TASK_BEGIN] = "vv",  [WEFT_EV_TASK_SUSPEND] = "v",
  [WEFT_EV_TASK_RESUME] = "v",   [WEFT_EV_TASK_END] = "v",     [WEFT_EV_FLOW_BEGIN] = "v",
  [WEFT_EV_FLOW_END] = "v",      [WEFT_EV_LOCK_WAIT] = "v",    [WEFT_EV_LOCK_ACQUIRED] = "v",
  [WEFT_EV_LOCK_RELEASED] = "v", [WEFT_EV_COND_WAIT] = "vv",   [WEFT_EV_COND_WOKEN] = "v",
  [WEFT_EV_STRING_DEF] = "vs",   [WEFT_EV_LOCK_NAME] = "vv",   [WEFT_EV_THREAD_NAME] = "v",
  [WEFT_EV_PROCESS_NAME] = "v",  [WEFT_EV_LOST] = "v",         [WEFT_EV_SCHED_SWITCH] = "vbv",
  [WEFT_EV_THREAD_START] = "v",  [WEFT_EV_THREAD_EXIT] = "",   [WEFT_EV_PROCESS_FORK] = "v",
  [WEFT_EV_PROCESS_EXEC] = "v",  [WEFT_EV_PROCESS_EXIT] = "v", [WEFT_EV_SPAN_BEGIN_ARGS] = "vv",
};

size_t
_weft_event_walk (const uint8_t *p, const uint8_t *end, uint64_t *time)
{
  const uint8_t *q = p + 1;
  const char *layout;
  uint64_t delta, v;

  if (p >= end || !weft_varint_get (&q, end, &delta))
    return 0;
  if (*p >= WEFT_EV_EXTENDED_FIRST)
    layout = "s";
  else if ((layout = layouts[*p]) == NULL)
    return 0;
  for (; *layout != '\0'; layout++)
    switch (*layout)
      {
      case 'v':
        if (!weft_varint_get (&q, end, &v))
          return 0;
        break;
      case 'd':
      case 'b':
        if ((size_t) (end - q) < (*layout == 'd' ? 8u : 1u))
          return 0;
        q += *layout == 'd' ? 8 : 1;
        break;
      case 's':
        if (!weft_varint_get (&q, end, &v) || v > (uint64_t) (end - q))
          return 0;
        q += v;
        break;
      }
  *time += delta;
  return (size_t) (q - p);
}
