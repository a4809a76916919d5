/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * WeftDocument: loading a trace in a worker thread, its facts, progress
 * on the main context, cancelling, and the errors of bad files.
 */
#include "weft-config.h"

#include <string.h>
#include <sys/stat.h>

#include "gui-util.h"
#include "weft-document.h"

static char *tmpdir;

static void
test_facts (void)
{
  g_autofree char *path = sample_trace_write (tmpdir, "facts.weft", 0);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftDocument) document = weft_document_load (file, NULL, NULL, NULL, &error);
  const WeftDocumentFacts *facts;
  const WeftDocumentProcess *p;

  g_assert_no_error (error);
  g_assert_true (weft_document_get_file (document) == file);
  g_assert_cmpstr (weft_document_get_title (document), ==, "facts.weft");
  g_assert_nonnull (weft_document_get_model (document));
  g_assert_null (weft_document_get_damage (document));

  /* Every metadata key, in the file's order. */
  {
    static const char *const expected[] = { "command", "hostname", "start_time", "kernel",
                                            "cpu_model", "cpu_count", "weft_version", "sched",
                                            "sched_reason", "source", NULL };
    const char *const *keys = weft_document_get_metadata_keys (document);

    g_assert_cmpstrv (keys, expected);
    g_assert_cmpstr (weft_document_get_metadata (document, "hostname"), ==, "testhost");
    g_assert_null (weft_document_get_metadata (document, "nope"));
  }

  facts = weft_document_get_facts (document);
  g_assert_cmpuint (facts->time_zero, ==, SAMPLE_T0);
  g_assert_cmpuint (facts->duration, ==, SAMPLE_DURATION);
  g_assert_cmpuint (facts->n_events, ==, SAMPLE_EVENTS);
  g_assert_cmpuint (facts->lost_events, ==, 0);
  g_assert_cmpuint (facts->n_threads, ==, SAMPLE_THREADS);
  g_assert_cmpuint (facts->n_processes, ==, SAMPLE_PROCESSES);
  g_assert_cmpuint (facts->n_cpu_lanes, ==, 0);
  g_assert_cmpint (facts->cpu_count, ==, 4);
  g_assert_false (facts->sched);

  /* The analysis came with it: without scheduler data, estimated. */
  g_assert_nonnull (weft_document_get_stats (document));
  g_assert_true (g_str_has_suffix (weft_document_get_stats (document)->verdict, "(estimated)"));

  g_assert_cmpuint (weft_document_get_n_processes (document), ==, 2);
  p = weft_document_get_process (document, 0);
  g_assert_cmpuint (p->pid, ==, 100);
  g_assert_cmpstr (p->name, ==, "bank");
  g_assert_cmpuint (p->n_threads, ==, 3);
  /* Estimated: inside a span and not waiting; "main" and "transfer". */
  g_assert_cmpuint (p->on_cpu_ns, ==, SAMPLE_DURATION + 500000);
  p = weft_document_get_process (document, 1);
  g_assert_cmpuint (p->pid, ==, 200);
  g_assert_cmpstr (p->name, ==, "worker");
  g_assert_cmpuint (p->n_threads, ==, 1);
  g_assert_cmpuint (p->on_cpu_ns, ==, 0);
}

/* Scheduler streams and lost events count where they belong. */
static void
test_cpus_and_lost (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "cpus.weft", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftDocument) document = NULL;
  WeftBuilder *b = weft_builder_new (path);
  WeftBuilderStream t, c0, c1;
  const WeftDocumentFacts *facts;

  t = weft_builder_thread (b, 7, 7);
  c0 = weft_builder_cpu (b, 0);
  c1 = weft_builder_cpu (b, 1);
  weft_builder_switch (b, c0, 100, WEFT_TID_IDLE, WEFT_SWITCH_PREEMPTED, 7);
  weft_builder_switch (b, c0, 500, 7, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  weft_builder_switch (b, c1, 200, WEFT_TID_IDLE, WEFT_SWITCH_PREEMPTED, WEFT_TID_OTHER);
  weft_builder_span_begin (b, t, 150, "work");
  weft_builder_lost (b, t, 160, 42);
  weft_builder_span_end (b, t, 450);
  g_assert_cmpint (weft_builder_finish (b), ==, 0);

  document = weft_document_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  facts = weft_document_get_facts (document);
  g_assert_cmpuint (facts->n_cpu_lanes, ==, 2);
  g_assert_true (facts->sched);
  g_assert_cmpuint (facts->n_threads, ==, 1);
  g_assert_cmpuint (facts->n_processes, ==, 1);
  g_assert_cmpuint (facts->lost_events, ==, 42);
  g_assert_cmpuint (facts->n_events, ==, 5); /* three switches, two span events */
  g_assert_cmpuint (facts->time_zero, ==, 100);
  g_assert_cmpuint (facts->duration, ==, 400);
  g_assert_cmpstr (weft_document_get_process (document, 0)->name, ==, "");
  /* Measured: thread 7 ran on CPU 0 from 100 to 500. */
  g_assert_cmpuint (weft_document_get_process (document, 0)->on_cpu_ns, ==, 400);
}

typedef struct
{
  GMainLoop *loop;
  WeftDocument *document;
  GError *error;
  GArray *fractions;
  GThread *main_thread;
  gboolean done;
} LoadData;

static void
on_progress (double fraction, gpointer user_data)
{
  LoadData *data = user_data;

  g_assert_true (g_thread_self () == data->main_thread);
  g_assert_false (data->done);
  g_array_append_val (data->fractions, fraction);
}

static void
on_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LoadData *data = user_data;

  data->document = weft_document_load_finish (result, &data->error);
  data->done = TRUE;
  g_main_loop_quit (data->loop);
}

static void
load_async (const char *path, GCancellable *cancellable, LoadData *data)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  data->loop = g_main_loop_new (NULL, FALSE);
  data->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  data->main_thread = g_thread_self ();
  weft_document_load_async (file, cancellable, on_progress, data, NULL, on_loaded, data);
  g_main_loop_run (data->loop);
  /* Progress already on its way must not arrive after the callback. */
  run_idle ();
}

static void
clear_load (LoadData *data)
{
  g_clear_pointer (&data->loop, g_main_loop_unref);
  g_clear_object (&data->document);
  g_clear_error (&data->error);
  g_clear_pointer (&data->fractions, g_array_unref);
}

static void
test_async (void)
{
  g_autofree char *path = sample_trace_write (tmpdir, "async.weft", 2000);
  LoadData data = { 0 };
  double last = 0.0;

  load_async (path, NULL, &data);
  g_assert_no_error (data.error);
  g_assert_nonnull (data.document);
  g_assert_cmpuint (weft_document_get_facts (data.document)->n_events, ==,
                    SAMPLE_EVENTS + 2 * 2000);
  /* Coalesced, so any number of reports, but never backwards. */
  for (guint i = 0; i < data.fractions->len; i++)
    {
      double f = g_array_index (data.fractions, double, i);

      g_assert_cmpfloat (f, >=, last);
      g_assert_cmpfloat (f, <=, 1.0);
      last = f;
    }
  clear_load (&data);
}

static void
test_cancelled (void)
{
  g_autofree char *path = sample_trace_write (tmpdir, "cancel.weft", 0);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  LoadData data = { 0 };

  g_cancellable_cancel (cancellable);
  load_async (path, cancellable, &data);
  g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (data.document);
  clear_load (&data);
}

static void
test_errors (void)
{
  g_autofree char *text = g_build_filename (tmpdir, "text.weft", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing.weft", NULL);
  g_autoptr (GFile) remote = g_file_new_for_uri ("http://example.invalid/trace.weft");
  const char *const bad[] = { text, missing };
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (text, "hello, world\n", -1, NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GFile) file = g_file_new_for_path (bad[i]);
      LoadData data = { 0 };

      load_async (bad[i], NULL, &data);
      g_assert_null (data.document);
      g_assert_nonnull (data.error);
      /* One line, as every message the user sees. */
      g_assert_null (strchr (data.error->message, '\n'));
      g_assert_cmpuint (strlen (data.error->message), >, 0);
      clear_load (&data);
    }

  g_assert_null (weft_document_load (remote, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/* What is not a regular file is refused before it is opened: a FIFO
 * would block the open, and with it Cancel, for good. */
static void
test_not_regular (void)
{
  g_autofree char *fifo = g_build_filename (tmpdir, "pipe.weft", NULL);
  g_autoptr (GFile) fifo_file = g_file_new_for_path (fifo);
  g_autoptr (GFile) dir = g_file_new_for_path (tmpdir);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_null (weft_document_load (fifo_file, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_assert_cmpstr (error->message, ==, "Not a regular file");
  g_clear_error (&error);

  g_assert_null (weft_document_load (dir, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_assert_cmpstr (error->message, ==, "This is a folder, not a trace");
  g_unlink (fifo);
}

/* Whatever the bytes, loading ends with a document or an error. */
static void
test_hostile (void)
{
  g_autofree char *good = sample_trace_write (tmpdir, "hostile-src.weft", 300);
  g_autofree char *path = g_build_filename (tmpdir, "hostile.weft", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GRand) rand = g_rand_new_with_seed (6);
  gsize len;

  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  for (guint round = 0; round < 200; round++)
    {
      g_autofree char *copy = g_memdup2 (contents, len);
      g_autoptr (GError) error = NULL;
      g_autoptr (WeftDocument) document = NULL;
      gsize cut = g_rand_int_range (rand, 0, (gint32) len + 1);

      for (guint flips = 0; flips < 1 + round % 8; flips++)
        copy[g_rand_int_range (rand, 0, (gint32) len)] ^= (char) (1 << g_rand_int_range (rand, 0, 8));
      g_assert_true (g_file_set_contents (path, copy, round % 3 == 0 ? cut : len, NULL));
      document = weft_document_load (file, NULL, NULL, NULL, &error);
      g_assert_true ((document == NULL) != (error == NULL));
      if (document != NULL)
        g_assert_cmpuint (weft_document_get_facts (document)->n_events, <=, SAMPLE_EVENTS + 600);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("weft-test-document-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/weft/gui/document/facts", test_facts);
  g_test_add_func ("/weft/gui/document/cpus-and-lost", test_cpus_and_lost);
  g_test_add_func ("/weft/gui/document/async", test_async);
  g_test_add_func ("/weft/gui/document/cancelled", test_cancelled);
  g_test_add_func ("/weft/gui/document/errors", test_errors);
  g_test_add_func ("/weft/gui/document/not-regular", test_not_regular);
  g_test_add_func ("/weft/gui/document/hostile", test_hostile);
  status = g_test_run ();

  rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
