/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft.h: the Weft instrumentation API.
 *
 * Link with `pkg-config --cflags --libs weft`. Nothing is recorded unless
 * the program runs under `weft record` or with WEFT_TRACE=path set; then
 * every call costs a few nanoseconds, takes no lock, makes no system call
 * and allocates nothing. Define WEFT_DISABLE before including this header
 * to compile every call out.
 *
 * The runtime is libc + pthreads only, thread-safe and fork-safe; a signal
 * handler may record events (at worst, one that interrupts another event
 * on the same thread is counted lost, never corrupting the buffer).
 *
 * Environment, read when the library loads:
 *   WEFT_TRACE=path        record into path (created with the umask; a
 *                          forked or exec'd child appends to it)
 *   WEFT_BUFFER_CAP=size   memory for events not yet written, per process
 *                          (K, M, G suffixes; default 1G); events beyond it
 *                          are counted lost in the trace, never blocking
 *   WEFT_CLOCK=monotonic   time events with CLOCK_MONOTONIC instead of the
 *                          TSC (slower; the default when the TSC is not
 *                          invariant)
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WEFT_DISABLE

/**
 * weft_span_begin:
 * @name: a string that stays valid and unchanged while the process runs
 *   (a string literal): it is cached by address
 *
 * Opens a span on the calling thread; spans nest and close with
 * weft_span_end() in reverse order.
 */
void weft_span_begin (const char *name);

/**
 * weft_span_end:
 *
 * Closes the innermost open span of the calling thread.
 */
void weft_span_end (void);

/**
 * weft_instant:
 * @name: a string literal (as for weft_span_begin())
 *
 * Records a point in time on the calling thread.
 */
void weft_instant (const char *name);

/**
 * weft_counter:
 * @name: a string literal naming the counter track (one per process)
 * @value: the counter's new value
 *
 * Records a value of a counter track, drawn as a line over time.
 */
void weft_counter (const char *name, double value);

/**
 * weft_span_begin_copy:
 * @name: any string; it is copied, so it may be reused or freed at once
 *
 * As weft_span_begin(), for names built at run time. Slower: the name is
 * hashed on every call.
 */
void weft_span_begin_copy (const char *name);

/**
 * weft_thread_set_name:
 * @name: the thread's name in the timeline (copied)
 */
void weft_thread_set_name (const char *name);

/**
 * weft_task_begin:
 * @id: an id unique among the tasks in progress in this process
 * @name: a string literal naming the task
 *
 * An async task was created and runs on the calling thread. It may later
 * suspend and resume on any thread of the process.
 */
void weft_task_begin (uint64_t id, const char *name);

/**
 * weft_task_suspend:
 * @id: the task's id
 *
 * The task stopped running, waiting for something (I/O, a timer, …).
 */
void weft_task_suspend (uint64_t id);

/**
 * weft_task_resume:
 * @id: the task's id
 *
 * The task runs again, on the calling thread.
 */
void weft_task_resume (uint64_t id);

/**
 * weft_task_end:
 * @id: the task's id
 *
 * The task finished; its id may be reused.
 */
void weft_task_end (uint64_t id);

/**
 * weft_flow_begin:
 * @id: an id unique among flows in flight, across threads and processes
 *
 * The start of an arrow (a message sent, work handed over)…
 */
void weft_flow_begin (uint64_t id);

/**
 * weft_flow_end:
 * @id: the id given to weft_flow_begin()
 *
 * … and its end, on whichever thread or process received it.
 */
void weft_flow_end (uint64_t id);

/**
 * weft_lock_name:
 * @lock: the lock's address
 * @name: its name in statistics and the viewer (copied)
 */
void weft_lock_name (const void *lock, const char *name);

/**
 * weft_lock_wait:
 * @lock: the lock's address
 *
 * The calling thread starts waiting for @lock.
 */
void weft_lock_wait (const void *lock);

/**
 * weft_lock_acquired:
 * @lock: the lock's address
 *
 * The calling thread holds @lock (ends a wait, if one was recorded).
 */
void weft_lock_acquired (const void *lock);

/**
 * weft_lock_released:
 * @lock: the lock's address
 */
void weft_lock_released (const void *lock);

/**
 * weft_flush:
 *
 * Hands every event recorded so far, on every thread, to the writer, and
 * returns once they are in the trace file. Not needed at exit; useful
 * before exec() or _exit(), which discard what is still buffered. Takes a
 * lock: not for signal handlers.
 */
void weft_flush (void);

/**
 * WEFT_SCOPE:
 * @name: a string literal (as for weft_span_begin())
 *
 * Opens a span that closes by itself when the enclosing block is left,
 * whichever way (end of block, return, break, goto), with the cleanup
 * attribute of GCC and Clang. A declaration: one per block.
 *
 * |[<!-- language="C" -->
 * void transfer (Account *from, Account *to)
 * {
 *   WEFT_SCOPE ("transfer");
 *   if (from->balance == 0)
 *     return;            // the span ends here
 *   ...
 * }                      // or here
 * ]|
 */
static inline void
weft_scope_end_ (int *scope)
{
  (void) scope;
  weft_span_end ();
}
#define WEFT_SCOPE_CAT2_(a, b) a##b
#define WEFT_SCOPE_CAT_(a, b) WEFT_SCOPE_CAT2_ (a, b)
#define WEFT_SCOPE(name)                                                                           \
  __attribute__ ((cleanup (weft_scope_end_), unused)) int WEFT_SCOPE_CAT_ (weft_scope_, __LINE__) \
    = (weft_span_begin (name), 0)

#else /* WEFT_DISABLE: every call vanishes, its arguments unevaluated */

#define weft_span_begin(name) ((void) 0)
#define weft_span_end() ((void) 0)
#define weft_instant(name) ((void) 0)
#define weft_counter(name, value) ((void) 0)
#define weft_span_begin_copy(name) ((void) 0)
#define weft_thread_set_name(name) ((void) 0)
#define weft_task_begin(id, name) ((void) 0)
#define weft_task_suspend(id) ((void) 0)
#define weft_task_resume(id) ((void) 0)
#define weft_task_end(id) ((void) 0)
#define weft_flow_begin(id) ((void) 0)
#define weft_flow_end(id) ((void) 0)
#define weft_lock_name(lock, name) ((void) 0)
#define weft_lock_wait(lock) ((void) 0)
#define weft_lock_acquired(lock) ((void) 0)
#define weft_lock_released(lock) ((void) 0)
#define weft_flush() ((void) 0)
#define WEFT_SCOPE(name) ((void) 0)

#endif /* WEFT_DISABLE */

#ifdef __cplusplus
}
#endif
