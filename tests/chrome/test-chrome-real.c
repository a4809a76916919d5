/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-chrome-real.c: traces written by real tools (Chromium, clang
 * -ftime-trace, Node trace events, uftrace, tsc --generateTrace, webpack's
 * ProfilingPlugin, chrome-trace-event; see data/real/README.md) load with
 * the numbers an independent oracle gives: data/real/expect.py reads each
 * file with Python's json module, replays Perfetto's slice rules and
 * writes data/real/expect.txt. Checked exactly: the threads, the span
 * table's ncalls per name (model and cProfile table), the async tasks per
 * name, the flows, the skipped count and the import notes; and the same
 * document gzip-compressed (or, for a .json.gz fixture, uncompressed)
 * reads the same.
 */
#include "chrome-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#include "weft-model.h"
#include "weft-stats.h"
#include "weft-trace-file.h"

typedef struct
{
  char *file;
  guint64 threads;
  guint64 spans;
  guint64 tasks;
  guint64 flows;
  guint64 skipped;
  GHashTable *span_calls; /* name -> count (GUINT_TO_POINTER) */
  GHashTable *task_count;
  GPtrArray *notes; /* "N text" */
} Expect;

static GPtrArray *expectations; /* Expect */

static void
expect_free (gpointer data)
{
  Expect *e = data;

  g_free (e->file);
  g_hash_table_unref (e->span_calls);
  g_hash_table_unref (e->task_count);
  g_ptr_array_unref (e->notes);
  g_free (e);
}

static char *
real_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "chrome", "data", "real", name, NULL);
}

/* "COUNT NAME" (NAME with \NNN escapes) into table. */
static void
add_count (GHashTable *table, const char *rest)
{
  char *end = NULL;
  guint64 n = g_ascii_strtoull (rest, &end, 10);

  g_assert_true (end != rest && *end == ' ');
  g_assert_null (g_hash_table_lookup (table, end + 1));
  g_hash_table_insert (table, g_strcompress (end + 1), GSIZE_TO_POINTER ((gsize) n));
}

static guint64
number (const char *text)
{
  char *end = NULL;
  guint64 n = g_ascii_strtoull (text, &end, 10);

  g_assert_true (end != text && *end == '\0');
  return n;
}

static void
load_expectations (void)
{
  g_autofree char *path = real_path ("expect.txt");
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  Expect *e = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  expectations = g_ptr_array_new_with_free_func (expect_free);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *space = strchr (line, ' ');
      const char *rest = space != NULL ? space + 1 : "";

      if (line[0] == '#' || line[0] == '\0')
        continue;
      if (g_str_has_prefix (line, "fixture "))
        {
          g_assert_null (e);
          e = g_new0 (Expect, 1);
          e->file = g_strdup (rest);
          e->span_calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          e->task_count = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          e->notes = g_ptr_array_new_with_free_func (g_free);
          continue;
        }
      g_assert_nonnull (e);
      if (strcmp (line, "end") == 0)
        {
          g_ptr_array_add (expectations, e);
          e = NULL;
        }
      else if (g_str_has_prefix (line, "threads "))
        e->threads = number (rest);
      else if (g_str_has_prefix (line, "spans "))
        e->spans = number (rest);
      else if (g_str_has_prefix (line, "tasks "))
        e->tasks = number (rest);
      else if (g_str_has_prefix (line, "flows "))
        e->flows = number (rest);
      else if (g_str_has_prefix (line, "skipped "))
        e->skipped = number (rest);
      else if (g_str_has_prefix (line, "span "))
        add_count (e->span_calls, rest);
      else if (g_str_has_prefix (line, "task "))
        add_count (e->task_count, rest);
      else if (g_str_has_prefix (line, "note "))
        g_ptr_array_add (e->notes, g_strdup (rest));
      else
        g_error ("expect.txt: unknown line '%s'", line);
    }
  g_assert_null (e);
}

static void
count (GHashTable *table, const char *name, guint64 n)
{
  gsize have = GPOINTER_TO_SIZE (g_hash_table_lookup (table, name));

  g_hash_table_insert (table, g_strdup (name), GSIZE_TO_POINTER (have + (gsize) n));
}

/* Every expected name with its count, and no other name. */
static void
assert_counts (const char *what, GHashTable *expected, GHashTable *got)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gsize have = GPOINTER_TO_SIZE (g_hash_table_lookup (got, key));

      if (have != GPOINTER_TO_SIZE (value))
        g_test_message ("%s '%s': expected %zu, got %zu", what, (const char *) key,
                        GPOINTER_TO_SIZE (value), have);
      g_assert_cmpuint (have, ==, GPOINTER_TO_SIZE (value));
    }
  g_hash_table_iter_init (&iter, got);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!g_hash_table_contains (expected, key))
        g_test_message ("%s '%s': not expected, got %zu", what, (const char *) key,
                        GPOINTER_TO_SIZE (value));
      g_assert_true (g_hash_table_contains (expected, key));
    }
}

static WeftModel *
open_model (const char *path, WeftReader **reader_out)
{
  g_autoptr (GError) error = NULL;
  WeftReader *reader = weft_trace_file_open (path, NULL, &error);
  WeftModel *model;

  g_assert_no_error (error);
  g_assert_nonnull (reader);
  model = weft_model_new (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  *reader_out = reader;
  return model;
}

/* The import notes ("N text; N text") as a set, against the oracle's. */
static void
assert_notes (const Expect *e, WeftModel *model)
{
  const char *notes = weft_model_get_metadata (model, "import_notes");
  g_auto (GStrv) parts = g_strsplit (notes != NULL ? notes : "", "; ", -1);
  guint n = notes != NULL && notes[0] != '\0' ? g_strv_length (parts) : 0;

  g_test_message ("%s: import_notes: %s", e->file, notes != NULL ? notes : "");
  for (guint i = 0; i < e->notes->len; i++)
    g_assert_true (g_strv_contains ((const char *const *) parts, g_ptr_array_index (e->notes, i)));
  g_assert_cmpuint (n, ==, e->notes->len);
}

static void
test_fixture (gconstpointer data)
{
  const Expect *e = data;
  g_autofree char *path = real_path (e->file);
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (WeftModel) model = open_model (path, &reader);
  g_autoptr (WeftStats) stats = weft_stats_new_whole (model);
  g_autoptr (GHashTable) spans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) tasks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) stat_tasks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint64 n_spans = 0;

  g_assert_cmpstr (weft_model_get_source (model), ==, "chrome-json");

  /* threads: the model's and the statistics' */
  g_assert_cmpuint (weft_model_get_n_threads (model), ==, e->threads);
  g_assert_cmpuint (stats->n_threads, ==, e->threads);

  /* spans, per name, in the model's threads */
  for (guint i = 0; i < weft_model_get_n_threads (model); i++)
    {
      const WeftModelThread *t = weft_model_get_thread (model, i);

      for (guint64 k = 0; k < t->n_spans; k++)
        count (spans, weft_model_get_name (model, t->spans[k].name), 1);
      n_spans += t->n_spans;
    }
  g_assert_cmpuint (n_spans, ==, e->spans);
  assert_counts ("span", e->span_calls, spans);

  /* the cProfile table gives the same ncalls */
  for (guint i = 0; i < stats->n_spans; i++)
    count (table, stats->spans[i].name, stats->spans[i].ncalls);
  assert_counts ("ncalls", e->span_calls, table);

  /* async tasks, by the name of their outermost begin */
  g_assert_cmpuint (weft_model_get_n_tasks (model), ==, e->tasks);
  for (guint i = 0; i < weft_model_get_n_tasks (model); i++)
    count (tasks, weft_model_get_name (model, weft_model_get_task (model, i)->name), 1);
  assert_counts ("task", e->task_count, tasks);
  for (guint i = 0; i < stats->n_tasks; i++)
    count (stat_tasks, stats->tasks[i].name, stats->tasks[i].count);
  assert_counts ("stats task", e->task_count, stat_tasks);

  /* flow arrows */
  g_assert_cmpuint (weft_model_get_n_flows (model), ==, e->flows);

  /* what was skipped and noted, quirk by quirk */
  {
    g_autofree char *skipped = g_strdup_printf ("%" G_GUINT64_FORMAT, e->skipped);

    g_assert_cmpstr (weft_model_get_metadata (model, "import_skipped"), ==, skipped);
  }
  assert_notes (e, model);
}

/* Writes path's bytes through converter (gzip or gunzip) to out. */
static void
convert_file (const char *path, const char *out, GConverter *converter)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GFile) file = g_file_new_for_path (out);
  g_autoptr (GFileOutputStream) raw = NULL;
  g_autoptr (GOutputStream) stream = NULL;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  raw = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  stream = g_converter_output_stream_new (G_OUTPUT_STREAM (raw), converter);
  g_output_stream_write_all (stream, data, len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);
}

/* .json.gz of the same document (or .json of a .json.gz fixture): the
 * same trace, event for event, and the same statistics. */
static void
test_gzip (gconstpointer data)
{
  const Expect *e = data;
  g_autofree char *path = real_path (e->file);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-chrome-real-XXXXXX", &error);
  gboolean is_gz = g_str_has_suffix (e->file, ".gz");
  g_autofree char *other_name
      = is_gz ? g_strndup (e->file, strlen (e->file) - 3) : g_strconcat (e->file, ".gz", NULL);
  g_autofree char *other = NULL; /* the document in the other form */
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (WeftReader) other_reader = NULL;
  g_autoptr (WeftModel) model = NULL;
  g_autoptr (WeftModel) other_model = NULL;
  g_autoptr (WeftStats) stats = NULL;
  g_autoptr (WeftStats) other_stats = NULL;
  g_autofree char *json = NULL;
  g_autofree char *other_json = NULL;
  g_autofree char *dump = NULL;
  g_autofree char *other_dump = NULL;
  guint8 head[2] = { 0 };
  g_autofree char *bytes = NULL;
  gsize len = 0;

  g_assert_no_error (error);
  other = g_build_filename (dir, other_name, NULL);
  if (is_gz)
    {
      g_autoptr (GZlibDecompressor) gunzip
          = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);

      convert_file (path, other, G_CONVERTER (gunzip));
    }
  else
    {
      g_autoptr (GZlibCompressor) gzip = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);

      convert_file (path, other, G_CONVERTER (gzip));
    }
  g_file_get_contents (is_gz ? path : other, &bytes, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >=, 2);
  memcpy (head, bytes, 2);
  g_assert_cmpuint (weft_trace_file_detect (head, 2), ==, WEFT_TRACE_FORMAT_GZIP);

  model = open_model (path, &reader);
  other_model = open_model (other, &other_reader);
  dump = chrome_test_dump (reader);
  other_dump = chrome_test_dump (other_reader);
  g_assert_cmpstr (other_dump, ==, dump);
  stats = weft_stats_new_whole (model);
  other_stats = weft_stats_new_whole (other_model);
  json = weft_stats_to_json (stats, 0);
  other_json = weft_stats_to_json (other_stats, 0);
  g_assert_cmpstr (other_json, ==, json);
  g_assert_cmpuint (weft_model_get_n_threads (other_model), ==, e->threads);
  g_assert_cmpuint (weft_model_get_n_tasks (other_model), ==, e->tasks);
  g_assert_cmpuint (weft_model_get_n_flows (other_model), ==, e->flows);

  g_assert_cmpint (g_remove (other), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Every trace in data/real has its expectations (a fixture added without
 * rerunning expect.py fails here), and the seven tools are all there. */
static void
test_all_listed (void)
{
  g_autofree char *dir_path = real_path ("");
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, &error);
  const char *name;
  guint n = 0;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean found = FALSE;

      if (!g_str_has_suffix (name, ".json") && !g_str_has_suffix (name, ".json.gz"))
        continue;
      for (guint i = 0; i < expectations->len; i++)
        if (strcmp (((Expect *) g_ptr_array_index (expectations, i))->file, name) == 0)
          found = TRUE;
      if (!found)
        g_test_message ("%s has no expectations: rerun expect.py", name);
      g_assert_true (found);
      n++;
    }
  g_assert_cmpuint (n, ==, expectations->len);
  g_assert_cmpuint (n, >=, 7);
}

/* The quirk Node's trace showed, reduced: async ids are per thread in
 * Node, so one (cat, id) track gets a worker's PROMISE inside the main
 * thread's PIPEWRAP. The PIPEWRAP's end closes it by name, as Perfetto
 * does (cutting the PROMISE that never ends), so the task ends there and
 * the id's next begin starts a new task. */
static void
test_async_end_by_name (void)
{
  g_autoptr (GError) error = NULL;
  /* single quotes for readability, made double below */
  g_autofree char *json
      = g_strdup ("{'traceEvents':["
                  "{'ph':'b','cat':'a','id':'0x6','name':'PIPEWRAP','pid':1,'tid':1,'ts':1},"
                  "{'ph':'b','cat':'a','id':'0x6','name':'PROMISE','pid':1,'tid':2,'ts':2},"
                  "{'ph':'e','cat':'a','id':'0x6','name':'PIPEWRAP','pid':1,'tid':1,'ts':3},"
                  "{'ph':'e','cat':'a','id':'0x6','name':'PROMISE','pid':1,'tid':2,'ts':4},"
                  "{'ph':'b','cat':'a','id':'0x6','name':'TCP','pid':1,'tid':1,'ts':5},"
                  "{'ph':'b','cat':'a','id':'0x6','name':'X','pid':1,'tid':1,'ts':6},"
                  "{'ph':'e','cat':'a','id':'0x6','pid':1,'tid':1,'ts':7},"
                  "{'ph':'e','cat':'a','id':'0x6','name':'TCP','pid':1,'tid':1,'ts':8}"
                  "]}");
  g_autoptr (WeftReader) reader = chrome_test_import_string (g_strdelimit (json, "'", '"'), &error);
  g_autofree char *dump = NULL;

  g_assert_no_error (error);
  dump = chrome_test_dump (reader);
  chrome_assert_text (dump, "thread 1/1\n"
                            "  1000 task-begin 1 PIPEWRAP\n"
                            "  3000 task-end 1\n"
                            "  5000 task-begin 2 TCP\n"
                            "  8000 task-end 2\n");
  g_assert_cmpstr (chrome_test_meta (reader, "import_skipped"), ==, "1");
  g_assert_cmpstr (chrome_test_meta (reader, "import_notes"), ==,
                   "1 async ends without a begin; 2 nested async slices folded into their task");
}

/* Chromium's own metadata object: the CPU count (newer builds write
 * cpu-num-cores, older ones num-cpus) and the command line. */
static void
test_chromium_metadata (void)
{
  g_autofree char *path = real_path ("chromium-trace-startup.json.gz");
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (WeftModel) model = open_model (path, &reader);

  g_assert_cmpint (weft_model_get_cpu_count (model), ==, 2);
  g_assert_true (
      g_str_has_prefix (weft_model_get_metadata (model, "command"), "/usr/lib/chromium/chromium "));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  load_expectations ();
  g_test_add_func ("/weft/chrome/real/all-listed", test_all_listed);
  g_test_add_func ("/weft/chrome/real/async-end-by-name", test_async_end_by_name);
  g_test_add_func ("/weft/chrome/real/chromium-metadata", test_chromium_metadata);
  for (guint i = 0; i < expectations->len; i++)
    {
      const Expect *e = g_ptr_array_index (expectations, i);
      g_autofree char *base = g_strdup (e->file);
      g_autofree char *load = NULL;
      g_autofree char *gz = NULL;

      *strchr (base, '.') = '\0';
      load = g_strdup_printf ("/weft/chrome/real/load/%s", base);
      gz = g_strdup_printf ("/weft/chrome/real/gzip/%s", base);
      g_test_add_data_func (load, e, test_fixture);
      g_test_add_data_func (gz, e, test_gzip);
    }
  status = g_test_run ();
  g_ptr_array_unref (expectations);
  return status;
}
