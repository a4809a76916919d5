/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-memory.h: samples the resident set size of each traced
 * process. Each process's /proc/PID/statm stays open from the moment it
 * is added, so a reused pid can never be sampled by mistake: once the
 * process is gone, reading that descriptor fails (or shows no memory
 * for a zombie) and it is dropped.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "weft-record-perf.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct WeftMemory WeftMemory;

WeftMemory *weft_memory_new (void);
void weft_memory_free (WeftMemory *memory);

/* Starts sampling pid (again: ignored). */
void weft_memory_add (WeftMemory *memory, pid_t pid);
int weft_memory_has (WeftMemory *memory, pid_t pid);

/* One sample of every process as a WEFT_PREC_RSS record at time now;
 * processes that are gone are dropped. */
void weft_memory_sample (WeftMemory *memory, uint64_t now, WeftPerfRecordVec *out);

#ifdef __cplusplus
}
#endif
