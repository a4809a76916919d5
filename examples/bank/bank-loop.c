/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-loop.c: timers in a binary min-heap, descriptors in a ppoll array.
 * Nothing here is instrumented: the loop waiting in ppoll() is the idle
 * time between the callbacks' spans.
 */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bank-loop.h"
#include "bank.h"

typedef struct
{
  uint64_t due; /* CLOCK_MONOTONIC ns */
  uint64_t seq; /* ties run in the order added */
  BankLoopFunc func;
  void *data;
} Timer;

struct _BankLoop
{
  Timer *timers; /* a min-heap on (due, seq) */
  size_t n_timers, timers_cap;
  uint64_t next_seq;
  struct pollfd fds[BANK_LOOP_MAX_WATCHES];
  BankLoopFunc fd_funcs[BANK_LOOP_MAX_WATCHES];
  void *fd_data[BANK_LOOP_MAX_WATCHES];
  int n_fds;
  bool quit;
};

BankLoop *
bank_loop_new (void)
{
  return calloc (1, sizeof (BankLoop));
}

void
bank_loop_free (BankLoop *loop)
{
  if (loop == NULL)
    return;
  free (loop->timers);
  free (loop);
}

static bool
timer_before (const Timer *a, const Timer *b)
{
  return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void
swap_timers (Timer *a, Timer *b)
{
  Timer t = *a;

  *a = *b;
  *b = t;
}

bool
bank_loop_add_timer (BankLoop *loop, uint64_t delay_ns, BankLoopFunc func, void *data)
{
  size_t i;

  if (loop->n_timers == loop->timers_cap)
    {
      size_t cap = loop->timers_cap ? loop->timers_cap * 2 : 64;
      Timer *timers = realloc (loop->timers, cap * sizeof *timers);

      if (timers == NULL)
        return false;
      loop->timers = timers;
      loop->timers_cap = cap;
    }

  i = loop->n_timers++;
  loop->timers[i] = (Timer){ bank_now_ns () + delay_ns, loop->next_seq++, func, data };
  while (i > 0 && timer_before (&loop->timers[i], &loop->timers[(i - 1) / 2]))
    {
      swap_timers (&loop->timers[i], &loop->timers[(i - 1) / 2]);
      i = (i - 1) / 2;
    }
  return true;
}

static Timer
pop_timer (BankLoop *loop)
{
  Timer top = loop->timers[0];
  size_t i = 0;

  loop->timers[0] = loop->timers[--loop->n_timers];
  for (;;)
    {
      size_t l = 2 * i + 1, r = l + 1, m = i;

      if (l < loop->n_timers && timer_before (&loop->timers[l], &loop->timers[m]))
        m = l;
      if (r < loop->n_timers && timer_before (&loop->timers[r], &loop->timers[m]))
        m = r;
      if (m == i)
        break;
      swap_timers (&loop->timers[i], &loop->timers[m]);
      i = m;
    }
  return top;
}

bool
bank_loop_watch (BankLoop *loop, int fd, BankLoopFunc func, void *data)
{
  if (loop->n_fds == BANK_LOOP_MAX_WATCHES)
    return false;
  loop->fds[loop->n_fds] = (struct pollfd){ .fd = fd, .events = POLLIN };
  loop->fd_funcs[loop->n_fds] = func;
  loop->fd_data[loop->n_fds] = data;
  loop->n_fds++;
  return true;
}

void
bank_loop_quit (BankLoop *loop)
{
  loop->quit = true;
}

bool
bank_loop_run (BankLoop *loop)
{
  loop->quit = false;
  while (!loop->quit)
    {
      uint64_t now = bank_now_ns ();
      struct timespec ts, *timeout = NULL;

      /* every timer due by now, earliest first */
      while (!loop->quit && loop->n_timers > 0 && loop->timers[0].due <= now)
        {
          Timer t = pop_timer (loop);

          t.func (loop, t.data);
        }
      if (loop->quit)
        break;
      if (loop->n_timers == 0 && loop->n_fds == 0)
        break;

      if (loop->n_timers > 0)
        {
          uint64_t wait = loop->timers[0].due > now ? loop->timers[0].due - now : 0;

          ts.tv_sec = (time_t) (wait / 1000000000u);
          ts.tv_nsec = (long) (wait % 1000000000u);
          timeout = &ts;
        }
      if (ppoll (loop->fds, (nfds_t) loop->n_fds, timeout, NULL) < 0)
        {
          if (errno == EINTR)
            continue;
          bank_error ("async: ppoll: %s", strerror (errno));
          return false;
        }
      for (int i = 0; i < loop->n_fds && !loop->quit; i++)
        if (loop->fds[i].revents != 0)
          loop->fd_funcs[i](loop, loop->fd_data[i]);
    }
  return true;
}
