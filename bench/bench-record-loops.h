/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-record-loops.h: what bench-record and bench-record-session time
 * the same way: the floor loop of SPEC §7 and one recorded event.
 */
#pragma once

#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <x86intrin.h>

#include "weft.h"

#define RING_WORDS (64u * 1024 * 1024 / sizeof (uint64_t))
#define RUNS 41
#define EVENTS_PER_RUN 1000000L
#define THREAD_EVENTS 20000000L

static uint64_t *ring;
static size_t j;

static double
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

/* SPEC §7, word for word. */
static __attribute__ ((noinline)) double
floor_run (long n)
{
  double t0 = now_ns ();

  for (long i = 0; i < n; i++)
    {
      uint64_t t = __rdtsc ();
      ring[j] = t;
      ring[j + 1] = (uint64_t) i;
      j = (j + 2) & (RING_WORDS - 1);
      __asm__ volatile("" ::: "memory");
    }
  return (now_ns () - t0) / (double) n;
}

/* n events: n / 2 spans of one literal name. */
static __attribute__ ((noinline)) double
event_run (long n)
{
  double t0 = now_ns ();

  for (long i = 0; i < n; i += 2)
    {
      weft_span_begin ("literal");
      weft_span_end ();
    }
  return (now_ns () - t0) / (double) n;
}

/* The pre-faulted ring of the floor loop, as the spec says; 0 on failure. */
static int
floor_ring_init (void)
{
  ring = mmap (NULL, RING_WORDS * sizeof *ring, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (ring == MAP_FAILED)
    return 0;
  for (size_t i = 0; i < RING_WORDS; i++)
    ring[i] = 1;
  return 1;
}

/* Best of RUNS alternated runs of each; returns the event/floor ratio. */
static double
floor_and_event (double *floor_best, double *event_best)
{
  *floor_best = *event_best = 1e9;
  /* Warm up both (the first event of a thread sets up its stream). */
  floor_run (EVENTS_PER_RUN / 10);
  event_run (EVENTS_PER_RUN / 10);
  for (int r = 0; r < RUNS; r++)
    {
      double f = floor_run (EVENTS_PER_RUN);
      double e = event_run (EVENTS_PER_RUN);

      *floor_best = f < *floor_best ? f : *floor_best;
      *event_best = e < *event_best ? e : *event_best;
    }
  return *event_best / *floor_best;
}
