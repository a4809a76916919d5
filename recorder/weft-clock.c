/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

WeftClockDomain
_weft_clock_detect (void)
{
  const char *force = getenv ("WEFT_CLOCK");
  char line[4096];
  int constant = 0, nonstop = 0;
  FILE *f;

  if (force != NULL && strcmp (force, "monotonic") == 0)
    return WEFT_CLOCK_MONOTONIC;
  f = fopen ("/proc/cpuinfo", "re");
  if (f == NULL)
    return WEFT_CLOCK_MONOTONIC;
  /* The flags line can be longer than the buffer: look at every piece. */
  while (fgets (line, sizeof line, f) != NULL && !(constant && nonstop))
    {
      constant |= strstr (line, " constant_tsc") != NULL;
      nonstop |= strstr (line, " nonstop_tsc") != NULL;
    }
  fclose (f);
  return constant && nonstop ? WEFT_CLOCK_TSC : WEFT_CLOCK_MONOTONIC;
}

void
_weft_clock_sync (WeftClockSync *pair)
{
  uint64_t best = UINT64_MAX;

  for (int i = 0; i < 5; i++)
    {
      uint64_t t1 = __rdtsc ();
      uint64_t ns = _weft_clock_monotonic_ns ();
      uint64_t t2 = __rdtsc ();

      if (t2 - t1 < best)
        {
          best = t2 - t1;
          pair->tsc = t1 + (t2 - t1) / 2;
          pair->monotonic_ns = ns;
        }
    }
}
