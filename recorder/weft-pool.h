/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-pool.h: the block pool, the memory every recorded event lives in
 * until a drainer writes it to the trace file.
 *
 * Design
 * ------
 * The pool is ONE region of address space, reserved at start-up with
 * MAP_NORESERVE up to the buffer cap (WEFT_BUFFER_CAP, default 1 GiB): only
 * the pages actually written cost memory. It contains everything a drainer
 * needs and nothing else: no pointers, only indexes and offsets from the
 * region start, and every field a drainer reads is published with a release
 * store. So under `weft record` the region is a memfd that the recorder
 * maps and drains while the program runs, and after the program was
 * SIGKILLed (weft-session-shared.c, weft-record-pools.c): that drainer
 * runs the same _weft_drainer_pass() over its own mapping.
 *
 *   offset 0           WeftPoolHeader (4 KiB): geometry, the two free lists,
 *                      the drainer wake-up word, lost counters
 *   streams_offset     WeftPoolStream[n_streams]: one per thread stream
 *   blocks_offset      WeftPoolBlock[n_blocks]: one descriptor per block
 *   payload_offset     n_blocks × block_size bytes of events, page aligned
 *
 * A thread writes into its ACTIVE block and publishes the committed byte
 * count in the block's descriptor after every event (a plain store on
 * x86: no syscall, no lock). A full block becomes FULL and the thread takes
 * another one (the slow path, once per block); the drainer writes FULL
 * blocks as STREAM chunks and recycles them. On flush and at exit the
 * drainer also writes the committed part of ACTIVE blocks, remembering
 * how far it got (drained, drained_time) so nothing is written twice.
 *
 * Fresh blocks are bump-allocated (block_bump) until the cap; drained ones
 * come back through a lock-free stack whose head packs a 32-bit tag with
 * the index in one 64-bit CAS, so a pop can't suffer ABA and the stack
 * works across processes. Stream slots are recycled the same way. When no
 * block is left, events are counted in the thread's stream slot (lost) and
 * reported in the next chunk header's `lost`, or in an empty chunk when the
 * stream never gets another block: never blocking, never silent.
 *
 * Ownership: fields marked (writer) are written by the recording thread
 * only; (drainer) by the drainer only (under its mutex); the others are
 * atomics. State transitions: block FREE -> ACTIVE (writer, after filling
 * the descriptor) -> FULL (writer) -> FREE (drainer, after writing it);
 * stream FREE -> LIVE (writer) -> ENDED (writer, at thread exit) -> FREE
 * (drainer, once every block and lost count of it is written).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define WEFT_POOL_MAGIC "WEFTPOOL"
#define WEFT_POOL_VERSION 1
#define WEFT_POOL_NONE UINT32_MAX /* no block / no stream */

#define WEFT_POOL_BLOCK_SIZE (256u * 1024) /* default; smaller for small caps */
#define WEFT_POOL_BLOCK_MIN (16u * 1024)   /* holds the longest name + an event */
#define WEFT_POOL_MAX_STREAMS 4096u        /* live threads at once */
#define WEFT_POOL_CAP_MIN (128u * 1024)

enum
{
  WEFT_BLOCK_FREE = 0,
  WEFT_BLOCK_ACTIVE = 1, /* a thread writes into it */
  WEFT_BLOCK_FULL = 2,   /* handed to the drainer */
};

enum
{
  WEFT_POOL_STREAM_FREE = 0,
  WEFT_POOL_STREAM_LIVE = 1,
  WEFT_POOL_STREAM_ENDED = 2, /* its thread exited */
};

typedef struct
{
  char magic[8];        /* WEFT_POOL_MAGIC */
  uint32_t version;     /* WEFT_POOL_VERSION */
  uint32_t pid;         /* the process writing into the region */
  uint64_t region_size; /* bytes mapped */
  uint32_t block_size;  /* bytes of events per block */
  uint32_t n_blocks;
  uint32_t n_streams;
  uint32_t clock;          /* WeftClockDomain of every stream */
  uint64_t streams_offset; /* WeftPoolStream[n_streams] */
  uint64_t blocks_offset;  /* WeftPoolBlock[n_blocks] */
  uint64_t payload_offset; /* block i's events at payload_offset + i * block_size */

  /* Each contended word has its own cache line. */
  uint32_t block_bump; /* blocks ever handed out fresh (atomic) */
  uint8_t pad1[60];
  uint64_t block_free;  /* tag << 32 | (index + 1); 0: empty (atomic) */
  uint32_t free_blocks; /* blocks on that stack (atomic, approximate) */
  uint8_t pad2[52];
  uint32_t stream_bump;    /* (atomic) */
  uint32_t stream_counter; /* last per-process stream number (atomic) */
  uint8_t pad3[56];
  uint64_t stream_free; /* as block_free (atomic) */
  uint8_t pad4[56];
  uint32_t wake;            /* futex word: bumped when a block fills (atomic) */
  uint32_t sleeping;        /* the drainer waits on wake (atomic) */
  uint64_t lost_unattached; /* events no stream could take (atomic) */
  uint64_t blocks_filled;   /* statistics (atomic) */
  uint8_t pad5[40];
} WeftPoolHeader;
_Static_assert(sizeof (WeftPoolHeader) == 384, "pool header layout");

typedef struct
{
  uint32_t state;          /* WEFT_POOL_STREAM_* (atomic) */
  uint32_t pid;            /* (writer) */
  uint64_t stream_id;      /* (writer) */
  uint32_t tid;            /* (writer) */
  uint32_t n_blocks;       /* blocks started; the next one's block_seq (writer, release) */
  uint32_t lost;           /* events dropped and not yet written: while no block was
                            * free, or by a signal handler mid-event (atomic) */
  uint32_t next_free;      /* free-stack link (atomic) */
  uint64_t lost_time;      /* when lost went above 0 (writer) */
  uint32_t drained_blocks; /* the next block_seq to drain (drainer) */
  uint32_t chunk_seq;      /* the next chunk's seq (drainer) */
  uint8_t pad[16];
} WeftPoolStream;
_Static_assert(sizeof (WeftPoolStream) == 64, "stream slot is one cache line");

#define WEFT_BLOCK_LAST 1u /* flags: the stream ends with this block */

typedef struct
{
  uint32_t state;        /* WEFT_BLOCK_* (atomic) */
  uint32_t committed;    /* bytes of whole events written (atomic, per event) */
  uint32_t stream;       /* stream slot index (writer) */
  uint32_t block_seq;    /* index of this block in its stream (writer) */
  uint64_t base_time;    /* the first event's delta is from this (writer) */
  uint32_t lost;         /* events dropped just before this block (writer) */
  uint32_t flags;        /* WEFT_BLOCK_LAST (writer) */
  uint32_t drained;      /* bytes already written to the file (drainer) */
  uint32_t next_free;    /* free-stack link (atomic) */
  uint64_t drained_time; /* time of the last event before drained (drainer) */
  uint8_t pad[16];
} WeftPoolBlock;
_Static_assert(sizeof (WeftPoolBlock) == 64, "block descriptor is one cache line");

typedef WeftPoolHeader WeftPool;

/* The one message a traced process sends `weft record` over the session
 * socket (WEFT_SESSION), with the pool's memfd attached (SCM_RIGHTS). */
#define WEFT_POOL_HELLO_MAGIC "WEFTHELO"
#define WEFT_POOL_HELLO_VERSION 1

typedef struct
{
  char magic[8];        /* WEFT_POOL_HELLO_MAGIC */
  uint32_t version;     /* WEFT_POOL_HELLO_VERSION */
  uint32_t pid;         /* the sender, as the pool header says */
  uint64_t region_size; /* the memfd's size, as the pool header says */
} WeftPoolHello;
_Static_assert(sizeof (WeftPoolHello) == 24, "hello layout");

/* Bytes per block, streams and blocks for a cap; 0 when cap is too small. */
int
_weft_pool_geometry (uint64_t cap, uint32_t *block_size, uint32_t *n_streams, uint32_t *n_blocks);

/* Reserves cap bytes (MAP_NORESERVE) and lays the pool out; NULL on failure. */
WeftPool *
_weft_pool_create (uint64_t cap, uint32_t pid, uint32_t clock);

/* The same in a memfd mapped MAP_SHARED, for `weft record` to drain while
 * the process runs and after it died; *fd is the memfd (close-on-exec). */
WeftPool *
_weft_pool_create_shared (uint64_t cap, uint32_t pid, uint32_t clock, int *fd);

/* Whether region (size bytes, mapped from another process's memfd) holds
 * a pool whose geometry is the one _weft_pool_init() lays out for size:
 * every offset and count a drainer uses is then inside the region. */
int
_weft_pool_check (const WeftPool *pool, uint64_t size);

/* Lays a pool out in region. */
int
_weft_pool_init (WeftPool *pool, uint64_t region_size, uint32_t pid, uint32_t clock);

/* In a forked child: a fresh, empty pool in the same mapping (the parent's
 * events are the parent's to write). */
void
_weft_pool_reset (WeftPool *pool, uint64_t region_size, uint32_t pid, uint32_t clock);

static inline WeftPoolBlock *
_weft_pool_block (WeftPool *pool, uint32_t index)
{
  return (WeftPoolBlock *) ((uint8_t *) pool + pool->blocks_offset) + index;
}

static inline uint8_t *
_weft_pool_payload (WeftPool *pool, uint32_t index)
{
  return (uint8_t *) pool + pool->payload_offset + (uint64_t) index * pool->block_size;
}

static inline WeftPoolStream *
_weft_pool_stream (WeftPool *pool, uint32_t index)
{
  return (WeftPoolStream *) ((uint8_t *) pool + pool->streams_offset) + index;
}

/* A FREE block (state still FREE: the caller fills it in), or
 * WEFT_POOL_NONE when the cap is reached. Lock-free, async-signal-safe. */
uint32_t
_weft_pool_block_alloc (WeftPool *pool);
void
_weft_pool_block_free (WeftPool *pool, uint32_t index);

/* The same with the descriptor array given: a drainer of another
 * process's pool uses the geometry it checked, not what the header says
 * now. */
void
_weft_pool_block_free_in (WeftPool *pool, WeftPoolBlock *blocks, uint32_t index);

uint32_t
_weft_pool_stream_alloc (WeftPool *pool);
void
_weft_pool_stream_free (WeftPool *pool, uint32_t index);
void
_weft_pool_stream_free_in (WeftPool *pool, WeftPoolStream *streams, uint32_t index);

/* Keeps at least n blocks on the free stack with their pages already
 * faulted in (the drainer calls it), so that recording threads take page
 * faults only when the drainer falls behind. */
void
_weft_pool_reserve (WeftPool *pool, uint32_t n);

/* Blocks handed out so far (the drainer scans [0, this)). */
uint32_t
_weft_pool_blocks_used (WeftPool *pool);
uint32_t
_weft_pool_streams_used (WeftPool *pool);

/* A block filled: wakes the drainer if it sleeps (one futex syscall). */
void
_weft_pool_notify (WeftPool *pool);

/* The drainer waits up to timeout_ms unless a block filled since it read
 * *seen (which it updates). */
void
_weft_pool_wait (WeftPool *pool, uint32_t *seen, int timeout_ms);
