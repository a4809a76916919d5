/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With WEFT_DISABLE defined, every call of weft.h vanishes with its
 * arguments unevaluated. This program is built with -DWEFT_DISABLE and
 * without libweft: it links only because no call is left, and its binary
 * holds no symbol of the API.
 */
#define _GNU_SOURCE
#include <string.h>

#include <glib.h>

#include "weft.h"

static int evaluated;

G_GNUC_UNUSED static const char *
name (void)
{
  evaluated++;
  return "evaluated";
}

G_GNUC_UNUSED static uint64_t
id (void)
{
  evaluated++;
  return 1;
}

static void
scoped (void)
{
  WEFT_SCOPE (name ());
}

static void
test_calls_vanish (void)
{
  static int lock G_GNUC_UNUSED;

  weft_span_begin (name ());
  weft_span_end ();
  weft_instant (name ());
  weft_counter (name (), (double) id ());
  weft_span_begin_copy (name ());
  weft_thread_set_name (name ());
  weft_task_begin (id (), name ());
  weft_task_suspend (id ());
  weft_task_resume (id ());
  weft_task_end (id ());
  weft_flow_begin (id ());
  weft_flow_end (id ());
  weft_lock_name (&lock, name ());
  weft_lock_wait (&lock + id ());
  weft_lock_acquired (&lock + id ());
  weft_lock_released (&lock + id ());
  weft_flush ();
  scoped ();
  g_assert_cmpint (evaluated, ==, 0);
}

static void
test_no_symbols (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  /* The prefix is built at run time so that this test does not plant it
   * in its own binary. */
  char prefix[6] = { 'w', 'e', 'f', 't', 0, 0 };
  const char *hit;
  gsize size;

  prefix[4] = '_';
  g_file_get_contents ("/proc/self/exe", &data, &size, &error);
  g_assert_no_error (error);
  hit = memmem (data, size, prefix, 5);
  if (hit != NULL)
    g_error ("the binary names the API at offset %zu", (size_t) (hit - data));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/disable/calls-vanish", test_calls_vanish);
  g_test_add_func ("/weft/disable/no-symbols", test_no_symbols);
  return g_test_run ();
}
