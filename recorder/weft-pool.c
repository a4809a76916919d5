/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-pool.c: the region's geometry, its lock-free free stacks and the
 * drainer's wake-up word (design in weft-pool.h).
 */
#define _GNU_SOURCE
#include "weft-pool.h"

#include <errno.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096u
#define ALIGN_UP(x, a) (((x) + (a) -1) / (a) * (a))

int
_weft_pool_geometry (uint64_t cap, uint32_t *block_size, uint32_t *n_streams, uint32_t *n_blocks)
{
  uint64_t bs = WEFT_POOL_BLOCK_SIZE;
  uint64_t ns, nb, fixed;

  if (cap < WEFT_POOL_CAP_MIN)
    return 0;
  /* Small caps get smaller blocks so that several threads still fit. */
  while (bs > WEFT_POOL_BLOCK_MIN && cap / bs < 16)
    bs /= 2;
  ns = cap / (256 * 1024);
  ns = ns < 16 ? 16 : ns > WEFT_POOL_MAX_STREAMS ? WEFT_POOL_MAX_STREAMS : ns;
  fixed = PAGE + ns * sizeof (WeftPoolStream);
  nb = (cap - fixed) / (bs + sizeof (WeftPoolBlock));
  /* The payload starts on a page: give back blocks until it all fits. */
  while (nb > 0 && ALIGN_UP (fixed + nb * sizeof (WeftPoolBlock), PAGE) + nb * bs > cap)
    nb--;
  if (nb < 2 || nb > UINT32_MAX / 2)
    return 0;
  *block_size = (uint32_t) bs;
  *n_streams = (uint32_t) ns;
  *n_blocks = (uint32_t) nb;
  return 1;
}

int
_weft_pool_init (WeftPool *pool, uint64_t region_size, uint32_t pid, uint32_t clock)
{
  uint32_t bs, ns, nb;

  if (!_weft_pool_geometry (region_size, &bs, &ns, &nb))
    return 0;
  /* Only the header is cleared: descriptors and slots are initialised
   * when they are handed out, so untouched pages stay unbacked. */
  memset (pool, 0, sizeof *pool);
  memcpy (pool->magic, WEFT_POOL_MAGIC, sizeof pool->magic);
  pool->version = WEFT_POOL_VERSION;
  pool->pid = pid;
  pool->region_size = region_size;
  pool->block_size = bs;
  pool->n_blocks = nb;
  pool->n_streams = ns;
  pool->clock = clock;
  pool->streams_offset = PAGE;
  pool->blocks_offset = PAGE + (uint64_t) ns * sizeof (WeftPoolStream);
  pool->payload_offset
      = ALIGN_UP (pool->blocks_offset + (uint64_t) nb * sizeof (WeftPoolBlock), PAGE);
  __atomic_thread_fence (__ATOMIC_RELEASE);
  return 1;
}

void
_weft_pool_reset (WeftPool *pool, uint64_t region_size, uint32_t pid, uint32_t clock)
{
  uint32_t nb, ns;

  /* With MADV_WIPEONFORK the child sees zero pages and there is nothing to
   * clear; without it, clear the states the parent left so the drainer
   * never takes a copied descriptor for a live one. */
  if (memcmp (pool->magic, WEFT_POOL_MAGIC, sizeof pool->magic) == 0)
    {
      nb = _weft_pool_blocks_used (pool);
      ns = _weft_pool_streams_used (pool);
      for (uint32_t i = 0; i < nb; i++)
        _weft_pool_block (pool, i)->state = WEFT_BLOCK_FREE;
      for (uint32_t i = 0; i < ns; i++)
        _weft_pool_stream (pool, i)->state = WEFT_POOL_STREAM_FREE;
    }
  _weft_pool_init (pool, region_size, pid, clock);
}

WeftPool *
_weft_pool_create (uint64_t cap, uint32_t pid, uint32_t clock)
{
  void *region;

  cap = cap / PAGE * PAGE;
  region = mmap (NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
                 0);
  if (region == MAP_FAILED)
    return NULL;
#ifdef MADV_WIPEONFORK
  /* A forked child starts from zero pages instead of copying the parent's
   * events (it lays out a fresh pool in the same range). */
  madvise (region, cap, MADV_WIPEONFORK);
#endif
  if (!_weft_pool_init (region, cap, pid, clock))
    {
      munmap (region, cap);
      errno = EINVAL;
      return NULL;
    }
  return region;
}

WeftPool *
_weft_pool_create_shared (uint64_t cap, uint32_t pid, uint32_t clock, int *fd)
{
  void *region;
  int e;

  cap = cap / PAGE * PAGE;
  /* Sealing allowed: weft record seals it against shrinking, so that its
   * mapping can never fault past the end. */
  *fd = memfd_create ("weft-pool", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (*fd < 0)
    return NULL;
  /* A sparse file: only the pages written take memory. */
  if (ftruncate (*fd, (off_t) cap) < 0)
    goto fail;
  region = mmap (NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, *fd, 0);
  if (region == MAP_FAILED)
    goto fail;
  if (!_weft_pool_init (region, cap, pid, clock))
    {
      munmap (region, cap);
      errno = EINVAL;
      goto fail;
    }
  return region;

fail:
  e = errno;
  close (*fd);
  *fd = -1;
  errno = e;
  return NULL;
}

int
_weft_pool_check (const WeftPool *pool, uint64_t size)
{
  uint32_t bs, ns, nb;

  if (size < PAGE || memcmp (pool->magic, WEFT_POOL_MAGIC, sizeof pool->magic) != 0
      || pool->version != WEFT_POOL_VERSION || pool->region_size != size
      || !_weft_pool_geometry (size, &bs, &ns, &nb))
    return 0;
  return pool->block_size == bs && pool->n_streams == ns && pool->n_blocks == nb
         && pool->streams_offset == PAGE
         && pool->blocks_offset == PAGE + (uint64_t) ns * sizeof (WeftPoolStream)
         && pool->payload_offset
                == ALIGN_UP (pool->blocks_offset + (uint64_t) nb * sizeof (WeftPoolBlock), PAGE)
         && pool->payload_offset + (uint64_t) nb * bs <= size && pool->clock <= 255;
}

/* --- tagged free stacks: head = tag << 32 | (index + 1) --- */

static uint32_t
stack_pop (uint64_t *head, uint8_t *base, size_t stride, size_t link_offset)
{
  uint64_t old = __atomic_load_n (head, __ATOMIC_ACQUIRE);

  for (;;)
    {
      uint32_t top = (uint32_t) old;
      uint32_t next;
      uint64_t desired;

      if (top == 0)
        return WEFT_POOL_NONE;
      /* May read a link another pop just changed: the tag makes our CAS
       * fail then, and we retry with the new head. */
      next = __atomic_load_n ((uint32_t *) (base + (top - 1) * stride + link_offset),
                              __ATOMIC_RELAXED);
      desired = ((old >> 32) + 1) << 32 | next;
      if (__atomic_compare_exchange_n (head, &old, desired, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return top - 1;
    }
}

static void
stack_push (uint64_t *head, uint8_t *base, size_t stride, size_t link_offset, uint32_t index)
{
  uint32_t *link = (uint32_t *) (base + index * stride + link_offset);
  uint64_t old = __atomic_load_n (head, __ATOMIC_RELAXED);
  uint64_t desired;

  do
    {
      __atomic_store_n (link, (uint32_t) old, __ATOMIC_RELAXED);
      desired = ((old >> 32) + 1) << 32 | (index + 1);
    }
  while (!__atomic_compare_exchange_n (head, &old, desired, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}

/* Bump allocation: never past limit, even when many threads race. */
static uint32_t
bump (uint32_t *counter, uint32_t limit)
{
  uint32_t n = __atomic_load_n (counter, __ATOMIC_RELAXED);

  while (n < limit)
    if (__atomic_compare_exchange_n (counter, &n, n + 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
      return n;
  return WEFT_POOL_NONE;
}

uint32_t
_weft_pool_block_alloc (WeftPool *pool)
{
  uint32_t index = stack_pop (&pool->block_free, (uint8_t *) pool + pool->blocks_offset,
                              sizeof (WeftPoolBlock), offsetof (WeftPoolBlock, next_free));

  if (index == WEFT_POOL_NONE)
    index = bump (&pool->block_bump, pool->n_blocks);
  else
    __atomic_fetch_sub (&pool->free_blocks, 1, __ATOMIC_RELAXED);
  return index;
}

void
_weft_pool_block_free_in (WeftPool *pool, WeftPoolBlock *blocks, uint32_t index)
{
  __atomic_store_n (&blocks[index].state, WEFT_BLOCK_FREE, __ATOMIC_RELEASE);
  stack_push (&pool->block_free, (uint8_t *) blocks, sizeof (WeftPoolBlock),
              offsetof (WeftPoolBlock, next_free), index);
  __atomic_fetch_add (&pool->free_blocks, 1, __ATOMIC_RELAXED);
}

void
_weft_pool_block_free (WeftPool *pool, uint32_t index)
{
  _weft_pool_block_free_in (pool, _weft_pool_block (pool, 0), index);
}

void
_weft_pool_reserve (WeftPool *pool, uint32_t n)
{
  while ((int32_t) __atomic_load_n (&pool->free_blocks, __ATOMIC_RELAXED) < (int32_t) n)
    {
      uint32_t index = bump (&pool->block_bump, pool->n_blocks);
      volatile uint8_t *p;

      if (index == WEFT_POOL_NONE)
        return;
      /* One write per page faults it in here rather than in the writer. */
      p = _weft_pool_payload (pool, index);
      for (uint32_t off = 0; off < pool->block_size; off += PAGE)
        p[off] = 0;
      _weft_pool_block_free (pool, index);
    }
}

uint32_t
_weft_pool_stream_alloc (WeftPool *pool)
{
  uint32_t index = stack_pop (&pool->stream_free, (uint8_t *) pool + pool->streams_offset,
                              sizeof (WeftPoolStream), offsetof (WeftPoolStream, next_free));

  if (index == WEFT_POOL_NONE)
    index = bump (&pool->stream_bump, pool->n_streams);
  return index;
}

void
_weft_pool_stream_free_in (WeftPool *pool, WeftPoolStream *streams, uint32_t index)
{
  __atomic_store_n (&streams[index].state, WEFT_POOL_STREAM_FREE, __ATOMIC_RELEASE);
  stack_push (&pool->stream_free, (uint8_t *) streams, sizeof (WeftPoolStream),
              offsetof (WeftPoolStream, next_free), index);
}

void
_weft_pool_stream_free (WeftPool *pool, uint32_t index)
{
  _weft_pool_stream_free_in (pool, _weft_pool_stream (pool, 0), index);
}

uint32_t
_weft_pool_blocks_used (WeftPool *pool)
{
  uint32_t n = __atomic_load_n (&pool->block_bump, __ATOMIC_ACQUIRE);

  return n < pool->n_blocks ? n : pool->n_blocks;
}

uint32_t
_weft_pool_streams_used (WeftPool *pool)
{
  uint32_t n = __atomic_load_n (&pool->stream_bump, __ATOMIC_ACQUIRE);

  return n < pool->n_streams ? n : pool->n_streams;
}

/* Not FUTEX_PRIVATE: the region may be shared with another process. */
void
_weft_pool_notify (WeftPool *pool)
{
  __atomic_fetch_add (&pool->wake, 1, __ATOMIC_SEQ_CST);
  __atomic_fetch_add (&pool->blocks_filled, 1, __ATOMIC_RELAXED);
  if (__atomic_load_n (&pool->sleeping, __ATOMIC_SEQ_CST))
    syscall (SYS_futex, &pool->wake, FUTEX_WAKE, 1, NULL, NULL, 0);
}

void
_weft_pool_wait (WeftPool *pool, uint32_t *seen, int timeout_ms)
{
  struct timespec ts = { timeout_ms / 1000, (long) (timeout_ms % 1000) * 1000000L };

  __atomic_store_n (&pool->sleeping, 1, __ATOMIC_SEQ_CST);
  /* Re-read after announcing sleep: a notify in between is not missed. */
  if (__atomic_load_n (&pool->wake, __ATOMIC_SEQ_CST) == *seen)
    syscall (SYS_futex, &pool->wake, FUTEX_WAIT, *seen, &ts, NULL, 0);
  __atomic_store_n (&pool->sleeping, 0, __ATOMIC_SEQ_CST);
  *seen = __atomic_load_n (&pool->wake, __ATOMIC_SEQ_CST);
}
