/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-chrome-roundtrip.c: .weft -> Chrome JSON -> .weft keeps what the
 * analysis reads: the same span table (cProfile rules), the same threads
 * and the same parallelism, computed here from the reader's events, and
 * then the same `weft stats --json` but for the source. Also `weft export`
 * on the command line: formats, usage errors, exit statuses.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "chrome-test-util.h"

#define T0 G_GUINT64_CONSTANT (5000000000)

static const struct
{
  guint32 pid, tid;
} threads[] = { { 10, 10 }, { 10, 11 }, { 10, 12 }, { 20, 20 }, { 20, 21 } };

/* A random but reproducible trace: nested (and recursive) spans, locks,
 * tasks moving between threads, counters, and two CPUs switching between
 * the threads, idle and untraced work. Some spans stay open. */
static GBytes *
random_trace (guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s[G_N_ELEMENTS (threads)], cpus[2];
  guint depth[G_N_ELEMENTS (threads)] = { 0 };
  gint64 on_cpu[2] = { WEFT_TID_IDLE, WEFT_TID_IDLE };
  guint64 task_open[2][4] = { { 0 } }; /* per process: ids are process-local */
  static const char *const names[] = { "parse", "render", "io", "recurse" };
  guint64 t = T0;
  uint8_t *data;
  size_t size;

  weft_builder_set_metadata (b, "command", "random");
  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_set_metadata (b, "sched", "true");
  weft_builder_set_metadata (b, "system_wide", "false");
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_autofree char *name = g_strdup_printf ("thread %u", threads[i].tid);

      s[i] = weft_builder_thread (b, threads[i].pid, threads[i].tid);
      weft_builder_thread_start (b, s[i], t, 0);
      weft_builder_thread_name (b, s[i], t, name);
      if (threads[i].pid == threads[i].tid)
        weft_builder_process_name (b, s[i], t, threads[i].pid == 10 ? "alpha" : "beta");
    }
  cpus[0] = weft_builder_cpu (b, 0);
  cpus[1] = weft_builder_cpu (b, 1);
  for (int step = 0; step < 4000; step++)
    {
      guint i = (guint) g_rand_int_range (rand, 0, G_N_ELEMENTS (threads));
      int action = g_rand_int_range (rand, 0, 100);

      t += (guint64) g_rand_int_range (rand, 1, 5000);
      if (action < 35 && depth[i] < 8)
        {
          weft_builder_span_begin (b, s[i], t, names[g_rand_int_range (rand, 0, 4)]);
          depth[i]++;
        }
      else if (action < 65 && depth[i] > 0)
        {
          weft_builder_span_end (b, s[i], t);
          depth[i]--;
        }
      else if (action < 70)
        {
          weft_builder_lock_wait (b, s[i], t, 0x5000 + threads[i].pid);
          weft_builder_lock_acquired (b, s[i], t + 10 + (guint64) g_rand_int_range (rand, 0, 900),
                                      0x5000 + threads[i].pid);
          t += 1000;
          weft_builder_lock_released (b, s[i], t, 0x5000 + threads[i].pid);
        }
      else if (action < 75)
        {
          guint k = (guint) g_rand_int_range (rand, 0, 4);
          guint64 *state = &task_open[threads[i].pid == 10 ? 0 : 1][k];

          if (*state == 0)
            {
              *state = 1;
              weft_builder_task_begin (b, s[i], t, 100 + k, "job");
            }
          else if (*state == 1 && g_rand_boolean (rand))
            {
              *state = 2;
              weft_builder_task_suspend (b, s[i], t, 100 + k);
            }
          else if (*state == 2)
            {
              *state = 1;
              weft_builder_task_resume (b, s[i], t, 100 + k);
            }
          else
            {
              *state = 0;
              weft_builder_task_end (b, s[i], t, 100 + k);
            }
        }
      else if (action < 80)
        weft_builder_counter (b, s[i], t, "load", g_rand_double (rand));
      else
        {
          /* a switch: the thread, idle or untraced work takes a CPU */
          guint c = (guint) g_rand_int_range (rand, 0, 2);
          int who = g_rand_int_range (rand, 0, 4);
          gint64 next = who == 0   ? WEFT_TID_IDLE
                        : who == 1 ? WEFT_TID_OTHER
                                   : (gint64) threads[i].tid;

          if (next > 0 && (on_cpu[0] == next || on_cpu[1] == next))
            continue;
          weft_builder_switch (b, cpus[c], t, on_cpu[c],
                               (WeftSwitchState) g_rand_int_range (rand, 0, 2), next);
          on_cpu[c] = next;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    weft_builder_instant (b, s[i], t + 1, "done");
  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);
  return g_bytes_new_with_free_func (data, size, free, data);
}

typedef struct
{
  guint64 ncalls, tottime, cumtime;
} SpanRow;

typedef struct
{
  guint32 name;
  guint64 begin, children;
} Frame;

/* The cProfile table over every thread: tottime excludes children,
 * cumtime counts only the outermost active call of a name. */
static char *
span_table (WeftReader *reader)
{
  g_autoptr (GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GList) keys = NULL;

  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (Frame));
      WeftStreamIter iter;
      WeftEvent ev;

      if (weft_reader_get_stream (reader, i)->kind != WEFT_STREAM_THREAD)
        continue;
      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        if (ev.kind == WEFT_EV_SPAN_BEGIN || ev.kind == WEFT_EV_SPAN_BEGIN_ARGS)
          {
            Frame f = { ev.name, ev.time, 0 };

            g_array_append_val (stack, f);
          }
        else if (ev.kind == WEFT_EV_SPAN_END && stack->len > 0)
          {
            Frame f = g_array_index (stack, Frame, stack->len - 1);
            const char *name = weft_reader_get_string (reader, f.name);
            SpanRow *row = g_hash_table_lookup (rows, name);
            guint64 dur = ev.time - f.begin;
            gboolean outer = TRUE;

            g_array_set_size (stack, stack->len - 1);
            for (guint k = 0; k < stack->len; k++)
              if (strcmp (weft_reader_get_string (reader, g_array_index (stack, Frame, k).name),
                          name)
                  == 0)
                outer = FALSE;
            if (row == NULL)
              {
                row = g_new0 (SpanRow, 1);
                g_hash_table_insert (rows, g_strdup (name), row);
              }
            row->ncalls++;
            row->tottime += dur - f.children;
            if (outer)
              row->cumtime += dur;
            if (stack->len > 0)
              g_array_index (stack, Frame, stack->len - 1).children += dur;
          }
    }
  keys = g_list_sort (g_hash_table_get_keys (rows), (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      const SpanRow *row = g_hash_table_lookup (rows, l->data);

      g_string_append_printf (
          out, "%s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
          (const char *) l->data, row->ncalls, row->tottime, row->cumtime);
    }
  return g_strdup (out->str);
}

/* pid/tid, last name, first and last event per thread. */
static char *
thread_table (WeftReader *reader)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GList) keys = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, i);
      g_autofree char *key = g_strdup_printf ("%u/%u", info->pid, info->tid);
      guint64 *span;
      const char *name = NULL;
      WeftStreamIter iter;
      WeftEvent ev;

      if (info->kind != WEFT_STREAM_THREAD)
        continue;
      span = g_hash_table_lookup (seen, key);
      if (span == NULL)
        {
          span = g_new (guint64, 3);
          span[0] = G_MAXUINT64;
          span[1] = 0;
          span[2] = 0;
          g_hash_table_insert (seen, g_strdup (key), span);
        }
      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        {
          span[0] = MIN (span[0], ev.time);
          span[1] = MAX (span[1], ev.time);
          if (ev.kind == WEFT_EV_THREAD_NAME)
            name = weft_reader_get_string (reader, ev.name);
        }
      if (name != NULL)
        span[2] = g_str_hash (name);
    }
  keys = g_list_sort (g_hash_table_get_keys (seen), (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      const guint64 *span = g_hash_table_lookup (seen, l->data);

      g_string_append_printf (
          out, "%s %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT " name#%" G_GUINT64_FORMAT "\n",
          (const char *) l->data, span[0], span[1], span[2]);
    }
  return g_strdup (out->str);
}

static int
by_time (gconstpointer a, gconstpointer b)
{
  const gint64 *x = a, *y = b;

  return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Time traced threads were on a CPU, summed over CPUs, and per count of
 * threads running at once: the parallelism the analysis reports. */
static char *
parallelism (WeftReader *reader)
{
  g_autoptr (GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);
  guint64 running_ns = 0, histogram[4] = { 0 };
  g_autoptr (GString) out = g_string_new (NULL);
  int running = 0;

  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      WeftStreamIter iter;
      WeftEvent ev;
      gint64 current = WEFT_TID_IDLE, since = 0;

      if (weft_reader_get_stream (reader, i)->kind != WEFT_STREAM_CPU)
        continue;
      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        {
          if (current > 0)
            {
              gint64 e[2][2] = { { since, 1 }, { (gint64) ev.time, -1 } };

              running_ns += ev.time - (guint64) since;
              g_array_append_vals (edges, e, 2);
            }
          current = ev.next_tid;
          since = (gint64) ev.time;
        }
    }
  g_array_sort (edges, by_time);
  for (guint i = 0; i + 1 < edges->len; i++)
    {
      const gint64 *e = &g_array_index (edges, gint64, 2 * i);

      running += (int) e[1];
      histogram[MIN (running, 3)] += (guint64) (e[2] - e[0]);
    }
  g_string_printf (
      out, "running %" G_GUINT64_FORMAT " ns; 1: %" G_GUINT64_FORMAT " 2: %" G_GUINT64_FORMAT,
      running_ns, histogram[1], histogram[2]);
  return g_strdup (out->str);
}

static WeftReader *
through_json (WeftReader *reader)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = chrome_test_export (reader, 0, G_MAXUINT64, &error);
  WeftReader *back;

  g_assert_no_error (error);
  back = chrome_test_import_string (json, &error);
  g_assert_no_error (error);
  return back;
}

static void
test_tables (void)
{
  for (guint32 seed = 1; seed <= 3; seed++)
    {
      g_autoptr (GBytes) bytes = random_trace (seed);
      g_autoptr (GError) error = NULL;
      g_autoptr (WeftReader) before = weft_reader_new_from_bytes (bytes, &error);
      g_autoptr (WeftReader) after = through_json (before);
      g_autofree char *spans_a = span_table (before), *spans_b = span_table (after);
      g_autofree char *threads_a = thread_table (before), *threads_b = thread_table (after);
      g_autofree char *par_a = parallelism (before), *par_b = parallelism (after);

      g_assert_no_error (error);
      g_assert_cmpstr (spans_b, ==, spans_a);
      g_assert_cmpstr (threads_b, ==, threads_a);
      g_assert_cmpstr (par_b, ==, par_a);
      /* the tables are not empty by accident */
      g_assert_nonnull (strstr (spans_a, "recurse "));
      g_assert_cmpuint (strlen (threads_a), >, 50);
      g_assert_false (g_str_has_prefix (par_a, "running 0 "));
      g_assert_cmpstr (chrome_test_meta (after, "sched"), ==, "true");
      g_assert_cmpstr (chrome_test_meta (after, "import_skipped"), ==, "0");
    }
}

static char *
weft_binary (void)
{
  return g_build_filename (g_getenv ("WEFT_BUILDDIR"), "cli", "weft", NULL);
}

static int
run (const char *const *argv, char **out, char **err)
{
  g_autoptr (GError) error = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                               &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128;
}

/* The contract: `weft stats --json` of the .weft and of its JSON export
 * agree on everything but the source. */
static void
test_stats (void)
{
  g_autofree char *weft = weft_binary ();
  g_autofree char *dir = g_dir_make_tmp ("weft-chrome-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "r.weft", NULL);
  g_autofree char *json = g_build_filename (dir, "r.json", NULL);
  g_autoptr (GBytes) bytes = random_trace (7);

  if (!g_file_test (weft, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("the weft command is not built");
      return;
    }
  g_assert_true (g_file_set_contents (trace, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), NULL));
  {
    const char *export_argv[] = { weft, "export", trace, "-o", json, NULL };
    const char *stats_a[] = { weft, "stats", "--json", trace, NULL };
    const char *stats_b[] = { weft, "stats", "--json", json, NULL };
    g_autofree char *out = NULL, *err = NULL, *a = NULL, *b = NULL, *ea = NULL, *eb = NULL;
    g_auto (GStrv) parts = NULL;
    g_autofree char *a_fixed = NULL;

    g_assert_cmpint (run (export_argv, &out, &err), ==, 0);
    g_assert_cmpstr (out, ==, "");
    g_assert_cmpstr (err, ==, "");
    g_assert_cmpint (run (stats_a, &a, &ea), ==, 0);
    g_assert_cmpint (run (stats_b, &b, &eb), ==, 0);
    g_assert_nonnull (strstr (a, "\"source\": \"weft\""));
    g_assert_nonnull (strstr (b, "\"source\": \"chrome-json\""));
    parts = g_strsplit (a, "\"source\": \"weft\"", -1);
    a_fixed = g_strjoinv ("\"source\": \"chrome-json\"", parts);
    g_assert_cmpstr (b, ==, a_fixed);
    g_assert_nonnull (strstr (a, "\"spans\""));
  }
  g_unlink (trace);
  g_unlink (json);
  g_rmdir (dir);
}

static void
test_cli (void)
{
  g_autofree char *weft = weft_binary ();
  g_autofree char *dir = g_dir_make_tmp ("weft-chrome-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "s.weft", NULL);
  g_autofree char *json = g_build_filename (dir, "s.json", NULL);
  g_autofree char *png = g_build_filename (dir, "s.png", NULL);
  g_autofree char *txt = g_build_filename (dir, "s.txt", NULL);
  g_autoptr (GBytes) bytes = chrome_test_sample (FALSE);
  g_autoptr (WeftReader) reader = chrome_test_sample_reader (FALSE);
  g_autofree char *expect = chrome_test_export (reader, 0, G_MAXUINT64, NULL);
  static const struct
  {
    const char *args[6];
    int status;
    const char *err_suffix;
  } cases[] = {
    { { "export", "@T", "-o", "@X" },
      2,
      "s.txt: unknown output format (use .json, .json.gz, .png, .svg or .pdf) (try 'weft export "
      "--help')\n" },
    { { "export", "@T" }, 2, "export: missing -o OUT (try 'weft export --help')\n" },
    { { "export", "-o", "@J" }, 2, "export: missing FILE (try 'weft export --help')\n" },
    { { "export", "@T", "-o", "@J", "--range", "5:1" }, 2, "" },
    { { "export", "@T", "-o", "@P", "--theme", "pink" },
      2,
      "export: --theme takes light or dark, not 'pink' (try 'weft export --help')\n" },
    { { "export", "@T", "-o", "@P", "--size", "12" }, 2, "" },
    { { "export", "/nonexistent.weft", "-o", "@J" },
      1,
      "/nonexistent.weft: No such file or directory\n" },
  };

  if (!g_file_test (weft, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("the weft command is not built");
      return;
    }
  g_assert_true (g_file_set_contents (trace, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[8] = { weft };
      g_autofree char *out = NULL, *err = NULL;
      guint n = 1;

      for (guint k = 0; k < 6 && cases[i].args[k] != NULL; k++)
        {
          const char *a = cases[i].args[k];

          argv[n++] = strcmp (a, "@T") == 0   ? trace
                      : strcmp (a, "@J") == 0 ? json
                      : strcmp (a, "@P") == 0 ? png
                      : strcmp (a, "@X") == 0 ? txt
                                              : a;
        }
      g_assert_cmpint (run (argv, &out, &err), ==, cases[i].status);
      g_assert_true (g_str_has_prefix (err, "weft: "));
      g_assert_true (g_str_has_suffix (err, cases[i].err_suffix));
      /* one line */
      g_assert_cmpuint ((gsize) (strchr (err, '\n') - err) + 1, ==, strlen (err));
      /* a usage error writes nothing */
      g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
    }
  {
    const char *argv[] = { weft, "export", trace, "-o", json, NULL };
    g_autofree char *out = NULL, *err = NULL, *written = NULL;

    g_assert_cmpint (run (argv, &out, &err), ==, 0);
    g_assert_true (g_file_get_contents (json, &written, NULL, NULL));
    g_assert_cmpstr (written, ==, expect);
  }
  {
    /* --range counts from the trace's first event (the sample's is 1 s) */
    const char *argv[] = { weft, "export", trace, "-o", json, "--range", "400ns:1.25us", NULL };
    g_autofree char *out = NULL, *err = NULL, *written = NULL;
    g_autofree char *ranged = chrome_test_export (reader, 1000000400, 1000001250, NULL);

    g_assert_cmpint (run (argv, &out, &err), ==, 0);
    g_assert_true (g_file_get_contents (json, &written, NULL, NULL));
    g_assert_cmpstr (written, ==, ranged);
  }
  {
    const char *argv[] = { weft, "export", "--help", NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run (argv, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "--range"));
  }
  g_unlink (trace);
  g_unlink (json);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/chrome/roundtrip/tables", test_tables);
  g_test_add_func ("/weft/chrome/roundtrip/stats", test_stats);
  g_test_add_func ("/weft/chrome/roundtrip/cli", test_cli);
  return g_test_run ();
}
