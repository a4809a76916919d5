/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Two worker threads for a uftrace fixture: a small call tree each. */
#include <pthread.h>
#include <stdio.h>

static long
leaf (long n)
{
  long s = 0;
  for (long i = 0; i < n; i++)
    s += i ^ (s >> 3);
  return s;
}

static long
fib (int n)
{
  return n < 2 ? n : fib (n - 1) + fib (n - 2);
}

static long
middle (int k)
{
  return leaf (20000 * k) + fib (8);
}

static void *
worker (void *arg)
{
  long id = (long) arg, s = 0;
  for (int k = 1; k <= 3; k++)
    s += middle (k + (int) id);
  return (void *) s;
}

int
main (void)
{
  pthread_t t[2];
  void *r[2];
  for (long i = 0; i < 2; i++)
    pthread_create (&t[i], NULL, worker, (void *) i);
  for (int i = 0; i < 2; i++)
    pthread_join (t[i], &r[i]);
  printf ("%ld\n", (long) r[0] + (long) r[1] + leaf (1000));
  return 0;
}
