/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `--range A:B` parsing: units, decimals (exact, in integers), open
 * sides, errors as one line, and resolving against a trace.
 */
#include <string.h>

#include "weft-range.h"

static guint64
parse_time (const char *text)
{
  g_autoptr (GError) error = NULL;
  guint64 ns = G_MAXUINT64;

  g_assert_true (weft_range_parse_time (text, &ns, &error));
  g_assert_no_error (error);
  return ns;
}

static void
test_units (void)
{
  g_assert_cmpuint (parse_time ("0"), ==, 0);
  g_assert_cmpuint (parse_time ("1234"), ==, 1234);
  g_assert_cmpuint (parse_time ("1234ns"), ==, 1234);
  g_assert_cmpuint (parse_time ("500us"), ==, 500000);
  g_assert_cmpuint (parse_time ("100ms"), ==, 100000000);
  g_assert_cmpuint (parse_time ("2s"), ==, 2000000000);
  g_assert_cmpuint (parse_time ("18446744073709551615"), ==, G_MAXUINT64);
}

static void
test_decimals (void)
{
  g_assert_cmpuint (parse_time ("1.5s"), ==, 1500000000);
  g_assert_cmpuint (parse_time ("0.1s"), ==, 100000000);
  g_assert_cmpuint (parse_time (".25ms"), ==, 250000);
  g_assert_cmpuint (parse_time ("1.000000001s"), ==, 1000000001);
  g_assert_cmpuint (parse_time ("2.5us"), ==, 2500);
  /* Below a ns: rounded to the nearest. */
  g_assert_cmpuint (parse_time ("1.0000000004s"), ==, 1000000000);
  g_assert_cmpuint (parse_time ("1.0000000005s"), ==, 1000000001);
  g_assert_cmpuint (parse_time ("1.4"), ==, 1);
  g_assert_cmpuint (parse_time ("0.3333333333333333333333s"), ==, 333333333);
}

static void
test_ranges (void)
{
  g_autoptr (GError) error = NULL;
  WeftRange r;
  guint64 a, b;

  g_assert_true (weft_range_parse ("1.5s:2s", &r, &error));
  g_assert_no_error (error);
  g_assert_true (r.has_start && r.has_end);
  g_assert_cmpuint (r.start, ==, 1500000000);
  g_assert_cmpuint (r.end, ==, 2000000000);

  g_assert_true (weft_range_parse ("100ms:250ms", &r, NULL));
  g_assert_cmpuint (r.start, ==, 100000000);
  g_assert_cmpuint (r.end, ==, 250000000);

  g_assert_true (weft_range_parse ("0:500us", &r, NULL));
  g_assert_cmpuint (r.start, ==, 0);
  g_assert_cmpuint (r.end, ==, 500000);

  g_assert_true (weft_range_parse ("2s:", &r, NULL));
  g_assert_true (r.has_start);
  g_assert_false (r.has_end);
  g_assert_cmpuint (r.start, ==, 2000000000);
  weft_range_resolve (&r, 5000000000, &a, &b);
  g_assert_cmpuint (a, ==, 2000000000);
  g_assert_cmpuint (b, ==, 5000000000);

  g_assert_true (weft_range_parse (":300ms", &r, NULL));
  g_assert_false (r.has_start);
  g_assert_true (r.has_end);
  weft_range_resolve (&r, 5000000000, &a, &b);
  g_assert_cmpuint (a, ==, 0);
  g_assert_cmpuint (b, ==, 300000000);
  /* Clamped to the trace. */
  weft_range_resolve (&r, 1000, &a, &b);
  g_assert_cmpuint (a, ==, 0);
  g_assert_cmpuint (b, ==, 1000);

  g_assert_true (weft_range_parse (":", &r, NULL));
  g_assert_false (r.has_start || r.has_end);
  g_assert_true (weft_range_parse (" 1s : 2s ", &r, NULL));
  g_assert_cmpuint (r.end, ==, 2000000000);
}

static void
assert_bad (const char *text, const char *message)
{
  g_autoptr (GError) error = NULL;
  WeftRange r = { 0 };

  g_assert_false (weft_range_parse (text, &r, &error));
  g_assert_error (error, WEFT_RANGE_ERROR, WEFT_RANGE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_errors (void)
{
  assert_bad ("1s", "bad range '1s': expected A:B such as 1.5s:2s, 100ms:250ms or 2s:");
  assert_bad ("1s:2s:3s", "bad range '1s:2s:3s': expected A:B such as 1.5s:2s, 100ms:250ms or 2s:");
  assert_bad ("1x:2s", "bad time '1x': expected a number with an optional unit ns, us, ms or s");
  assert_bad ("1s:2 s", "bad time '2 s': expected a number with an optional unit ns, us, ms or s");
  assert_bad ("-1s:2s", "bad time '-1s': expected a number with an optional unit ns, us, ms or s");
  assert_bad ("s:2s", "bad time 's': expected a number with an optional unit ns, us, ms or s");
  assert_bad ("1e9:", "bad time '1e9': expected a number with an optional unit ns, us, ms or s");
  assert_bad ("1.5.2s:", "bad time '1.5.2s': expected a number with an optional unit ns, us, ms or s");
  assert_bad ("2s:1s", "bad range '2s:1s': its end is not after its start");
  assert_bad ("1s:1000ms", "bad range '1s:1000ms': its end is not after its start");
  assert_bad ("99999999999s:", "time '99999999999s' is too large");
  assert_bad ("18446744073709551616:", "time '18446744073709551616' is too large");
  assert_bad ("", "bad range '': expected A:B such as 1.5s:2s, 100ms:250ms or 2s:");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/range/units", test_units);
  g_test_add_func ("/weft/range/decimals", test_decimals);
  g_test_add_func ("/weft/range/ranges", test_ranges);
  g_test_add_func ("/weft/range/errors", test_errors);
  return g_test_run ();
}
