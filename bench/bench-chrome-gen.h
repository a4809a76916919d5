/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-chrome-gen.h: the Chrome JSON generator of bench-chrome-import.
 */
#pragma once

#include <glib.h>
#include <stdio.h>

/* Writes about target_bytes of trace to out; returns the bytes written
 * and stores the number of events (trace events and ftrace lines). */
guint64 bench_chrome_generate (FILE *out, guint64 target_bytes, guint64 *n_events);
