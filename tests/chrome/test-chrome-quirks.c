/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-chrome-quirks.c: the real world's odd files. Odd but valid events
 * load with a count of what was skipped; a malformed file is one clear
 * error naming the byte offset; nothing crashes.
 */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "chrome-test-util.h"
#include "weft-trace-file.h"

static void
check_fixture (const char *name, const char *expect, const char *skipped, const char *notes)
{
  g_autoptr (WeftReader) reader = chrome_test_import_fixture (name);
  g_autofree char *dump = chrome_test_dump (reader);

  g_assert_cmpstr (dump, ==, expect);
  g_assert_cmpstr (chrome_test_meta (reader, "import_skipped"), ==, skipped);
  g_assert_cmpstr (chrome_test_meta (reader, "import_notes"), ==, notes);
}

/* Out of time order, X overlapping X (dropped, as Perfetto), B inside an
 * X that ends first (cut at its end), an E cutting an X inside its B. */
static void
test_overlap (void)
{
  check_fixture ("overlap.json",
                 "thread 1/1\n"
                 "  0 B parent\n"
                 "  20000 B inside\n"
                 "  30000 E\n"
                 "  100000 E\n"
                 "  100000 B after\n"
                 "  110000 E\n"
                 "  200000 B x\n"
                 "  250000 B outlives-x\n"
                 "  300000 E\n"
                 "  300000 E\n"
                 "  400000 B late-parent\n"
                 "  410000 B late-child\n"
                 "  450000 E\n"
                 "  450000 E\n",
                 "2",
                 "1 X events overlapping an enclosing X (dropped, as Perfetto does); 1 E events "
                 "without a matching B; 2 slices cut at the end of their parent");
}

/* Negative times shift the trace to start at 0; exponents, strings and
 * fractions are exact; out-of-range times, bad durations, missing fields,
 * unsupported phases and non-objects are skipped and counted. */
static void
test_numbers (void)
{
  check_fixture (
      "numbers.json",
      "thread 1/1\n"
      "  0 B neg\n"
      "  2000 E\n"
      "  15000 B exp\n"
      "  17500 E\n"
      "  25001 B str-ts\n"
      "  26001 E\n"
      "  45000 instant extra-keys\n",
      "14",
      "4 array elements that are not objects; 1 events without ph; 1 events without ts; "
      "2 events with a ts that is not a number in range; 3 X events without a valid dur; "
      "3 events of unsupported phases ((OP); 1 negative timestamps: times shifted to "
      "start at 0");
}

/* Invalid UTF-8 is repaired, escaped surrogate pairs decoded, lone ones
 * replaced, over-long names cut at 4 KiB on a character boundary. */
static void
test_utf8 (void)
{
  g_autoptr (WeftReader) reader = chrome_test_import_fixture ("utf8.json");
  g_autofree char *dump = chrome_test_dump (reader);
  g_auto (GStrv) lines = g_strsplit (dump, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 9);
  g_assert_cmpstr (lines[0], ==, "thread 1/1");
  g_assert_cmpstr (lines[1], ==, "  1000 thread-name th\xef\xbf\xbd");
  g_assert_cmpstr (lines[2], ==, "  1000 B bad \xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd");
  g_assert_cmpstr (lines[4], ==, "  3000 B esc \xf0\x9f\x98\x80 \xef\xbf\xbd ok");
  g_assert_true (g_str_has_prefix (lines[6], "  5000 B nnnn"));
  g_assert_cmpuint (strlen (lines[6]), ==, strlen ("  5000 B ") + 4096);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_true (g_utf8_validate (lines[i], -1, NULL));
}

/* A crashed tracer's bare array: no closing bracket, or a last event cut
 * off; every complete event is kept. */
static void
test_unclosed (void)
{
  static const char expect[] = "thread 1/1\n"
                               "  1000 B a\n"
                               "  2000 E\n"
                               "  3000 B b\n"
                               "  4000 E\n";

  check_fixture ("unclosed.json", expect, "0", "1 events array without its closing bracket");
  check_fixture ("truncated.json", expect, "1",
                 "1 event cut off at the end of the file; 1 events array without its closing "
                 "bracket");
  check_fixture ("trailing-comma.json", expect, "0", "1 trailing commas tolerated");
}

static void
expect_error (const char *json, int code, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = chrome_test_import_string (json, &error);

  g_assert_null (reader);
  g_assert_error (error, WEFT_CHROME_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_malformed (void)
{
  expect_error ("", WEFT_CHROME_ERROR_SYNTAX, "malformed JSON at byte 0: unexpected end of file");
  expect_error ("{\"traceEvents\":[{\"ph\":\"X\" \"ts\":1}]}", WEFT_CHROME_ERROR_SYNTAX,
                "malformed JSON at byte 26: expected ',' or '}' after an object member");
  expect_error ("{\"traceEvents\":[{\"ph\":\"X\",\"ts\":1}]", WEFT_CHROME_ERROR_SYNTAX,
                "malformed JSON at byte 34: unexpected end of file");
  expect_error ("{\"traceEvents\":[{\"ph\":\"X\",\"ts\":1}", WEFT_CHROME_ERROR_SYNTAX,
                "malformed JSON at byte 33: unexpected end of file");
  expect_error ("{\"traceEvents\":[{\"name\":\"a\nb\"}]}", WEFT_CHROME_ERROR_SYNTAX,
                "malformed JSON at byte 26: control character inside a string (must be escaped)");
  expect_error ("[{\"ts\":1.e5}]", WEFT_CHROME_ERROR_SYNTAX,
                "malformed JSON at byte 7: invalid number");
  expect_error ("{\"traceEvents\":[]} []", WEFT_CHROME_ERROR_SYNTAX,
                "malformed JSON at byte 19: unexpected data after the end of the document");
  expect_error ("{\"systemTraceEvents\":\"abc", WEFT_CHROME_ERROR_SYNTAX,
                "malformed JSON at byte 25: unterminated string");
  expect_error ("[{\"a\":\"\\q\"}]", WEFT_CHROME_ERROR_SYNTAX,
                "malformed JSON at byte 7: invalid escape in a string");
  /* inside the bare array a bad token is still an error, not a cut tail */
  expect_error ("[{\"ph\":\"X\"}, {\"ph\" 1}]", WEFT_CHROME_ERROR_SYNTAX,
                "malformed JSON at byte 19: expected ':' after an object key");
}

static void
test_not_trace (void)
{
  expect_error ("{\"foo\":[1,2]}", WEFT_CHROME_ERROR_NOT_TRACE,
                "not a Chrome trace: a JSON object without traceEvents");
  expect_error ("42", WEFT_CHROME_ERROR_NOT_TRACE,
                "not a Chrome trace: the document is a number, not an object or array");
  expect_error ("\"x\"", WEFT_CHROME_ERROR_NOT_TRACE,
                "not a Chrome trace: the document is a string, not an object or array");
  expect_error ("\x89WEFT\r\n", WEFT_CHROME_ERROR_NOT_TRACE,
                "not a Chrome JSON trace (it does not start with '{' or '[')");
}

/* An empty events array is a valid, empty trace. */
static void
test_empty (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = chrome_test_import_string ("{\"traceEvents\":[]}", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 0);
  g_assert_cmpstr (chrome_test_meta (reader, "import_skipped"), ==, "0");
}

static char *
write_temp (const char *dir, const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  return path;
}

/* A generated document much larger than the reading window: the file
 * path (streamed) and the in-memory path give the same trace, and
 * weft_trace_file_open() finds the JSON by content. */
static void
test_windowed (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-chrome-XXXXXX", NULL);
  GString *doc = g_string_new ("{\"otherData\":{\"command\":\"gen\"},\"traceEvents\":[\n");
  g_autofree char *path = NULL, *a = NULL, *b = NULL, *c = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) from_file = NULL, from_memory = NULL, opened = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;

  for (int i = 0; i < 20000; i++)
    g_string_append_printf (
        doc,
        "{\"name\":\"span \\\"%d\\\"\",\"cat\":\"c\",\"ph\":\"X\",\"ts\":%d.%03d,"
        "\"dur\":%d.5,\"pid\":1,\"tid\":%d,\"args\":{\"i\":%d,\"s\":\"%*s\"}},\n",
        i % 97, i * 3, i % 1000, 1 + i % 2, 1 + i % 4, i, i % 300, "");
  g_string_append (
      doc, "{\"ph\":\"C\",\"name\":\"n\",\"pid\":1,\"tid\":1,\"ts\":0,\"args\":{\"v\":1}}]}");
  g_assert_cmpuint (doc->len, >, 3 * 1024 * 1024);
  path = write_temp (dir, "big.json", doc->str, doc->len);

  bytes = weft_chrome_import_file (path, NULL, &error);
  g_assert_no_error (error);
  from_file = weft_reader_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  from_memory = chrome_test_import_string (doc->str, &error);
  g_assert_no_error (error);
  opened = weft_trace_file_open (path, NULL, &error);
  g_assert_no_error (error);
  a = chrome_test_dump (from_file);
  b = chrome_test_dump (from_memory);
  c = chrome_test_dump (opened);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, ==, c);
  g_assert_cmpstr (chrome_test_meta (opened, "command"), ==, "gen");
  g_assert_cmpstr (chrome_test_meta (opened, "import_skipped"), ==, "0");
  /* 20000 spans (two events each) and one counter */
  lines = g_strsplit (a, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 40000 + 1 + 4 + 1);
  g_unlink (path);
  g_rmdir (dir);
  g_string_free (doc, TRUE);
}

/* A cut gzip stream gives a clear error, never a crash. */
static void
test_gzip_damaged (void)
{
  g_autofree char *dir = g_dir_make_tmp ("weft-chrome-XXXXXX", NULL);
  g_autofree char *src
      = g_test_build_filename (G_TEST_DIST, "chrome", "data", "sched.json.gz", NULL);
  g_autofree char *data = NULL, *path = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  path = write_temp (dir, "cut.json.gz", data, len / 2);
  bytes = weft_chrome_import_file (path, NULL, &error);
  g_assert_null (bytes);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "damaged gzip data: ")
                 || g_str_has_prefix (error->message, "malformed JSON at byte "));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = weft_chrome_import_file ("/nonexistent/trace.json", NULL, &error);

  g_assert_null (bytes);
  g_assert_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "No such file or directory");
}

static void
test_cancel (void)
{
  GString *doc = g_string_new ("[");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  for (int i = 0; i < 10000; i++)
    g_string_append_printf (doc, "%s{\"ph\":\"i\",\"name\":\"x\",\"ts\":%d}", i ? "," : "", i);
  g_string_append_c (doc, ']');
  g_cancellable_cancel (cancellable);
  bytes = weft_chrome_import_data ((const guint8 *) doc->str, doc->len, cancellable, &error);
  g_assert_null (bytes);
  g_assert_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_CANCELLED);
  g_clear_error (&error);

  /* inside a long systemTraceEvents string too */
  g_string_assign (doc, "{\"systemTraceEvents\":\"");
  for (int i = 0; i < 10000; i++)
    g_string_append_printf (doc,
                            "  <idle>-0 [000] d..2 1.%06d: sched_switch: prev_comm=swapper/0 "
                            "prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=a "
                            "next_pid=1 next_prio=120\\n",
                            i);
  g_string_append (doc, "\"}");
  bytes = weft_chrome_import_data ((const guint8 *) doc->str, doc->len, cancellable, &error);
  g_assert_null (bytes);
  g_assert_error (error, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_CANCELLED);
  g_string_free (doc, TRUE);
}

/* Hostile shapes: deep nesting inside args, a huge args object, a key
 * repeated, every phase character. None may crash or hang. */
static void
test_hostile (void)
{
  GString *doc = g_string_new ("[{\"ph\":\"X\",\"name\":\"deep\",\"ts\":1,\"dur\":1,\"args\":");
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = NULL;

  for (int i = 0; i < 500; i++)
    g_string_append (doc, "{\"a\":");
  g_string_append (doc, "1");
  for (int i = 0; i < 500; i++)
    g_string_append_c (doc, '}');
  g_string_append (doc, "},\n{\"ph\":\"X\",\"name\":\"big\",\"ts\":2,\"dur\":1,\"args\":{\"s\":\"");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (doc, 'x');
  g_string_append (doc, "\"}},\n{\"ph\":\"X\",\"ph\":\"i\",\"name\":\"twice\",\"ts\":3,\"dur\":1}");
  for (int c = 1; c < 128; c++)
    if (c != '"' && c != '\\' && c >= 0x20)
      g_string_append_printf (doc, ",\n{\"ph\":\"%c\",\"name\":\"p\",\"ts\":4,\"id\":1,\"dur\":1}",
                              c);
  g_string_append (doc, "]");
  reader = chrome_test_import_string (doc->str, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reader);
  g_assert_cmpstr (chrome_test_meta (reader, "import_notes"), !=, "");
  g_string_free (doc, TRUE);
}

/* Every fixture, mutated thousands of ways (bytes changed, deleted,
 * inserted, JSON punctuation thrown in, cut short): each either imports
 * into a trace the reader reads to the end, or fails with one line. */
static void
test_mutations (void)
{
  static const char *const fixtures[] = {
    "complete.json", "begin-end.json", "instants-counters.json", "async.json",   "flows.json",
    "metadata.json", "sched.json",     "systrace-only.json",     "overlap.json", "numbers.json",
    "utf8.json",     "truncated.json",
  };
  static const char punct[] = "{}[]\",:\\-.0e+nu";
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240611);
  guint ok = 0, failed = 0;

  for (gsize f = 0; f < G_N_ELEMENTS (fixtures); f++)
    {
      g_autofree char *path
          = g_test_build_filename (G_TEST_DIST, "chrome", "data", fixtures[f], NULL);
      g_autofree char *orig = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &orig, &len, NULL));
      for (int i = 0; i < 1500; i++)
        {
          g_autoptr (GByteArray) doc = g_byte_array_new ();
          g_autoptr (GError) error = NULL;
          g_autoptr (GBytes) bytes = NULL;
          int n = g_rand_int_range (rand, 1, 6);

          g_byte_array_append (doc, (const guint8 *) orig, (guint) len);
          for (int k = 0; k < n && doc->len > 0; k++)
            {
              guint at = (guint) g_rand_int_range (rand, 0, (gint32) doc->len);
              guint8 c = (guint8) (g_rand_boolean (rand)
                                       ? punct[g_rand_int_range (rand, 0, sizeof punct - 1)]
                                       : g_rand_int_range (rand, 0, 256));

              switch (g_rand_int_range (rand, 0, 4))
                {
                case 0:
                  doc->data[at] = c;
                  break;
                case 1:
                  g_byte_array_remove_index (doc, at);
                  break;
                case 2:
                  g_array_insert_val ((GArray *) doc, at, c);
                  break;
                default:
                  g_byte_array_set_size (doc, at);
                  break;
                }
            }
          bytes = weft_chrome_import_data (doc->data, doc->len, NULL, &error);
          if (bytes == NULL)
            {
              g_assert_nonnull (error);
              g_assert_null (strchr (error->message, '\n'));
              failed++;
              continue;
            }
          {
            g_autoptr (WeftReader) reader = weft_reader_new_from_bytes (bytes, &error);
            g_autofree char *dump = NULL;

            g_assert_no_error (error);
            dump = chrome_test_dump (reader);
            g_assert_nonnull (dump);
            g_assert_null (weft_reader_get_damage (reader));
            ok++;
          }
        }
    }
  /* both outcomes happen: the mutations are neither all fatal nor all harmless */
  g_assert_cmpuint (ok, >, 1000);
  g_assert_cmpuint (failed, >, 1000);
}

/* A UTF-8 byte order mark before the document (Windows tools write one),
 * in plain and gzip files, through the importer and by content. */
static void
test_bom (void)
{
  static const char *const names[] = { "bom.json", "bom.json.gz" };
  static const char *const expect = "thread 1/1\n"
                                    "  1000 B caf\xc3\xa9\n"
                                    "  2000 instant mark\n"
                                    "  3500 E\n";

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "chrome", "data", names[i], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (WeftReader) opened = NULL;
      g_autofree char *dump = NULL;

      check_fixture (names[i], expect, "0", "");
      opened = weft_trace_file_open (path, NULL, &error);
      g_assert_no_error (error);
      dump = chrome_test_dump (opened);
      g_assert_cmpstr (dump, ==, expect);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/chrome/quirks/overlap", test_overlap);
  g_test_add_func ("/weft/chrome/quirks/numbers", test_numbers);
  g_test_add_func ("/weft/chrome/quirks/utf8", test_utf8);
  g_test_add_func ("/weft/chrome/quirks/unclosed-array", test_unclosed);
  g_test_add_func ("/weft/chrome/quirks/malformed", test_malformed);
  g_test_add_func ("/weft/chrome/quirks/not-trace", test_not_trace);
  g_test_add_func ("/weft/chrome/quirks/empty", test_empty);
  g_test_add_func ("/weft/chrome/quirks/windowed", test_windowed);
  g_test_add_func ("/weft/chrome/quirks/gzip-damaged", test_gzip_damaged);
  g_test_add_func ("/weft/chrome/quirks/missing-file", test_missing_file);
  g_test_add_func ("/weft/chrome/quirks/cancel", test_cancel);
  g_test_add_func ("/weft/chrome/quirks/bom", test_bom);
  g_test_add_func ("/weft/chrome/quirks/hostile", test_hostile);
  g_test_add_func ("/weft/chrome/quirks/mutations", test_mutations);
  return g_test_run ();
}
