/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-utf8.c: the reader is the trust boundary for text: names, span
 * arguments and metadata with invalid UTF-8 or NUL bytes come out
 * repaired (each bad byte one U+FFFD), equal repaired text shares one id,
 * and what is built on them (statistics JSON) is valid UTF-8.
 */
#include "format-util.h"

#include "weft-chrome-export.h"
#include "weft-chrome-import.h"
#include "weft-model.h"
#include "weft-stats.h"

#define FFFD "\xef\xbf\xbd"

/* Every event name (or args) id of every stream, in order. */
static GArray *
collect_ids (WeftReader *r, gboolean args)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; i < weft_reader_get_n_streams (r); i++)
    {
      WeftStreamIter iter;
      WeftEvent ev;

      weft_stream_iter_init (&iter, r, i);
      while (weft_stream_iter_next (&iter, &ev))
        if (ev.kind == WEFT_EV_INSTANT || ev.kind == WEFT_EV_SPAN_BEGIN
            || ev.kind == WEFT_EV_SPAN_BEGIN_ARGS)
          {
            guint32 id = args ? ev.args : ev.name;
            g_array_append_val (ids, id);
          }
    }
  return ids;
}

#define ID(a, i) g_array_index ((a), guint32, (i))

static void
test_utf8_names (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) r = NULL;
  g_autoptr (GArray) names = NULL;
  g_autoptr (GArray) args = NULL;
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  const char *expected[] = {
    "a" FFFD "b",               /* lone continuation byte */
    "c" FFFD FFFD,              /* truncated 3-byte sequence */
    "c" FFFD FFFD "d",          /* the same, followed by text */
    FFFD FFFD "/",              /* overlong '/' */
    "x" FFFD "y",               /* 0xFF */
    "x" FFFD "y",               /* 0xFE: the same repaired text */
    "x" FFFD "y",               /* that text, valid in the file */
    "caf\xc3\xa9 \xe2\x82\xac", /* valid: unchanged */
    "nul" FFFD "x",             /* embedded NUL (forged STRING_DEF) */
    FFFD,                       /* a NUL alone */
  };

  weft_builder_instant (b, s, 10,
                        "a\x80"
                        "b");
  weft_builder_instant (b, s, 11, "c\xe2\x82");
  weft_builder_instant (b, s, 12,
                        "c\xe2\x82"
                        "d");
  weft_builder_instant (b, s, 13, "\xc0\xaf/");
  weft_builder_instant (b, s, 14, "x\xffy");
  weft_builder_instant (b, s, 15, "x\xfey");
  weft_builder_instant (b, s, 16, "x" FFFD "y");
  weft_builder_span_begin_args (b, s, 17, "caf\xc3\xa9 \xe2\x82\xac", "{\"k\":\"v\xe9\"}");
  weft_builder_span_end (b, s, 18);
  /* Builder ids start at 1 and grow; 1000 and 1001 are far from them. */
  weft_builder_raw_event (b, s, 19, WEFT_EV_STRING_DEF, "\xe8\x07\x05nul\0x", 8);
  weft_builder_raw_event (b, s, 20, WEFT_EV_INSTANT, "\xe8\x07", 2);
  weft_builder_raw_event (b, s, 21, WEFT_EV_STRING_DEF, "\xe9\x07\x01\0", 4);
  weft_builder_raw_event (b, s, 22, WEFT_EV_INSTANT, "\xe9\x07", 2);
  bytes = util_finish (b);
  r = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_nonnull (r);
  g_assert_null (weft_reader_get_damage (r));

  names = collect_ids (r, FALSE);
  args = collect_ids (r, TRUE);
  g_assert_cmpuint (names->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < names->len; i++)
    {
      const char *text = weft_reader_get_string (r, ID (names, i));
      g_assert_cmpstr (text, ==, expected[i]);
      g_assert_true (g_utf8_validate (text, -1, NULL));
    }
  g_assert_cmpstr (weft_reader_get_string (r, ID (args, 7)), ==, "{\"k\":\"v" FFFD "\"}");

  /* One id per text, whatever bytes it was repaired from. */
  g_assert_cmpuint (ID (names, 4), ==, ID (names, 5));
  g_assert_cmpuint (ID (names, 4), ==, ID (names, 6));
  g_assert_cmpuint (ID (names, 0), !=, ID (names, 4));
  for (guint i = 0; i < names->len; i++)
    for (guint j = 0; j < names->len; j++)
      if (strcmp (expected[i], expected[j]) != 0)
        g_assert_cmpuint (ID (names, i), !=, ID (names, j));
}

/* Two streams define the same invalid bytes and its repaired text: one id. */
static void
test_utf8_across_streams (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) r = NULL;
  g_autoptr (GArray) names = NULL;
  WeftBuilderStream s1 = weft_builder_thread (b, 1, 1), s2 = weft_builder_thread (b, 1, 2);

  weft_builder_instant (b, s1, 10, "q" FFFD);
  weft_builder_instant (b, s2, 11, "q\x80");
  weft_builder_instant (b, s2, 12, "q\xc1");
  bytes = util_finish (b);
  r = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_nonnull (r);
  names = collect_ids (r, FALSE);
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (weft_reader_get_string (r, ID (names, 0)), ==, "q" FFFD);
  g_assert_cmpuint (ID (names, 0), ==, ID (names, 1));
  g_assert_cmpuint (ID (names, 0), ==, ID (names, 2));
}

static void
test_utf8_metadata (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) r = NULL;
  const char *const *keys;
  /* key "k\0k" = "v\0" and "host\xfe" = "ok": the builder writes its own
   * METADATA chunk last, so its "host\xff" replaces that (same text). */
  static const char raw[] = "\x03k\0k\x02v\0"
                            "\x05host\xfe\x02ok";
  guint n_host = 0;

  weft_builder_thread (b, 1, 1);
  weft_builder_set_metadata (b, "host\xff", "box\xc0\xaf");
  weft_builder_set_metadata (b, "command", "ls caf\xe9");
  weft_builder_raw_chunk (b, WEFT_CHUNK_METADATA, raw, sizeof raw - 1);
  bytes = util_finish (b);
  r = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_nonnull (r);
  g_assert_null (weft_reader_get_damage (r));
  g_assert_cmpstr (weft_reader_get_metadata (r, "host" FFFD), ==, "box" FFFD FFFD);
  g_assert_cmpstr (weft_reader_get_metadata (r, "command"), ==, "ls caf" FFFD);
  g_assert_cmpstr (weft_reader_get_metadata (r, "k" FFFD "k"), ==, "v" FFFD);
  g_assert_null (weft_reader_get_metadata (r, "k"));
  keys = weft_reader_get_metadata_keys (r);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_assert_true (g_utf8_validate (keys[i], -1, NULL));
      n_host += strcmp (keys[i], "host" FFFD) == 0;
      g_assert_true (g_utf8_validate (weft_reader_get_metadata (r, keys[i]), -1, NULL));
    }
  g_assert_cmpuint (n_host, ==, 1);
}

static gboolean
append_out (const char *data, gsize len, gpointer user_data, GError **error)
{
  g_string_append_len (user_data, data, (gssize) len);
  return TRUE;
}

/* weft stats --json and the Chrome JSON export over names of every sort
 * with invalid bytes (span args that are a JSON object are exported as
 * they are, so they too must come out of the reader valid). */
static void
test_utf8_stats_json (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) r = NULL;
  g_autoptr (WeftModel) model = NULL;
  g_autoptr (GError) error = NULL;
  WeftStats *stats;
  g_autofree char *json = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  WeftBuilderStream s = weft_builder_thread (b, 7, 7), t = weft_builder_thread (b, 7, 8);

  weft_builder_set_metadata (b, "command", "run \xff");
  weft_builder_process_name (b, s, 0, "proc\xfe");
  weft_builder_thread_name (b, s, 0, "main\xc3");
  weft_builder_thread_name (b, t, 0,
                            "work\x80"
                            "er");
  weft_builder_span_begin_args (b, s, 100, "parse\xff", "{\"file\":\"a\xe9\"}");
  weft_builder_span_end (b, s, 600);
  weft_builder_span_begin (b, t, 100, "\xc0\x80zero");
  weft_builder_span_end (b, t, 300);
  weft_builder_lock_name (b, s, 50, 0x10, "mutex\xff");
  weft_builder_lock_wait (b, t, 310, 0x10);
  weft_builder_lock_acquired (b, t, 400, 0x10);
  weft_builder_lock_released (b, t, 450, 0x10);
  weft_builder_counter (b, s, 200, "bytes\xf0\x9f", 3);
  weft_builder_task_begin (b, s, 120, 5, "task\xff");
  weft_builder_task_end (b, s, 500, 5);
  bytes = util_finish (b);
  r = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_nonnull (r);
  model = weft_model_new (r, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  stats = weft_stats_new_whole (model);
  json = weft_stats_to_json (stats, 0);
  weft_stats_free (stats);

  g_assert_true (g_utf8_validate (json, -1, NULL));
  g_assert_nonnull (strstr (json, "\"parse" FFFD "\""));
  g_assert_nonnull (strstr (json, "\"" FFFD FFFD "zero\""));
  g_assert_nonnull (strstr (json, "\"main" FFFD "\""));
  g_assert_nonnull (strstr (json, "\"work" FFFD "er\""));
  g_assert_nonnull (strstr (json, "\"proc" FFFD "\""));
  g_assert_nonnull (strstr (json, "\"mutex" FFFD "\""));
  g_assert_nonnull (strstr (json, "\"task" FFFD "\""));
  g_assert_nonnull (strstr (json, "\"run " FFFD "\""));

  g_assert_true (weft_chrome_export (r, 0, G_MAXUINT64, append_out, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (out->str, (gssize) out->len, NULL));
  g_assert_nonnull (strstr (out->str, "\"parse" FFFD "\""));
  g_assert_nonnull (strstr (out->str, "\"file\":\"a" FFFD "\""));
  g_assert_nonnull (strstr (out->str, "\"work" FFFD "er\""));
}

/* The Chrome importer writes only valid UTF-8 into the .weft it makes: the
 * METADATA chunks' raw pairs are checked (the reader would repair them). */
static void
test_utf8_chrome_metadata (void)
{
  static const char doc[] = "{\"traceEvents\":[{\"ph\":\"X\",\"name\":\"n\xff\",\"pid\":1,"
                            "\"tid\":1,\"ts\":1,\"dur\":2}],"
                            "\"otherData\":{\"key\xff\":\"val\xff\",\"k\\u0000\":\"v\"}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes
      = weft_chrome_import_data ((const guint8 *) doc, sizeof doc - 1, NULL, &error);
  g_autoptr (WeftReader) r = NULL;
  g_autoptr (GArray) offsets = NULL;
  const guint8 *data;
  gsize size;
  guint pairs = 0;

  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);
  offsets = util_chunk_offsets (data, size);
  for (guint i = 0; i < offsets->len; i++)
    {
      gsize pos = g_array_index (offsets, gsize, i);
      WeftChunkHeader h;
      const guint8 *p, *end;

      memcpy (&h, data + pos, sizeof h);
      if (h.type != WEFT_CHUNK_METADATA)
        continue;
      p = data + pos + sizeof h;
      end = p + h.payload_size;
      while (p < end)
        {
          guint64 len = 0;

          g_assert_true (weft_varint_get (&p, end, &len));
          g_assert_cmpuint (len, <=, (guint64) (end - p));
          g_assert_true (len == 0 || g_utf8_validate_len ((const char *) p, len, NULL));
          p += len;
          pairs++;
        }
    }
  g_assert_cmpuint (pairs, >=, 4);
  g_assert_cmpuint (pairs % 2, ==, 0);

  r = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_nonnull (r);
  g_assert_cmpstr (weft_reader_get_metadata (r, "key" FFFD), ==, "val" FFFD);
  g_assert_cmpstr (weft_reader_get_metadata (r, "k" FFFD), ==, "v");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/format/utf8/names", test_utf8_names);
  g_test_add_func ("/weft/format/utf8/across-streams", test_utf8_across_streams);
  g_test_add_func ("/weft/format/utf8/metadata", test_utf8_metadata);
  g_test_add_func ("/weft/format/utf8/json-output", test_utf8_stats_json);
  g_test_add_func ("/weft/format/utf8/chrome-metadata", test_utf8_chrome_metadata);
  return g_test_run ();
}
