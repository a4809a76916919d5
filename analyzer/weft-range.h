/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-range.h: `--range A:B` (SPEC §3). Times are relative to the trace's
 * first event; bare numbers are ns; units ns, us, ms, s; decimals
 * ("1.5s"); either side may be empty ("2s:", ":300ms").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WEFT_RANGE_ERROR (weft_range_error_quark ())
GQuark weft_range_error_quark (void);

typedef enum
{
  WEFT_RANGE_ERROR_INVALID,
} WeftRangeError;

typedef struct
{
  gboolean has_start;
  gboolean has_end;
  guint64 start; /* ns */
  guint64 end;   /* ns, > start when both are given */
} WeftRange;

/* One time such as "1.5s", "250us" or "1000". Error messages are one line. */
gboolean weft_range_parse_time (const char *text, guint64 *ns, GError **error);

/* "A:B"; a range whose end is not after its start is an error. */
gboolean weft_range_parse (const char *text, WeftRange *range, GError **error);

/* The range over a trace of that duration: an empty side is its start or
 * end, and the end is clamped to the duration. */
void weft_range_resolve (const WeftRange *range, guint64 duration, guint64 *start, guint64 *end);

G_END_DECLS
