/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The block pool (lock-free stacks over one region) and the drainer
 * (pool -> STREAM chunks) as units: a fake writer fills blocks by hand,
 * the drainer writes them, the reader reads them back.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "weft-chunk.h"
#include "weft-drain.h"
#include "weft-pool.h"
#include "weft-reader.h"
#include "weft-varint.h"

static void
test_geometry (void)
{
  const guint64 caps[] = { 128 * 1024, 1 << 20, 64 << 20, 1ull << 30 };
  guint32 bs, ns, nb;

  g_assert_false (_weft_pool_geometry (64 * 1024, &bs, &ns, &nb));
  for (guint i = 0; i < G_N_ELEMENTS (caps); i++)
    {
      g_autofree WeftPool *pool = g_malloc0 (sizeof *pool);
      guint64 end;

      g_assert_true (_weft_pool_init (pool, caps[i], 1, WEFT_CLOCK_TSC));
      end = pool->payload_offset + (guint64) pool->n_blocks * pool->block_size;
      g_test_message ("cap %" G_GUINT64_FORMAT ": %u blocks of %u, %u streams", caps[i],
                      pool->n_blocks, pool->block_size, pool->n_streams);
      g_assert_cmpuint (end, <=, caps[i]);
      g_assert_cmpuint (pool->payload_offset % 4096, ==, 0);
      g_assert_cmpuint (pool->blocks_offset, >=,
                        pool->streams_offset + pool->n_streams * sizeof (WeftPoolStream));
      g_assert_cmpuint (pool->payload_offset, >=,
                        pool->blocks_offset + pool->n_blocks * sizeof (WeftPoolBlock));
      /* Nearly all of the cap holds events. */
      g_assert_cmpuint (end + 2 * pool->block_size + 300 * 1024, >=, caps[i]);
      g_assert_cmpuint (pool->n_blocks, >=, 7);
    }
  g_assert_true (_weft_pool_geometry (1ull << 30, &bs, &ns, &nb));
  g_assert_cmpuint (bs, ==, 256 * 1024);
  g_assert_cmpuint (ns, ==, 4096);
}

static void
test_alloc (void)
{
  WeftPool *pool = _weft_pool_create (1 << 20, 1, WEFT_CLOCK_TSC);
  g_autofree guint8 *seen = NULL;
  guint32 n = 0, index, a, b;

  g_assert_nonnull (pool);
  seen = g_malloc0 (pool->n_blocks);
  while ((index = _weft_pool_block_alloc (pool)) != WEFT_POOL_NONE)
    {
      g_assert_cmpuint (index, <, pool->n_blocks);
      g_assert_false (seen[index]);
      seen[index] = 1;
      n++;
    }
  g_assert_cmpuint (n, ==, pool->n_blocks);
  g_assert_cmpuint (_weft_pool_blocks_used (pool), ==, n);
  /* Recycled blocks come back, most recent first. */
  _weft_pool_block_free (pool, 3);
  _weft_pool_block_free (pool, 5);
  a = _weft_pool_block_alloc (pool);
  b = _weft_pool_block_alloc (pool);
  g_assert_cmpuint (a, ==, 5);
  g_assert_cmpuint (b, ==, 3);
  g_assert_cmpuint (_weft_pool_block_alloc (pool), ==, WEFT_POOL_NONE);

  for (guint32 i = 0; i < pool->n_streams; i++)
    g_assert_cmpuint (_weft_pool_stream_alloc (pool), ==, i);
  g_assert_cmpuint (_weft_pool_stream_alloc (pool), ==, WEFT_POOL_NONE);
  _weft_pool_stream_free (pool, 2);
  g_assert_cmpuint (_weft_pool_stream_alloc (pool), ==, 2);
  munmap (pool, pool->region_size);
}

typedef struct
{
  WeftPool *pool;
  guint8 *owned;
  guint64 rounds;
} Racer;

static gpointer
racer (gpointer data)
{
  Racer *r = data;

  for (guint64 i = 0; i < r->rounds; i++)
    {
      guint32 index = _weft_pool_block_alloc (r->pool);

      if (index == WEFT_POOL_NONE)
        continue;
      /* A block handed out twice would be seen owned here. */
      if (__atomic_exchange_n (&r->owned[index], 1, __ATOMIC_ACQ_REL) != 0)
        g_error ("block %u handed out twice", index);
      __atomic_store_n (&r->owned[index], 0, __ATOMIC_RELEASE);
      _weft_pool_block_free (r->pool, index);
    }
  return NULL;
}

/* Threads racing on the free stack never get one block twice (ABA). */
static void
test_concurrent (void)
{
  WeftPool *pool = _weft_pool_create (256 * 1024, 1, WEFT_CLOCK_TSC);
  g_autofree guint8 *owned = g_malloc0 (pool->n_blocks);
  Racer r = { pool, owned, 300000 };
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("racer", racer, &r);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  /* Every block is free again: exactly n_blocks allocations succeed. */
  for (guint32 i = 0; i < pool->n_blocks; i++)
    g_assert_cmpuint (_weft_pool_block_alloc (pool), !=, WEFT_POOL_NONE);
  g_assert_cmpuint (_weft_pool_block_alloc (pool), ==, WEFT_POOL_NONE);
  munmap (pool, pool->region_size);
}

/* --- a fake writer --- */

typedef struct
{
  WeftPool *pool;
  guint32 stream;
  guint32 block;
  guint64 last;
} Writer;

static void
writer_start (Writer *w, WeftPool *pool, guint32 tid)
{
  WeftPoolStream *s;

  w->pool = pool;
  w->stream = _weft_pool_stream_alloc (pool);
  w->block = WEFT_POOL_NONE;
  w->last = 1000;
  s = _weft_pool_stream (pool, w->stream);
  memset (s, 0, sizeof *s);
  s->pid = 7;
  s->tid = tid;
  s->stream_id = (7ull << 32) | tid;
  s->state = WEFT_POOL_STREAM_LIVE;
}

static void
writer_block (Writer *w)
{
  WeftPoolStream *s = _weft_pool_stream (w->pool, w->stream);
  WeftPoolBlock *b;

  w->block = _weft_pool_block_alloc (w->pool);
  g_assert_cmpuint (w->block, !=, WEFT_POOL_NONE);
  b = _weft_pool_block (w->pool, w->block);
  memset (b, 0, sizeof *b);
  b->stream = w->stream;
  b->block_seq = s->n_blocks++;
  b->base_time = w->last;
  b->lost = s->lost;
  s->lost = 0;
  b->state = WEFT_BLOCK_ACTIVE;
}

/* Appends kind, delta and one varint field (or STRING_DEF of text). */
static void
writer_event (Writer *w, guint8 kind, guint64 time, guint64 field, const char *text)
{
  WeftPoolBlock *b = _weft_pool_block (w->pool, w->block);
  guint8 *p = _weft_pool_payload (w->pool, w->block) + b->committed;

  *p++ = kind;
  p = weft_varint_put (p, time - w->last);
  w->last = time;
  if (kind != WEFT_EV_SPAN_END)
    p = weft_varint_put (p, field);
  if (text != NULL)
    {
      p = weft_varint_put (p, strlen (text));
      memcpy (p, text, strlen (text));
      p += strlen (text);
    }
  b->committed = (guint32) (p - _weft_pool_payload (w->pool, w->block));
}

static void
writer_retire (Writer *w)
{
  _weft_pool_block (w->pool, w->block)->state = WEFT_BLOCK_FULL;
  w->block = WEFT_POOL_NONE;
}

static int
open_trace (const char *path)
{
  WeftFileHeader header;
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);

  g_assert_cmpint (fd, >=, 0);
  weft_file_header_init (&header);
  g_assert_cmpint (write (fd, &header, sizeof header), ==, sizeof header);
  return fd;
}

static GArray *
read_stream (const char *path, guint expected_streams, guint stream, WeftReader **out)
{
  g_autoptr (GError) error = NULL;
  WeftReader *reader = weft_reader_open (path, &error);
  GArray *events = g_array_new (FALSE, TRUE, sizeof (WeftEvent));
  WeftStreamIter iter;
  WeftEvent ev;

  g_assert_no_error (error);
  g_assert_cmpstr (weft_reader_get_damage (reader), ==, NULL);
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, expected_streams);
  weft_stream_iter_init (&iter, reader, stream);
  while (weft_stream_iter_next (&iter, &ev))
    g_array_append_val (events, ev);
  *out = reader;
  return events;
}

#define EV(i) (&g_array_index (events, WeftEvent, (i)))

/* A block caught half full by flushes goes out in pieces, each starting
 * from the time of the event before it; nothing is written twice. */
static void
test_drain_pieces (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-pool-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.weft", NULL);
  WeftPool *pool = _weft_pool_create (1 << 20, 7, WEFT_CLOCK_MONOTONIC);
  g_autoptr (GArray) events = NULL;
  WeftReader *reader;
  WeftDrainer d;
  Writer w;
  int fd = open_trace (path);

  g_assert_cmpint (_weft_drainer_init (&d, pool, fd), ==, 0);
  writer_start (&w, pool, 70);
  writer_block (&w);
  writer_event (&w, WEFT_EV_STRING_DEF, 1000, 1, "piece");
  writer_event (&w, WEFT_EV_SPAN_BEGIN, 1500, 1, NULL);
  g_assert_cmpuint (_weft_drainer_pass (&d, WEFT_DRAIN_FULL), ==, 0);
  g_assert_cmpuint (_weft_drainer_pass (&d, WEFT_DRAIN_FLUSH), ==, 1);
  g_assert_cmpuint (_weft_drainer_pass (&d, WEFT_DRAIN_FLUSH), ==, 0);
  writer_event (&w, WEFT_EV_INSTANT, 2000, 1, NULL);
  writer_event (&w, WEFT_EV_SPAN_END, 2700, 0, NULL);
  g_assert_cmpuint (_weft_drainer_pass (&d, WEFT_DRAIN_FLUSH), ==, 1);
  writer_event (&w, WEFT_EV_INSTANT, 300000, 1, NULL);
  writer_retire (&w);
  g_assert_cmpuint (_weft_drainer_pass (&d, WEFT_DRAIN_FULL), ==, 1);
  /* Written and recycled. */
  g_assert_cmpuint (_weft_pool_block (pool, 0)->state, ==, WEFT_BLOCK_FREE);
  g_assert_cmpuint (_weft_drainer_pass (&d, WEFT_DRAIN_FINAL), ==, 0);
  g_assert_cmpint (d.error, ==, 0);
  close (fd);

  events = read_stream (path, 1, 0, &reader);
  g_assert_cmpuint (weft_reader_get_stream (reader, 0)->n_chunks, ==, 3);
  g_assert_cmpuint (weft_reader_get_stream (reader, 0)->pid, ==, 7);
  g_assert_cmpuint (weft_reader_get_stream (reader, 0)->tid, ==, 70);
  g_assert_cmpuint (events->len, ==, 4);
  g_assert_cmpuint (EV (0)->kind, ==, WEFT_EV_SPAN_BEGIN);
  g_assert_cmpuint (EV (0)->time, ==, 1500);
  g_assert_cmpstr (weft_reader_get_string (reader, EV (0)->name), ==, "piece");
  g_assert_cmpuint (EV (1)->time, ==, 2000);
  g_assert_cmpuint (EV (2)->kind, ==, WEFT_EV_SPAN_END);
  g_assert_cmpuint (EV (2)->time, ==, 2700);
  g_assert_cmpuint (EV (3)->time, ==, 300000);
  weft_reader_free (reader);
  g_remove (path);
  g_rmdir (dir);
  munmap (pool, pool->region_size);
}

/* Blocks of a stream go out in block_seq order whatever their index; a
 * block whose predecessor is still being written waits. Lost counts
 * reach the file: in the next block's header, or in an empty chunk when
 * the stream ends without one. */
static void
test_drain_order_and_lost (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-pool-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.weft", NULL);
  WeftPool *pool = _weft_pool_create (1 << 20, 7, WEFT_CLOCK_MONOTONIC);
  g_autoptr (GArray) events = NULL;
  WeftReader *reader;
  WeftDrainer d;
  Writer w;
  guint32 first;
  int fd = open_trace (path);

  g_assert_cmpint (_weft_drainer_init (&d, pool, fd), ==, 0);
  /* Take block 0 so that the stream's first block is block 1, its
   * second block 0. */
  first = _weft_pool_block_alloc (pool);
  writer_start (&w, pool, 71);
  writer_block (&w);
  g_assert_cmpuint (w.block, ==, 1);
  writer_event (&w, WEFT_EV_STRING_DEF, 1000, 1, "a");
  writer_event (&w, WEFT_EV_INSTANT, 1100, 1, NULL);
  _weft_pool_block_free (pool, first);
  writer_retire (&w);
  writer_block (&w);
  g_assert_cmpuint (w.block, ==, 0);
  writer_event (&w, WEFT_EV_INSTANT, 1200, 1, NULL);
  writer_retire (&w);
  /* The second block fills before the first went out: both now, in order. */
  g_assert_cmpuint (_weft_drainer_pass (&d, WEFT_DRAIN_FULL), ==, 2);
  /* No block left: 5 events lost; the stream ends. */
  _weft_pool_stream (pool, w.stream)->lost = 5;
  _weft_pool_stream (pool, w.stream)->lost_time = 1300;
  _weft_pool_stream (pool, w.stream)->state = WEFT_POOL_STREAM_ENDED;
  g_assert_cmpuint (_weft_drainer_pass (&d, WEFT_DRAIN_FULL), ==, 1);
  /* The slot was recycled. */
  g_assert_cmpuint (_weft_pool_stream (pool, w.stream)->state, ==, WEFT_POOL_STREAM_FREE);
  close (fd);

  events = read_stream (path, 1, 0, &reader);
  g_assert_cmpuint (events->len, ==, 3);
  g_assert_cmpuint (EV (0)->time, ==, 1100);
  g_assert_cmpuint (EV (1)->time, ==, 1200);
  g_assert_cmpuint (EV (2)->kind, ==, WEFT_EV_LOST);
  g_assert_cmpuint (EV (2)->id, ==, 5);
  g_assert_cmpuint (EV (2)->time, ==, 1300);
  g_assert_cmpuint (weft_reader_get_stream (reader, 0)->lost_in_chunks, ==, 5);
  weft_reader_free (reader);
  g_remove (path);
  g_rmdir (dir);
  munmap (pool, pool->region_size);
}

static void
test_event_walk (void)
{
  const guint8 counter[] = { WEFT_EV_COUNTER, 0x81, 0x01, 3, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f };
  const guint8 def[] = { WEFT_EV_STRING_DEF, 5, 1, 3, 'a', 'b', 'c' };
  const guint8 ext[] = { 0x45, 2, 3, 9, 9, 9 };
  const guint8 sw[] = { WEFT_EV_SCHED_SWITCH, 1, 2, 1, 4 };
  guint64 t = 10;

  g_assert_cmpuint (_weft_event_walk (counter, counter + sizeof counter, &t), ==, sizeof counter);
  g_assert_cmpuint (t, ==, 10 + 129);
  g_assert_cmpuint (_weft_event_walk (def, def + sizeof def, &t), ==, sizeof def);
  g_assert_cmpuint (_weft_event_walk (ext, ext + sizeof ext, &t), ==, sizeof ext);
  g_assert_cmpuint (_weft_event_walk (sw, sw + sizeof sw, &t), ==, sizeof sw);
  g_assert_cmpuint (t, ==, 10 + 129 + 5 + 2 + 1);
  /* Truncated anywhere: nothing decodes and the time stays. */
  for (gsize n = 0; n < sizeof counter; n++)
    g_assert_cmpuint (_weft_event_walk (counter, counter + n, &t), ==, 0);
  for (gsize n = 0; n < sizeof def; n++)
    g_assert_cmpuint (_weft_event_walk (def, def + n, &t), ==, 0);
  g_assert_cmpuint (t, ==, 147);
  /* An unknown fixed kind cannot be walked. */
  {
    const guint8 unknown[] = { 0x3f, 0 };
    g_assert_cmpuint (_weft_event_walk (unknown, unknown + 2, &t), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/pool/geometry", test_geometry);
  g_test_add_func ("/weft/pool/alloc", test_alloc);
  g_test_add_func ("/weft/pool/concurrent", test_concurrent);
  g_test_add_func ("/weft/drain/pieces", test_drain_pieces);
  g_test_add_func ("/weft/drain/order-and-lost", test_drain_order_and_lost);
  g_test_add_func ("/weft/drain/event-walk", test_event_walk);
  return g_test_run ();
}
