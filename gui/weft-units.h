/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-units.h: numbers as the viewer shows them: durations with an SI
 * unit and three significant digits, counts grouped as the locale groups
 * thousands, threads by name and id.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "0 ns", "999 ns", "1.50 µs", "12.3 ms", "1.23 s", "2 min 05 s". */
char *weft_units_format_duration (guint64 ns);

/* "1,234,567" in an English locale, "1.234.567" in a German one. */
char *weft_units_format_count (guint64 n);

/* A thread as every pane names it: "worker (TID 4242)", or "TID 4242"
 * when name is NULL or empty. */
char *weft_units_format_thread (const char *name, guint32 tid);

G_END_DECLS
