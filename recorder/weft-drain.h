/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-drain.h: writes the events of a block pool (weft-pool.h) to a trace
 * file as STREAM chunks. It reads only the region, so the same code
 * drains a pool shared by another process (weft-record-pools.c). Not thread-safe: one
 * pass at a time (the runtime holds its drain lock). Allocates nothing
 * after _weft_drainer_init(), so it can run at exit and in a forked child.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "weft-pool.h"

typedef enum
{
  WEFT_DRAIN_FULL,  /* full blocks only (the periodic pass) */
  WEFT_DRAIN_FLUSH, /* also what active blocks hold so far */
  WEFT_DRAIN_FINAL, /* and the lost counts of streams with no block left */
} WeftDrainMode;

typedef struct
{
  uint64_t key; /* stream << 32 | block_seq */
  uint32_t block;
  uint32_t pad;
} WeftDrainItem;

/* Where chunks go instead of fd (weft record hands them to its builder):
 * the chunk of type made of head then payload; 0, or -1 with errno. */
typedef int (*WeftDrainWriteFunc) (void *data, uint16_t type, const void *head, size_t head_size,
                                   const void *payload, size_t size);

typedef struct
{
  WeftPool *pool;
  int fd;
  WeftDrainWriteFunc write; /* NULL: write to fd */
  void *write_data;
  int error;            /* errno of the first failed write, sticky */
  WeftDrainItem *items; /* scratch: one per block */
  uint32_t n_items;
  /* The geometry as it was at init: a pool shared with another process
   * may be scribbled on, but every address stays inside the region. */
  WeftPoolBlock *blocks;
  WeftPoolStream *streams;
  uint8_t *payload;
  uint32_t block_size;
  uint32_t n_streams;
  uint64_t chunks;     /* STREAM chunks written */
  uint64_t bytes;      /* event bytes written */
  uint32_t orphan_seq; /* chunks of the made-up stream for unattached losses */
  uint32_t clock_pairs; /* CLOCK chunks this drainer wrote */
} WeftDrainer;

/* Returns 0, or -1 when the scratch space can't be mapped. */
int
_weft_drainer_init (WeftDrainer *d, WeftPool *pool, int fd);

/* Unmaps the scratch space. */
void
_weft_drainer_fini (WeftDrainer *d);

/* Sends chunks to write (data) instead of the file descriptor. */
void
_weft_drainer_set_writer (WeftDrainer *d, WeftDrainWriteFunc write, void *data);

/* Writes what mode asks for, in stream order; returns the chunks written. */
uint64_t
_weft_drainer_pass (WeftDrainer *d, WeftDrainMode mode);

/* Writes one CLOCK chunk with a fresh (tsc, monotonic) pair. */
void
_weft_drainer_write_clock (WeftDrainer *d);

/* Walks the encoded event at p (not past end): returns its size and adds
 * its delta to *time, or returns 0 if it does not decode. */
size_t
_weft_event_walk (const uint8_t *p, const uint8_t *end, uint64_t *time);
