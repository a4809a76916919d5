/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Statistics folded while the model is read (weft_stats_new_from_reader:
 * each thread's spans go into the cProfile table chunk by chunk, and are
 * not kept) must be exactly those of the model's whole trace
 * (weft_stats_new_whole): the JSON of both, byte for byte, on random
 * traces (recursion, spans left open, ends without a begin, threads of
 * two or three streams, disjoint or overlapping, a span carried from one
 * stream into the next), on streams long enough to be folded several
 * times with a span open across all of them, on deep recursion, without
 * scheduler data (the fallback) and on traces with no spans. A small
 * trace and a long one also check known figures, so that two equal wrong
 * answers do not pass.
 */
#include <string.h>

#include "stats-util.h"

/* Three names, so that calls of one name nest; "main" for long_calls. */
static const char *const names[] = { "a", "b", "c", "main" };

/* Finishes b; the JSON of both paths on its reader, byte for byte. */
/* TRUE when the folded path kept no spans; it reads again keeping them
 * when a thread's streams overlapped after some of its spans were folded
 * (weft-stats-fold.c), or without scheduler data. */
static gboolean
assert_fold_equal (WeftBuilder *b, const char *what, guint seed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = stats_util_open (b);
  g_autoptr (WeftModel) m = weft_model_new (reader, NULL, NULL, NULL, &error);
  g_autoptr (WeftStats) whole = NULL;
  g_autoptr (WeftStats) folded = NULL;
  g_autofree char *expect = NULL;
  g_autofree char *got = NULL;
  gboolean no_spans = TRUE;

  g_assert_no_error (error);
  whole = weft_stats_new_whole (m);
  folded = weft_stats_new_from_reader (reader, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (folded);
  for (guint i = 0; i < weft_model_get_n_threads (folded->model); i++)
    if (weft_model_get_thread (folded->model, i)->n_spans > 0)
      no_spans = FALSE;
  expect = weft_stats_to_json (whole, 0);
  got = weft_stats_to_json (folded, 0);
  if (strcmp (expect, got) != 0)
    {
      gsize at = 0;

      while (expect[at] == got[at])
        at++;
      at = at > 80 ? at - 80 : 0;
      g_test_message ("%s, seed %u: folded statistics differ after byte %" G_GSIZE_FORMAT
                      ":\n  model:  %.240s\n  folded: %.240s",
                      what, seed, at, expect + at, got + at);
    }
  g_assert_cmpstr (got, ==, expect);
  return no_spans;
}

static WeftStats *
folded_stats (WeftBuilder *b)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = stats_util_open (b);
  WeftStats *st = weft_stats_new_from_reader (reader, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (st->sched);
  g_assert_true (st->whole);
  return st;
}

static void
assert_span (const WeftStats *st, const char *name, guint64 ncalls, guint64 tottime,
             guint64 cumtime)
{
  const WeftStatsSpan *sp = stats_util_span (st, name);

  g_assert_cmpuint (sp->ncalls, ==, ncalls);
  g_assert_cmpuint (sp->tottime_ns, ==, tottime);
  g_assert_cmpuint (sp->cumtime_ns, ==, cumtime);
}

/* steps random events on s from *t: nested spans of three names (so a
 * name recurses), ends without a begin, lock waits, instants. *depth is
 * the thread's open spans, shared by its streams. */
static void
random_events (WeftBuilder *b, GRand *r, WeftBuilderStream s, guint64 *t, guint *depth,
               guint steps)
{
  for (guint i = 0; i < steps; i++)
    {
      guint what = g_rand_int_range (r, 0, 20);

      *t += g_rand_int_range (r, 0, 30);
      if (what < 8 && *depth < 12)
        {
          weft_builder_span_begin (b, s, T0 + *t, names[g_rand_int_range (r, 0, 3)]);
          (*depth)++;
        }
      else if (what < 14)
        {
          weft_builder_span_end (b, s, T0 + *t); /* at depth 0: unmatched */
          if (*depth > 0)
            (*depth)--;
        }
      else if (what < 16)
        {
          guint64 lock = g_rand_int_range (r, 1, 3);

          weft_builder_lock_wait (b, s, T0 + *t, lock);
          *t += g_rand_int_range (r, 0, 40);
          weft_builder_lock_acquired (b, s, T0 + *t, lock);
        }
      else if (what < 18)
        weft_builder_instant (b, s, T0 + *t, "tick");
      else
        {
          /* A zero-length call, with arguments (kept only without a fold). */
          weft_builder_span_begin_args (b, s, T0 + *t, names[g_rand_int_range (r, 0, 3)],
                                        "{\"k\":1}");
          weft_builder_span_end (b, s, T0 + *t);
        }
    }
}

/* One thread of 1-3 streams. A later stream starts after the previous
 * one's last event and first closes a span that one left open, or starts
 * before it (overlapping), the previous one having closed its spans: an
 * end read in a later stream closes an earlier stream's span, so it must
 * not come before that span's begin. Returns its last event's time. */
static gboolean one_stream; /* every thread of one stream: nothing to read again */

static guint64
random_thread (WeftBuilder *b, GRand *r, guint32 pid, guint32 tid, guint steps)
{
  guint n_streams = one_stream ? 1 : 1 + (guint) g_rand_int_range (r, 0, 3);
  guint64 first = g_rand_int_range (r, 0, 100), t = first, end = 0;
  guint depth = 0;
  gboolean overlap = FALSE;

  for (guint k = 0; k < n_streams; k++)
    {
      WeftBuilderStream s = k == 0 ? weft_builder_thread (b, pid, tid)
                                   : weft_builder_thread_stream (b, pid, tid);

      if (overlap)
        t = first + g_rand_int_range (r, 1, (gint32) (t - first));
      else if (k > 0)
        t += g_rand_int_range (r, 1, 50);
      first = t;
      if (k == 0 && g_rand_boolean (r))
        weft_builder_thread_start (b, s, T0 + t, 1);
      if (k > 0 && depth > 0)
        {
          weft_builder_span_end (b, s, T0 + t);
          depth--;
        }
      random_events (b, r, s, &t, &depth, steps);
      overlap = k + 1 < n_streams && t - first >= 4 && g_rand_boolean (r);
      if (overlap)
        for (; depth > 0; depth--)
          weft_builder_span_end (b, s, T0 + ++t);
      else if (k + 1 < n_streams)
        {
          weft_builder_span_begin (b, s, T0 + ++t, "carried");
          depth++;
        }
      /* An exit in the last stream, now and then in an earlier one. */
      if (g_rand_int_range (r, 0, k + 1 == n_streams ? 2 : 8) == 0)
        weft_builder_thread_exit (b, s, T0 + ++t);
      end = MAX (end, t);
    }
  return end; /* what is still open ends with the thread */
}

/* Switches over two CPUs among tids 1..n_threads, idle and others. */
static void
random_sched (WeftBuilder *b, GRand *r, guint n_threads, guint64 end)
{
  WeftBuilderStream cpus[2] = { weft_builder_cpu (b, 0), weft_builder_cpu (b, 1) };
  gint64 on[2] = { 0, 0 };
  guint64 step = MAX (end / 500, 2), t = 0;

  weft_builder_set_metadata (b, "cpu_count", "2");
  while (t <= end + step)
    {
      guint c = g_rand_int_range (r, 0, 2);
      gint64 next = g_rand_int_range (r, -1, (gint32) n_threads + 1);

      t += g_rand_int_range (r, 0, (gint32) step);
      if (next > 0 && on[1 - c] == next)
        continue;
      weft_builder_switch (b, cpus[c], T0 + t, on[c], g_rand_int_range (r, 0, 4), next);
      on[c] = next;
    }
}

/* A random trace of 1-5 threads in two processes; big: thread 1's
 * streams long enough (> 65 536 events) to be folded mid-stream. */
static WeftBuilder *
random_trace (guint seed, gboolean sched, gboolean big)
{
  WeftBuilder *b = weft_builder_new_memory ();
  GRand *r = g_rand_new_with_seed (seed);
  guint n_threads = 1 + g_rand_int_range (r, 0, 5);
  guint64 end = 0;

  weft_builder_set_chunk_size (b, 256 + g_rand_int_range (r, 0, 4096));
  for (guint32 tid = 1; tid <= n_threads; tid++)
    {
      guint steps = big && tid == 1 ? 50000 : g_rand_int_range (r, 20, 400);

      end = MAX (end, random_thread (b, r, 1 + tid % 2, tid, steps));
    }
  if (sched)
    random_sched (b, r, n_threads, end);
  g_rand_free (r);
  return b;
}

static void
test_random (void)
{
  guint folded = 0;

  /* Seeds 1-30, then five new ones each run (--seed repeats them). */
  for (guint i = 1; i <= 35; i++)
    {
      guint seed = i <= 30 ? i : (guint) g_test_rand_int ();

      folded += assert_fold_equal (random_trace (seed, TRUE, FALSE), "random", seed);
    }
  /* Traces whose streams overlap are read again keeping the spans. */
  g_test_message ("%u of 35 folded", folded);
  g_assert_cmpuint (folded, >, 0);
}

/* Threads of one stream each: the fold never needs to read again. */
static void
test_random_one_stream (void)
{
  one_stream = TRUE;
  for (guint seed = 301; seed <= 330; seed++)
    g_assert_true (assert_fold_equal (random_trace (seed, TRUE, seed % 10 == 0), "one-stream",
                                      seed));
  one_stream = FALSE;
}

static void
test_random_big (void)
{
  for (guint seed = 101; seed <= 104; seed++)
    assert_fold_equal (random_trace (seed, TRUE, TRUE), "random-big", seed);
}

/* Without scheduler data it falls back to the model's path. */
static void
test_no_sched (void)
{
  for (guint seed = 201; seed <= 210; seed++)
    assert_fold_equal (random_trace (seed, FALSE, seed == 201), "no-sched", seed);
}

/* One CPU running thread 1 over [0, end], switched out once midway. */
static void
run_on_cpu0 (WeftBuilder *b, guint64 end)
{
  WeftBuilderStream cpu = weft_builder_cpu (b, 0);

  weft_builder_set_metadata (b, "cpu_count", "1");
  SW (cpu, 0, 0, PREEMPTED, 1);
  SW (cpu, end / 2, 1, PREEMPTED, 0);
  SW (cpu, end / 2 + 7, 0, PREEMPTED, 1);
  SW (cpu, end, 1, BLOCKED, 0);
}

/* Random nested calls of a, b, c and "main" (so main recurses too) under
 * an outermost "main" for events events on s; returns the time after. */
static guint64
long_calls (WeftBuilder *b, GRand *r, WeftBuilderStream s, guint64 t, guint events,
            gboolean close_inner)
{
  guint depth = 0;

  for (guint i = 0; i < events; i++)
    {
      t += 1 + g_rand_int_range (r, 0, 4);
      if (depth < 8 && (depth == 0 || g_rand_int_range (r, 0, 2) == 0))
        {
          weft_builder_span_begin (b, s, T0 + t, names[g_rand_int_range (r, 0, 4)]);
          depth++;
        }
      else
        {
          weft_builder_span_end (b, s, T0 + t);
          depth--;
        }
    }
  for (; close_inner && depth > 0; depth--)
    weft_builder_span_end (b, s, T0 + ++t);
  return t;
}

/* One stream of > 200 000 events inside "main", which closes at its very
 * end (data non-NULL) or never. */
static void
test_big_stream (gconstpointer data)
{
  gboolean main_closes = data != NULL;
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  GRand *r = g_rand_new_with_seed (main_closes ? 7 : 8);
  guint64 t;

  weft_builder_thread_start (b, s, T0, 0);
  weft_builder_span_begin (b, s, T0, "main");
  t = long_calls (b, r, s, 0, 240000, main_closes);
  if (main_closes)
    weft_builder_span_end (b, s, T0 + ++t);
  else
    weft_builder_thread_exit (b, s, T0 + t + 50);
  run_on_cpu0 (b, t + 50);
  g_rand_free (r);
  g_assert_true (assert_fold_equal (b, main_closes ? "big-main-closed" : "big-main-open", 0));
}

/* "main" opened in a stream of > 200 000 events and closed by the
 * thread's next stream; a second thread runs alongside. */
static void
test_big_two_streams (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  WeftBuilderStream s2 = weft_builder_thread_stream (b, 1, 1);
  GRand *r = g_rand_new_with_seed (9);
  guint64 t, end;
  guint depth = 0;

  weft_builder_span_begin (b, s, T0, "main");
  t = long_calls (b, r, s, 0, 210000, FALSE);
  weft_builder_span_begin (b, s2, T0 + t + 10, "b");
  weft_builder_span_end (b, s2, T0 + t + 20);
  for (guint k = 0; k < 10; k++)
    weft_builder_span_end (b, s2, T0 + t + 30 + k);
  end = t + 40;
  t = 0;
  random_events (b, r, weft_builder_thread (b, 1, 2), &t, &depth, 3000);
  run_on_cpu0 (b, MAX (end, t));
  g_rand_free (r);
  g_assert_true (assert_fold_equal (b, "big-two-streams", 0));
}

/* Thread 1's second stream starts in the middle of its first, a long one
 * (folded up to where the second starts, the rest sorted at the end);
 * its third starts where the second's last event is. */
static void
test_big_overlap (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  WeftBuilderStream s2 = weft_builder_thread_stream (b, 1, 1);
  WeftBuilderStream s3 = weft_builder_thread_stream (b, 1, 1);
  GRand *r = g_rand_new_with_seed (10);
  guint64 t, t2;
  guint depth = 0;

  weft_builder_span_begin (b, s, T0, "main");
  t = long_calls (b, r, s, 0, 120000, TRUE);
  weft_builder_span_end (b, s, T0 + ++t);
  t2 = t / 2;
  random_events (b, r, s2, &t2, &depth, 60000);
  for (; depth > 0; depth--)
    weft_builder_span_end (b, s2, T0 + ++t2);
  t2 = MAX (t, t2);
  weft_builder_span_begin (b, s2, T0 + t2, "carried");
  depth = 1;
  random_events (b, r, s3, &t2, &depth, 100);
  run_on_cpu0 (b, t2 + 1);
  g_rand_free (r);
  assert_fold_equal (b, "big-overlap", 0);
}

/* Regression (libFuzzer): a thread's two streams overlap, and each leaves
 * a span open. Nested again after the sort, both open spans sit at depth
 * 0: the last piece is fed with its ends set, not waiting by depth (where
 * "late" took "work"'s place and "work" lost its length). */
static WeftBuilder *
unclosed_overlap_trace (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s1 = weft_builder_thread (b, 1, 1);
  WeftBuilderStream s2 = weft_builder_thread_stream (b, 1, 1);

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_instant (b, s1, T0, "start");
  weft_builder_span_begin (b, s1, T0 + 5000, "late");
  weft_builder_span_begin (b, s2, T0 + 100, "work");
  weft_builder_instant (b, s2, T0 + 200, "tick");
  weft_builder_switch (b, weft_builder_cpu (b, 0), T0, 0, WEFT_SWITCH_PREEMPTED, 1);
  return b;
}

static void
test_unclosed_overlap (void)
{
  g_autoptr (WeftStats) st = NULL;

  g_assert_true (assert_fold_equal (unclosed_overlap_trace (), "unclosed-overlap", 0));
  st = folded_stats (unclosed_overlap_trace ());
  assert_span (st, "work", 1, 4900, 4900);
  assert_span (st, "late", 1, 0, 0);
}

/* Small traces at the edges of the folded path. */
static void
test_edges (void)
{
  WeftBuilder *b;
  WeftBuilderStream s, s2;
  static const guint8 nothing[4];

  /* "sched" in the metadata, no CPU stream: the model takes its word. */
  b = weft_builder_new_memory ();
  s = weft_builder_thread (b, 1, 1);
  weft_builder_set_metadata (b, "sched", "true");
  weft_builder_span_begin (b, s, T0, "a");
  weft_builder_span_begin (b, s, T0 + 10, "a");
  weft_builder_span_end (b, s, T0 + 30);
  assert_fold_equal (b, "sched-metadata-only", 0);

  /* A CPU stream whose only event is of an unknown kind (skipped): no
   * scheduler data after all, so it reads again keeping the spans. */
  b = weft_builder_new_memory ();
  s = weft_builder_thread (b, 1, 1);
  weft_builder_span_begin (b, s, T0, "a");
  weft_builder_span_end (b, s, T0 + 30);
  weft_builder_span_begin (b, s, T0 + 40, "b");
  weft_builder_raw_event (b, weft_builder_cpu (b, 0), T0 + 5, 0x40, nothing, sizeof nothing);
  assert_fold_equal (b, "empty-cpu-stream", 0);

  /* An overlapping second stream whose end closes the first's span
   * before that span began. */
  b = weft_builder_new_memory ();
  s = weft_builder_thread (b, 1, 1);
  s2 = weft_builder_thread_stream (b, 1, 1);
  weft_builder_span_begin (b, s, T0, "a");
  weft_builder_span_end (b, s, T0 + 20);
  weft_builder_span_begin (b, s, T0 + 100, "b");
  weft_builder_instant (b, s, T0 + 200, "tick");
  weft_builder_span_end (b, s2, T0 + 50);
  weft_builder_span_begin (b, s2, T0 + 60, "c");
  run_on_cpu0 (b, 300);
  assert_fold_equal (b, "end-before-begin", 0);

  /* Two streams of one thread starting at the same time, and a third
   * starting at the second's last event. */
  b = weft_builder_new_memory ();
  s = weft_builder_thread (b, 1, 1);
  s2 = weft_builder_thread_stream (b, 1, 1);
  weft_builder_span_begin (b, s, T0 + 10, "a");
  weft_builder_span_begin (b, s, T0 + 20, "b");
  weft_builder_span_end (b, s, T0 + 40);
  weft_builder_span_begin (b, s2, T0 + 10, "a");
  weft_builder_span_end (b, s2, T0 + 30);
  weft_builder_span_end (b, s2, T0 + 35);
  s = weft_builder_thread_stream (b, 1, 1);
  weft_builder_span_begin (b, s, T0 + 35, "c");
  weft_builder_span_end (b, s, T0 + 50);
  run_on_cpu0 (b, 60);
  assert_fold_equal (b, "same-start", 0);
}

/* "f" 3000 deep, twelve times (72 000 events: folded while deep), the
 * last time left open (data non-NULL) or closed. */
static void
test_deep_recursion (gconstpointer data)
{
  gboolean last_open = data != NULL;
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  guint64 t = 0;

  for (guint round = 0; round < 12; round++)
    {
      weft_builder_span_begin (b, s, T0 + t, "g");
      for (guint i = 0; i < 3000; i++)
        weft_builder_span_begin (b, s, T0 + ++t, "f");
      if (last_open && round == 11)
        break;
      for (guint i = 0; i < 3000; i++)
        weft_builder_span_end (b, s, T0 + (t += 2));
      weft_builder_span_end (b, s, T0 + ++t);
    }
  run_on_cpu0 (b, t + 5);
  g_assert_true (assert_fold_equal (b, last_open ? "deep-recursion-open" : "deep-recursion", 0));
}

/* No spans at all: instants, lock waits and a schedule; with and
 * without scheduler data. */
static void
test_no_spans (void)
{
  for (guint sched = 0; sched < 2; sched++)
    {
      WeftBuilder *b = weft_builder_new_memory ();

      for (guint32 tid = 1; tid <= 3; tid++)
        {
          WeftBuilderStream s = weft_builder_thread (b, 1, tid);

          weft_builder_thread_start (b, s, T0 + 10 * tid, 1);
          weft_builder_instant (b, s, T0 + 100 * tid, "tick");
          weft_builder_lock_wait (b, s, T0 + 150 * tid, 1);
          weft_builder_lock_acquired (b, s, T0 + 170 * tid, 1);
        }
      if (sched)
        run_on_cpu0 (b, 1000);
      assert_fold_equal (b, "no-spans", sched);
    }
}

/* Nothing at all; one instant and nothing else; one CPU switch only. */
static void
test_empty (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream cpu;

  assert_fold_equal (b, "nothing", 0);
  b = weft_builder_new_memory ();
  weft_builder_instant (b, weft_builder_thread (b, 1, 1), T0, "only");
  assert_fold_equal (b, "one-instant", 0);

  b = weft_builder_new_memory ();
  cpu = weft_builder_cpu (b, 0);
  SW (cpu, 0, 0, PREEMPTED, 1);
  assert_fold_equal (b, "one-switch", 0);
}

/* Thread 1: main [0, 1000] holds work [100, 400] and f [500, 900], and
 * that f holds f [600, 800] (a recursion: cumtime counts the outer f).
 * Thread 2: "open" begins at 50 and never ends; the thread exits at 700. */
static void
test_known (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  WeftBuilderStream s2 = weft_builder_thread (b, 1, 2);
  WeftBuilderStream cpu1 = weft_builder_cpu (b, 1);
  g_autoptr (WeftStats) st = NULL;

  weft_builder_span_begin (b, s, T0, "main");
  weft_builder_span_begin (b, s, T0 + 100, "work");
  weft_builder_span_end (b, s, T0 + 400);
  weft_builder_span_begin (b, s, T0 + 500, "f");
  weft_builder_span_begin (b, s, T0 + 600, "f");
  weft_builder_span_end (b, s, T0 + 800);
  weft_builder_span_end (b, s, T0 + 900);
  weft_builder_span_end (b, s, T0 + 1000);
  weft_builder_span_begin (b, s2, T0 + 50, "open");
  weft_builder_thread_exit (b, s2, T0 + 700);
  run_on_cpu0 (b, 1000);
  SW (cpu1, 50, 0, PREEMPTED, 2);
  SW (cpu1, 700, 2, EXITED, 0);
  st = folded_stats (b);

  g_assert_cmpuint (st->duration_ns, ==, 1000);
  g_assert_cmpuint (st->n_spans, ==, 4);
  assert_span (st, "main", 1, 1000 - 300 - 400, 1000);
  assert_span (st, "work", 1, 300, 300);
  assert_span (st, "f", 2, 200 + 200, 400);
  g_assert_cmpuint (stats_util_span (st, "f")->percall_cumtime_ns, ==, 200);
  assert_span (st, "open", 1, 650, 650);
  /* Largest cumtime first. */
  g_assert_cmpstr (st->spans[0].name, ==, "main");
  g_assert_cmpstr (st->spans[1].name, ==, "open");
}

/* 40 000 calls of x, 1 ns each, inside "main" (folded with main open),
 * and "outer" on thread 2, open from 10 until the thread exits. */
static void
test_known_long (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream s = weft_builder_thread (b, 1, 1);
  WeftBuilderStream s2 = weft_builder_thread (b, 1, 2);
  const guint n = 40000;
  g_autoptr (WeftStats) st = NULL;

  weft_builder_span_begin (b, s, T0, "main");
  for (guint i = 0; i < n; i++)
    {
      weft_builder_span_begin (b, s, T0 + 3 * i + 1, "x");
      weft_builder_span_end (b, s, T0 + 3 * i + 2);
    }
  weft_builder_span_end (b, s, T0 + 3 * n);
  weft_builder_span_begin (b, s2, T0 + 10, "outer");
  for (guint i = 0; i < n; i++)
    {
      weft_builder_span_begin (b, s2, T0 + 20 + 2 * i, "y");
      weft_builder_span_end (b, s2, T0 + 21 + 2 * i);
    }
  weft_builder_thread_exit (b, s2, T0 + 3 * n + 100);
  run_on_cpu0 (b, 3 * n + 100);
  st = folded_stats (b);

  assert_span (st, "main", 1, 2 * n, 3 * n);
  assert_span (st, "x", n, n, n);
  assert_span (st, "outer", 1, 3 * n + 100 - 10 - n, 3 * n + 100 - 10);
  assert_span (st, "y", n, n, n);
}

/* weft record's layout: the recorder's stream of a thread (start, name,
 * exit) overlaps the runtime's whole. The runtime's spans are in order
 * as read, so they are folded while its stream is read (more than 65 536
 * events: mid-stream), and the statistics are the model's. */
static void
test_recorder_stream (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  WeftBuilderStream rec = weft_builder_thread (b, 1, 1);
  WeftBuilderStream run = weft_builder_thread_stream (b, 1, 1);
  const guint n = 40000;

  weft_builder_thread_start (b, rec, T0, 0);
  weft_builder_thread_name (b, rec, T0, "teller");
  weft_builder_thread_exit (b, rec, T0 + 4 * n + 100);
  weft_builder_span_begin (b, run, T0 + 5, "main");
  for (guint i = 0; i < n; i++)
    {
      weft_builder_span_begin (b, run, T0 + 10 + 4 * i, names[i % 3]);
      weft_builder_span_end (b, run, T0 + 12 + 4 * i);
    }
  /* main is left open: it ends with the thread. */
  run_on_cpu0 (b, 4 * n + 100);
  g_assert_true (assert_fold_equal (b, "recorder-stream", 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/stats-fold/known", test_known);
  g_test_add_func ("/weft/stats-fold/known-long", test_known_long);
  g_test_add_func ("/weft/stats-fold/recorder-stream", test_recorder_stream);
  g_test_add_func ("/weft/stats-fold/random", test_random);
  g_test_add_func ("/weft/stats-fold/random-one-stream", test_random_one_stream);
  g_test_add_func ("/weft/stats-fold/unclosed-overlap", test_unclosed_overlap);
  g_test_add_func ("/weft/stats-fold/random-big", test_random_big);
  g_test_add_func ("/weft/stats-fold/no-sched", test_no_sched);
  g_test_add_data_func ("/weft/stats-fold/big-main-closed", "", test_big_stream);
  g_test_add_data_func ("/weft/stats-fold/big-main-open", NULL, test_big_stream);
  g_test_add_func ("/weft/stats-fold/big-two-streams", test_big_two_streams);
  g_test_add_func ("/weft/stats-fold/big-overlap", test_big_overlap);
  g_test_add_func ("/weft/stats-fold/edges", test_edges);
  g_test_add_data_func ("/weft/stats-fold/deep-recursion", NULL, test_deep_recursion);
  g_test_add_data_func ("/weft/stats-fold/deep-recursion-open", "", test_deep_recursion);
  g_test_add_func ("/weft/stats-fold/no-spans", test_no_spans);
  g_test_add_func ("/weft/stats-fold/empty", test_empty);
  return g_test_run ();
}
