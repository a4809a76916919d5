/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-trace-gen.h: a recording's mix for the rendering benchmarks: half
 * the events context switches of eight threads in two processes on two
 * cores (slices of 0.2 to 20 µs, idle gaps), half nested spans (three
 * levels, 50 ns to 0.4 ms), lock waits now and then, a memory counter.
 */
#pragma once

#include <glib.h>

#include "weft-builder.h"

#define BENCH_TRACE_N_THREADS 8
#define BENCH_TRACE_T0 G_GUINT64_CONSTANT (1000000000)

/* Writes about n_events events into b; command is the trace's title. */
void bench_trace_build (WeftBuilder *b, guint64 n_events, const char *command);
