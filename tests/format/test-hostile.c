/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Hostile and odd input: not-a-trace files, versions, unknown chunk types
 * and event kinds, hostile varints and string ids, malformed chunks.
 */
#include "format-util.h"

#include "weft-trace-file.h"

static char *
tmp_file (const char *dir, const char *name, const void *data, gssize len)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, len, &error));
  g_assert_no_error (error);
  return path;
}

static void
assert_open_fails (const char *path, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_trace_file_open (path, NULL, &error);

  g_assert_null (reader);
  g_assert_nonnull (error);
  g_assert_null (strchr (error->message, '\n'));
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
test_not_traces (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-test-XXXXXX", &error);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  guint8 random[4096];
  g_autofree char *empty = NULL, *garbage = NULL, *json = NULL, *gz = NULL, *text = NULL;
  g_autofree char *missing = NULL;

  for (guint i = 0; i < sizeof random; i++)
    random[i] = (guint8) g_rand_int (rand);
  random[0] = 'x';
  empty = tmp_file (dir, "empty.weft", "", 0);
  garbage = tmp_file (dir, "random.weft", random, sizeof random);
  text = tmp_file (dir, "notes.txt", "hello, world\n", -1);
  json = tmp_file (dir, "t.json", "\xef\xbb\xbf \n\t {\"traceEvents\": [", -1);
  gz = tmp_file (dir, "t.json.gz", "\x1f\x8b\x08\x00garbage", 12);
  missing = g_build_filename (dir, "missing.weft", NULL);

  assert_open_fails (empty, "empty file");
  assert_open_fails (garbage, "not a trace (neither Weft nor Chrome JSON)");
  assert_open_fails (text, "not a trace (neither Weft nor Chrome JSON)");
  assert_open_fails (missing, "No such file or directory");
  assert_open_fails (dir, "is a directory");
  /* JSON-looking and gzip go to the importer (or say it is missing); a
   * truncated document is an error either way. */
  assert_open_fails (json, NULL);
  assert_open_fails (gz, NULL);

  /* The reader itself, without detection. */
  {
    g_autoptr (WeftReader) r = weft_reader_open (garbage, &error);
    g_assert_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_NOT_A_TRACE);
    g_assert_cmpstr (error->message, ==, "not a Weft trace (no Weft header)");
    g_clear_error (&error);
    r = weft_reader_open (empty, &error);
    g_assert_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_EMPTY);
    g_clear_error (&error);
    r = weft_reader_open (dir, &error);
    g_assert_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_IO);
    g_clear_error (&error);
  }

  g_remove (empty);
  g_remove (garbage);
  g_remove (text);
  g_remove (json);
  g_remove (gz);
  g_rmdir (dir);
}

static void
test_detect (void)
{
  const struct
  {
    const char *head;
    gsize len;
    WeftTraceFormat want;
  } cases[] = {
    { WEFT_FILE_MAGIC, 8, WEFT_TRACE_FORMAT_WEFT },
    { WEFT_FILE_MAGIC, 7, WEFT_TRACE_FORMAT_UNKNOWN },
    { "\x1f\x8b", 2, WEFT_TRACE_FORMAT_GZIP },
    { "\x1f", 1, WEFT_TRACE_FORMAT_UNKNOWN },
    { "{\"traceEvents\"", 14, WEFT_TRACE_FORMAT_CHROME_JSON },
    { "[{\"ph\":\"X\"}]", 12, WEFT_TRACE_FORMAT_CHROME_JSON },
    { "\xef\xbb\xbf[", 4, WEFT_TRACE_FORMAT_CHROME_JSON },
    { " \r\n\t {", 6, WEFT_TRACE_FORMAT_CHROME_JSON },
    { "   ", 3, WEFT_TRACE_FORMAT_UNKNOWN },
    { "\xef\xbb\xbf", 3, WEFT_TRACE_FORMAT_UNKNOWN },
    { "x{", 2, WEFT_TRACE_FORMAT_UNKNOWN },
    { "", 0, WEFT_TRACE_FORMAT_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (weft_trace_file_detect ((const guint8 *) cases[i].head, cases[i].len), ==,
                     cases[i].want);
}

static GBytes *
header_bytes (guint16 major, guint16 minor, const void *rest, gsize rest_len)
{
  WeftFileHeader h;
  GByteArray *a = g_byte_array_new ();

  weft_file_header_init (&h);
  h.major = major;
  h.minor = minor;
  g_byte_array_append (a, (const guint8 *) &h, sizeof h);
  if (rest_len > 0)
    g_byte_array_append (a, rest, (guint) rest_len);
  return g_byte_array_free_to_bytes (a);
}

static void
test_versions (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) newer = header_bytes (2, 0, NULL, 0);
  g_autoptr (GBytes) only_header = header_bytes (1, 0, NULL, 0);
  g_autoptr (GBytes) garbage = header_bytes (1, 0, "0123456789abcdefghijklmnopqrstuv", 32);
  g_autoptr (WeftReader) r = NULL;

  r = weft_reader_new_from_bytes (newer, &error);
  g_assert_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_VERSION);
  g_assert_cmpstr (error->message, ==, "format version 2.0 is not supported (this Weft reads 1.x)");
  g_clear_error (&error);
  r = weft_reader_new_from_bytes (only_header, &error);
  g_assert_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_CORRUPT);
  g_assert_cmpstr (error->message, ==, "truncated: no chunk after the header");
  g_clear_error (&error);
  r = weft_reader_new_from_bytes (garbage, &error);
  g_assert_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_CORRUPT);
  g_assert_cmpstr (error->message, ==,
                   "no intact chunk (1 of 1 chunks damaged (32 bytes): garbage instead of a "
                   "chunk header at offset 32)");
  g_clear_error (&error);

  /* A newer minor reads: it only adds what can be skipped. */
  {
    WeftBuilder *b = weft_builder_new_memory ();
    g_autoptr (GBytes) bytes = NULL;
    guint8 *data;
    gsize size;

    weft_builder_instant (b, weft_builder_thread (b, 1, 1), 5, "x");
    bytes = util_finish (b);
    size = g_bytes_get_size (bytes);
    data = g_memdup2 (g_bytes_get_data (bytes, NULL), size);
    data[10] = 9; /* minor 9 */
    g_autoptr (GBytes) minor = g_bytes_new_take (data, size);
    r = weft_reader_new_from_bytes (minor, &error);
    g_assert_no_error (error);
    g_assert_null (weft_reader_get_damage (r));
    g_assert_cmpuint (weft_reader_get_n_streams (r), ==, 1);
  }
}

/* Unknown chunk types and extended event kinds are skipped silently. */
static void
test_skippable (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) r = NULL;
  g_autofree char *text = NULL;
  WeftBuilderStream s;

  weft_builder_raw_chunk (b, 77, "future chunk", 12);
  weft_builder_raw_chunk (b, 0xffff, NULL, 0);
  s = weft_builder_thread (b, 3, 4);
  weft_builder_instant (b, s, 100, "a");
  weft_builder_raw_event (b, s, 150, 0x40, "xyz", 3);
  weft_builder_raw_event (b, s, 175, 0xff, NULL, 0);
  weft_builder_instant (b, s, 200, "b");
  bytes = util_finish (b);
  r = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_null (weft_reader_get_damage (r));
  text = util_events_text (r);
  /* Extended events advance the time but are not returned. */
  g_assert_cmpstr (text, ==,
                   "stream 0 3 4\n"
                   "3 100 0 0 0 0 0 0 [a] []\n"
                   "3 200 0 0 0 0 0 0 [b] []\n");
}

typedef struct
{
  guint8 kind;
  const char *payload;
  gsize len;
  const char *damage; /* substring expected in the damage, or NULL */
  const char *names;  /* the names returned, in order */
  gboolean last;      /* the forged event ends the chunk (no "after") */
} HostileCase;

static void
test_hostile_events (void)
{
  /* Each case: instant "ok" at 10, the forged event at 20, instant "after"
   * at 30, in a stream of its own. */
  static const HostileCase cases[] = {
    /* An undefined name id (a 6-byte varint). */
    { WEFT_EV_SPAN_BEGIN, "\xff\xff\xff\xff\xff\x01", 6, NULL, "ok,?,after" },
    /* A huge id, defined, then used. */
    { WEFT_EV_STRING_DEF, "\x80\x80\x80\x80\x80\x80\x80\x80\x01\x03" "big", 13, NULL, "ok,after" },
    /* Varint of 11 bytes: too long. */
    { WEFT_EV_INSTANT, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11, "truncated event", "ok" },
    /* Varint running off the end of the chunk. */
    { WEFT_EV_TASK_BEGIN, "\xff\xff", 2, "truncated event", "ok", TRUE },
    /* A STRING_DEF longer than its chunk. */
    { WEFT_EV_STRING_DEF, "\x05\xff\xff\xff\xff\x0f", 6, "truncated event", "ok" },
    /* Unknown fixed kinds. */
    { 0x00, "", 0, "unknown event kind 0x00", "ok" },
    { 0x1c, "\x01", 1, "unknown event kind 0x1c", "ok" },
    { 0x3f, "\x01", 1, "unknown event kind 0x3f", "ok" },
    /* A counter cut inside its f64. */
    { WEFT_EV_COUNTER, "\x01\x00\x00", 3, "truncated event", "ok", TRUE },
    /* A switch state beyond the enum is read as unknown. */
    { WEFT_EV_SCHED_SWITCH, "\x02\x09\x04", 3, NULL, "ok,,after" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const HostileCase *c = &cases[i];
      WeftBuilder *b = weft_builder_new_memory ();
      WeftBuilderStream s = weft_builder_thread (b, 1, 1);
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (WeftReader) r = NULL;
      g_autoptr (GString) names = g_string_new (NULL);
      WeftStreamIter iter;
      WeftEvent ev;

      weft_builder_instant (b, s, 10, "ok");
      weft_builder_raw_event (b, s, 20, c->kind, c->payload, (guint32) c->len);
      if (!c->last)
        weft_builder_instant (b, s, 30, "after");
      bytes = util_finish (b);
      r = weft_reader_new_from_bytes (bytes, NULL);
      g_assert_nonnull (r);

      for (int pass = 0; pass < 2; pass++) /* a second pass reports nothing new */
        {
          g_string_truncate (names, 0);
          weft_stream_iter_init (&iter, r, 0);
          while (weft_stream_iter_next (&iter, &ev))
            {
              if (names->len > 0)
                g_string_append_c (names, ',');
              g_string_append (names, weft_reader_get_string (r, ev.name));
              if (ev.kind == WEFT_EV_SCHED_SWITCH)
                {
                  g_assert_cmpint (ev.prev_tid, ==, 1);
                  g_assert_cmpuint (ev.state, ==, WEFT_SWITCH_UNKNOWN);
                  g_assert_cmpint (ev.next_tid, ==, 2);
                }
            }
          g_assert_cmpstr (names->str, ==, c->names);
        }
      if (c->damage == NULL)
        g_assert_null (weft_reader_get_damage (r));
      else
        {
          g_assert_nonnull (weft_reader_get_damage (r));
          g_assert_nonnull (strstr (weft_reader_get_damage (r), c->damage));
          g_assert_null (strstr (weft_reader_get_damage (r), ";")); /* reported once */
        }
    }
}

/* String ids: redefinition, sparse ids, ids from another stream. */
static void
test_hostile_strings (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) r = NULL;
  g_autofree char *text = NULL;
  WeftBuilderStream s1 = weft_builder_thread (b, 1, 1), s2 = weft_builder_thread (b, 1, 2);

  /* id 5 = "five", used, redefined "cinq", used; id 2^40 = "far". */
  weft_builder_raw_event (b, s1, 10, WEFT_EV_STRING_DEF, "\x05\x04" "five", 6);
  weft_builder_raw_event (b, s1, 11, WEFT_EV_INSTANT, "\x05", 1);
  weft_builder_raw_event (b, s1, 12, WEFT_EV_STRING_DEF, "\x05\x04" "cinq", 6);
  weft_builder_raw_event (b, s1, 13, WEFT_EV_INSTANT, "\x05", 1);
  weft_builder_raw_event (b, s1, 14, WEFT_EV_STRING_DEF, "\x80\x80\x80\x80\x80\x20\x03" "far", 10);
  weft_builder_raw_event (b, s1, 15, WEFT_EV_INSTANT, "\x80\x80\x80\x80\x80\x20", 6);
  /* id 0 is never defined: a definition of it is ignored. */
  weft_builder_raw_event (b, s1, 16, WEFT_EV_STRING_DEF, "\x00\x04zero", 6);
  weft_builder_raw_event (b, s1, 17, WEFT_EV_INSTANT, "\x00", 1);
  /* Stream 2 cannot use stream 1's ids. */
  weft_builder_raw_event (b, s2, 18, WEFT_EV_INSTANT, "\x05", 1);
  /* Thousands of dense ids. */
  for (guint i = 1; i <= 3000; i++)
    {
      guint8 buf[32], *p = weft_varint_put (buf, i);
      char name[16];
      gsize n = (gsize) g_snprintf (name, sizeof name, "n%u", i);
      *p++ = (guint8) n;
      memcpy (p, name, n);
      weft_builder_raw_event (b, s2, 20 + i, WEFT_EV_STRING_DEF, buf, (guint32) (p + n - buf));
    }
  weft_builder_raw_event (b, s2, 5000, WEFT_EV_INSTANT, "\xb8\x17", 2); /* 3000 */
  bytes = util_finish (b);
  r = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_null (weft_reader_get_damage (r));
  text = util_events_text (r);
  g_assert_cmpstr (text, ==,
                   "stream 0 1 1\n"
                   "3 11 0 0 0 0 0 0 [five] []\n"
                   "3 13 0 0 0 0 0 0 [cinq] []\n"
                   "3 15 0 0 0 0 0 0 [far] []\n"
                   "3 17 0 0 0 0 0 0 [] []\n"
                   "stream 0 1 2\n"
                   "3 18 0 0 0 0 0 0 [?] []\n"
                   "3 5000 0 0 0 0 0 0 [n3000] []\n");
}

/* An extended event whose length runs past its chunk (forged by hand:
 * the builder writes correct lengths). */
static void
test_extended_overrun (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) r = NULL;
  g_autoptr (GByteArray) c = util_stream_payload (1, 1, 1, 100, 0, WEFT_CLOCK_MONOTONIC, 0);
  g_autofree char *text = NULL;

  util_put_bytes (c, "\x09\x00\x07", 3);         /* flow-begin 7 at 100 */
  util_put_bytes (c, "\x41\x05\xe8\x07xy", 6);  /* 1000 bytes claimed, 2 present */
  weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, c->data, c->len);
  bytes = util_finish (b);
  r = weft_reader_new_from_bytes (bytes, NULL);
  text = util_events_text (r);
  g_assert_cmpstr (text, ==, "stream 0 1 1\n9 100 7 0 0 0 0 0 [] []\n");
  g_assert_nonnull (strstr (weft_reader_get_damage (r), "truncated event at offset"));
}

static void
test_malformed_chunks (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) r = NULL;
  g_autoptr (GByteArray) bad_clock = util_stream_payload (1, 1, 1, 0, 0, 7, 0);
  const char *damage;

  weft_builder_set_metadata (b, "good", "yes");
  weft_builder_raw_chunk (b, WEFT_CHUNK_METADATA, "\x01k\x01v\x05toolong", 11);
  weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, "short", 5);
  weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, bad_clock->data, bad_clock->len);
  weft_builder_raw_chunk (b, WEFT_CHUNK_CLOCK, "\xff\xff\xff\xff\0\0\0\0", 8);
  weft_builder_instant (b, weft_builder_thread (b, 2, 2), 9, "fine");
  bytes = util_finish (b);
  r = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_nonnull (r);
  g_assert_cmpstr (weft_reader_get_metadata (r, "k"), ==, "v");
  g_assert_cmpstr (weft_reader_get_metadata (r, "good"), ==, "yes");
  g_assert_cmpuint (weft_reader_get_n_streams (r), ==, 1);
  damage = weft_reader_get_damage (r);
  g_assert_nonnull (strstr (damage, "2 of "));
  g_assert_nonnull (strstr (damage, "malformed stream chunk"));
  g_assert_nonnull (strstr (damage, "malformed metadata"));
  g_assert_nonnull (strstr (damage, "malformed clock chunk"));
}

/* A file packed with chunk tags whose checksums fail: resync stays linear. */
static void
test_tag_flood (void)
{
  gsize size = 8 << 20;
  guint8 *data = g_malloc0 (size);
  WeftFileHeader h;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) r = NULL;
  gint64 t0 = g_get_monotonic_time ();

  weft_file_header_init (&h);
  memcpy (data, &h, sizeof h);
  /* Every 16 bytes a header claiming the rest of the file, with a wrong
   * CRC: checking each in full would be quadratic (terabytes here). */
  for (gsize pos = sizeof h; pos + 16 <= size; pos += 16)
    {
      WeftChunkHeader c = { WEFT_CHUNK_TAG, WEFT_CHUNK_STREAM, 0, (guint32) (size - pos - 16), 1 };
      memcpy (data + pos, &c, sizeof c);
    }
  bytes = g_bytes_new_take (data, size);
  r = weft_reader_new_from_bytes (bytes, &error);
  g_assert_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_CORRUPT);
  g_test_message ("tag flood: %.2f s", (g_get_monotonic_time () - t0) / 1e6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/format/hostile/not-traces", test_not_traces);
  g_test_add_func ("/weft/format/hostile/detect", test_detect);
  g_test_add_func ("/weft/format/hostile/versions", test_versions);
  g_test_add_func ("/weft/format/hostile/skippable", test_skippable);
  g_test_add_func ("/weft/format/hostile/events", test_hostile_events);
  g_test_add_func ("/weft/format/hostile/strings", test_hostile_strings);
  g_test_add_func ("/weft/format/hostile/extended-overrun", test_extended_overrun);
  g_test_add_func ("/weft/format/hostile/malformed-chunks", test_malformed_chunks);
  g_test_add_func ("/weft/format/hostile/tag-flood", test_tag_flood);
  return g_test_run ();
}
