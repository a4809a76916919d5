/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft_trace_file_open() and its cancellable: a cancelled open of a .weft
 * or a Chrome JSON file fails with G_IO_ERROR_CANCELLED (the viewer's
 * Cancel), an uncancelled one opens. The .weft walk looks at the
 * cancellable every 8 MiB of chunks it checks; how soon it stops on a
 * 300 MB file is in the commit that added it (not timed here).
 */
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "weft-builder.h"
#include "weft-trace-file.h"

typedef struct
{
  char *dir;
  char *small, *big, *json;
} Fixture;

static void
build (const char *path, guint64 n_spans)
{
  WeftBuilder *b = weft_builder_new (path);
  WeftBuilderStream s[4];

  g_assert_nonnull (b);
  for (guint i = 0; i < G_N_ELEMENTS (s); i++)
    s[i] = weft_builder_thread (b, 1, 1 + i);
  for (guint64 k = 0; k < n_spans; k++)
    {
      weft_builder_span_begin (b, s[k % 4], 1000 + k * 10, "span");
      weft_builder_span_end (b, s[k % 4], 1005 + k * 10);
    }
  g_assert_cmpint (weft_builder_finish (b), ==, 0);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  const char *json = "{\"traceEvents\":[{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":1,"
                     "\"ts\":1,\"dur\":2}]}";
  g_autoptr (GError) error = NULL;
  GStatBuf st;

  f->dir = g_dir_make_tmp ("weft-trace-file-XXXXXX", &error);
  g_assert_no_error (error);
  f->small = g_build_filename (f->dir, "small.weft", NULL);
  f->big = g_build_filename (f->dir, "big.weft", NULL);
  f->json = g_build_filename (f->dir, "small.json", NULL);
  build (f->small, 10);
  /* Larger than the 8 MiB between two looks at the cancellable. */
  build (f->big, 3000000);
  g_assert_cmpint (g_stat (f->big, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 8 << 20);
  g_assert_true (g_file_set_contents (f->json, json, -1, NULL));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_unlink (f->small);
  g_unlink (f->big);
  g_unlink (f->json);
  g_rmdir (f->dir);
  g_free (f->small);
  g_free (f->big);
  g_free (f->json);
  g_free (f->dir);
}

static void
test_cancelled (Fixture *f, gconstpointer data)
{
  const char *paths[] = { f->small, f->big, f->json };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      g_autoptr (GError) error = NULL;
      WeftReader *reader;

      g_cancellable_cancel (cancellable);
      reader = weft_trace_file_open (paths[i], cancellable, &error);
      g_assert_null (reader);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    }
}

static void
test_not_cancelled (Fixture *f, gconstpointer data)
{
  const char *paths[] = { f->small, f->big, f->json };
  const guint streams[] = { 4, 4, 1 };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (WeftReader) with = weft_trace_file_open (paths[i], cancellable, &error);
      g_autoptr (WeftReader) without = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (weft_reader_get_n_streams (with), ==, streams[i]);
      g_assert_null (weft_reader_get_damage (with));
      without = weft_trace_file_open (paths[i], NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (weft_reader_get_n_streams (without), ==, streams[i]);
    }
}

/* Cancelled from another thread while the big file is walked: it either
 * finished first or stops with G_IO_ERROR_CANCELLED, nothing else. */
static gpointer
cancel_soon (gpointer cancellable)
{
  g_usleep (1000);
  g_cancellable_cancel (cancellable);
  return NULL;
}

static void
test_cancel_during (Fixture *f, gconstpointer data)
{
  for (guint run = 0; run < 5; run++)
    {
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      g_autoptr (GError) error = NULL;
      GThread *thread = g_thread_new ("cancel", cancel_soon, cancellable);
      g_autoptr (WeftReader) reader = weft_trace_file_open (f->big, cancellable, &error);

      g_thread_join (thread);
      if (reader == NULL)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      else
        g_assert_no_error (error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/weft/trace-file/cancelled", Fixture, NULL, fixture_setup, test_cancelled,
              fixture_teardown);
  g_test_add ("/weft/trace-file/not-cancelled", Fixture, NULL, fixture_setup, test_not_cancelled,
              fixture_teardown);
  g_test_add ("/weft/trace-file/cancel-during", Fixture, NULL, fixture_setup, test_cancel_during,
              fixture_teardown);
  return g_test_run ();
}
