/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-loop.h: a minimal single-threaded event loop (timers and readable
 * file descriptors over ppoll), the skeleton of asyncio, libuv or GMainLoop
 * reduced to what `bank async` needs.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct _BankLoop BankLoop;
typedef void (*BankLoopFunc) (BankLoop *loop, void *data);

/* NULL when out of memory. */
BankLoop *bank_loop_new (void);
void bank_loop_free (BankLoop *loop);

/* Calls func (loop, data) once, delay_ns from now; timers due at the same
 * time run in the order they were added. False when out of memory. */
bool bank_loop_add_timer (BankLoop *loop, uint64_t delay_ns, BankLoopFunc func, void *data);

/* Calls func (loop, data) whenever fd is readable (or hung up). At most
 * BANK_LOOP_MAX_WATCHES watches; false beyond. */
#define BANK_LOOP_MAX_WATCHES 8
bool bank_loop_watch (BankLoop *loop, int fd, BankLoopFunc func, void *data);

/* Runs until bank_loop_quit() or until nothing is left to wait for.
 * False when ppoll failed (the message is printed). */
bool bank_loop_run (BankLoop *loop);
void bank_loop_quit (BankLoop *loop);
