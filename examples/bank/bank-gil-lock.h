/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-gil-lock.h: a global interpreter lock built the way CPython 3's
 * is (Python/ceval_gil.c): a flag guarded by a mutex, waiters on a
 * condition variable with a switch interval, a drop request the holder
 * polls, and forced switching so the thread that dropped the lock cannot
 * take it straight back.
 */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define BANK_GIL_INTERVAL_NS (5 * 1000 * 1000) /* sys.getswitchinterval(): 5 ms */

typedef struct
{
  pthread_mutex_t mutex;        /* guards locked, holder and switch_number */
  pthread_cond_t cond;          /* signalled when the GIL is dropped */
  pthread_mutex_t switch_mutex; /* guards the hand-over below */
  pthread_cond_t switch_cond;   /* signalled when a thread took the GIL */
  bool locked;
  int holder;                   /* the last thread to hold it, -1 at first */
  unsigned long switch_number;  /* hand-overs between different threads */
  atomic_int drop_request;      /* the "eval breaker" the holder polls */
  unsigned long drop_requests;  /* times a waiter's interval ran out */
  unsigned long waits;          /* takes that had to wait (each a weft_lock_wait) */
} BankGil;

void bank_gil_init (BankGil *gil);
void bank_gil_clear (BankGil *gil);

/* Blocks until thread me holds the GIL. */
void bank_gil_take (BankGil *gil, int me);
/* Releases it (at thread exit, or around blocking work). */
void bank_gil_drop (BankGil *gil, int me);

/* True when a waiter asked the holder to let go: poll it between slices
 * of work, as the eval loop polls between bytecodes. */
static inline bool
bank_gil_drop_requested (BankGil *gil)
{
  return atomic_load_explicit (&gil->drop_request, memory_order_relaxed) != 0;
}

/* Honours a drop request: drops the GIL, waits until another thread took
 * it, then queues to take it back. */
void bank_gil_yield (BankGil *gil, int me);
