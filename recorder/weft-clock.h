/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-clock.h: event timestamps. The TSC when it is invariant (ticks,
 * converted by the reader through CLOCK chunks of (tsc, CLOCK_MONOTONIC)
 * pairs), CLOCK_MONOTONIC nanoseconds otherwise.
 */
#pragma once

#include <stdint.h>
#include <time.h>
#include <x86intrin.h>

#include "weft-format.h"

/* WEFT_CLOCK_TSC when /proc/cpuinfo has constant_tsc and nonstop_tsc
 * (and WEFT_CLOCK=monotonic does not force the fallback). */
WeftClockDomain
_weft_clock_detect (void);

static inline uint64_t
_weft_clock_monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static inline uint64_t
_weft_clock_read (WeftClockDomain domain)
{
  return domain == WEFT_CLOCK_TSC ? __rdtsc () : _weft_clock_monotonic_ns ();
}

/* One (tsc, monotonic) pair, the tightest of a few tries: the TSC is read
 * on both sides of clock_gettime and the midpoint kept. */
void
_weft_clock_sync (WeftClockSync *pair);
