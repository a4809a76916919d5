/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-trace-gen.c: the big trace of the rendering benchmarks
 * (bench-render, bench-viewer-frames), written with the trace builder.
 */
#include "bench-trace-gen.h"

#define N_THREADS BENCH_TRACE_N_THREADS
#define T0 BENCH_TRACE_T0

static guint32
next_random (guint64 *state)
{
  *state = *state * 6364136223846793005ull + 1442695040888963407ull;
  return (guint32) (*state >> 33);
}

/* A recording's mix: half the events context switches of eight threads
 * on two cores (slices of 0.2 to 20 µs), half nested spans (three levels,
 * 50 ns to 0.4 ms), lock waits now and then, a memory counter. */
void
bench_trace_build (WeftBuilder *b, guint64 n_events, const char *command)
{
  WeftBuilderStream cpu[2] = { weft_builder_cpu (b, 0), weft_builder_cpu (b, 1) };
  WeftBuilderStream th[N_THREADS];
  guint64 state = 7, per_cpu = n_events / 4, per_thread = n_events / 2 / N_THREADS;

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_set_metadata (b, "sched", "true");
  weft_builder_set_metadata (b, "command", command);
  for (guint i = 0; i < N_THREADS; i++)
    {
      th[i] = weft_builder_thread (b, 1000 + i / 4, 1000 + i);
      weft_builder_thread_name (b, th[i], T0, i % 4 ? "worker" : "main");
    }
  for (guint c = 0; c < 2; c++)
    {
      gint64 prev = WEFT_TID_IDLE;
      guint64 t = T0;

      for (guint64 i = 0; i < per_cpu; i++)
        {
          guint32 r = next_random (&state);
          gint64 who = r % 7 == 0 ? WEFT_TID_IDLE : 1000 + c * 4 + (r >> 8) % 4;

          t += 200 + (r >> 12) % (i % 1000 < 10 ? 20000 : 1500);
          weft_builder_switch (b, cpu[c], t, prev,
                               (r & 0x10) ? WEFT_SWITCH_PREEMPTED : WEFT_SWITCH_BLOCKED, who);
          prev = who;
        }
    }
  for (guint i = 0; i < N_THREADS; i++)
    {
      const char *names[] = { "request", "parse", "compute", "io", "render", "db" };
      guint depth = 0;
      guint64 t = T0;

      for (guint64 k = 0; k < per_thread; k++)
        {
          guint32 r = next_random (&state);

          t += 50 + (r % 211 == 0 ? 400000 : r % 700);
          if (k % 64 == 3)
            {
              weft_builder_lock_wait (b, th[i], t, 0x1000);
              weft_builder_lock_acquired (b, th[i], t += 300 + r % 500, 0x1000);
              k++;
            }
          else if (depth < 3 && (depth == 0 || r % 3 != 0))
            {
              weft_builder_span_begin (b, th[i], t, names[(r >> 4) % 6]);
              depth++;
            }
          else
            {
              weft_builder_span_end (b, th[i], t);
              depth--;
            }
          if (i % 4 == 0 && k % 100000 == 0)
            weft_builder_counter (b, th[i], t, "memory.rss", 1e6 * (10 + (k / 100000) % 50));
        }
      while (depth-- > 0)
        weft_builder_span_end (b, th[i], t += 100);
    }
}
