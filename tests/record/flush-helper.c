/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * flush-helper: a program that keeps the scheduler busy for test-record-
 * flush, which kills `weft record` while it runs. libc + pthreads only.
 *
 *   flush-helper SECONDS   prints "PID ready", then for SECONDS two
 *                          threads hand a token back and forth every 5 ms
 *                          (a switch each turn) while a third spins 20 ms
 *                          and naps 5 ms; exits 0. A few hundred switches
 *                          a second: 64 KiB of them take many seconds, so
 *                          only flushing gets them into the file early
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn;
static volatile int done;

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
spin_us (int us)
{
  double end = now_s () + us / 1e6;

  while (now_s () < end)
    ;
}

static void *
ping (void *data)
{
  int me = (int) (long) data;

  pthread_setname_np (pthread_self (), me ? "flush-pong" : "flush-ping");
  pthread_mutex_lock (&lock);
  while (!done)
    {
      while (turn != me && !done)
        pthread_cond_wait (&turn_changed, &lock);
      pthread_mutex_unlock (&lock);
      spin_us (5000);
      pthread_mutex_lock (&lock);
      turn = !me;
      pthread_cond_broadcast (&turn_changed);
    }
  pthread_mutex_unlock (&lock);
  return NULL;
}

static void *
spinner (void *data)
{
  struct timespec nap = { 0, 5000000 };

  (void) data;
  pthread_setname_np (pthread_self (), "flush-spin");
  while (!done)
    {
      spin_us (20000);
      nanosleep (&nap, NULL);
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  pthread_t threads[3];
  double seconds = argc > 1 ? atof (argv[1]) : 1.0, end;

  printf ("%d ready\n", (int) getpid ());
  fflush (stdout);
  end = now_s () + seconds;
  pthread_create (&threads[0], NULL, ping, (void *) 0L);
  pthread_create (&threads[1], NULL, ping, (void *) 1L);
  pthread_create (&threads[2], NULL, spinner, NULL);
  while (now_s () < end)
    usleep (10000);
  pthread_mutex_lock (&lock);
  done = 1;
  pthread_cond_broadcast (&turn_changed);
  pthread_mutex_unlock (&lock);
  for (int i = 0; i < 3; i++)
    pthread_join (threads[i], NULL);
  return 0;
}
