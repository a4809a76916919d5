/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * chrome-test-util.h: what the Chrome JSON tests share: importing a
 * fixture or a string, and a canonical text dump of a trace (one line per
 * event, absolute ns) to compare with exact expectations.
 */
#pragma once

#include <glib.h>

#include "weft-chrome-import.h"
#include "weft-builder.h"
#include "weft-chrome-export.h"
#include "weft-reader.h"

/* Imports tests/chrome/data/NAME; fails the test on error. */
WeftReader *chrome_test_import_fixture (const char *name);
/* Imports a document held in a string; NULL with error set on failure. */
WeftReader *chrome_test_import_string (const char *json, GError **error);

/* "thread PID/TID" or "cpu N" headers (streams in pid, tid order), then
 * "  TIME KIND fields" per event. */
char *chrome_test_dump (WeftReader *reader);
/* The same for one stream only, without its header. */
char *chrome_test_dump_thread (WeftReader *reader, guint32 pid, guint32 tid);
char *chrome_test_dump_cpu (WeftReader *reader, guint32 cpu);

/* The metadata value, "" when absent. */
const char *chrome_test_meta (WeftReader *reader, const char *key);

/* A small trace with every kind of event on three threads and two CPUs,
 * built with the trace builder (times from 1 s of CLOCK_MONOTONIC). The
 * caller frees the bytes. */
GBytes *chrome_test_sample (gboolean system_wide);
/* The sample, opened. */
WeftReader *chrome_test_sample_reader (gboolean system_wide);

/* Exports reader to a string (NULL on error). */
char *chrome_test_export (WeftReader *reader, guint64 start, guint64 end, GError **error);

/* Asserts that two strings are equal, printing both when not. */
#define chrome_assert_text(a, b) g_assert_cmpstr ((a), ==, (b))
