/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the details compute from the model (self time, arguments, CPUs,
 * waits, task time), and the side pane in a real window: a clicked span,
 * lock wait, task, CPU slice and counter show their names and times (a
 * click through the timeline too); a selected range shows
 * the statistics weft_stats_new() and `weft stats --range A:B --json`
 * give for it; the pane goes back to the summary when nothing is left.
 */
#include "weft-config.h"

#include <math.h>
#include <string.h>

#include "pane-util.h"
#include "weft-details-facts.h"
#include "weft-details-view.h"
#include "weft-trace-file.h"
#include "weft-range-stats-view.h"
#include "weft-side-pane.h"
#include "weft-summary-view.h"
#include "weft-timeline.h"

typedef struct
{
  WeftWindow *window;
  WeftSession *session;
  WeftModel *model;
  GtkWidget *pane;
  char *path;
} Fixture;

static void
fixture_open (Fixture *fx)
{
  fx->path = pane_trace_write (tmpdir);
  fx->window = open_path (fx->path);
  g_assert_cmpstr (page_of (fx->window), ==, "trace");
  fx->session = weft_window_get_session (fx->window);
  fx->model = weft_session_get_model (fx->session);
  fx->pane = find_type (GTK_WIDGET (fx->window), WEFT_TYPE_SIDE_PANE);
  g_assert_nonnull (fx->pane);
  g_assert_true (weft_side_pane_get_session (WEFT_SIDE_PANE (fx->pane)) == fx->session);
}

static void
fixture_close (Fixture *fx)
{
  gtk_window_destroy (GTK_WINDOW (fx->window));
  run_idle ();
  g_unlink (fx->path);
  g_free (fx->path);
}

static GtkWidget *
details (Fixture *fx)
{
  return find_type (fx->pane, WEFT_TYPE_DETAILS_VIEW);
}

static void
assert_text (GtkWidget *widget, const char *name, const char *expected)
{
  g_assert_cmpstr (named_text (widget, name), ==, expected);
}

static void
assert_duration (GtkWidget *widget, const char *name, guint64 ns, const char *literal)
{
  g_autofree char *text = duration_text (ns);

  /* the units' own format, and what a person reads */
  g_assert_cmpstr (text, ==, literal);
  assert_text (widget, name, literal);
}

static void
test_span (void)
{
  Fixture fx = { 0 };
  WeftHit hit = pane_hit (WEFT_HIT_SPAN);
  GtkWidget *view;

  fixture_open (&fx);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "summary");

  /* main: 10 ms, of which load (2 ms) and save (1 ms) are nested */
  hit.thread = pane_thread (fx.model, 100);
  hit.span = 0;
  weft_session_set_item (fx.session, &hit);
  view = details (&fx);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "details");
  g_assert_true (weft_details_view_get_has_details (WEFT_DETAILS_VIEW (view)));
  assert_text (view, "title", "main");
  assert_text (view, "kind", "Span");
  assert_duration (view, "start", 0, "0 ns");
  assert_duration (view, "end", 10 * PMS, "10.0 ms");
  assert_duration (view, "duration", 10 * PMS, "10.0 ms");
  assert_duration (view, "self-time", 7 * PMS, "7.00 ms");
  assert_text (view, "thread", "main (TID 100)");
  assert_text (view, "process", "bank (PID 100)");
  assert_text (view, "cpu", "0");
  assert_duration (view, "on-cpu", 10 * PMS, "10.0 ms");
  assert_text (view, "depth", "0");
  g_assert_false (gtk_widget_is_visible (find_named (view, "arguments")));

  /* load: nested, with arguments */
  hit.span = 1;
  hit.depth = 1;
  weft_session_set_item (fx.session, &hit);
  assert_text (view, "title", "load");
  assert_duration (view, "start", 1 * PMS, "1.00 ms");
  assert_duration (view, "duration", 2 * PMS, "2.00 ms");
  assert_duration (view, "self-time", 2 * PMS, "2.00 ms");
  assert_text (view, "depth", "1");
  assert_text (view, "arguments", "file=a.txt");
  g_assert_true (gtk_widget_is_visible (find_named (view, "arguments")));

  /* transfer, on the worker: it ran on CPU 1 for 1 + 4 ms of its 6 */
  hit.thread = pane_thread (fx.model, 101);
  hit.span = 0;
  hit.depth = 0;
  weft_session_set_item (fx.session, &hit);
  assert_text (view, "title", "transfer");
  assert_duration (view, "duration", 6 * PMS, "6.00 ms");
  assert_text (view, "thread", "worker (TID 101)");
  assert_text (view, "cpu", "1");
  assert_duration (view, "on-cpu", 5 * PMS, "5.00 ms");

  /* an index the model does not have: no details, back to the summary */
  hit.span = 99;
  weft_session_set_item (fx.session, &hit);
  g_assert_false (weft_details_view_get_has_details (WEFT_DETAILS_VIEW (view)));
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "summary");

  weft_session_set_item (fx.session, NULL);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "summary");

  /* transfer's buttons: zoom to it (a twentieth of it on each side),
   * select its time (the statistics of that phase) */
  hit.span = 0;
  weft_session_set_item (fx.session, &hit);
  g_assert_true (gtk_widget_is_visible (find_named (view, "zoom-button")));
  g_signal_emit_by_name (find_named (view, "zoom-button"), "clicked");
  g_assert_cmpuint (weft_session_get_visible_start (fx.session), ==, 2 * PMS - 300000);
  g_assert_cmpuint (weft_session_get_visible_end (fx.session), ==, 8 * PMS + 300000);
  g_signal_emit_by_name (find_named (view, "select-button"), "clicked");
  g_assert_true (weft_session_get_has_selection (fx.session));
  g_assert_cmpuint (weft_session_get_selection_start (fx.session), ==, 2 * PMS);
  g_assert_cmpuint (weft_session_get_selection_end (fx.session), ==, 8 * PMS);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "range");
  fixture_close (&fx);
}

static void
test_other_items (void)
{
  Fixture fx = { 0 };
  WeftHit hit;
  GtkWidget *view;
  const WeftModelCpu *cpu = NULL;
  guint cpu_lane = 0;

  fixture_open (&fx);
  view = details (&fx);

  /* the worker waiting for the lock */
  hit = pane_hit (WEFT_HIT_THREAD_STATE);
  hit.thread = pane_thread (fx.model, 101);
  hit.state = WEFT_LOD_STATE_LOCK_WAIT;
  hit.time = 3 * PMS + PMS / 2;
  weft_session_set_item (fx.session, &hit);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "details");
  assert_text (view, "title", "Waiting for a lock");
  assert_text (view, "kind", "worker (TID 101)");
  assert_text (view, "lock", "accounts");
  assert_duration (view, "start", 3 * PMS, "3.00 ms");
  assert_duration (view, "duration", 1 * PMS, "1.00 ms");

  /* the task: active 1 + 1 ms, suspended 3 ms */
  g_assert_cmpuint (weft_model_get_n_tasks (fx.model), ==, 1);
  hit = pane_hit (WEFT_HIT_TASK);
  hit.task = 0;
  hit.segment = 1;
  hit.active = FALSE;
  weft_session_set_item (fx.session, &hit);
  assert_text (view, "title", "fetch");
  assert_text (view, "kind", "Async task, suspended here");
  assert_duration (view, "start", 2 * PMS, "2.00 ms");
  assert_duration (view, "end", 7 * PMS, "7.00 ms");
  assert_duration (view, "duration", 5 * PMS, "5.00 ms");
  assert_duration (view, "active", 2 * PMS, "2.00 ms");
  assert_duration (view, "suspended", 3 * PMS, "3.00 ms");
  assert_text (view, "segments", "3");
  assert_text (view, "process", "bank (PID 100)");

  /* CPU 1's slice of the worker from 4 to 8 ms */
  for (guint i = 0; i < weft_model_get_n_cpus (fx.model); i++)
    if (weft_model_get_cpu (fx.model, i)->cpu == 1)
      {
        cpu = weft_model_get_cpu (fx.model, i);
        cpu_lane = i;
      }
  g_assert_nonnull (cpu);
  hit = pane_hit (WEFT_HIT_CPU_SLICE);
  hit.cpu = cpu_lane;
  hit.slice = G_MAXUINT64;
  for (guint64 s = 0; s < cpu->n_slices; s++)
    if (cpu->starts[s] == 4 * PMS)
      hit.slice = s;
  g_assert_cmpuint (hit.slice, !=, G_MAXUINT64);
  hit.thread = pane_thread (fx.model, 101);
  weft_session_set_item (fx.session, &hit);
  assert_text (view, "title", "worker (TID 101)");
  assert_text (view, "kind", "Time on CPU 1");
  assert_text (view, "cpu", "1");
  assert_duration (view, "start", 4 * PMS, "4.00 ms");
  assert_duration (view, "duration", 4 * PMS, "4.00 ms");
  assert_text (view, "process", "bank (PID 100)");

  /* the counter's value at 9.5 ms */
  g_assert_cmpuint (weft_model_get_n_counters (fx.model), ==, 1);
  hit = pane_hit (WEFT_HIT_COUNTER);
  hit.counter = 0;
  hit.time = 9 * PMS + PMS / 2;
  hit.value = 4096;
  hit.defined = TRUE;
  weft_session_set_item (fx.session, &hit);
  assert_text (view, "title", "rss");
  assert_text (view, "value", "4096");
  assert_text (view, "process", "cache (PID 200)");

  /* what the pane does not describe: the summary */
  hit = pane_hit (WEFT_HIT_AXIS);
  weft_session_set_item (fx.session, &hit);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "summary");
  fixture_close (&fx);
}

static gboolean
range_ready (gpointer data)
{
  return !weft_range_stats_view_is_busy (data);
}

/* The number after "key": in JSON text (the first one from `from`). */
static const char *
json_after (const char *json, const char *key)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\":", key);
  const char *at = strstr (json, quoted);

  g_assert_nonnull (at);
  at += strlen (quoted);
  while (*at == ' ')
    at++;
  return at;
}

/* `weft stats --range A:B --json` on the file, as a user runs it. (Not
 * inlined: GCC 12 then takes the output for a dangling local.) */
static G_GNUC_NO_INLINE char *
cli_stats (const char *path, guint64 start, guint64 end)
{
  g_autofree char *weft = g_build_filename (g_getenv ("WEFT_BUILDDIR"), "cli", "weft", NULL);
  g_autofree char *range = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, start,
                                            end);
  const char *argv[] = { weft, "stats", "--range", range, "--json", path, NULL };
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static void
test_range (void)
{
  Fixture fx = { 0 };
  GtkWidget *view;
  const WeftStats *shown;
  g_autoptr (WeftStats) expected = NULL;
  g_autofree char *json = NULL;
  g_autofree char *average = NULL;
  WeftHit hit = pane_hit (WEFT_HIT_SPAN);

  fixture_open (&fx);
  view = find_type (fx.pane, WEFT_TYPE_RANGE_STATS_VIEW);
  g_assert_nonnull (view);
  g_assert_null (weft_range_stats_view_get_stats (WEFT_RANGE_STATS_VIEW (view)));

  weft_session_set_selection (fx.session, 1 * PMS, 6 * PMS);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "range");
  g_assert_true (weft_range_stats_view_is_busy (WEFT_RANGE_STATS_VIEW (view)));
  run_until (range_ready, view);
  shown = weft_range_stats_view_get_stats (WEFT_RANGE_STATS_VIEW (view));
  g_assert_nonnull (shown);
  g_assert_cmpuint (shown->range_start, ==, 1 * PMS);
  g_assert_cmpuint (shown->range_end, ==, 6 * PMS);

  /* the analyzer's numbers for the same range, and what they are: main
   * ran all 5 ms, the worker 1 + 2 ms, so 8 / 5 threads on average */
  expected = weft_stats_new (fx.model, 1 * PMS, 6 * PMS);
  g_assert_cmpfloat (shown->average_running, ==, expected->average_running);
  g_assert_cmpfloat_with_epsilon (expected->average_running, 1.6, 1e-9);
  g_assert_cmpuint (shown->max_running, ==, expected->max_running);
  g_assert_cmpuint (expected->max_running, ==, 2);
  g_assert_cmpstr (shown->verdict, ==, expected->verdict);
  g_assert_cmpuint (shown->n_spans, ==, expected->n_spans);

  average = g_strdup_printf ("%.2f", expected->average_running);
  assert_text (view, "average-running", average);
  assert_text (view, "average-running", "1.60");
  assert_text (view, "max-running", "2");
  assert_text (view, "verdict", expected->verdict);
  assert_duration (view, "on-cpu-100", 5 * PMS, "5.00 ms");
  assert_duration (view, "on-cpu-101", 3 * PMS, "3.00 ms");
  /* the worker waited 1 ms for accounts */
  g_assert_cmpuint (expected->n_locks, ==, 1);
  g_assert_cmpstr (expected->locks[0].name, ==, "accounts");
  assert_duration (view, "lock-wait-0", 1 * PMS, "1.00 ms");
  g_assert_null (find_named (view, "lock-wait-1"));
  /* top spans by time with nested ones: main 5, transfer 4, load 2, save 1 ms */
  g_assert_cmpuint (expected->n_spans, ==, 4);
  {
    static const char *const names[] = { "main", "transfer", "load", "save" };
    static const char *const times[] = { "5.00 ms", "4.00 ms", "2.00 ms", "1.00 ms" };
    g_autoptr (GPtrArray) titles = g_ptr_array_new ();
    guint first = G_MAXUINT;

    collect_row_titles (view, titles);
    for (guint i = 0; i < titles->len; i++)
      if (g_strcmp0 (titles->pdata[i], "main") == 0)
        {
          first = i;
          break;
        }
    g_assert_cmpuint (first, !=, G_MAXUINT);
    g_assert_cmpuint (titles->len, >=, first + 4);
    for (guint i = 0; i < 4; i++)
      {
        g_autofree char *name = g_strdup_printf ("cumtime-%u", i);

        g_assert_cmpstr (expected->spans[i].name, ==, names[i]);
        g_assert_cmpstr (titles->pdata[first + i], ==, names[i]);
        assert_duration (view, name, expected->spans[i].cumtime_ns, times[i]);
      }
  }

  /* `weft stats --range 1000000:6000000 --json` says the same */
  json = cli_stats (fx.path, 1 * PMS, 6 * PMS);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (json_after (json, "average_running"), NULL),
                                  shown->average_running, 1e-5);
  g_assert_cmpuint (g_ascii_strtoull (json_after (json, "max_running"), NULL, 10), ==,
                    shown->max_running);
  for (guint i = 0; i < shown->n_spans; i++)
    {
      g_autofree char *quoted = g_strdup_printf ("\"name\": \"%s\"", shown->spans[i].name);
      const char *entry = strstr (json, quoted);

      g_assert_nonnull (entry);
      g_assert_cmpuint (g_ascii_strtoull (json_after (entry, "ncalls"), NULL, 10), ==,
                        shown->spans[i].ncalls);
      g_assert_cmpuint (g_ascii_strtoull (json_after (entry, "cumtime_ns"), NULL, 10), ==,
                        shown->spans[i].cumtime_ns);
    }
  {
    const char *lock = strstr (json, "\"name\": \"accounts\"");

    g_assert_nonnull (lock);
    g_assert_cmpuint (g_ascii_strtoull (json_after (lock, "wait_ns"), NULL, 10), ==,
                      shown->locks[0].wait_ns);
  }
  {
    g_autofree char *verdict = g_strdup_printf ("\"verdict\": \"%s\"", shown->verdict);

    g_assert_nonnull (strstr (json, verdict));
  }

  /* the latest wins: a click shows its details, a new selection its
   * statistics, and clearing one goes back to the other */
  hit.thread = pane_thread (fx.model, 100);
  hit.span = 2;
  hit.depth = 1;
  weft_session_set_item (fx.session, &hit);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "details");
  weft_session_set_selection (fx.session, 0, 2 * PMS);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "range");
  run_until (range_ready, view);
  shown = weft_range_stats_view_get_stats (WEFT_RANGE_STATS_VIEW (view));
  g_assert_cmpuint (shown->range_end, ==, 2 * PMS);
  assert_duration (view, "on-cpu-100", 2 * PMS, "2.00 ms");
  weft_session_clear_selection (fx.session);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "details");
  g_assert_null (weft_range_stats_view_get_stats (WEFT_RANGE_STATS_VIEW (view)));
  weft_session_set_item (fx.session, NULL);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "summary");

  /* the summary is the whole trace's */
  g_assert_cmpstr (named_text (find_type (fx.pane, WEFT_TYPE_SUMMARY_VIEW), "duration"), ==,
                   "10.0 ms");
  fixture_close (&fx);
}

/* The selection moving while statistics are made: the last one is shown. */
static void
test_range_moves (void)
{
  Fixture fx = { 0 };
  GtkWidget *view;
  const WeftStats *shown;

  fixture_open (&fx);
  view = find_type (fx.pane, WEFT_TYPE_RANGE_STATS_VIEW);
  for (guint i = 1; i <= 9; i++)
    {
      weft_session_set_selection (fx.session, 0, i * PMS);
      if (i % 3 == 0)
        run_idle ();
    }
  run_until (range_ready, view);
  shown = weft_range_stats_view_get_stats (WEFT_RANGE_STATS_VIEW (view));
  g_assert_nonnull (shown);
  g_assert_cmpuint (shown->range_start, ==, 0);
  g_assert_cmpuint (shown->range_end, ==, 9 * PMS);
  assert_duration (view, "on-cpu-100", 9 * PMS, "9.00 ms");
  /* closing the window while one is made leaves nothing behind */
  weft_session_set_selection (fx.session, 0, 5 * PMS);
  fixture_close (&fx);
}

static gboolean
timeline_ready (gpointer data)
{
  WeftViewport vp;

  return weft_timeline_get_renderer (data) != NULL && weft_timeline_get_viewport (data, &vp);
}

/* Through the timeline as a user goes: a click on a known span (where
 * the renderer's layout puts it) shows its details; a range selected
 * with the timeline's action shows its statistics. */
static void
test_click (void)
{
  Fixture fx = { 0 };
  GtkWidget *timeline;
  WeftRenderer *renderer;
  WeftViewport vp;
  WeftRect area;
  WeftHit probe;
  const WeftLane *lane = NULL;
  guint thread;
  double x, y = -1;
  GtkWidget *range_view;
  g_autoptr (WeftStats) expected = NULL;
  g_autofree char *average = NULL;

  fixture_open (&fx);
  timeline = find_type (GTK_WIDGET (fx.window), WEFT_TYPE_TIMELINE);
  g_assert_nonnull (timeline);
  run_until (timeline_ready, timeline);
  renderer = weft_timeline_get_renderer (WEFT_TIMELINE (timeline));
  g_assert_true (weft_timeline_get_viewport (WEFT_TIMELINE (timeline), &vp));
  weft_renderer_get_lane_area (renderer, &vp, &area);

  /* the worker's lane, at 5 ms (inside transfer, outside its lock wait) */
  thread = pane_thread (fx.model, 101);
  for (guint i = 0; i < weft_renderer_get_n_lanes (renderer); i++)
    {
      const WeftLane *l = weft_renderer_get_lane (renderer, i);

      if (l->kind == WEFT_LANE_THREAD && l->index == thread)
        lane = l;
    }
  g_assert_nonnull (lane);
  x = area.x + (double) (5 * PMS - vp.start) / (double) (vp.end - vp.start) * area.width;
  for (double dy = 0; dy < lane->height && y < 0; dy += 1)
    {
      double yy = area.y + lane->y - vp.scroll_y + dy;

      if (weft_renderer_hit_test (renderer, &vp, x, yy, &probe) && probe.kind == WEFT_HIT_SPAN)
        y = yy;
    }
  g_assert_cmpfloat (y, >=, 0);

  g_assert_true (gtk_widget_activate_action (timeline, "timeline.select-at", "(dd)", x, y));
  g_assert_nonnull (weft_session_get_item (fx.session));
  g_assert_cmpint (weft_session_get_item (fx.session)->kind, ==, WEFT_HIT_SPAN);
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "details");
  assert_text (details (&fx), "title", "transfer");
  assert_duration (details (&fx), "duration", 6 * PMS, "6.00 ms");
  assert_text (details (&fx), "thread", "worker (TID 101)");

  /* a range through the timeline's action */
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.select-range", "(tt)",
                                             (guint64) (2 * PMS), (guint64) (9 * PMS)));
  g_assert_cmpstr (weft_side_pane_get_page (WEFT_SIDE_PANE (fx.pane)), ==, "range");
  range_view = find_type (fx.pane, WEFT_TYPE_RANGE_STATS_VIEW);
  run_until (range_ready, range_view);
  expected = weft_stats_new (fx.model, 2 * PMS, 9 * PMS);
  average = g_strdup_printf ("%.2f", expected->average_running);
  assert_text (range_view, "average-running", average);
  assert_text (range_view, "verdict", expected->verdict);
  assert_duration (range_view, "on-cpu-101", 5 * PMS, "5.00 ms");
  fixture_close (&fx);
}

/* What the details compute from the model, without a display. */
static void
test_facts (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-test-facts-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (WeftModel) model = NULL;
  const WeftModelThread *main_t, *worker;
  g_autofree char *cpus_main = NULL, *cpus_transfer = NULL, *cpus_part = NULL;
  guint64 on_cpu, active, suspended;

  g_assert_no_error (error);
  path = pane_trace_write (dir);
  reader = weft_trace_file_open (path, NULL, &error);
  g_assert_no_error (error);
  model = weft_model_new (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  main_t = weft_model_get_thread (model, pane_thread (model, 100));
  worker = weft_model_get_thread (model, pane_thread (model, 101));

  /* main 10 ms with load 2 and save 1 nested; load and transfer alone */
  g_assert_cmpuint (main_t->n_spans, ==, 3);
  g_assert_cmpuint (weft_details_span_self_time (main_t, 0), ==, 7 * PMS);
  g_assert_cmpuint (weft_details_span_self_time (main_t, 1), ==, 2 * PMS);
  g_assert_cmpuint (weft_details_span_self_time (main_t, 2), ==, 1 * PMS);
  g_assert_cmpuint (weft_details_span_self_time (worker, 0), ==, 6 * PMS);

  g_assert_cmpstr (weft_details_span_args (model, main_t, 1), ==, "file=a.txt");
  g_assert_null (weft_details_span_args (model, main_t, 0));
  g_assert_null (weft_details_span_args (model, main_t, 2));

  cpus_main = weft_details_span_cpus (model, main_t, 0, 10 * PMS, &on_cpu);
  g_assert_cmpstr (cpus_main, ==, "0");
  g_assert_cmpuint (on_cpu, ==, 10 * PMS);
  cpus_transfer = weft_details_span_cpus (model, worker, 2 * PMS, 8 * PMS, &on_cpu);
  g_assert_cmpstr (cpus_transfer, ==, "1");
  g_assert_cmpuint (on_cpu, ==, 5 * PMS);
  /* half of each side of the worker's gap */
  cpus_part = weft_details_span_cpus (model, worker, 2 * PMS + PMS / 2, 4 * PMS + PMS / 2, &on_cpu);
  g_assert_cmpstr (cpus_part, ==, "1");
  g_assert_cmpuint (on_cpu, ==, 1 * PMS);
  g_assert_null (weft_details_span_cpus (model, worker, 3 * PMS, 4 * PMS, &on_cpu));
  g_assert_cmpuint (on_cpu, ==, 0);

  /* the wait [3, 4 ms], its ends included */
  g_assert_null (weft_details_find_wait (worker, 3 * PMS - 1));
  g_assert_nonnull (weft_details_find_wait (worker, 3 * PMS));
  g_assert_cmpuint (weft_details_find_wait (worker, 3 * PMS + PMS / 2)->end, ==, 4 * PMS);
  g_assert_nonnull (weft_details_find_wait (worker, 4 * PMS));
  g_assert_null (weft_details_find_wait (worker, 4 * PMS + 1));
  g_assert_null (weft_details_find_wait (main_t, 3 * PMS));

  weft_details_task_times (model, weft_model_get_task (model, 0), &active, &suspended);
  g_assert_cmpuint (active, ==, 2 * PMS);
  g_assert_cmpuint (suspended, ==, 3 * PMS);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gboolean display = gui_app_setup (&argc, &argv);

  g_test_add_func ("/weft/gui/details/facts", test_facts);
  if (!display)
    {
      g_test_add_func ("/weft/gui/side-pane/skipped", gui_test_skip_no_display);
      return g_test_run ();
    }
  g_test_add_func ("/weft/gui/side-pane/span", test_span);
  g_test_add_func ("/weft/gui/side-pane/other-items", test_other_items);
  g_test_add_func ("/weft/gui/side-pane/range", test_range);
  g_test_add_func ("/weft/gui/side-pane/range-moves", test_range_moves);
  g_test_add_func ("/weft/gui/side-pane/click", test_click);
  return gui_app_run ();
}
