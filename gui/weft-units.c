/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-units.h"

#include <glib/gi18n.h>
#include <stdio.h>

/* Three significant digits of value (>= 1 and < 1000). */
static char *
format_3 (double value, const char *unit)
{
  if (value < 9.995)
    return g_strdup_printf ("%.2f %s", value, unit);
  if (value < 99.95)
    return g_strdup_printf ("%.1f %s", value, unit);
  return g_strdup_printf ("%.0f %s", value, unit);
}

char *
weft_units_format_duration (guint64 ns)
{
  if (ns < 1000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " ns", ns);
  /* Each unit takes over where rounding to three digits would print 1000. */
  if (ns < 999500)
    return format_3 (ns / 1e3, "µs");
  if (ns < G_GUINT64_CONSTANT (999500000))
    return format_3 (ns / 1e6, "ms");
  if (ns < G_GUINT64_CONSTANT (59500000000))
    return format_3 (ns / 1e9, "s");
  {
    const guint64 second = G_GUINT64_CONSTANT (1000000000);
    guint64 s = ns / second + (ns % second >= second / 2); /* rounded, no overflow */

    if (s < 3600)
      return g_strdup_printf ("%" G_GUINT64_FORMAT " min %02u s", s / 60, (guint) (s % 60));
    return g_strdup_printf ("%" G_GUINT64_FORMAT " h %02u min", s / 3600,
                            (guint) (s % 3600 / 60));
  }
}

char *
weft_units_format_count (guint64 n)
{
  /* glibc's ' flag groups by LC_NUMERIC; g_strdup_printf may not pass it
   * through on every platform, so format with snprintf. */
  char buf[64];

  snprintf (buf, sizeof buf, "%'" G_GUINT64_FORMAT, n);
  return g_strdup (buf);
}

char *
weft_units_format_thread (const char *name, guint32 tid)
{
  if (name != NULL && *name != '\0')
    /* Translators: a thread, as "worker-1 (TID 4242)" */
    return g_strdup_printf (_("%s (TID %u)"), name, tid);
  return g_strdup_printf (_("TID %u"), tid);
}
