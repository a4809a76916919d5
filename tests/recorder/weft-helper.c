/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-helper: a program instrumented with libweft (libc + libweft only,
 * like a user's program), run by test-runtime with WEFT_TRACE set. Each
 * scenario records a known sequence; facts the test needs (addresses,
 * pids, counts) are printed on stdout as key=value lines.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "weft.h"

static int bank_lock;

static void
scoped (void)
{
  WEFT_SCOPE ("scoped");
  weft_instant ("inside");
}

/* Every call of the API once, in an order the test checks exactly. */
static int
roundtrip (void)
{
  char buf[32];

  weft_span_begin ("outer");
  weft_instant ("tick");
  weft_counter ("depth", 2.5);
  snprintf (buf, sizeof buf, "copy %d", 1);
  weft_span_begin_copy (buf);
  weft_span_end ();
  weft_thread_set_name ("main thread");
  weft_task_begin (42, "fetch");
  weft_task_suspend (42);
  weft_flush ();
  weft_task_resume (42);
  weft_task_end (42);
  weft_flow_begin (7);
  weft_flow_end (7);
  weft_lock_name (&bank_lock, "bank lock");
  weft_lock_wait (&bank_lock);
  weft_lock_acquired (&bank_lock);
  weft_lock_released (&bank_lock);
  weft_span_begin ("outer");
  scoped ();
  weft_span_end ();
  weft_counter ("depth", -1e300);
  weft_task_begin (UINT64_MAX, "fetch");
  weft_span_end ();
  printf ("lock=%p\n", (void *) &bank_lock);
  return 0;
}

typedef struct
{
  int index;
  long events;
} Worker;

static void *
worker_main (void *data)
{
  Worker *w = data;
  char name[32];

  snprintf (name, sizeof name, "worker %d", w->index);
  weft_thread_set_name (name);
  for (long i = 0; i < w->events / 2; i++)
    {
      weft_span_begin ("tick");
      weft_span_end ();
    }
  return NULL;
}

/* n threads, each recording m span events (m / 2 pairs). */
static int
threads (int n, long m)
{
  pthread_t tids[64];
  Worker workers[64];

  if (n > 64)
    return 2;
  for (int i = 0; i < n; i++)
    {
      workers[i] = (Worker){ i, m };
      pthread_create (&tids[i], NULL, worker_main, &workers[i]);
    }
  for (int i = 0; i < n; i++)
    pthread_join (tids[i], NULL);
  return 0;
}

/* Static names by address (more than the cache holds, used twice each),
 * copied names from one reused buffer, cut names, a NULL name. */
static int
names (void)
{
  static char table[600][16];
  char buf[2048];

  for (int i = 0; i < 600; i++)
    snprintf (table[i], sizeof table[i], "n%d", i);
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < 600; i++)
      weft_instant (table[i]);
  strcpy (buf, "copy-a");
  weft_span_begin_copy (buf);
  strcpy (buf, "copy-b");
  weft_span_begin_copy (buf);
  strcpy (buf, "copy-a");
  weft_span_begin_copy (buf);
  memset (buf, 'x', 3000 > sizeof buf - 1 ? sizeof buf - 1 : 3000);
  buf[sizeof buf - 1] = '\0';
  weft_span_begin_copy (buf);
  memset (buf, 'y', 1023);
  strcpy (buf + 1023, "\xc3\xa9z");
  weft_span_begin_copy (buf);
  weft_instant (NULL);
  for (int i = 0; i < 2000; i++)
    {
      snprintf (buf, sizeof buf, "dyn-%d", i);
      weft_span_begin_copy (buf);
    }
  weft_instant (table[0]);
  return 0;
}

static int stop_spinning;

static void *
spinner_main (void *data)
{
  long *spins = data;

  while (!__atomic_load_n (&stop_spinning, __ATOMIC_RELAXED))
    {
      weft_span_begin ("spin");
      weft_span_end ();
      __atomic_store_n (spins, *spins + 1, __ATOMIC_RELAXED);
    }
  return NULL;
}

/* The child's events appear once, under its pid; the parent's before the
 * fork only in the parent. Another thread records all along: it does not
 * exist in the child. The child fills blocks, so it starts its own drain
 * thread. */
static int
fork_scenario (long child_pairs)
{
  pthread_t spinner;
  long spins = 0;
  pid_t child;
  int status;

  pthread_create (&spinner, NULL, spinner_main, &spins);
  while (__atomic_load_n (&spins, __ATOMIC_RELAXED) < 1000)
    ;
  weft_span_begin ("parent-before");
  weft_span_end ();
  child = fork ();
  if (child < 0)
    return 1;
  if (child == 0)
    {
      weft_span_begin ("child");
      for (long i = 0; i < child_pairs; i++)
        {
          weft_span_begin ("child-tick");
          weft_span_end ();
        }
      weft_instant ("child-instant");
      weft_span_end ();
      exit (0);
    }
  waitpid (child, &status, 0);
  weft_span_begin ("parent-after");
  weft_span_end ();
  __atomic_store_n (&stop_spinning, 1, __ATOMIC_RELAXED);
  pthread_join (spinner, NULL);
  printf ("child=%d\nchild_status=%d\nspins=%ld\n", (int) child, status, spins);
  return 0;
}

static volatile sig_atomic_t signals;

static void
on_sigprof (int sig)
{
  signals++;
  weft_instant ("sig");
}

/* SIGPROF hammers a thread that records in a loop: every handler event is
 * either in the trace or counted lost, and the buffer stays decodable. */
static int
signal_scenario (long min_signals)
{
  struct sigaction sa = { .sa_handler = on_sigprof, .sa_flags = SA_RESTART };
  struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGPROF };
  struct itimerspec on = { { 0, 50000 }, { 0, 50000 } }, off = { { 0, 0 }, { 0, 0 } };
  timer_t timer;
  long pairs = 0;

  sigemptyset (&sa.sa_mask);
  sigaction (SIGPROF, &sa, NULL);
  /* A 50 us monotonic timer: many signals without a huge trace (the
   * profiling itimer only ticks at the scheduler's rate). */
  if (timer_create (CLOCK_MONOTONIC, &sev, &timer) != 0)
    return 1;
  timer_settime (timer, 0, &on, NULL);
  while (signals < min_signals || pairs < 100000)
    {
      weft_span_begin ("loop");
      weft_counter ("value", (double) pairs);
      weft_span_end ();
      pairs++;
    }
  timer_settime (timer, 0, &off, NULL);
  timer_delete (timer);
  printf ("pairs=%ld\nsignals=%ld\n", pairs, (long) signals);
  return 0;
}

/* Records as fast as it can; the test keeps the trace (a FIFO) unread
 * until "done", so the small buffer overflows. */
static int
overflow (long pairs)
{
  for (long i = 0; i < pairs; i++)
    {
      weft_span_begin ("fast");
      weft_span_end ();
    }
  printf ("done\n");
  fflush (stdout);
  return 0;
}

static void
pairs_of (const char *name, int n)
{
  for (int i = 0; i < n; i++)
    {
      weft_span_begin (name);
      weft_span_end ();
    }
}

/* weft_flush() makes what was recorded reach the file while the program
 * runs; what follows in the same block is written later, once. */
static int
flush_scenario (void)
{
  char line[16];

  pairs_of ("first", 1000);
  weft_flush ();
  printf ("flushed\n");
  fflush (stdout);
  if (fgets (line, sizeof line, stdin) == NULL)
    return 1;
  pairs_of ("second", 1000);
  weft_flush ();
  pairs_of ("third", 10);
  return 0;
}

/* An exec'd program appends to the trace its ancestor writes. */
static int
exec_scenario (const char *self)
{
  weft_span_begin ("before-exec");
  weft_span_end ();
  weft_flush ();
  execl (self, self, "after-exec", (char *) NULL);
  perror ("execl");
  return 1;
}

int
main (int argc, char **argv)
{
  const char *what = argc > 1 ? argv[1] : "";

  setvbuf (stdout, NULL, _IOLBF, 0);
  printf ("pid=%d\n", (int) getpid ());
  if (strcmp (what, "roundtrip") == 0)
    return roundtrip ();
  if (strcmp (what, "threads") == 0 && argc == 4)
    return threads (atoi (argv[2]), atol (argv[3]));
  if (strcmp (what, "names") == 0)
    return names ();
  if (strcmp (what, "fork") == 0 && argc == 3)
    return fork_scenario (atol (argv[2]));
  if (strcmp (what, "signal") == 0 && argc == 3)
    return signal_scenario (atol (argv[2]));
  if (strcmp (what, "overflow") == 0 && argc == 3)
    return overflow (atol (argv[2]));
  if (strcmp (what, "flush") == 0)
    return flush_scenario ();
  if (strcmp (what, "exec") == 0)
    return exec_scenario (argv[0]);
  if (strcmp (what, "after-exec") == 0)
    {
      pairs_of ("after-exec", 1);
      return 0;
    }
  fprintf (stderr, "usage: weft-helper SCENARIO [ARGS]\n");
  return 2;
}
