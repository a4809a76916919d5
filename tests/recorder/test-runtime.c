/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libweft's API, recorded by a real instrumented program (weft-helper,
 * with WEFT_TRACE set) and read back with the analyzer's reader: exact
 * kinds, names, ids, values and order.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weft-chunk.h"
#include "weft-test-trace.h"

typedef struct
{
  guint8 kind;
  const char *name; /* NULL: no name */
  guint64 id;
  double value;
} Expect;

static void
assert_events (WeftReader *reader, GArray *events, const Expect *expect, guint n)
{
  g_assert_cmpuint (events->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const WeftEvent *ev = WEFT_TEST_EV (events, i);

      g_test_message ("event %u: kind 0x%02x name '%s'", i, ev->kind,
                      weft_reader_get_string (reader, ev->name));
      g_assert_cmpuint (ev->kind, ==, expect[i].kind);
      if (expect[i].name != NULL)
        g_assert_cmpstr (weft_reader_get_string (reader, ev->name), ==, expect[i].name);
      else
        g_assert_cmpuint (ev->name, ==, 0);
      g_assert_cmpuint (ev->id, ==, expect[i].id);
      g_assert_cmpfloat (ev->value, ==, expect[i].value);
    }
}

static void
check_roundtrip (const char *const *env)
{
  g_autoptr (WeftTestRun) run = weft_test_run_new ();
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) streams = NULL;
  g_autoptr (GArray) events = NULL;
  const WeftStreamInfo *info;
  guint64 lock;
  gint64 pid;

  weft_test_run_spawn (run, NULL, (const char *[]){ "roundtrip", NULL }, env);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
  pid = weft_test_run_value (run, "pid");
  lock = (guint64) weft_test_run_value (run, "lock");

  reader = weft_test_open (run->trace);
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 1);
  streams = weft_test_streams_of (reader, (guint32) pid);
  g_assert_cmpuint (streams->len, ==, 1);
  info = weft_reader_get_stream (reader, 0);
  g_assert_cmpuint (info->tid, ==, pid);
  g_assert_cmpuint (info->stream_id >> 32, ==, pid);
  g_assert_cmpuint (info->lost_in_chunks, ==, 0);
  /* weft_flush() in the middle: the block went out in two pieces. */
  g_assert_cmpuint (info->n_chunks, ==, 2);

  events = weft_test_events (reader, 0);
  {
    const Expect expect[] = {
      { WEFT_EV_PROCESS_NAME, "weft-helper" },
      { WEFT_EV_THREAD_NAME, "weft-helper" },
      { WEFT_EV_SPAN_BEGIN, "outer" },
      { WEFT_EV_INSTANT, "tick" },
      { WEFT_EV_COUNTER, "depth", 0, 2.5 },
      { WEFT_EV_SPAN_BEGIN, "copy 1" },
      { WEFT_EV_SPAN_END },
      { WEFT_EV_THREAD_NAME, "main thread" },
      { WEFT_EV_TASK_BEGIN, "fetch", 42 },
      { WEFT_EV_TASK_SUSPEND, NULL, 42 },
      { WEFT_EV_TASK_RESUME, NULL, 42 },
      { WEFT_EV_TASK_END, NULL, 42 },
      { WEFT_EV_FLOW_BEGIN, NULL, 7 },
      { WEFT_EV_FLOW_END, NULL, 7 },
      { WEFT_EV_LOCK_NAME, "bank lock", lock },
      { WEFT_EV_LOCK_WAIT, NULL, lock },
      { WEFT_EV_LOCK_ACQUIRED, NULL, lock },
      { WEFT_EV_LOCK_RELEASED, NULL, lock },
      { WEFT_EV_SPAN_BEGIN, "outer" },
      { WEFT_EV_SPAN_BEGIN, "scoped" },
      { WEFT_EV_INSTANT, "inside" },
      { WEFT_EV_SPAN_END },
      { WEFT_EV_SPAN_END },
      { WEFT_EV_COUNTER, "depth", 0, -1e300 },
      { WEFT_EV_TASK_BEGIN, "fetch", G_MAXUINT64 },
      { WEFT_EV_SPAN_END },
    };
    assert_events (reader, events, expect, G_N_ELEMENTS (expect));
  }
  /* The two "outer" spans share one string. */
  g_assert_cmpuint (WEFT_TEST_EV (events, 2)->name, ==, WEFT_TEST_EV (events, 18)->name);
  weft_test_assert_times (events, run->t0, run->t1);
}

static void
test_roundtrip (void)
{
  check_roundtrip (NULL);
}

/* Without an invariant TSC the runtime falls back to CLOCK_MONOTONIC
 * (forced here): same events, times still in the run's window. */
static void
test_roundtrip_monotonic (void)
{
  check_roundtrip ((const char *[]){ "WEFT_CLOCK=monotonic", NULL });
}

static void
test_names (void)
{
  g_autoptr (WeftTestRun) run = weft_test_run_new ();
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) events = NULL;
  g_autofree char *xs = g_strnfill (1024, 'x');
  g_autofree char *ys = g_strnfill (1023, 'y');
  guint i = 2;

  weft_test_run_spawn (run, NULL, (const char *[]){ "names", NULL }, NULL);
  g_assert_cmpint (run->status, ==, 0);
  reader = weft_test_open (run->trace);
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 1);
  events = weft_test_events (reader, 0);
  g_assert_cmpuint (events->len, ==, 2 + 1200 + 5 + 1 + 2000 + 1);

  /* 600 static names by address, twice: more than the per-thread cache
   * holds, so some evict each other; every one keeps its own name. */
  for (guint round = 0; round < 2; round++)
    for (guint k = 0; k < 600; k++, i++)
      {
        g_autofree char *want = g_strdup_printf ("n%u", k);
        const WeftEvent *ev = WEFT_TEST_EV (events, i);

        g_assert_cmpuint (ev->kind, ==, WEFT_EV_INSTANT);
        g_assert_cmpstr (weft_reader_get_string (reader, ev->name), ==, want);
      }
  /* One buffer, new contents: new names; old contents: the old name. */
  g_assert_cmpstr (weft_reader_get_string (reader, WEFT_TEST_EV (events, i)->name), ==, "copy-a");
  g_assert_cmpstr (weft_reader_get_string (reader, WEFT_TEST_EV (events, i + 1)->name), ==,
                   "copy-b");
  g_assert_cmpstr (weft_reader_get_string (reader, WEFT_TEST_EV (events, i + 2)->name), ==,
                   "copy-a");
  /* Long names are cut at 1024 bytes, on a UTF-8 boundary. */
  g_assert_cmpstr (weft_reader_get_string (reader, WEFT_TEST_EV (events, i + 3)->name), ==, xs);
  g_assert_cmpstr (weft_reader_get_string (reader, WEFT_TEST_EV (events, i + 4)->name), ==, ys);
  i += 5;
  /* A NULL name is no name. */
  g_assert_cmpuint (WEFT_TEST_EV (events, i)->kind, ==, WEFT_EV_INSTANT);
  g_assert_cmpuint (WEFT_TEST_EV (events, i)->name, ==, 0);
  i++;
  /* 2000 distinct copied names: more than the name table, which starts
   * over; each still has its own text. */
  for (guint k = 0; k < 2000; k++, i++)
    {
      g_autofree char *want = g_strdup_printf ("dyn-%u", k);

      g_assert_cmpuint (WEFT_TEST_EV (events, i)->kind, ==, WEFT_EV_SPAN_BEGIN);
      g_assert_cmpstr (weft_reader_get_string (reader, WEFT_TEST_EV (events, i)->name), ==, want);
    }
  g_assert_cmpstr (weft_reader_get_string (reader, WEFT_TEST_EV (events, i)->name), ==, "n0");
}

static void
test_metadata (void)
{
  g_autoptr (WeftTestRun) run = weft_test_run_new ();
  g_autoptr (WeftReader) reader = NULL;
  g_autofree char *command = NULL;
  g_autofree char *cpus = g_strdup_printf ("%u", g_get_num_processors ());
  struct stat st;
  mode_t old = umask (027);

  weft_test_run_spawn (run, NULL, (const char *[]){ "roundtrip", NULL }, NULL);
  umask (old);
  g_assert_cmpint (run->status, ==, 0);
  /* Created with the user's umask, never world-writable. */
  g_assert_cmpint (stat (run->trace, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0640);

  reader = weft_test_open (run->trace);
  command = g_strdup_printf ("%s roundtrip", weft_test_helper_path ());
  g_assert_cmpstr (weft_reader_get_metadata (reader, "command"), ==, command);
  g_assert_cmpstr (weft_reader_get_metadata (reader, "weft_version"), ==, WEFT_TEST_VERSION);
  g_assert_cmpstr (weft_reader_get_metadata (reader, "cpu_count"), ==, cpus);
  g_assert_cmpstr (weft_reader_get_metadata (reader, "sched"), ==, "false");
  g_assert_cmpstr (weft_reader_get_metadata (reader, "sched_reason"), ==,
                   "recorded without weft record");
  g_assert_true (g_str_has_prefix (weft_reader_get_metadata (reader, "kernel"), "Linux "));
  g_assert_nonnull (weft_reader_get_metadata (reader, "hostname"));
  g_assert_nonnull (weft_reader_get_metadata (reader, "cpu_model"));
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$",
                                       weft_reader_get_metadata (reader, "start_time"), 0, 0));
}

/* An unusable WEFT_TRACE says so in one line and the program runs on. */
static void
test_bad_environment (void)
{
  g_autoptr (WeftTestRun) run = weft_test_run_new ();
  g_autoptr (WeftReader) reader = NULL;
  g_autofree char *missing = g_build_filename (run->dir, "no-such-dir", "t.weft", NULL);
  g_autofree char *env = g_strconcat ("WEFT_TRACE=", missing, NULL);
  g_autofree char *want
      = g_strdup_printf ("weft: %s: cannot create the trace: %s\n", missing, g_strerror (ENOENT));

  weft_test_run_spawn (run, NULL, (const char *[]){ "roundtrip", NULL },
                       (const char *[]){ env, NULL });
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, want);

  weft_test_run_spawn (run, NULL, (const char *[]){ "roundtrip", NULL },
                       (const char *[]){ "WEFT_BUFFER_CAP=12Q", NULL });
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==,
                   "weft: WEFT_BUFFER_CAP: '12Q' is not a size of at least 128K; using 1G\n");
  reader = weft_test_open (run->trace);
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 1);
}

/* WEFT_TRACE_APPEND=dev:ino (as `weft record` sets it) names a file that
 * is already being written: the program appends its chunks, no header, no
 * metadata, nothing truncated. */
static void
test_append (void)
{
  g_autoptr (WeftTestRun) run = weft_test_run_new ();
  g_autoptr (WeftReader) reader = NULL;
  g_autofree char *append = NULL;
  static const guint8 meta[] = { 7, 'c', 'o', 'm', 'm', 'a', 'n', 'd', 5, 'f', 'i', 'r', 's', 't' };
  WeftFileHeader header;
  struct stat st;
  int fd;

  fd = open (run->trace, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
  g_assert_cmpint (fd, >=, 0);
  weft_file_header_init (&header);
  g_assert_cmpint (write (fd, &header, sizeof header), ==, sizeof header);
  g_assert_cmpint (weft_chunk_write (fd, WEFT_CHUNK_METADATA, meta, sizeof meta, NULL, 0), ==, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  close (fd);
  append = g_strdup_printf ("WEFT_TRACE_APPEND=%llu:%llu", (unsigned long long) st.st_dev,
                            (unsigned long long) st.st_ino);

  weft_test_run_spawn (run, NULL, (const char *[]){ "roundtrip", NULL },
                       (const char *[]){ append, NULL });
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
  reader = weft_test_open (run->trace);
  g_assert_cmpstr (weft_reader_get_metadata (reader, "command"), ==, "first");
  g_assert_null (weft_reader_get_metadata (reader, "hostname"));
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 1);
  g_assert_cmpuint (weft_reader_get_stream (reader, 0)->pid, ==, weft_test_run_value (run, "pid"));
}

/* weft.h compiled as C++ (weft-helper-cxx), WEFT_SCOPE included. */
static void
test_cxx (void)
{
  g_autofree char *path = g_build_filename (WEFT_TEST_BUILDDIR, "weft-helper-cxx", NULL);
  g_autoptr (WeftTestRun) run = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) events = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no C++ compiler: weft-helper-cxx was not built");
      return;
    }
  run = weft_test_run_new ();
  weft_test_run_spawn (run, path, NULL, NULL);
  g_assert_cmpint (run->status, ==, 0);
  reader = weft_test_open (run->trace);
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 1);
  events = weft_test_events (reader, 0);
  {
    const Expect expect[] = {
      { WEFT_EV_PROCESS_NAME, "weft-helper-cxx" },
      { WEFT_EV_THREAD_NAME, "weft-helper-cxx" },
      { WEFT_EV_SPAN_BEGIN, "cxx" },
      { WEFT_EV_SPAN_BEGIN, "scope" },
      { WEFT_EV_COUNTER, "n", 0, 3 },
      { WEFT_EV_SPAN_END },
      { WEFT_EV_SPAN_BEGIN, "std::string" },
      { WEFT_EV_SPAN_END },
      { WEFT_EV_TASK_BEGIN, "task", 1 },
      { WEFT_EV_TASK_END, NULL, 1 },
      { WEFT_EV_SPAN_END },
    };
    assert_events (reader, events, expect, G_N_ELEMENTS (expect));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/runtime/roundtrip", test_roundtrip);
  g_test_add_func ("/weft/runtime/roundtrip-monotonic", test_roundtrip_monotonic);
  g_test_add_func ("/weft/runtime/names", test_names);
  g_test_add_func ("/weft/runtime/metadata", test_metadata);
  g_test_add_func ("/weft/runtime/bad-environment", test_bad_environment);
  g_test_add_func ("/weft/runtime/append", test_append);
  g_test_add_func ("/weft/runtime/cxx", test_cxx);
  return g_test_run ();
}
