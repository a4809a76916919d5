/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-pools.h: the session side of libweft's shared block pools
 * (weft-session-shared.c in the traced process). `weft record` listens
 * on a socket in its private directory; every traced process connects
 * and sends a memfd holding its pool. The recorder maps it, drains full
 * blocks into the output while the process runs, and when the connection
 * closes (exit, SIGKILL, exec) writes every event left committed in any
 * block: nothing a process finished writing is lost.
 *
 * The pools are the traced program's memory: everything read from them
 * is checked (geometry before every pass, then the drainer's own bounds).
 */
#pragma once

#include <stdint.h>

#include "weft-builder.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Live pools are drained at least this often (the loop comes back). */
#define WEFT_POOLS_PERIOD_MS 10

typedef struct WeftPools WeftPools;

typedef struct
{
  uint64_t processes;     /* pools received */
  uint64_t refused;       /* connections with no valid pool */
  uint64_t stream_chunks; /* STREAM chunks written */
  uint64_t bytes;         /* event bytes in them */
} WeftPoolsStats;

/* Listens on a socket at path (a new name in a private directory);
 * NULL with errno on failure. Chunks go to b. */
WeftPools *weft_pools_new (WeftBuilder *b, const char *path);

/* Readable when a process connects; -1 (nothing to wait for) while
 * every descriptor is in use. */
int weft_pools_get_fd (WeftPools *pools);

/* Accepts, receives, drains what filled and finishes the pools whose
 * process is gone; now is CLOCK_MONOTONIC ns. */
void weft_pools_service (WeftPools *pools, uint64_t now);

/* Pools attached: call weft_pools_service() every WEFT_POOLS_PERIOD_MS. */
int weft_pools_busy (WeftPools *pools);

/* The recording ends: every pool (of exited processes or not) is drained
 * to its last committed event; nothing more is accepted. */
void weft_pools_finish (WeftPools *pools);

void weft_pools_get_stats (WeftPools *pools, WeftPoolsStats *stats);

/* Closes the socket and removes it. */
void weft_pools_free (WeftPools *pools);

#ifdef __cplusplus
}
#endif
