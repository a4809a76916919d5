/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-gil-lock.c: take, drop and yield of the GIL, annotated for Weft:
 * a wait is recorded only when the GIL was held by someone else, so the
 * trace shows each checker queueing for its turn.
 */
#include <errno.h>
#include <time.h>

#include <weft.h>

#include "bank-gil-lock.h"

void
bank_gil_init (BankGil *gil)
{
  pthread_condattr_t attr;

  pthread_mutex_init (&gil->mutex, NULL);
  pthread_mutex_init (&gil->switch_mutex, NULL);
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&gil->cond, &attr);
  pthread_cond_init (&gil->switch_cond, &attr);
  pthread_condattr_destroy (&attr);
  gil->locked = false;
  gil->holder = -1;
  gil->switch_number = 0;
  gil->drop_requests = 0;
  gil->waits = 0;
  atomic_init (&gil->drop_request, 0);
  weft_lock_name (gil, "GIL");
  /* what `weft record`'s hooks see: the condition waits behind the GIL */
  weft_lock_name (&gil->cond, "GIL: wait for a drop");
  weft_lock_name (&gil->switch_cond, "GIL: wait for a hand-over");
}

void
bank_gil_clear (BankGil *gil)
{
  pthread_cond_destroy (&gil->switch_cond);
  pthread_cond_destroy (&gil->cond);
  pthread_mutex_destroy (&gil->switch_mutex);
  pthread_mutex_destroy (&gil->mutex);
}

static void
deadline_after (struct timespec *ts, long ns)
{
  clock_gettime (CLOCK_MONOTONIC, ts);
  ts->tv_nsec += ns;
  while (ts->tv_nsec >= 1000000000)
    {
      ts->tv_sec++;
      ts->tv_nsec -= 1000000000;
    }
}

/* waiting: a wait for the GIL was recorded already (by bank_gil_yield) */
static void
take (BankGil *gil, int me, bool waiting)
{
  pthread_mutex_lock (&gil->mutex);

  if (gil->locked)
    {
      if (!waiting)
        {
          weft_lock_wait (gil);
          gil->waits++;
        }
      while (gil->locked)
        {
          unsigned long saved = gil->switch_number;
          struct timespec due;
          int r;

          deadline_after (&due, BANK_GIL_INTERVAL_NS);
          r = pthread_cond_timedwait (&gil->cond, &gil->mutex, &due);
          /* a whole interval passed without a hand-over: ask the holder
           * to let go */
          if (r == ETIMEDOUT && gil->locked && gil->switch_number == saved)
            {
              atomic_store (&gil->drop_request, 1);
              gil->drop_requests++;
              weft_instant ("drop_request");
            }
        }
    }

  /* taken: tell a thread waiting in bank_gil_yield() that the hand-over
   * happened */
  pthread_mutex_lock (&gil->switch_mutex);
  gil->locked = true;
  if (gil->holder != me)
    {
      gil->holder = me;
      gil->switch_number++;
    }
  pthread_cond_signal (&gil->switch_cond);
  pthread_mutex_unlock (&gil->switch_mutex);

  atomic_store (&gil->drop_request, 0);
  weft_lock_acquired (gil);
  pthread_mutex_unlock (&gil->mutex);
}

void
bank_gil_take (BankGil *gil, int me)
{
  take (gil, me, false);
}

/* requeue: the caller will take the GIL again at once, so it is waiting
 * for it from this moment; recorded before the signal, since the woken
 * thread often preempts this one right there */
static void
drop (BankGil *gil, bool requeue)
{
  pthread_mutex_lock (&gil->mutex);
  gil->locked = false;
  weft_lock_released (gil);
  if (requeue)
    {
      weft_lock_wait (gil);
      gil->waits++;
    }
  pthread_cond_signal (&gil->cond);
  pthread_mutex_unlock (&gil->mutex);
}

void
bank_gil_drop (BankGil *gil, int me)
{
  drop (gil, false);
}

void
bank_gil_yield (BankGil *gil, int me)
{
  drop (gil, true);

  /* forced switching: a waiter asked, so it gets the GIL before we may
   * queue again (without this the dropping thread, still on its CPU,
   * usually wins the race and the waiter starves) */
  pthread_mutex_lock (&gil->switch_mutex);
  while (gil->holder == me)
    pthread_cond_wait (&gil->switch_cond, &gil->switch_mutex);
  pthread_mutex_unlock (&gil->switch_mutex);

  take (gil, me, true);
}
