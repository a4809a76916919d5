/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Numbers, and threads, as the viewer prints them.
 */
#include "weft-config.h"

#include <locale.h>

#include "weft-units.h"

static void
check_duration (guint64 ns, const char *expected)
{
  g_autofree char *text = weft_units_format_duration (ns);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_duration (void)
{
  check_duration (0, "0 ns");
  check_duration (999, "999 ns");
  check_duration (1000, "1.00 µs");
  check_duration (1500, "1.50 µs");
  check_duration (12345, "12.3 µs");
  check_duration (999499, "999 µs");
  check_duration (999500, "1.00 ms");
  check_duration (2500000, "2.50 ms");
  check_duration (123456789, "123 ms");
  check_duration (999499999, "999 ms");
  check_duration (999500000, "1.00 s");
  check_duration (G_GUINT64_CONSTANT (1234567890), "1.23 s");
  check_duration (G_GUINT64_CONSTANT (59499999999), "59.5 s");
  check_duration (G_GUINT64_CONSTANT (59500000000), "1 min 00 s");
  check_duration (G_GUINT64_CONSTANT (125000000000), "2 min 05 s");
  check_duration (G_GUINT64_CONSTANT (3600000000000), "1 h 00 min");
  check_duration (G_GUINT64_CONSTANT (5430000000000), "1 h 30 min");
  check_duration (G_MAXUINT64, "5124095 h 34 min");
}

static void
test_count (void)
{
  g_autofree char *zero = weft_units_format_count (0);
  g_autofree char *big = weft_units_format_count (1234567);
  g_autofree char *max = weft_units_format_count (G_MAXUINT64);

  /* The tests run in C.UTF-8, which groups nothing. */
  g_assert_cmpstr (zero, ==, "0");
  g_assert_cmpstr (big, ==, "1234567");
  g_assert_cmpstr (max, ==, "18446744073709551615");
}

/* One wording for a thread in the tooltip, the details and the range
 * statistics. */
static void
test_thread (void)
{
  g_autofree char *named = weft_units_format_thread ("worker", 4242);
  g_autofree char *empty = weft_units_format_thread ("", 7);
  g_autofree char *unnamed = weft_units_format_thread (NULL, G_MAXUINT32);

  g_assert_cmpstr (named, ==, "worker (TID 4242)");
  g_assert_cmpstr (empty, ==, "TID 7");
  g_assert_cmpstr (unnamed, ==, "TID 4294967295");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/gui/units/duration", test_duration);
  g_test_add_func ("/weft/gui/units/count", test_count);
  g_test_add_func ("/weft/gui/units/thread", test_thread);
  return g_test_run ();
}
