/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * record-helper.c: the programs test-record runs under `weft record`.
 * libc + pthreads only, not linked with libweft: what the trace holds
 * comes from the recorder (perf, /proc) and the preloaded hooks.
 *
 *   threads N            N threads named worker-0…, each busy ~20 ms
 *   chain N              forks a child that execs "chain N-1" (N processes below)
 *   exit STATUS          exits with STATUS
 *   signal SIG           kills itself with SIG
 *   many-threads N       N short-lived threads, at most 8 at a time
 *   mutex contended|uncontended
 *                        200 lock/unlock rounds by two threads (contended:
 *                        each holds it 200 us) or by one thread
 *   condvar N            two threads hand a token back and forth N times
 *   main-exits MS        the main thread exits at once; a worker busy for
 *                        MS ms ends the process
 *   sleep MS             prints "ready", sleeps MS ms (attach tests)
 *   wait-signal SIG      prints "ready" and waits; on SIG exits 7
 *   fork-busy N          while two threads contend for a mutex and hand a
 *                        condition variable back and forth, forks N
 *                        children one after another (half exec "exit 0")
 *   seccomp-deny-perf PROG ARGS…
 *                        execs PROG with perf_event_open failing EACCES
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
spin_ms (int ms)
{
  struct timespec a, b;

  clock_gettime (CLOCK_MONOTONIC, &a);
  do
    clock_gettime (CLOCK_MONOTONIC, &b);
  while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

static void
sleep_us (long us)
{
  struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* --- threads --- */

static void *
named_worker (void *arg)
{
  char name[16];

  snprintf (name, sizeof name, "worker-%d", (int) (intptr_t) arg);
  pthread_setname_np (pthread_self (), name);
  spin_ms (20);
  return NULL;
}

static int
run_threads (int n)
{
  pthread_t *t = calloc ((size_t) n, sizeof *t);

  for (int i = 0; i < n; i++)
    pthread_create (&t[i], NULL, named_worker, (void *) (intptr_t) i);
  for (int i = 0; i < n; i++)
    pthread_join (t[i], NULL);
  free (t);
  return 0;
}

static void *
short_worker (void *arg)
{
  (void) arg;
  return NULL;
}

static int
run_many_threads (int n)
{
  pthread_t t[8];

  for (int done = 0; done < n;)
    {
      int batch = n - done < 8 ? n - done : 8;

      for (int i = 0; i < batch; i++)
        if (pthread_create (&t[i], NULL, short_worker, NULL) != 0)
          return 1;
      for (int i = 0; i < batch; i++)
        pthread_join (t[i], NULL);
      done += batch;
    }
  return 0;
}

/* --- processes --- */

static int
run_chain (const char *self, int n)
{
  char arg[16];
  pid_t pid;
  int status;

  if (n <= 0)
    return 0;
  snprintf (arg, sizeof arg, "%d", n - 1);
  pid = fork ();
  if (pid == 0)
    {
      execl (self, self, "chain", arg, (char *) NULL);
      _exit (127);
    }
  if (pid < 0 || waitpid (pid, &status, 0) != pid)
    return 1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}

/* --- locks --- */

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static int hold_us;

static void *
locker (void *arg)
{
  (void) arg;
  for (int i = 0; i < 200; i++)
    {
      pthread_mutex_lock (&mutex);
      if (hold_us)
        sleep_us (hold_us);
      pthread_mutex_unlock (&mutex);
    }
  return NULL;
}

static int
run_mutex (const char *mode)
{
  pthread_t a, b;

  if (strcmp (mode, "contended") == 0)
    {
      hold_us = 200;
      pthread_create (&a, NULL, locker, NULL);
      pthread_create (&b, NULL, locker, NULL);
      pthread_join (a, NULL);
      pthread_join (b, NULL);
      return 0;
    }
  pthread_create (&a, NULL, locker, NULL);
  pthread_join (a, NULL);
  return 0;
}

static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int token, rounds;

/* Thread `me` (0 or 1) waits for the token to be its own, then passes it. */
static void *
handoff (void *arg)
{
  int me = (int) (intptr_t) arg;

  pthread_mutex_lock (&mutex);
  for (int i = 0; i < rounds; i++)
    {
      while (token != me)
        pthread_cond_wait (&cond, &mutex);
      token = !me;
      pthread_cond_broadcast (&cond);
    }
  pthread_mutex_unlock (&mutex);
  return NULL;
}

static int
run_condvar (int n)
{
  pthread_t a, b;

  rounds = n;
  pthread_create (&a, NULL, handoff, (void *) 0);
  pthread_create (&b, NULL, handoff, (void *) 1);
  pthread_join (a, NULL);
  pthread_join (b, NULL);
  return 0;
}

static volatile int busy_stop;

static void *
busy_worker (void *arg)
{
  int me = (int) (intptr_t) arg;

  pthread_mutex_lock (&mutex);
  while (!busy_stop)
    {
      while (token != me && !busy_stop)
        {
          struct timespec ts;

          clock_gettime (CLOCK_REALTIME, &ts);
          ts.tv_nsec += 1000000;
          if (ts.tv_nsec >= 1000000000)
            {
              ts.tv_sec++;
              ts.tv_nsec -= 1000000000;
            }
          pthread_cond_timedwait (&cond, &mutex, &ts);
        }
      token = !me;
      pthread_cond_broadcast (&cond);
      pthread_mutex_unlock (&mutex);
      sleep_us (20);
      pthread_mutex_lock (&mutex);
    }
  pthread_mutex_unlock (&mutex);
  return NULL;
}

/* Fork in a threaded program whose threads are inside the hooks (and
 * libweft) at any moment: every child must run and exit. */
static int
run_fork_busy (const char *self, int n)
{
  pthread_t a, b;
  int failed = 0;

  pthread_create (&a, NULL, busy_worker, (void *) 0);
  pthread_create (&b, NULL, busy_worker, (void *) 1);
  for (int i = 0; i < n; i++)
    {
      pid_t pid = fork ();
      int status;

      if (pid == 0)
        {
          pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER;

          pthread_mutex_lock (&own);
          pthread_mutex_unlock (&own);
          if (i % 2)
            execl (self, self, "exit", "0", (char *) NULL);
          _exit (0);
        }
      if (pid < 0 || waitpid (pid, &status, 0) != pid || !WIFEXITED (status)
          || WEXITSTATUS (status) != 0)
        failed = 1;
    }
  busy_stop = 1;
  pthread_join (a, NULL);
  pthread_join (b, NULL);
  return failed;
}

static void *
last_worker (void *arg)
{
  spin_ms ((int) (intptr_t) arg);
  exit (0);
}

__attribute__ ((noreturn)) static void
run_main_exits (int ms)
{
  pthread_t t;

  pthread_create (&t, NULL, last_worker, (void *) (intptr_t) ms);
  pthread_exit (NULL);
}

/* --- signals --- */

static void
on_signal (int sig)
{
  (void) sig;
  _exit (7);
}

__attribute__ ((noreturn)) static void
run_wait_signal (int sig)
{
  struct sigaction sa = { .sa_handler = on_signal };

  sigaction (sig, &sa, NULL);
  printf ("ready\n");
  fflush (stdout);
  for (;;)
    pause ();
}

/* perf_event_open fails with EACCES, as in a sandbox that forbids it. */
static int
run_seccomp (char **argv)
{
  struct sock_filter filter[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_perf_event_open, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA)),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { .len = sizeof filter / sizeof filter[0], .filter = filter };

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
      || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
    {
      perror ("seccomp");
      return 125;
    }
  execvp (argv[0], argv);
  perror (argv[0]);
  return 127;
}

int
main (int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";
  int n = argc > 2 ? atoi (argv[2]) : 0;

  if (strcmp (mode, "threads") == 0)
    return run_threads (n);
  if (strcmp (mode, "chain") == 0)
    return run_chain (argv[0], n);
  if (strcmp (mode, "exit") == 0)
    return n;
  if (strcmp (mode, "signal") == 0)
    {
      signal (n, SIG_DFL);
      kill (getpid (), n);
      return 1;
    }
  if (strcmp (mode, "many-threads") == 0)
    return run_many_threads (n);
  if (strcmp (mode, "mutex") == 0 && argc > 2)
    return run_mutex (argv[2]);
  if (strcmp (mode, "condvar") == 0)
    return run_condvar (n);
  if (strcmp (mode, "main-exits") == 0)
    run_main_exits (n);
  if (strcmp (mode, "fork-busy") == 0)
    return run_fork_busy (argv[0], n);
  if (strcmp (mode, "sleep") == 0)
    {
      printf ("ready\n");
      fflush (stdout);
      sleep_us ((long) n * 1000);
      return 0;
    }
  if (strcmp (mode, "wait-signal") == 0)
    run_wait_signal (n);
  if (strcmp (mode, "seccomp-deny-perf") == 0 && argc > 2)
    return run_seccomp (argv + 2);
  fprintf (stderr, "record-helper: unknown mode '%s'\n", mode);
  return 2;
}
