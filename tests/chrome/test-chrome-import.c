/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-chrome-import.c: every phase of the Chrome Trace Event Format from a
 * hand-written fixture in data/, transcoded to .weft and read back event by
 * event with exact times (µs with fractions, to the nanosecond).
 */
#include "chrome-test-util.h"

static void
check_fixture (const char *name, const char *expect, const char *skipped, const char *notes)
{
  g_autoptr (WeftReader) reader = chrome_test_import_fixture (name);
  g_autofree char *dump = chrome_test_dump (reader);

  g_assert_cmpstr (dump, ==, expect);
  g_assert_cmpstr (chrome_test_meta (reader, "source"), ==, "chrome-json");
  g_assert_cmpstr (chrome_test_meta (reader, "import_skipped"), ==, skipped);
  g_assert_cmpstr (chrome_test_meta (reader, "import_notes"), ==, notes);
}

/* X: nesting, args kept as JSON text, same-start parents first, fractions
 * of a µs rounded to the nearest ns, no name. */
static void
test_complete (void)
{
  check_fixture ("complete.json",
                 "thread 1/1\n"
                 "  10000 B parent args={\"n\":1,\"s\":\"x\"}\n"
                 "  20500 B child\n"
                 "  50750 E\n"
                 "  60000 B same-start-parent\n"
                 "  60000 B same-start-child\n"
                 "  65000 E\n"
                 "  100000 E\n"
                 "  110000 E\n"
                 "  200000 B frac\n"
                 "  200002 E\n"
                 "  300000 B zero\n"
                 "  300000 E\n"
                 "  400000 B [No name]\n"
                 "  401000 E\n",
                 "0", "");
}

/* B/E in the bare array form: an E closes the innermost B of its name
 * and category (any when absent), cutting what is open inside it; an E
 * with nothing to close is skipped; a B never closed stays open. */
static void
test_begin_end (void)
{
  check_fixture ("begin-end.json",
                 "thread 1/1\n"
                 "  1000 B a\n"
                 "  2000 B b\n"
                 "  3000 E\n"
                 "  4000 B c\n"
                 "  5000 E\n"
                 "  5000 E\n"
                 "  7000 B open\n"
                 "  8000 B x\n"
                 "  10000 E\n",
                 "3",
                 "3 E events without a matching B; 1 B slices never ended (left open); 1 slices "
                 "cut at the end of their parent");
}

/* i, I and R on one thread (every scope: pid 1 has only thread 2); C: one series per args
 * key ("name key"), a single-key counter keeps its name, an id is part of
 * the name, numeric strings count, other values are skipped. */
static void
test_instants_counters (void)
{
  check_fixture ("instants-counters.json",
                 "thread 1/2\n"
                 "  1000 instant thread-scope\n"
                 "  2000 instant legacy\n"
                 "  3000 instant process-scope\n"
                 "  4000 instant global-scope\n"
                 "  5000 instant mark\n"
                 "  6000 counter mem rss=100\n"
                 "  6000 counter mem heap=25.5\n"
                 "  7000 counter mem rss=110\n"
                 "  8000 counter fps=60\n"
                 "  9000 counter q id: 7=3\n",
                 "3", "3 counter values that are not numbers");
}

/* Instant scopes as Perfetto reads them, on Weft's threads: "t" (or none)
 * on the event's thread; "p" ignores tid (no thread is made for it) and
 * goes on the process's main thread, else its lowest tid, else a new main
 * thread; "g" ignores pid and tid and goes where the lowest pid's process
 * instants go. */
static void
test_instant_scopes (void)
{
  check_fixture ("instant-scopes.json",
                 "thread 1/1\n"
                 "  1000 B main\n"
                 "  3000 instant process-1\n"
                 "  4000 instant process-1-ghost\n"
                 "  9000 instant global\n"
                 "  10000 instant global-no-pid\n"
                 "  101000 E\n"
                 "thread 1/2\n"
                 "  2000 instant on-thread\n"
                 "thread 3/5\n"
                 "  5000 instant process-3\n"
                 "  7000 B worker\n"
                 "  8000 E\n"
                 "thread 3/7\n"
                 "  6000 B worker\n"
                 "  7000 E\n"
                 "thread 4/4\n"
                 "  8000 instant process-4\n",
                 "0", "");
}

/* b/e/n and S/T/p/F: matched by category and id ("0x1F", "0x1f" and 31
 * are one id), id2.local scoped by process, id2.global not; an outermost
 * pair is a task on the threads where it began and ended, nested pairs
 * fold into it, Weft's "suspended" slices suspend it. */
static void
test_async (void)
{
  check_fixture ("async.json",
                 "thread 1/1\n"
                 "  10000 task-begin 1 fetch\n"
                 "  12000 instant resolved\n"
                 "  30000 task-begin 2 query\n"
                 "  40000 task-end 2\n"
                 "  50000 task-begin 4 global\n"
                 "  80000 task-begin 5 job\n"
                 "  81000 task-suspend 5\n"
                 "  100000 task-begin 6 old\n"
                 "  101000 instant old\n"
                 "thread 1/2\n"
                 "  20000 task-end 1\n"
                 "  85000 task-resume 5\n"
                 "  90000 task-end 5\n"
                 "  102000 instant old\n"
                 "  103000 task-end 6\n"
                 "thread 2/3\n"
                 "  31000 task-begin 3 query\n"
                 "  60000 task-end 4\n",
                 "2",
                 "1 async events without id; 1 async ends without a begin; 1 async tasks never "
                 "ended (left open); 1 nested async slices folded into their task");
}

/* s/t/f by category, name and id: a step ends one flow and starts the
 * next; an f without bp "e" binds to the next slice on its thread; flow
 * v2 (bind_id, flow_in/flow_out) on X events. */
static void
test_flows (void)
{
  check_fixture ("flows.json",
                 "thread 1/1\n"
                 "  10000 B send\n"
                 "  15000 flow-begin 1\n"
                 "  16000 flow-begin 2\n"
                 "  20000 E\n"
                 "  100000 B v2-out\n"
                 "  100000 flow-begin 4\n"
                 "  105000 E\n"
                 "thread 1/2\n"
                 "  30000 B relay\n"
                 "  35000 flow-end 1\n"
                 "  35000 flow-begin 3\n"
                 "  40000 E\n"
                 "  110000 B v2-in\n"
                 "  110000 flow-end 4\n"
                 "  115000 E\n"
                 "thread 1/3\n"
                 "  60000 B receive\n"
                 "  60000 flow-end 3\n"
                 "  70000 E\n"
                 "  80000 B handle\n"
                 "  85000 flow-end 2\n"
                 "  90000 E\n",
                 "2", "1 flow events without id; 1 flow steps or ends without a start");
}

/* M names (the last one wins; process names go on the main thread, or
 * the first), string pids and tids become stable stand-in numbers named by
 * the string, numeric strings stay numbers, a missing tid is the pid,
 * otherData is the trace's metadata and Chrome's metadata fills gaps. */
static void
test_metadata (void)
{
  g_autoptr (WeftReader) reader = NULL;

  check_fixture ("metadata.json",
                 "thread 10/11\n"
                 "  5000 thread-name CrBrowserMain\n"
                 "  5000 process-name browser\n"
                 "  5000 B work\n"
                 "  6000 E\n"
                 "thread 10/12\n"
                 "  5000 thread-name IO\n"
                 "thread 20/21\n"
                 "  8000 B numeric-string\n"
                 "  9000 E\n"
                 "thread 30/30\n"
                 "  9000 B no-tid\n"
                 "  10000 E\n"
                 "thread 30/4026531843\n"
                 "  10000 thread-name 123456789012\n"
                 "  10000 B huge-tid\n"
                 "  11000 E\n"
                 "thread 4026531840/4026531841\n"
                 "  6000 thread-name Compositor\n"
                 "  6000 process-name Renderer\n"
                 "  6000 B by-name\n"
                 "  7000 E\n"
                 "thread 4026531840/4026531842\n"
                 "  7000 thread-name Main\n"
                 "  7000 B by-name-2\n"
                 "  8000 E\n"
                 "thread 4026531844/4026531844\n"
                 "  11000 thread-name -1\n"
                 "  11000 process-name -1\n"
                 "  11000 B negative-pid\n"
                 "  12000 E\n",
                 "0",
                 "1 repeated names (the last one wins); 1 displayTimeUnit ignored (ts is always "
                 "microseconds)");
  reader = chrome_test_import_fixture ("metadata.json");
  g_assert_cmpstr (chrome_test_meta (reader, "command"), ==, "./app --fast");
  g_assert_cmpstr (chrome_test_meta (reader, "version"), ==, "3");
  g_assert_cmpstr (chrome_test_meta (reader, "cpu_count"), ==, "8");        /* otherData wins */
  g_assert_cmpstr (chrome_test_meta (reader, "cpu_model"), ==, "Fake CPU"); /* from metadata */
  g_assert_cmpstr (chrome_test_meta (reader, "sched"), ==, "false");
}

/* systemTraceEvents: sched_switch lines (with and without tgid or irq
 * flags, comms with spaces and dashes, 6 or 9 decimals, a last line
 * without newline) become CPU streams; threads the JSON does not know are
 * "other", untraced-to-untraced switches are dropped; ftrace comms name
 * unnamed threads. */
static void
test_sched (void)
{
  g_autoptr (WeftReader) reader = NULL;

  check_fixture ("sched.json",
                 "thread 100/101\n"
                 "  1000000000 thread-name worker A\n"
                 "  1000000000 B work\n"
                 "  1000100000 E\n"
                 "thread 100/102\n"
                 "  1000050000 thread-name w2\n"
                 "  1000050000 B work\n"
                 "  1000150000 E\n"
                 "cpu 0\n"
                 "  1000000000 switch prev=idle preempted next=101\n"
                 "  1000080000 switch prev=101 preempted next=other\n"
                 "  1000095000 switch prev=other exited next=101\n"
                 "cpu 1\n"
                 "  1000050000 switch prev=idle preempted next=102\n"
                 "  1000150123 switch prev=102 blocked next=idle\n"
                 "cpu 2\n"
                 "  1000300000 switch prev=101 blocked next=idle\n"
                 "  1000400000 switch prev=idle preempted next=102\n",
                 "1",
                 "1 unreadable systemTraceEvents lines; 1 ftrace lines of other events ignored");
  reader = chrome_test_import_fixture ("sched.json");
  g_assert_cmpstr (chrome_test_meta (reader, "sched"), ==, "true");
  g_assert_cmpstr (chrome_test_meta (reader, "cpu_count"), ==, "3");
}

/* A systrace capture without traceEvents: its tasks become the threads. */
static void
test_systrace_only (void)
{
  check_fixture ("systrace-only.json",
                 "thread 200/201\n"
                 "  5000000000 thread-name app\n"
                 "thread 200/202\n"
                 "  5000000000 thread-name app-helper\n"
                 "cpu 0\n"
                 "  5000000000 switch prev=idle preempted next=201\n"
                 "  5000100000 switch prev=201 blocked next=202\n"
                 "  5000300000 switch prev=202 preempted next=idle\n",
                 "0", "");
}

/* The object some tools write as systemTraceEvents is skipped and
 * counted, not an error. */
static void
test_sched_object (void)
{
  g_autoptr (WeftReader) reader = NULL;

  check_fixture ("sched-object.json",
                 "thread 1/1\n"
                 "  1000 B only\n"
                 "  2000 E\n",
                 "1", "1 systemTraceEvents objects (not ftrace text)");
  reader = chrome_test_import_fixture ("sched-object.json");
  g_assert_cmpstr (chrome_test_meta (reader, "sched"), ==, "false");
}

/* .json.gz: the same trace as the plain file. */
static void
test_gzip (void)
{
  g_autoptr (WeftReader) plain = chrome_test_import_fixture ("sched.json");
  g_autoptr (WeftReader) gz = chrome_test_import_fixture ("sched.json.gz");
  g_autofree char *a = chrome_test_dump (plain);
  g_autofree char *b = chrome_test_dump (gz);

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (chrome_test_meta (gz, "sched"), ==, "true");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/chrome/import/complete", test_complete);
  g_test_add_func ("/weft/chrome/import/begin-end", test_begin_end);
  g_test_add_func ("/weft/chrome/import/instants-counters", test_instants_counters);
  g_test_add_func ("/weft/chrome/import/instant-scopes", test_instant_scopes);
  g_test_add_func ("/weft/chrome/import/async", test_async);
  g_test_add_func ("/weft/chrome/import/flows", test_flows);
  g_test_add_func ("/weft/chrome/import/metadata", test_metadata);
  g_test_add_func ("/weft/chrome/import/sched", test_sched);
  g_test_add_func ("/weft/chrome/import/systrace-only", test_systrace_only);
  g_test_add_func ("/weft/chrome/import/sched-object", test_sched_object);
  g_test_add_func ("/weft/chrome/import/gzip", test_gzip);
  return g_test_run ();
}
