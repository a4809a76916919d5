/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-record-pools.c: weft record's side of the shared pools, driven by
 * a pool made here and sent over the session socket as libweft does: full
 * blocks are drained while the connection is open, the committed part of
 * active blocks when it closes (the process died), never an unfinished
 * event; bad hellos are refused; a pool full of garbage, or scribbled on
 * after it was checked, never takes the recorder outside the mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "weft-format.h"
#include "weft-pool.h"
#include "weft-reader.h"
#include "weft-record-pools.h"
#include "weft-varint.h"

#define CAP (1u << 20)
#define PID 4242u
#define TID 4243u

typedef struct
{
  char *dir;
  char *sock;
  char *out;
  WeftBuilder *b;
  WeftPools *pools;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("weft-record-pools-XXXXXX", &error);
  g_assert_no_error (error);
  f->sock = g_build_filename (f->dir, "session", NULL);
  f->out = g_build_filename (f->dir, "out.weft", NULL);
  f->b = weft_builder_new (f->out);
  g_assert_nonnull (f->b);
  f->pools = weft_pools_new (f->b, f->sock);
  g_assert_nonnull (f->pools);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  weft_pools_free (f->pools);
  if (f->b != NULL)
    weft_builder_abandon (f->b);
  g_unlink (f->out);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->sock);
  g_free (f->out);
}

/* Connects and sends hello with fd (or none when fd < 0); the socket. */
static int
send_hello (Fixture *f, const WeftPoolHello *hello, int fd)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  union
  {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (int))];
  } control;
  struct iovec iov = { (void *) hello, sizeof *hello };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
  int sock = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

  g_assert_cmpint (sock, >=, 0);
  strcpy (addr.sun_path, f->sock);
  g_assert_cmpint (connect (sock, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  if (fd >= 0)
    {
      struct cmsghdr *c;

      memset (control.buf, 0, sizeof control.buf);
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;
      c = CMSG_FIRSTHDR (&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &fd, sizeof fd);
    }
  g_assert_cmpint (sendmsg (sock, &msg, 0), ==, sizeof *hello);
  return sock;
}

static WeftPoolHello
hello_for (WeftPool *pool)
{
  WeftPoolHello h = {
    .magic = WEFT_POOL_HELLO_MAGIC,
    .version = WEFT_POOL_HELLO_VERSION,
    .pid = pool->pid,
    .region_size = pool->region_size,
  };

  return h;
}

/* A block of stream 0 holding a definition of "tick" (when first) and n
 * instants one ns apart; committed stops before `torn` bytes of an event
 * that was being written. */
static void
fill_block (WeftPool *pool, uint32_t index, uint32_t seq, int first, int n, int torn)
{
  WeftPoolBlock *b = _weft_pool_block (pool, index);
  uint8_t *p = _weft_pool_payload (pool, index), *start = p;

  if (first)
    {
      *p++ = WEFT_EV_STRING_DEF;
      p = weft_varint_put (p, 0);
      p = weft_varint_put (p, 1);
      p = weft_varint_put (p, 4);
      memcpy (p, "tick", 4);
      p += 4;
    }
  for (int i = 0; i < n; i++)
    {
      *p++ = WEFT_EV_INSTANT;
      *p++ = 1;
      *p++ = 1;
    }
  b->stream = 0;
  b->block_seq = seq;
  b->base_time = 1000000 + seq * 1000;
  b->committed = (uint32_t) (p - start);
  /* Unfinished: the kind and delta of an instant, not its name. */
  for (int i = 0; i < torn; i++)
    *p++ = i == 0 ? WEFT_EV_INSTANT : 1;
}

static WeftPool *
make_pool (int *fd)
{
  WeftPool *pool = _weft_pool_create_shared (CAP, PID, WEFT_CLOCK_MONOTONIC, fd);
  WeftPoolStream *s;

  g_assert_nonnull (pool);
  g_assert_cmpuint (_weft_pool_stream_alloc (pool), ==, 0);
  s = _weft_pool_stream (pool, 0);
  s->pid = PID;
  s->tid = TID;
  s->stream_id = (uint64_t) PID << 32 | 1;
  s->n_blocks = 2;
  s->state = WEFT_POOL_STREAM_LIVE;
  return pool;
}

static guint64
count_instants (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_reader_open (path, &error);
  guint64 n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, i);
      WeftStreamIter iter;
      WeftEvent ev;

      if (info->tid != TID)
        continue;
      g_assert_cmpuint (info->pid, ==, PID);
      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        if (ev.kind == WEFT_EV_INSTANT)
          {
            g_assert_cmpstr (weft_reader_get_string (reader, ev.name), ==, "tick");
            n++;
          }
    }
  return n;
}

static void
test_drain (Fixture *f, gconstpointer data)
{
  int fd, sock;
  WeftPool *pool = make_pool (&fd);
  WeftPoolHello hello = hello_for (pool);
  uint32_t full = _weft_pool_block_alloc (pool), active = _weft_pool_block_alloc (pool);
  WeftPoolsStats st;

  fill_block (pool, full, 0, 1, 500, 0);
  fill_block (pool, active, 1, 0, 300, 2);
  _weft_pool_block (pool, full)->state = WEFT_BLOCK_FULL;
  _weft_pool_block (pool, active)->state = WEFT_BLOCK_ACTIVE;
  pool->blocks_filled = 1;

  sock = send_hello (f, &hello, fd);
  close (fd);
  weft_pools_service (f->pools, 1);
  g_assert_true (weft_pools_busy (f->pools));
  weft_pools_get_stats (f->pools, &st);
  g_assert_cmpuint (st.processes, ==, 1);
  g_assert_cmpuint (st.refused, ==, 0);
  /* While it runs: the full block only, then back on the free list. */
  g_assert_cmpuint (st.stream_chunks, ==, 1);
  g_assert_cmpuint (_weft_pool_block (pool, full)->state, ==, WEFT_BLOCK_FREE);
  g_assert_cmpuint (pool->free_blocks, ==, 1);

  /* The process dies: the active block's committed events, not the torn one. */
  close (sock);
  weft_pools_service (f->pools, 2);
  g_assert_false (weft_pools_busy (f->pools));
  weft_pools_get_stats (f->pools, &st);
  g_assert_cmpuint (st.stream_chunks, ==, 2);
  weft_pools_finish (f->pools);
  g_assert_cmpint (weft_builder_finish (f->b), ==, 0);
  f->b = NULL;
  g_assert_cmpuint (count_instants (f->out), ==, 800);
  /* The socket is gone with the recording. */
  g_assert_false (g_file_test (f->sock, G_FILE_TEST_EXISTS));
  munmap (pool, CAP);
}

/* Still connected when the recording ends: drained to its last event. */
static void
test_finish_live (Fixture *f, gconstpointer data)
{
  int fd, sock;
  WeftPool *pool = make_pool (&fd);
  WeftPoolHello hello = hello_for (pool);
  uint32_t active = _weft_pool_block_alloc (pool);

  fill_block (pool, active, 0, 1, 77, 1);
  _weft_pool_block (pool, active)->state = WEFT_BLOCK_ACTIVE;
  _weft_pool_stream (pool, 0)->n_blocks = 1;
  sock = send_hello (f, &hello, fd);
  close (fd);
  /* Not even serviced once: finish accepts and receives it. */
  weft_pools_finish (f->pools);
  g_assert_cmpint (weft_builder_finish (f->b), ==, 0);
  f->b = NULL;
  g_assert_cmpuint (count_instants (f->out), ==, 77);
  close (sock);
  munmap (pool, CAP);
}

static void
test_refused (Fixture *f, gconstpointer data)
{
  int fd, socks[4];
  WeftPool *pool = make_pool (&fd);
  WeftPoolHello good = hello_for (pool), bad_magic = good, bad_size = good, bad_pid = good;
  WeftPoolsStats st;

  bad_magic.magic[0] = 'X';
  bad_size.region_size = CAP / 2;
  bad_pid.pid = PID + 1;
  socks[0] = send_hello (f, &bad_magic, fd);
  socks[1] = send_hello (f, &bad_size, fd);
  socks[2] = send_hello (f, &bad_pid, fd);
  socks[3] = send_hello (f, &good, -1);
  weft_pools_service (f->pools, 1);
  weft_pools_get_stats (f->pools, &st);
  g_assert_cmpuint (st.processes, ==, 0);
  g_assert_cmpuint (st.refused, ==, 4);
  g_assert_false (weft_pools_busy (f->pools));
  for (int i = 0; i < 4; i++)
    close (socks[i]);
  close (fd);
  munmap (pool, CAP);
}

/* A pool in a memfd that cannot be sealed is refused (the program could
 * shrink it under the recorder's mapping); a received one cannot shrink. */
static void
test_sealed (Fixture *f, gconstpointer data)
{
  int plain = memfd_create ("weft-test", MFD_CLOEXEC), fd, keep, socks[2];
  WeftPool *pool, *unsealable;
  WeftPoolHello hello;
  WeftPoolsStats st;

  g_assert_cmpint (plain, >=, 0);
  g_assert_cmpint (ftruncate (plain, CAP), ==, 0);
  unsealable = mmap (NULL, CAP, PROT_READ | PROT_WRITE, MAP_SHARED, plain, 0);
  g_assert_true (unsealable != MAP_FAILED);
  g_assert_true (_weft_pool_init (unsealable, CAP, PID, WEFT_CLOCK_MONOTONIC));
  hello = hello_for (unsealable);
  socks[0] = send_hello (f, &hello, plain);

  pool = make_pool (&fd);
  keep = dup (fd);
  hello = hello_for (pool);
  socks[1] = send_hello (f, &hello, fd);
  close (fd);
  weft_pools_service (f->pools, 1);
  weft_pools_get_stats (f->pools, &st);
  g_assert_cmpuint (st.refused, ==, 1);
  g_assert_cmpuint (st.processes, ==, 1);
  g_assert_cmpint (ftruncate (keep, CAP / 2), <, 0);
  g_assert_cmpint (errno, ==, EPERM);

  for (int i = 0; i < 2; i++)
    close (socks[i]);
  close (keep);
  close (plain);
  munmap (pool, CAP);
  munmap (unsealable, CAP);
}

/* Descriptors, slots and payload of random bytes; then the geometry
 * changed under the recorder. Nothing crashes; the pool is dropped. */
static void
test_garbage (Fixture *f, gconstpointer data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  int fd, sock;
  WeftPool *pool = make_pool (&fd);
  WeftPoolHello hello = hello_for (pool);
  uint8_t *start = (uint8_t *) _weft_pool_stream (pool, 0);
  uint8_t *end = (uint8_t *) pool + pool->region_size;
  WeftPoolsStats st;

  for (uint8_t *p = start; p < end; p++)
    *p = (uint8_t) g_rand_int (rand);
  for (uint32_t i = 0; i < pool->n_blocks; i++)
    _weft_pool_block (pool, i)->state = g_rand_int_range (rand, 0, 3);
  for (uint32_t i = 0; i < pool->n_streams; i++)
    _weft_pool_stream (pool, i)->state = g_rand_int_range (rand, 0, 3);
  pool->block_bump = pool->n_blocks;
  pool->stream_bump = pool->n_streams;
  pool->blocks_filled = 1;

  sock = send_hello (f, &hello, fd);
  close (fd);
  weft_pools_service (f->pools, 1);
  weft_pools_get_stats (f->pools, &st);
  g_assert_cmpuint (st.processes, ==, 1);
  g_assert_true (weft_pools_busy (f->pools));

  pool->block_size *= 2;
  pool->blocks_filled = 2;
  weft_pools_service (f->pools, 2);
  weft_pools_get_stats (f->pools, &st);
  g_assert_cmpuint (st.refused, ==, 1);
  g_assert_false (weft_pools_busy (f->pools));
  weft_pools_finish (f->pools);
  g_assert_cmpint (weft_builder_finish (f->b), ==, 0);
  f->b = NULL;
  {
    /* Readable: whatever the garbage decoded to, bounded and checked. */
    g_autoptr (GError) error = NULL;
    g_autoptr (WeftReader) reader = weft_reader_open (f->out, &error);

    g_assert_no_error (error);
  }
  close (sock);
  munmap (pool, CAP);
}

/* Out of descriptors: the others wait in the backlog, the socket is not
 * polled (it would spin), and they are taken once a process ends. */
static void
test_no_descriptors (Fixture *f, gconstpointer data)
{
  struct rlimit old, low;
  int fds[3], socks[3], probe;
  WeftPool *pools[3];
  WeftPoolsStats st;

  for (int i = 0; i < 3; i++)
    {
      WeftPoolHello hello;

      pools[i] = make_pool (&fds[i]);
      hello = hello_for (pools[i]);
      socks[i] = send_hello (f, &hello, fds[i]);
      close (fds[i]);
    }
  /* Room for one more descriptor: the first connection. */
  probe = dup (0);
  g_assert_cmpint (probe, >=, 0);
  close (probe);
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &old), ==, 0);
  low = old;
  low.rlim_cur = (rlim_t) probe + 1;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &low), ==, 0);
  weft_pools_service (f->pools, 1);
  g_assert_cmpint (weft_pools_get_fd (f->pools), ==, -1);
  weft_pools_get_stats (f->pools, &st);
  g_assert_cmpuint (st.processes, ==, 1);

  /* One ends: its descriptor is the next one's, and so on. */
  for (int i = 0; i < 2; i++)
    {
      close (socks[i]);
      weft_pools_service (f->pools, 2 + i);
      weft_pools_get_stats (f->pools, &st);
      g_assert_cmpuint (st.processes, ==, 2 + i);
    }
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &old), ==, 0);
  weft_pools_get_stats (f->pools, &st);
  g_assert_cmpuint (st.refused, ==, 0);
  close (socks[2]);
  weft_pools_service (f->pools, 4);
  g_assert_false (weft_pools_busy (f->pools));
  g_assert_cmpint (weft_pools_get_fd (f->pools), >=, 0);
  for (int i = 0; i < 3; i++)
    munmap (pools[i], CAP);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/weft/record/pools/drain", Fixture, NULL, fixture_set_up, test_drain,
              fixture_tear_down);
  g_test_add ("/weft/record/pools/finish-live", Fixture, NULL, fixture_set_up, test_finish_live,
              fixture_tear_down);
  g_test_add ("/weft/record/pools/refused", Fixture, NULL, fixture_set_up, test_refused,
              fixture_tear_down);
  g_test_add ("/weft/record/pools/sealed", Fixture, NULL, fixture_set_up, test_sealed,
              fixture_tear_down);
  g_test_add ("/weft/record/pools/no-descriptors", Fixture, NULL, fixture_set_up,
              test_no_descriptors, fixture_tear_down);
  g_test_add ("/weft/record/pools/garbage", Fixture, NULL, fixture_set_up, test_garbage,
              fixture_tear_down);
  return g_test_run ();
}
