/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-chrome-export.c: `weft export` as Chrome JSON: the exact text for a
 * trace with every kind of event, the rules Perfetto's importer enforces
 * (checked by reading the file the way it does), ranges, gzip, and
 * stability through repeated import and export.
 */
#include <string.h>
#include <zlib.h>
#include <glib/gstdio.h>

#include "chrome-test-util.h"
#include "weft-chrome-json-private.h"

static const char golden[]
    = "{\"otherData\":{\"command\":\"sample "
      "--x\",\"cpu_count\":\"2\",\"source\":\"weft\",\"sched\":\"true\",\"system_wide\":\"false\"},"
      "\n"
      "\"traceEvents\":[\n"
      "{\"ph\":\"i\",\"pid\":100,\"tid\":100,\"ts\":1000000.000,\"s\":\"t\",\"cat\":\"weft\","
      "\"name\":\"thread_start\",\"args\":{\"creator\":0}},\n"
      "{\"ph\":\"M\",\"pid\":100,\"tid\":100,\"name\":\"thread_name\",\"args\":{\"name\":\"main\"}}"
      ",\n"
      "{\"ph\":\"M\",\"pid\":100,\"tid\":100,\"name\":\"process_name\",\"args\":{\"name\":\"app\"}}"
      ",\n"
      "{\"ph\":\"B\",\"pid\":100,\"tid\":100,\"ts\":1000000.010,\"name\":\"main\"},\n"
      "{\"ph\":\"i\",\"pid\":100,\"tid\":101,\"ts\":1000000.020,\"s\":\"t\",\"cat\":\"weft\","
      "\"name\":\"thread_start\",\"args\":{\"creator\":100}},\n"
      "{\"ph\":\"M\",\"pid\":100,\"tid\":101,\"name\":\"thread_name\",\"args\":{\"name\":"
      "\"worker\"}},\n"
      "{\"ph\":\"M\",\"pid\":100,\"tid\":102,\"name\":\"thread_name\",\"args\":{\"name\":\"io "
      "thread=1\"}},\n"
      "{\"ph\":\"B\",\"pid\":100,\"tid\":100,\"ts\":1000000.123,\"name\":\"load\",\"args\":{"
      "\"file\":\"a.txt\"}},\n"
      "{\"ph\":\"C\",\"pid\":100,\"tid\":100,\"ts\":1000000.150,\"name\":\"queue\",\"args\":{"
      "\"value\":3.5}},\n"
      "{\"ph\":\"B\",\"pid\":100,\"tid\":102,\"ts\":1000000.300,\"name\":\"read "
      "\\\"quoted\\\"\"},\n"
      "{\"ph\":\"E\",\"pid\":100,\"tid\":100,\"ts\":1000000.400},\n"
      "{\"ph\":\"i\",\"pid\":100,\"tid\":100,\"ts\":1000000.450,\"s\":\"t\",\"name\":"
      "\"checkpoint\"},\n"
      "{\"ph\":\"B\",\"pid\":100,\"tid\":100,\"ts\":1000000.500,\"cat\":\"weft.lock\",\"name\":"
      "\"ledger\",\"id\":\"0x1000\"},\n"
      "{\"ph\":\"E\",\"pid\":100,\"tid\":102,\"ts\":1000000.600},\n"
      "{\"ph\":\"E\",\"pid\":100,\"tid\":100,\"ts\":1000000.700,\"cat\":\"weft.lock\"},\n"
      "{\"ph\":\"i\",\"pid\":100,\"tid\":100,\"ts\":1000000.800,\"s\":\"t\",\"cat\":\"weft.lock\","
      "\"name\":\"lock_released\",\"id\":\"0x1000\"},\n"
      "{\"ph\":\"s\",\"pid\":100,\"tid\":100,\"ts\":1000000.850,\"cat\":\"weft.flow\",\"name\":"
      "\"flow\",\"id\":\"0x7\"},\n"
      "{\"ph\":\"b\",\"pid\":100,\"tid\":100,\"ts\":1000000.900,\"cat\":\"weft.task\",\"name\":"
      "\"fetch\",\"id2\":{\"local\":\"0x5\"}},\n"
      "{\"ph\":\"b\",\"pid\":100,\"tid\":100,\"ts\":1000000.950,\"cat\":\"weft.task\",\"name\":"
      "\"suspended\",\"id2\":{\"local\":\"0x5\"}},\n"
      "{\"ph\":\"i\",\"pid\":100,\"tid\":100,\"ts\":1000000.960,\"s\":\"t\",\"cat\":\"weft\","
      "\"name\":\"process_fork\",\"args\":{\"child\":200}},\n"
      "{\"ph\":\"i\",\"pid\":200,\"tid\":200,\"ts\":1000000.970,\"s\":\"t\",\"cat\":\"weft\","
      "\"name\":\"process_exec\",\"args\":{\"program\":\"child\"}},\n"
      "{\"ph\":\"B\",\"pid\":100,\"tid\":101,\"ts\":1000001.000,\"name\":\"work\"},\n"
      "{\"ph\":\"f\",\"pid\":100,\"tid\":101,\"ts\":1000001.050,\"cat\":\"weft.flow\",\"name\":"
      "\"flow\",\"id\":\"0x7\",\"bp\":\"e\"},\n"
      "{\"ph\":\"e\",\"pid\":100,\"tid\":101,\"ts\":1000001.100,\"cat\":\"weft.task\",\"name\":"
      "\"suspended\",\"id2\":{\"local\":\"0x5\"}},\n"
      "{\"ph\":\"B\",\"pid\":100,\"tid\":101,\"ts\":1000001.200,\"cat\":\"weft.cond\",\"name\":"
      "\"cond@0x2000\",\"id\":\"0x2000\",\"args\":{\"mutex\":\"0x1000\"}},\n"
      "{\"ph\":\"E\",\"pid\":100,\"tid\":101,\"ts\":1000001.300,\"cat\":\"weft.cond\"},\n"
      "{\"ph\":\"e\",\"pid\":100,\"tid\":101,\"ts\":1000001.400,\"cat\":\"weft.task\",\"name\":"
      "\"fetch\",\"id2\":{\"local\":\"0x5\"}},\n"
      "{\"ph\":\"E\",\"pid\":100,\"tid\":101,\"ts\":1000001.500},\n"
      "{\"ph\":\"i\",\"pid\":100,\"tid\":101,\"ts\":1000001.600,\"s\":\"t\",\"cat\":\"weft\","
      "\"name\":\"lost\",\"args\":{\"count\":3}},\n"
      "{\"ph\":\"i\",\"pid\":100,\"tid\":101,\"ts\":1000001.700,\"s\":\"t\",\"cat\":\"weft\","
      "\"name\":\"thread_exit\"},\n"
      "{\"ph\":\"i\",\"pid\":200,\"tid\":200,\"ts\":1000001.800,\"s\":\"t\",\"cat\":\"weft\","
      "\"name\":\"process_exit\",\"args\":{\"status\":256}},\n"
      "{\"ph\":\"E\",\"pid\":100,\"tid\":100,\"ts\":1000002.000},\n"
      "{\"ph\":\"i\",\"pid\":100,\"tid\":100,\"ts\":1000002.100,\"s\":\"t\",\"cat\":\"weft\","
      "\"name\":\"thread_exit\"}\n"
      "],\n"
      "\"systemTraceEvents\":\"# tracer: nop\\n"
      "#\\n"
      "          <idle>-0     [000] d..2 1.000000000: sched_switch: prev_comm=swapper/0 prev_pid=0 "
      "prev_prio=120 prev_state=R+ ==> next_comm=main next_pid=100 next_prio=120\\n"
      "            main-100   [000] d..2 1.000000500: sched_switch: prev_comm=main prev_pid=100 "
      "prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120\\n"
      "          <idle>-0     [000] d..2 1.000000700: sched_switch: prev_comm=swapper/0 prev_pid=0 "
      "prev_prio=120 prev_state=W ==> next_comm=main next_pid=100 next_prio=120\\n"
      "          <idle>-0     [001] d..2 1.000001000: sched_switch: prev_comm=swapper/1 prev_pid=0 "
      "prev_prio=120 prev_state=R+ ==> next_comm=worker next_pid=101 next_prio=120\\n"
      "          worker-101   [001] d..2 1.000001200: sched_switch: prev_comm=worker prev_pid=101 "
      "prev_prio=120 prev_state=S ==> next_comm=io_thread_1 next_pid=102 next_prio=120\\n"
      "     io_thread_1-102   [001] d..2 1.000001300: sched_switch: prev_comm=io_thread_1 "
      "prev_pid=102 prev_prio=120 prev_state=R+ ==> next_comm=worker next_pid=101 next_prio=120\\n"
      "          worker-101   [001] d..2 1.000001700: sched_switch: prev_comm=worker prev_pid=101 "
      "prev_prio=120 prev_state=X ==> next_comm=swapper/1 next_pid=0 next_prio=120\\n"
      "            main-100   [000] d..2 1.000002000: sched_switch: prev_comm=main prev_pid=100 "
      "prev_prio=120 prev_state=X ==> next_comm=swapper/0 next_pid=0 next_prio=120\\n"
      "\"}\n";

static void
test_events (void)
{
  g_autoptr (WeftReader) reader = chrome_test_sample_reader (FALSE);
  g_autoptr (GError) error = NULL;
  g_autofree char *json = chrome_test_export (reader, 0, G_MAXUINT64, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json, ==, golden);
}

/* Perfetto's systrace line pattern (systrace_line_tokenizer.cc). */
#define PERFETTO_LINE                                                                              \
  "-(\\d+)\\s+\\(?\\s*(\\d+|-+)?\\)?\\s?\\[(\\d+)\\]\\s*([a-zA-Z.]{3}[0-9a-f.]{1,2}\\s*)?"         \
  "(\\d+\\.\\d+):\\s+(\\S+):"

typedef struct
{
  GHashTable *keys;     /* top-level keys seen */
  GString *system;      /* the systemTraceEvents string */
  GHashTable *event_ts; /* ts of the events, in ns */
  guint n_events;
} Doc;

static gboolean
sink (const char *data, gsize len, gpointer user_data)
{
  g_string_append_len (user_data, data, (gssize) len);
  return TRUE;
}

/* Reads the document as Perfetto's JSON tokenizer does: an object of
 * keys, traceEvents an array of objects, systemTraceEvents one string. */
static void
read_doc (const char *json, Doc *doc)
{
  WeftJson *j = _weft_json_new_memory ((const guint8 *) json, strlen (json));
  WeftJsonToken tok;

  doc->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  doc->system = g_string_new (NULL);
  doc->event_ts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_OBJECT_BEGIN);
  while ((tok = _weft_json_next (j)) == WEFT_JSON_KEY)
    {
      gsize len;
      const char *text = _weft_json_text (j, &len);
      g_autofree char *key = g_strndup (text, len);

      g_hash_table_add (doc->keys, g_strdup (key));
      if (strcmp (key, "systemTraceEvents") == 0)
        {
          _weft_json_stream_next_string (j);
          g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_STRING_STREAM);
          g_assert_true (_weft_json_stream_string (j, sink, doc->system));
        }
      else if (strcmp (key, "traceEvents") == 0)
        {
          g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_ARRAY_BEGIN);
          while ((tok = _weft_json_next (j)) == WEFT_JSON_OBJECT_BEGIN)
            {
              doc->n_events++;
              while ((tok = _weft_json_next (j)) == WEFT_JSON_KEY)
                {
                  const char *k = _weft_json_text (j, &len);
                  gboolean is_ts = len == 2 && memcmp (k, "ts", 2) == 0;

                  tok = _weft_json_next (j);
                  if (is_ts)
                    {
                      const char *num = _weft_json_text (j, &len);
                      gint64 *ns = g_new (gint64, 1);

                      /* microseconds with exactly three decimals */
                      g_assert_cmpint (tok, ==, WEFT_JSON_NUMBER);
                      g_assert_cmpint (num[len - 4], ==, '.');
                      g_assert_true (_weft_json_decimal (num, len, 3, ns));
                      g_hash_table_add (doc->event_ts, ns);
                    }
                  g_assert_true (_weft_json_skip (j, tok));
                }
              g_assert_cmpint (tok, ==, WEFT_JSON_OBJECT_END);
            }
          g_assert_cmpint (tok, ==, WEFT_JSON_ARRAY_END);
        }
      else if (strcmp (key, "otherData") == 0)
        {
          g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_OBJECT_BEGIN);
          while ((tok = _weft_json_next (j)) == WEFT_JSON_KEY)
            g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_STRING);
          g_assert_cmpint (tok, ==, WEFT_JSON_OBJECT_END);
        }
      else
        g_assert_true (_weft_json_skip (j, _weft_json_next (j)));
    }
  g_assert_cmpint (tok, ==, WEFT_JSON_OBJECT_END);
  g_assert_cmpint (_weft_json_next (j), ==, WEFT_JSON_EOF);
  _weft_json_free (j);
}

static void
doc_clear (Doc *doc)
{
  g_hash_table_unref (doc->keys);
  g_string_free (doc->system, TRUE);
  g_hash_table_unref (doc->event_ts);
}

/* key=value as Perfetto splits the args: on ' ', at '='. */
static const char *
ftrace_arg (char **tokens, const char *key)
{
  gsize n = strlen (key);

  for (guint i = 0; tokens[i] != NULL; i++)
    if (strncmp (tokens[i], key, n) == 0 && tokens[i][n] == '=')
      return tokens[i] + n + 1;
  return NULL;
}

static void
check_perfetto_rules (const char *json, guint *n_lines, gboolean *clocks_meet)
{
  Doc doc = { 0 };
  g_autoptr (GRegex) re = g_regex_new (PERFETTO_LINE, 0, 0, NULL);
  g_auto (GStrv) lines = NULL;

  read_doc (json, &doc);
  g_assert_false (g_hash_table_contains (doc.keys, "displayTimeUnit"));
  g_assert_true (g_hash_table_contains (doc.keys, "otherData"));
  g_assert_true (g_hash_table_contains (doc.keys, "systemTraceEvents"));
  g_assert_cmpuint (doc.n_events, >, 0);
  /* Perfetto drops a last line without its newline */
  g_assert_true (g_str_has_suffix (doc.system->str, "\n"));
  lines = g_strsplit (doc.system->str, "\n", -1);
  *n_lines = 0;
  *clocks_meet = FALSE;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GMatchInfo) match = NULL;
      g_auto (GStrv) args = NULL;
      g_autofree char *task = NULL, *pid = NULL, *ts = NULL, *event = NULL, *expect_task = NULL;
      const char *keys[] = { "prev_pid", "next_pid", "prev_prio", "next_prio" };
      gint64 ns;
      int start, end;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      (*n_lines)++;
      g_assert_true (g_regex_match (re, lines[i], 0, &match));
      g_assert_true (g_match_info_fetch_pos (match, 0, &start, &end));
      task = g_strstrip (g_strndup (lines[i], (gsize) start));
      pid = g_match_info_fetch (match, 1);
      ts = g_match_info_fetch (match, 5);
      event = g_match_info_fetch (match, 6);
      g_assert_cmpstr (event, ==, "sched_switch");
      args = g_strsplit (g_strstrip (lines[i] + end), " ", -1);
      for (gsize k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          const char *v = ftrace_arg (args, keys[k]);
          gint64 n;

          g_assert_nonnull (v);
          g_assert_true (g_ascii_string_to_signed (v, 10, G_MININT32, G_MAXUINT32, &n, NULL));
        }
      g_assert_nonnull (ftrace_arg (args, "prev_state"));
      /* the comms survive the split on spaces: each is one token */
      g_assert_nonnull (ftrace_arg (args, "prev_comm"));
      g_assert_nonnull (ftrace_arg (args, "next_comm"));
      g_assert_null (strchr (ftrace_arg (args, "prev_comm"), '='));
      g_assert_null (strchr (ftrace_arg (args, "next_comm"), '='));
      g_assert_cmpstr (pid, ==, ftrace_arg (args, "prev_pid"));
      expect_task = g_strcmp0 (pid, "0") == 0 ? g_strdup ("<idle>")
                                              : g_strdup (ftrace_arg (args, "prev_comm"));
      g_assert_cmpstr (task, ==, expect_task);
      /* seconds on the events' clock */
      g_assert_true (_weft_json_decimal (ts, strlen (ts), 9, &ns));
      if (g_hash_table_contains (doc.event_ts, &ns))
        *clocks_meet = TRUE;
    }
  doc_clear (&doc);
}

static void
test_perfetto_rules (void)
{
  g_autoptr (WeftReader) reader = chrome_test_sample_reader (FALSE);
  g_autofree char *json = chrome_test_export (reader, 0, G_MAXUINT64, NULL);
  guint n_lines;
  gboolean clocks_meet;

  check_perfetto_rules (json, &n_lines, &clocks_meet);
  g_assert_cmpuint (n_lines, ==, 8);
  /* the switch at 1.000000500 s is the lock wait's B at 1000000.500 µs */
  g_assert_true (clocks_meet);
  /* not system-wide: the untraced side is the idle task */
  g_assert_null (strstr (json, "comm=other"));
  g_assert_nonnull (strstr (json, "main-100   [000] d..2 1.000000500: sched_switch: prev_comm=main "
                                  "prev_pid=100 prev_prio=120 prev_state=S ==> "
                                  "next_comm=swapper/0 next_pid=0"));
}

static void
test_system_wide (void)
{
  g_autoptr (WeftReader) reader = chrome_test_sample_reader (TRUE);
  g_autofree char *json = chrome_test_export (reader, 0, G_MAXUINT64, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) back = NULL;
  g_autofree char *cpu0 = NULL;
  guint n_lines;
  gboolean clocks_meet;

  check_perfetto_rules (json, &n_lines, &clocks_meet);
  g_assert_nonnull (strstr (json, "next_comm=other next_pid=2147483647 "));
  g_assert_nonnull (strstr (json, "           other-2147483647 [000] d..2 1.000000700: "));
  /* and Weft reads the placeholder back as untraced */
  back = chrome_test_import_string (json, &error);
  g_assert_no_error (error);
  cpu0 = chrome_test_dump_cpu (back, 0);
  g_assert_cmpstr (cpu0, ==,
                   "  1000000000 switch prev=idle preempted next=100\n"
                   "  1000000500 switch prev=100 blocked next=other\n"
                   "  1000000700 switch prev=other unknown next=100\n"
                   "  1000002000 switch prev=100 exited next=idle\n");
}

/* Spans, slices and tasks crossing the range's edges are cut there. */
static void
test_range (void)
{
  g_autoptr (WeftReader) reader = chrome_test_sample_reader (FALSE);
  g_autoptr (GError) error = NULL;
  g_autofree char *json = chrome_test_export (reader, 1000000400, 1000001250, &error);
  g_autoptr (WeftReader) back = NULL;
  g_autofree char *dump = NULL;

  g_assert_no_error (error);
  back = chrome_test_import_string (json, &error);
  g_assert_no_error (error);
  dump = chrome_test_dump (back);
  g_assert_cmpstr (dump, ==,
                   "thread 100/100\n"
                   "  1000000400 thread-name main\n"
                   "  1000000400 process-name app\n"
                   "  1000000400 B main\n"
                   "  1000000400 B load args={\"file\":\"a.txt\"}\n"
                   "  1000000400 E\n"
                   "  1000000450 instant checkpoint\n"
                   "  1000000500 lock-name 0x1000 ledger\n"
                   "  1000000500 lock-wait 0x1000\n"
                   "  1000000700 lock-acquired 0x1000\n"
                   "  1000000800 lock-released 0x1000\n"
                   "  1000000850 flow-begin 1\n"
                   "  1000000900 task-begin 1 fetch\n"
                   "  1000000950 task-suspend 1\n"
                   "  1000000960 fork 200\n"
                   "  1000001250 E\n"
                   "thread 100/101\n"
                   "  1000001000 thread-name worker\n"
                   "  1000001000 B work\n"
                   "  1000001050 flow-end 1\n"
                   "  1000001100 task-resume 1\n"
                   "  1000001200 cond-wait 0x2000 0x1000\n"
                   "  1000001250 cond-woken 0x2000\n"
                   "  1000001250 E\n"
                   "  1000001250 task-end 1\n"
                   "thread 100/102\n"
                   "  1000000400 thread-name io thread=1\n"
                   "  1000000400 B read \"quoted\"\n"
                   "  1000000600 E\n"
                   "thread 200/200\n"
                   "  1000000970 exec child\n"
                   "cpu 0\n"
                   "  1000000500 switch prev=100 blocked next=idle\n"
                   "  1000000700 switch prev=idle unknown next=100\n"
                   "cpu 1\n"
                   "  1000001000 switch prev=idle preempted next=101\n"
                   "  1000001200 switch prev=101 blocked next=102\n");
  g_assert_cmpstr (chrome_test_meta (back, "import_notes"), ==, "");
}

/* .json.gz is gzip (checked by its magic) and imports as the plain file. */
static void
test_file_gzip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-chrome-XXXXXX", NULL);
  g_autofree char *plain = g_build_filename (dir, "out.json", NULL);
  g_autofree char *gz = g_build_filename (dir, "out.json.gz", NULL);
  g_autofree char *head = NULL, *a = NULL, *b = NULL;
  g_autoptr (WeftReader) reader = chrome_test_sample_reader (FALSE);
  g_autoptr (WeftReader) from_plain = NULL, from_gz = NULL;
  g_autoptr (GBytes) plain_bytes = NULL, gz_bytes = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  g_assert_true (weft_chrome_export_file (reader, plain, 0, G_MAXUINT64, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (weft_chrome_export_file (reader, gz, 0, G_MAXUINT64, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (gz, &head, &len, NULL));
  g_assert_cmpuint (len, >, 2);
  g_assert_cmpint ((guchar) head[0], ==, 0x1f);
  g_assert_cmpint ((guchar) head[1], ==, 0x8b);
  g_clear_pointer (&head, g_free);
  g_assert_true (g_file_get_contents (plain, &head, &len, NULL));
  g_assert_cmpstr (head, ==, golden);

  plain_bytes = weft_chrome_import_file (plain, NULL, &error);
  g_assert_no_error (error);
  gz_bytes = weft_chrome_import_file (gz, NULL, &error);
  g_assert_no_error (error);
  from_plain = weft_reader_new_from_bytes (plain_bytes, &error);
  g_assert_no_error (error);
  from_gz = weft_reader_new_from_bytes (gz_bytes, &error);
  g_assert_no_error (error);
  a = chrome_test_dump (from_plain);
  b = chrome_test_dump (from_gz);
  g_assert_cmpstr (a, ==, b);

  g_assert_false (
      weft_chrome_export_file (reader, "/nonexistent/dir/x.json", 0, G_MAXUINT64, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_unlink (plain);
  g_unlink (gz);
  g_rmdir (dir);
}

/* Export of an import of an export is a fixed point. */
static void
test_stable (void)
{
  g_autoptr (WeftReader) reader = chrome_test_sample_reader (FALSE);
  g_autofree char *j1 = chrome_test_export (reader, 0, G_MAXUINT64, NULL);
  g_autoptr (WeftReader) r2 = chrome_test_import_string (j1, NULL);
  g_autofree char *j2 = chrome_test_export (r2, 0, G_MAXUINT64, NULL);
  g_autoptr (WeftReader) r3 = chrome_test_import_string (j2, NULL);
  g_autofree char *j3 = chrome_test_export (r3, 0, G_MAXUINT64, NULL);

  g_assert_cmpstr (j2, ==, j3);
  g_assert_cmpstr (chrome_test_meta (r2, "command"), ==, "sample --x");
  g_assert_cmpstr (chrome_test_meta (r2, "source"), ==, "chrome-json");
}

static gboolean
fail_write (const char *data, gsize len, gpointer user_data, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "disk full");
  return FALSE;
}

static void
test_write_error (void)
{
  g_autoptr (WeftReader) reader = chrome_test_sample_reader (FALSE);
  g_autoptr (GError) error = NULL;

  g_assert_false (weft_chrome_export (reader, 0, G_MAXUINT64, fail_write, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
}

/* A task first seen resuming (its begin unrecorded) starts there,
 * unnamed, as the analysis counts it; an end of an unknown task is
 * nothing. */
static void
test_unnamed_task (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) reader = NULL, back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL, *dump = NULL;
  uint8_t *data;
  size_t size;

  weft_builder_task_end (b, s, 1000, 8);
  weft_builder_task_resume (b, s, 2000, 9);
  weft_builder_task_suspend (b, s, 3000, 9);
  weft_builder_task_end (b, s, 4000, 9);
  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);
  bytes = g_bytes_new_take (data, size);
  reader = weft_reader_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  json = chrome_test_export (reader, 0, G_MAXUINT64, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json,
                            "{\"ph\":\"b\",\"pid\":1,\"tid\":1,\"ts\":2.000,\"cat\":\"weft.task\","
                            "\"name\":\"(unnamed)\",\"id2\":{\"local\":\"0x9\"}}"));
  g_assert_null (strstr (json, "0x8"));
  back = chrome_test_import_string (json, &error);
  g_assert_no_error (error);
  dump = chrome_test_dump (back);
  g_assert_cmpstr (dump, ==,
                   "thread 1/1\n"
                   "  2000 task-begin 1 (unnamed)\n"
                   "  3000 task-suspend 1\n"
                   "  4000 task-resume 1\n"
                   "  4000 task-end 1\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/chrome/export/events", test_events);
  g_test_add_func ("/weft/chrome/export/perfetto-rules", test_perfetto_rules);
  g_test_add_func ("/weft/chrome/export/system-wide", test_system_wide);
  g_test_add_func ("/weft/chrome/export/range", test_range);
  g_test_add_func ("/weft/chrome/export/file-gzip", test_file_gzip);
  g_test_add_func ("/weft/chrome/export/stable", test_stable);
  g_test_add_func ("/weft/chrome/export/write-error", test_write_error);
  g_test_add_func ("/weft/chrome/export/unnamed-task", test_unnamed_task);
  return g_test_run ();
}
