/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-pools.c: accepting traced processes' pools and draining
 * them (design in weft-record-pools.h). One connection per process image:
 * a fork makes a new one in the child, an exec closes the old one (it is
 * close-on-exec) and the new image connects again.
 */
#define _GNU_SOURCE
#include "weft-record-pools.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "weft-chunk.h"
#include "weft-clock.h"
#include "weft-drain.h"
#include "weft-format.h"
#include "weft-pool.h"

#define PASS_PERIOD_NS 100000000ull  /* a full pass anyway, for ended streams */
#define CLOCK_PERIOD_NS 100000000ull /* a sync pair every 100 ms while events flow */
#define CLOCK_IDLE_NS 1000000000ull  /* and every second anyway */
/* What active blocks hold goes out this often too: a recorder killed
 * itself leaves the events up to about then, not up to the last full
 * block (256 KiB per thread can be the whole run of a quiet program). */
#define FLUSH_PERIOD_NS 500000000ull
#define MAX_REGION (1ull << 40)      /* as WEFT_BUFFER_CAP */

typedef struct
{
  int sock;
  WeftPool *pool; /* NULL until the hello came */
  uint64_t size;
  WeftDrainer drainer;
  uint64_t filled_seen; /* pool->blocks_filled at the last pass */
  uint64_t next_pass;
  uint64_t next_flush; /* a pass that also writes the active blocks' new events */
  int gone; /* the connection closed: the process image is over */
} Conn;

struct WeftPools
{
  WeftBuilder *b;
  int listen_fd;
  char *path;
  Conn *conns;
  size_t n_conns, n_alloc;
  struct pollfd *fds;
  uint8_t *scratch; /* one chunk's payload, for the builder */
  size_t scratch_size;
  uint64_t last_clock;
  uint64_t bytes_at_clock;
  unsigned clock_pairs; /* written so far */
  int finished;
  int full;  /* out of descriptors: not accepting until a process ends */
  int spare; /* /dev/null, closed while a hello is received: its memfd
              * always finds a descriptor */
  WeftPoolsStats stats;
};

/* --- chunks to the builder --- */

static void write_clock (WeftPools *p, uint64_t now);

static int
write_chunk (void *data, uint16_t type, const void *head, size_t head_size, const void *payload,
             size_t size)
{
  WeftPools *p = data;
  size_t total = head_size + size;

  if (total > WEFT_CHUNK_MAX_PAYLOAD)
    {
      errno = EFBIG;
      return -1;
    }
  if (total > p->scratch_size)
    {
      uint8_t *bigger = realloc (p->scratch, total);

      if (bigger == NULL)
        return -1;
      p->scratch = bigger;
      p->scratch_size = total;
    }
  /* Two pairs before the first events: a file cut after them (the
   * recorder killed) still has a rate to convert their TSC times. The
   * first pair usually came when the program connected, a block's worth
   * of events ago; on a loaded machine the first block can be drained
   * before that pair was written, and then both are written here. */
  while (type == WEFT_CHUNK_STREAM && p->clock_pairs < 2)
    write_clock (p, _weft_clock_monotonic_ns ());
  memcpy (p->scratch, head, head_size);
  if (size > 0)
    memcpy (p->scratch + head_size, payload, size);
  weft_builder_raw_chunk (p->b, type, p->scratch, (uint32_t) total);
  if (type == WEFT_CHUNK_STREAM)
    {
      p->stats.stream_chunks++;
      p->stats.bytes += size;
    }
  return 0;
}

static void
write_clock (WeftPools *p, uint64_t now)
{
  WeftClockChunkHeader h = { .count = 1 };
  WeftClockSync pair;

  _weft_clock_sync (&pair);
  write_chunk (p, WEFT_CHUNK_CLOCK, &h, sizeof h, &pair, sizeof pair);
  p->last_clock = now;
  p->bytes_at_clock = p->stats.bytes;
  p->clock_pairs++;
}

/* --- connections --- */

static void
conn_close (WeftPools *p, size_t i)
{
  Conn *c = &p->conns[i];

  if (c->pool != NULL)
    {
      _weft_drainer_fini (&c->drainer);
      munmap (c->pool, c->size);
    }
  close (c->sock);
  p->conns[i] = p->conns[--p->n_conns];
  p->full = 0;
}

static void
accept_all (WeftPools *p)
{
  int fd;

  while ((fd = accept4 (p->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
    {
      if (p->n_conns == p->n_alloc)
        {
          size_t n = p->n_alloc ? p->n_alloc * 2 : 16;
          Conn *conns = realloc (p->conns, n * sizeof *conns);
          struct pollfd *fds = realloc (p->fds, n * sizeof *fds);

          if (conns != NULL)
            p->conns = conns;
          if (fds != NULL)
            p->fds = fds;
          if (conns == NULL || fds == NULL)
            {
              close (fd);
              p->stats.refused++;
              continue;
            }
          p->n_alloc = n;
        }
      p->conns[p->n_conns++] = (Conn){ .sock = fd };
    }
  /* Left in the backlog (their hello waits there): polling the socket
   * meanwhile would only spin. */
  p->full = errno == EMFILE || errno == ENFILE;
}

/* Whether fd can no longer shrink (sealed now, or already). */
static int
seal_shrink (int fd)
{
  int seals;

  if (fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK) == 0)
    return 1;
  seals = fcntl (fd, F_GET_SEALS);
  return seals > 0 && (seals & F_SEAL_SHRINK) != 0;
}

/* Maps the memfd of a hello; 0 when it holds no pool we can drain. */
static int
attach (WeftPools *p, Conn *c, const WeftPoolHello *hello, int fd)
{
  struct stat st;
  void *map;

  /* Sealed before its size is read: the program cannot shrink it under
   * the mapping (a SIGBUS here) once it was checked. */
  if (memcmp (hello->magic, WEFT_POOL_HELLO_MAGIC, sizeof hello->magic) != 0
      || hello->version != WEFT_POOL_HELLO_VERSION || !seal_shrink (fd) || fstat (fd, &st) < 0
      || !S_ISREG (st.st_mode) || (uint64_t) st.st_size != hello->region_size
      || hello->region_size < WEFT_POOL_CAP_MIN || hello->region_size > MAX_REGION)
    return 0;
  map = mmap (NULL, hello->region_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
  if (map == MAP_FAILED)
    return 0;
  if (!_weft_pool_check (map, hello->region_size) || ((WeftPool *) map)->pid != hello->pid
      || _weft_drainer_init (&c->drainer, map, -1) < 0)
    {
      munmap (map, hello->region_size);
      return 0;
    }
  _weft_drainer_set_writer (&c->drainer, write_chunk, p);
  c->pool = map;
  c->size = hello->region_size;
  p->stats.processes++;
  return 1;
}

/* Reads the hello of c: 1 attached, 0 not yet, -1 to drop. */
static int
receive (WeftPools *p, Conn *c)
{
  WeftPoolHello hello;
  union
  {
    struct cmsghdr h;
    char buf[CMSG_SPACE (4 * sizeof (int))];
  } control;
  struct iovec iov = { &hello, sizeof hello };
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = control.buf,
    .msg_controllen = sizeof control.buf,
  };
  int fd = -1, ok;
  ssize_t n;

  if (p->spare >= 0)
    close (p->spare);
  n = recvmsg (c->sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  if (n < 0)
    {
      p->spare = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      return errno == EAGAIN || errno == EINTR ? 0 : -1;
    }
  /* Every descriptor that came is closed but the one memfd. */
  for (struct cmsghdr *h = CMSG_FIRSTHDR (&msg); h != NULL; h = CMSG_NXTHDR (&msg, h))
    if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
      {
        size_t k = (h->cmsg_len - CMSG_LEN (0)) / sizeof (int);

        for (size_t j = 0; j < k; j++)
          {
            int got;

            memcpy (&got, CMSG_DATA (h) + j * sizeof (int), sizeof got);
            if (fd < 0)
              fd = got;
            else
              close (got);
          }
      }
  ok = n == (ssize_t) sizeof hello && !(msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) && fd >= 0
       && attach (p, c, &hello, fd);
  if (fd >= 0)
    close (fd);
  p->spare = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (!ok)
    {
      p->stats.refused += n != 0;
      return -1;
    }
  return 1;
}

/* Accepts every waiting connection and reads the hellos that came. */
static void
take_new (WeftPools *p)
{
  accept_all (p);
  for (size_t i = 0; i < p->n_conns;)
    if (p->conns[i].pool == NULL && receive (p, &p->conns[i]) < 0)
      conn_close (p, i);
    else
      i++;
}

/* The last pass over a pool no one writes to any more (or, at the end of
 * the recording, that is not drained again). */
static void
drain_final (Conn *c)
{
  if (_weft_pool_check (c->pool, c->size))
    _weft_drainer_pass (&c->drainer, WEFT_DRAIN_FINAL);
}

/* --- public --- */

WeftPools *
weft_pools_new (WeftBuilder *b, const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  WeftPools *p;

  if (strlen (path) >= sizeof addr.sun_path)
    {
      errno = ENAMETOOLONG;
      return NULL;
    }
  p = calloc (1, sizeof *p);
  if (p == NULL || (p->path = strdup (path)) == NULL)
    {
      free (p);
      errno = ENOMEM;
      return NULL;
    }
  p->b = b;
  p->spare = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  strcpy (addr.sun_path, path);
  p->listen_fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (p->listen_fd < 0 || bind (p->listen_fd, (struct sockaddr *) &addr, sizeof addr) < 0
      || listen (p->listen_fd, SOMAXCONN) < 0)
    {
      int e = errno;

      if (p->listen_fd >= 0)
        close (p->listen_fd);
      if (p->spare >= 0)
        close (p->spare);
      unlink (path);
      free (p->path);
      free (p);
      errno = e;
      return NULL;
    }
  return p;
}

int
weft_pools_get_fd (WeftPools *p)
{
  return p->full ? -1 : p->listen_fd;
}

int
weft_pools_busy (WeftPools *p)
{
  return p->n_conns > 0;
}

void
weft_pools_service (WeftPools *p, uint64_t now)
{
  int wrote, was_full = p->full;

  if (p->finished)
    return;
  take_new (p);

  /* A closed connection: hang-up, or anything readable after the hello. */
  for (size_t i = 0; i < p->n_conns; i++)
    p->fds[i] = (struct pollfd){ .fd = p->conns[i].pool ? p->conns[i].sock : -1, .events = POLLIN };
  if (p->n_conns > 0 && poll (p->fds, p->n_conns, 0) > 0)
    for (size_t i = 0; i < p->n_conns; i++)
      if (p->fds[i].revents != 0)
        p->conns[i].gone = 1;

  for (size_t i = 0; i < p->n_conns;)
    {
      Conn *c = &p->conns[i];
      uint64_t filled;

      if (c->pool == NULL)
        {
          i++;
          continue;
        }
      if (c->gone)
        {
          drain_final (c);
          conn_close (p, i);
          continue;
        }
      filled = __atomic_load_n (&c->pool->blocks_filled, __ATOMIC_ACQUIRE);
      if (c->next_flush == 0)
        c->next_flush = now + FLUSH_PERIOD_NS; /* a period after it came */
      if (filled != c->filled_seen || now >= c->next_pass || now >= c->next_flush)
        {
          int flush = now >= c->next_flush;

          if (!_weft_pool_check (c->pool, c->size))
            {
              /* Scribbled on: nothing more is read from it. */
              p->stats.refused++;
              conn_close (p, i);
              continue;
            }
          c->filled_seen = filled;
          c->next_pass = now + PASS_PERIOD_NS;
          if (flush)
            c->next_flush = now + FLUSH_PERIOD_NS;
          _weft_drainer_pass (&c->drainer, flush ? WEFT_DRAIN_FLUSH : WEFT_DRAIN_FULL);
        }
      i++;
    }
  /* Descriptors came free: those waiting in the backlog now. */
  if (was_full && !p->full)
    take_new (p);

  /* Pairs while pools are attached, and always after events came (a
   * process that lived less than one period still needs one). */
  wrote = p->stats.bytes != p->bytes_at_clock;
  if ((p->n_conns > 0 || wrote)
      && (p->clock_pairs == 0 || now - p->last_clock >= CLOCK_IDLE_NS
          || (wrote && now - p->last_clock >= CLOCK_PERIOD_NS)))
    write_clock (p, now);
}

void
weft_pools_finish (WeftPools *p)
{
  int any;

  if (p->finished)
    return;
  /* Processes that connected and sent their pool before the end; in
   * rounds, as closing pools frees descriptors for the backlog (bounded:
   * stragglers may go on starting processes). */
  any = p->n_conns > 0;
  for (int round = 0; round < 64; round++)
    {
      accept_all (p);
      for (size_t i = 0; i < p->n_conns;)
        if (p->conns[i].pool == NULL && receive (p, &p->conns[i]) <= 0)
          conn_close (p, i);
        else
          i++;
      if (p->n_conns == 0)
        break;
      any = 1;
      while (p->n_conns > 0)
        {
          drain_final (&p->conns[p->n_conns - 1]);
          conn_close (p, p->n_conns - 1);
        }
    }
  p->finished = 1;
  if (any || p->clock_pairs > 0 || p->stats.stream_chunks > 0)
    write_clock (p, _weft_clock_monotonic_ns ());
  close (p->listen_fd);
  p->listen_fd = -1;
  unlink (p->path);
}

void
weft_pools_get_stats (WeftPools *p, WeftPoolsStats *stats)
{
  *stats = p->stats;
}

void
weft_pools_free (WeftPools *p)
{
  if (p == NULL)
    return;
  while (p->n_conns > 0)
    conn_close (p, p->n_conns - 1);
  if (p->listen_fd >= 0)
    close (p->listen_fd);
  if (p->spare >= 0)
    close (p->spare);
  unlink (p->path);
  free (p->path);
  free (p->conns);
  free (p->fds);
  free (p->scratch);
  free (p);
}
