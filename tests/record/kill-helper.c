/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * kill-helper: a program linked with libweft that records known events
 * and then dies by SIGKILL, for test-record-kill.
 *
 *   kill-helper self T N      T threads "killer-I" record N instants each
 *                             (and the main thread N), then it SIGKILLs itself
 *   kill-helper outside T N   the same, then writes its pid and "ready" to
 *                             stdout and waits to be killed
 *   kill-helper fork T N      the main thread records N, forks a child whose T
 *                             threads record N each before it SIGKILLs itself;
 *                             the parent reaps it, records N more and exits 0
 *
 * Every instant is finished before the kill: the threads meet at a
 * barrier after their last event. Names are literals (the fast path).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "weft.h"

static long n_events;
static pthread_barrier_t done;

static void
record_n (long n)
{
  for (long i = 0; i < n; i++)
    weft_instant ("tick");
}

/* The recorder sees the name (the hooks, perf's comm) and so does libweft. */
static void
set_name (const char *name)
{
  pthread_setname_np (pthread_self (), name);
  weft_thread_set_name (name);
}

static void *
worker (void *data)
{
  char name[16];

  snprintf (name, sizeof name, "killer-%d", (int) (intptr_t) data);
  set_name (name);
  record_n (n_events);
  pthread_barrier_wait (&done);
  /* Parked until the process dies. */
  for (;;)
    pause ();
  return NULL;
}

/* T workers record; returns when every one of them is finished. */
static void
run_workers (int n_threads)
{
  pthread_barrier_init (&done, NULL, (unsigned) n_threads + 1);
  for (int i = 0; i < n_threads; i++)
    {
      pthread_t t;

      if (pthread_create (&t, NULL, worker, (void *) (intptr_t) i) != 0)
        exit (3);
    }
  pthread_barrier_wait (&done);
}

int
main (int argc, char **argv)
{
  int n_threads;

  if (argc != 4)
    return 2;
  n_threads = atoi (argv[2]);
  n_events = atol (argv[3]);
  set_name ("killer-main");

  if (strcmp (argv[1], "self") == 0)
    {
      record_n (n_events);
      run_workers (n_threads);
      raise (SIGKILL);
    }
  else if (strcmp (argv[1], "outside") == 0)
    {
      record_n (n_events);
      run_workers (n_threads);
      printf ("%d ready\n", (int) getpid ());
      fflush (stdout);
      for (;;)
        pause ();
    }
  else if (strcmp (argv[1], "fork") == 0)
    {
      pid_t child;
      int status;

      record_n (n_events);
      child = fork ();
      if (child < 0)
        return 3;
      if (child == 0)
        {
          set_name ("killer-child");
          record_n (n_events);
          run_workers (n_threads);
          raise (SIGKILL);
          _exit (4);
        }
      if (waitpid (child, &status, 0) != child || !WIFSIGNALED (status)
          || WTERMSIG (status) != SIGKILL)
        return 5;
      record_n (n_events);
      return 0;
    }
  return 2;
}
