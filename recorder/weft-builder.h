/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-builder.h: writes a .weft trace from explicit events: explicit
 * times (CLOCK_MONOTONIC ns), threads, processes and CPUs. Tests build
 * synthetic traces with known answers with it, the Chrome JSON importer
 * transcodes through it and `weft record` writes its scheduler streams
 * with it. libc only, like the rest of recorder/.
 *
 * Errors are sticky: calls after a failure do nothing, and
 * weft_builder_finish() reports the first one.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "weft-format.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct WeftBuilder WeftBuilder;

/* A stream handle: an index into the builder's streams. */
typedef uint32_t WeftBuilderStream;

/* Creates (truncates) path with mode 0666 & ~umask. NULL with errno set. */
WeftBuilder *weft_builder_new (const char *path);

/* Builds in memory; weft_builder_finish_memory() hands out the bytes. */
WeftBuilder *weft_builder_new_memory (void);

/* Writes what is buffered, the index and the trailer, closes and frees.
 * Returns 0, or -1 with errno from the first failure. */
int weft_builder_finish (WeftBuilder *b);

/* As weft_builder_finish() for a memory builder: *data (free() it) and
 * *size receive the whole file. */
int weft_builder_finish_memory (WeftBuilder *b, uint8_t **data, size_t *size);

/* Writes every stream's buffered events as a chunk now (the next event
 * of a stream starts its next chunk), and the metadata when it changed
 * since it was last written, so that a writer killed later leaves them
 * in the file. weft_builder_finish() still writes the metadata last. */
void weft_builder_flush (WeftBuilder *b);

/* Frees without writing the index (leaves a file as a crashed writer
 * would, after flushing whole chunks). */
void weft_builder_abandon (WeftBuilder *b);

/* Caps a stream chunk's payload, its 40-byte header included (default
 * 64 KiB, at least 64), so tests get many; an event larger than the cap
 * gets a chunk of its own. */
void weft_builder_set_chunk_size (WeftBuilder *b, size_t bytes);

/* Leaves out the index and trailer at finish (as multi-process writers). */
void weft_builder_set_write_index (WeftBuilder *b, int write_index);

void weft_builder_set_metadata (WeftBuilder *b, const char *key, const char *value);

/* The stream of thread tid in process pid, created on first use. */
WeftBuilderStream weft_builder_thread (WeftBuilder *b, uint32_t pid, uint32_t tid);

/* A further stream of thread tid, always a new one: what a second writer
 * of one thread makes (a thread whose events went to two pools, a
 * restarted recorder). Its events may overlap the other streams' in time;
 * weft_builder_thread() keeps returning the first stream. */
WeftBuilderStream weft_builder_thread_stream (WeftBuilder *b, uint32_t pid, uint32_t tid);

/* The scheduler stream of one CPU, created on first use. */
WeftBuilderStream weft_builder_cpu (WeftBuilder *b, uint32_t cpu);

/* Times are absolute CLOCK_MONOTONIC ns, non-decreasing within a stream
 * (an earlier time is clamped to the previous one). Names are copied
 * (NULL reads as ""); a name longer than 1 MiB is cut at a UTF-8 character
 * boundary. Each chunk re-defines the strings it uses. */
void weft_builder_span_begin (WeftBuilder *b, WeftBuilderStream s, uint64_t t, const char *name);
void weft_builder_span_begin_args (WeftBuilder *b, WeftBuilderStream s, uint64_t t,
                                   const char *name, const char *args);
void weft_builder_span_end (WeftBuilder *b, WeftBuilderStream s, uint64_t t);
void weft_builder_instant (WeftBuilder *b, WeftBuilderStream s, uint64_t t, const char *name);
void weft_builder_counter (WeftBuilder *b, WeftBuilderStream s, uint64_t t, const char *name,
                           double value);
void weft_builder_task_begin (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t id,
                              const char *name);
void weft_builder_task_suspend (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t id);
void weft_builder_task_resume (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t id);
void weft_builder_task_end (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t id);
void weft_builder_flow_begin (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t id);
void weft_builder_flow_end (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t id);
void weft_builder_lock_name (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t lock,
                             const char *name);
void weft_builder_lock_wait (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t lock);
void weft_builder_lock_acquired (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t lock);
void weft_builder_lock_released (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t lock);
void weft_builder_cond_wait (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t cond,
                             uint64_t mutex);
void weft_builder_cond_woken (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t cond);
void weft_builder_thread_name (WeftBuilder *b, WeftBuilderStream s, uint64_t t, const char *name);
void weft_builder_process_name (WeftBuilder *b, WeftBuilderStream s, uint64_t t,
                                const char *name);
void weft_builder_thread_start (WeftBuilder *b, WeftBuilderStream s, uint64_t t,
                                uint32_t creator_tid);
void weft_builder_thread_exit (WeftBuilder *b, WeftBuilderStream s, uint64_t t);
void weft_builder_process_fork (WeftBuilder *b, WeftBuilderStream s, uint64_t t,
                                uint32_t child_pid);
void weft_builder_process_exec (WeftBuilder *b, WeftBuilderStream s, uint64_t t,
                                const char *program);
void weft_builder_process_exit (WeftBuilder *b, WeftBuilderStream s, uint64_t t, int status);
void weft_builder_lost (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint64_t count);

/* On a CPU stream: at t the CPU switched from prev_tid to next_tid
 * (WEFT_TID_IDLE, WEFT_TID_OTHER or a tid); prev_state is a WeftSwitchState. */
void weft_builder_switch (WeftBuilder *b, WeftBuilderStream cpu, uint64_t t, int64_t prev_tid,
                          WeftSwitchState prev_state, int64_t next_tid);

/* Appends an arbitrary chunk (tests: unknown types must be skipped). */
void weft_builder_raw_chunk (WeftBuilder *b, uint16_t type, const void *payload, uint32_t size);

/* Appends an arbitrary event to a stream (tests: extended kinds >= 0x40
 * are written with their length and must be skipped by readers). */
void weft_builder_raw_event (WeftBuilder *b, WeftBuilderStream s, uint64_t t, uint8_t kind,
                             const void *payload, uint32_t size);

#ifdef __cplusplus
}
#endif
