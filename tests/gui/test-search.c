/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Finding spans by name: case-insensitive matching (ASCII and Unicode),
 * next/previous/first/rank against brute force on random spans, indexed
 * and scanning,
 * the session's name set for the highlights, and in a real window Ctrl+F's
 * bar: the match count, next/previous in time order moving the visible
 * range (keeping the zoom unless the span is wider) and the session's
 * item, wrapping at the ends, the same walk without the stored index, no
 * match, and closing the bar.
 */
#include "weft-config.h"

#include <string.h>

#include "pane-util.h"
#include "weft-search-bar.h"

#define ST(ms) ((guint64) ((ms) * PMS))

static void
test_match (void)
{
  g_autofree char *alpha = weft_search_fold ("AlPhA");
  g_autofree char *umlaut = weft_search_fold ("ÄR");

  g_assert_null (weft_search_fold (""));
  g_assert_null (weft_search_fold (NULL));
  g_assert_cmpstr (alpha, ==, "alpha");
  g_assert_true (weft_search_name_matches ("alpha", alpha));
  g_assert_true (weft_search_name_matches ("ALPHA big", alpha));
  g_assert_true (weft_search_name_matches ("the alphabet", alpha));
  g_assert_false (weft_search_name_matches ("alph", alpha));
  g_assert_false (weft_search_name_matches ("", alpha));
  g_assert_false (weft_search_name_matches (NULL, alpha));
  g_assert_true (weft_search_name_matches ("Ärger", umlaut));
  g_assert_true (weft_search_name_matches ("großer ärger", umlaut));
  g_assert_false (weft_search_name_matches ("Arger", umlaut));
  /* a non-ASCII name still matches an ASCII needle */
  g_assert_true (weft_search_name_matches ("Größe ALPHA", alpha));
}

/* A model of random nested spans on six threads, many starting at the
 * same times, named a, b or ab. */
static WeftModel *
random_model (GRand *rand)
{
  WeftBuilder *b = weft_builder_new_memory ();
  static const char *const names[] = { "a", "b", "ab" };
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GError) error = NULL;
  uint8_t *data;
  size_t size;
  WeftModel *model;

  for (guint32 tid = 1; tid <= 6; tid++)
    {
      WeftBuilderStream s = weft_builder_thread (b, 1, tid);
      guint64 t = PT0;
      guint open = 0;

      for (guint i = 0; i < 400; i++)
        {
          /* coarse steps: threads often share a start */
          t += (guint64) g_rand_int_range (rand, 0, 3) * 1000;
          if (open > 0 && g_rand_boolean (rand))
            {
              weft_builder_span_end (b, s, t);
              open--;
            }
          else
            {
              weft_builder_span_begin (b, s, t, names[g_rand_int_range (rand, 0, 3)]);
              open++;
            }
        }
      while (open-- > 0)
        weft_builder_span_end (b, s, t + 1000);
    }
  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);
  bytes = g_bytes_new_with_free_func (data, size, g_free, data);
  reader = weft_reader_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  model = weft_model_new (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return model;
}

static int
match_cmp (const WeftSearchMatch *x, const WeftSearchMatch *y)
{
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->thread != y->thread)
    return x->thread < y->thread ? -1 : 1;
  return x->span < y->span ? -1 : x->span > y->span;
}

/* Every match by brute force, in time order. */
static GArray *
brute_force (WeftModel *model, const char *needle)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (WeftSearchMatch));

  for (guint t = 0; t < weft_model_get_n_threads (model); t++)
    {
      const WeftModelThread *thread = weft_model_get_thread (model, t);

      for (guint64 i = 0; i < thread->n_spans; i++)
        if (strstr (weft_model_get_name (model, thread->spans[i].name), needle) != NULL)
          {
            WeftSearchMatch m = { thread->spans[i].start, thread->spans[i].end, i, t,
                                  WEFT_MODEL_SPAN_DEPTH (&thread->spans[i]) };

            g_array_append_val (all, m);
          }
    }
  g_array_sort (all, (GCompareFunc) match_cmp);
  return all;
}

/* Indexed and scanning results walk the same matches as brute force, in
 * both directions; first_from and rank agree. */
static void
test_result (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (4242);
  g_autoptr (WeftModel) model = random_model (rand);
  g_autoptr (GArray) want = brute_force (model, "a");
  gsize n = 0;
  g_autofree guint8 *mask = weft_search_name_mask (model, "A", &n);

  g_assert_nonnull (mask);
  g_assert_cmpuint (want->len, >, 500);
  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr (WeftSearchResult) r = NULL;
      WeftSearchMatch m, prev;
      guint64 rank;

      _weft_search_set_max_stored (pass == 0 ? WEFT_SEARCH_MAX_STORED : 10);
      r = weft_search_result_new (model, mask, n, NULL);
      g_assert_cmpuint (weft_search_result_get_count (r), ==, want->len);
      g_assert_cmpint (weft_search_result_is_indexed (r), ==, pass == 0);

      g_assert_true (weft_search_result_next (r, NULL, &m));
      for (guint i = 0; i < want->len; i++)
        {
          const WeftSearchMatch *w = &g_array_index (want, WeftSearchMatch, i);

          g_assert_cmpint (match_cmp (&m, w), ==, 0);
          g_assert_cmpuint (m.end, ==, w->end);
          g_assert_cmpuint (m.depth, ==, w->depth);
          if (pass == 0)
            {
              g_assert_true (weft_search_result_rank (r, &m, &rank));
              g_assert_cmpuint (rank, ==, i);
            }
          else
            g_assert_false (weft_search_result_rank (r, &m, &rank));
          prev = m;
          g_assert_cmpint (weft_search_result_next (r, &prev, &m), ==, i + 1 < want->len);
        }

      g_assert_true (weft_search_result_previous (r, NULL, &m));
      for (guint i = want->len; i-- > 0;)
        {
          g_assert_cmpint (match_cmp (&m, &g_array_index (want, WeftSearchMatch, i)), ==, 0);
          prev = m;
          g_assert_cmpint (weft_search_result_previous (r, &prev, &m), ==, i > 0);
        }

      for (guint k = 0; k < 50; k++)
        {
          guint64 t = (guint64) g_rand_int_range (rand, 0, 1300) * 1000;
          guint first = 0;

          while (first < want->len && g_array_index (want, WeftSearchMatch, first).start < t)
            first++;
          g_assert_cmpint (weft_search_result_first_from (r, t, &m), ==, first < want->len);
          if (first < want->len)
            g_assert_cmpint (match_cmp (&m, &g_array_index (want, WeftSearchMatch, first)), ==, 0);
        }
    }
  _weft_search_set_max_stored (WEFT_SEARCH_MAX_STORED);

  /* nothing to find */
  {
    g_autoptr (WeftSearchResult) none = weft_search_result_new (model, NULL, 0, NULL);
    WeftSearchMatch m;

    g_assert_cmpuint (weft_search_result_get_count (none), ==, 0);
    g_assert_false (weft_search_result_next (none, NULL, &m));
    g_assert_false (weft_search_result_previous (none, NULL, &m));
    g_assert_null (weft_search_name_mask (model, "zzz", &n));
    g_assert_null (weft_search_name_mask (model, "", &n));
  }
}

/* a (tid 10): alpha [1, 2], alpha [10, 11], other [50, 100 ms];
 * b (tid 11): ALPHA big [5, 6], beta [7, 8 ms];
 * c (tid 12): alphabet [5, 5.5], Ärger [20, 21], wide alpha [30, 45 ms]. */
static char *
search_trace_write (void)
{
  char *path = g_build_filename (tmpdir, "search.weft", NULL);
  WeftBuilder *b = weft_builder_new (path);
  WeftBuilderStream a, bb, c;

  g_assert_nonnull (b);
  a = weft_builder_thread (b, 10, 10);
  bb = weft_builder_thread (b, 10, 11);
  c = weft_builder_thread (b, 10, 12);
  weft_builder_process_name (b, a, PT0, "finder");
  weft_builder_span_begin (b, a, PT0 + ST (1), "alpha");
  weft_builder_span_end (b, a, PT0 + ST (2));
  weft_builder_span_begin (b, a, PT0 + ST (10), "alpha");
  weft_builder_span_end (b, a, PT0 + ST (11));
  weft_builder_span_begin (b, a, PT0 + ST (50), "other");
  weft_builder_span_end (b, a, PT0 + ST (100));
  weft_builder_span_begin (b, bb, PT0 + ST (5), "ALPHA big");
  weft_builder_span_end (b, bb, PT0 + ST (6));
  weft_builder_span_begin (b, bb, PT0 + ST (7), "beta");
  weft_builder_span_end (b, bb, PT0 + ST (8));
  weft_builder_span_begin (b, c, PT0 + ST (5), "alphabet");
  weft_builder_span_end (b, c, PT0 + ST (5.5));
  weft_builder_span_begin (b, c, PT0 + ST (20), "Ärger");
  weft_builder_span_end (b, c, PT0 + ST (21));
  weft_builder_span_begin (b, c, PT0 + ST (30), "wide alpha");
  weft_builder_span_end (b, c, PT0 + ST (45));
  /* the trace starts at the first event: a mark at 0 */
  weft_builder_instant (b, a, PT0, "start");
  g_assert_cmpint (weft_builder_finish (b), ==, 0);
  return path;
}

typedef struct
{
  guint32 tid;
  guint64 start;
  guint64 end;
} Expected;

typedef struct
{
  WeftWindow *window;
  WeftSession *session;
  WeftModel *model;
  WeftSearchBar *bar;
  GtkSearchBar *search_bar;
  GtkEditable *entry;
  char *path;
  Expected order[5]; /* "alpha" matches in time order */
} Fixture;

static void
fixture_open (Fixture *fx)
{
  guint b, c;

  fx->path = search_trace_write ();
  fx->window = open_path (fx->path);
  fx->session = weft_window_get_session (fx->window);
  fx->model = weft_session_get_model (fx->session);
  fx->bar = WEFT_SEARCH_BAR (find_type (GTK_WIDGET (fx->window), WEFT_TYPE_SEARCH_BAR));
  g_assert_nonnull (fx->bar);
  g_assert_true (weft_search_bar_get_session (fx->bar) == fx->session);
  fx->search_bar = GTK_SEARCH_BAR (find_type (GTK_WIDGET (fx->bar), GTK_TYPE_SEARCH_BAR));
  fx->entry = GTK_EDITABLE (find_type (GTK_WIDGET (fx->bar), GTK_TYPE_SEARCH_ENTRY));

  /* at 5 ms two threads start a match: the lower thread index first */
  b = pane_thread (fx->model, 11);
  c = pane_thread (fx->model, 12);
  fx->order[0] = (Expected) { 10, ST (1), ST (2) };
  fx->order[1] = b < c ? (Expected) { 11, ST (5), ST (6) } : (Expected) { 12, ST (5), ST (5.5) };
  fx->order[2] = b < c ? (Expected) { 12, ST (5), ST (5.5) } : (Expected) { 11, ST (5), ST (6) };
  fx->order[3] = (Expected) { 10, ST (10), ST (11) };
  fx->order[4] = (Expected) { 12, ST (30), ST (45) };
}

static void
fixture_close (Fixture *fx)
{
  gtk_window_destroy (GTK_WINDOW (fx->window));
  run_idle ();
  g_unlink (fx->path);
  g_free (fx->path);
}

static gboolean
counted (gpointer data)
{
  Fixture *fx = data;

  return g_strcmp0 (weft_session_get_search_text (fx->session),
                    gtk_editable_get_text (fx->entry)) == 0
         && !weft_search_bar_is_searching (fx->bar);
}

static void
search_for (Fixture *fx, const char *text)
{
  gtk_editable_set_text (fx->entry, text);
  run_until (counted, fx);
}

static const char *
count_text (Fixture *fx)
{
  return named_text (GTK_WIDGET (fx->bar), "count");
}

/* The session's item is the expected span, and the bar's current match. */
static void
assert_at (Fixture *fx, const Expected *e)
{
  const WeftHit *hit = weft_session_get_item (fx->session);
  const WeftModelThread *t;
  WeftSearchMatch m;

  g_assert_nonnull (hit);
  g_assert_cmpint (hit->kind, ==, WEFT_HIT_SPAN);
  g_assert_cmpuint (hit->thread, ==, pane_thread (fx->model, e->tid));
  t = weft_model_get_thread (fx->model, hit->thread);
  g_assert_cmpuint (hit->span, <, t->n_spans);
  g_assert_cmpuint (t->spans[hit->span].start, ==, e->start);
  g_assert_cmpuint (t->spans[hit->span].end, ==, e->end);
  g_assert_cmpuint (hit->depth, ==, 0);
  g_assert_true (weft_search_bar_get_current (fx->bar, &m));
  g_assert_cmpuint (m.start, ==, e->start);
  /* and the view shows all of it */
  g_assert_cmpuint (weft_session_get_visible_start (fx->session), <=, e->start);
  g_assert_cmpuint (weft_session_get_visible_end (fx->session), >=, e->end);
}

static void
assert_visible (Fixture *fx, guint64 start, guint64 end)
{
  g_assert_cmpuint (weft_session_get_visible_start (fx->session), ==, start);
  g_assert_cmpuint (weft_session_get_visible_end (fx->session), ==, end);
}

static void
assert_rank (Fixture *fx, guint rank)
{
  g_autofree char *text = g_strdup_printf ("%u of 5", rank);

  g_assert_cmpstr (count_text (fx), ==, text);
}

static void
test_walk (void)
{
  Fixture fx = { 0 };
  g_auto (GStrv) accels = NULL;
  const guint8 *mask;
  gsize n;

  fixture_open (&fx);
  g_assert_false (gtk_search_bar_get_search_mode (fx.search_bar));

  /* Ctrl+F is search.find, on the window */
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "search.find");
  g_assert_cmpstr (accels[0], ==, "<Control>f");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), "search.find", NULL));
  g_assert_true (gtk_search_bar_get_search_mode (fx.search_bar));

  search_for (&fx, "alpha");
  g_assert_cmpuint (weft_search_bar_get_n_matches (fx.bar), ==, 5);
  g_assert_cmpstr (count_text (&fx), ==, "5 matches");
  g_assert_null (weft_session_get_item (fx.session));

  /* the timeline's highlights: every name holding "alpha" */
  mask = weft_session_get_search_name_mask (fx.session, &n);
  g_assert_nonnull (mask);
  g_assert_cmpuint (n, ==, (weft_model_get_n_names (fx.model) + 7) / 8);
  for (guint id = 0; id < weft_model_get_n_names (fx.model); id++)
    {
      const char *name = weft_model_get_name (fx.model, id);
      gboolean set = (mask[id / 8] >> (id & 7)) & 1;
      gboolean want = g_strcmp0 (name, "alpha") == 0 || g_strcmp0 (name, "ALPHA big") == 0
                      || g_strcmp0 (name, "alphabet") == 0
                      || g_strcmp0 (name, "wide alpha") == 0;

      g_assert_cmpint (set, ==, want);
    }

  /* zoomed to 4 ms: next goes through the matches in time order */
  weft_session_set_visible_range (fx.session, 0, ST (4));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), "search.next", NULL));
  assert_at (&fx, &fx.order[0]);
  assert_rank (&fx, 1);
  assert_visible (&fx, 0, ST (4)); /* in view already: the view stays */

  g_assert_true (weft_search_bar_next (fx.bar));
  assert_at (&fx, &fx.order[1]);
  assert_rank (&fx, 2);
  /* centred, the zoom kept */
  {
    guint64 middle = fx.order[1].start + (fx.order[1].end - fx.order[1].start) / 2;

    assert_visible (&fx, middle - ST (2), middle + ST (2));
  }
  g_assert_true (weft_search_bar_next (fx.bar));
  assert_at (&fx, &fx.order[2]);
  assert_rank (&fx, 3);
  g_assert_true (weft_search_bar_next (fx.bar));
  assert_at (&fx, &fx.order[3]);
  assert_rank (&fx, 4);
  assert_visible (&fx, ST (8.5), ST (12.5));

  /* wider than the view: all of it, with a twentieth on each side */
  g_assert_true (weft_search_bar_next (fx.bar));
  assert_at (&fx, &fx.order[4]);
  assert_rank (&fx, 5);
  assert_visible (&fx, ST (30) - ST (0.75), ST (45) + ST (0.75));

  /* past the last: around to the first, and back */
  g_assert_true (weft_search_bar_next (fx.bar));
  assert_at (&fx, &fx.order[0]);
  assert_rank (&fx, 1);
  assert_visible (&fx, 0, ST (16.5));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), "search.previous", NULL));
  assert_at (&fx, &fx.order[4]);
  assert_rank (&fx, 5);
  g_assert_true (weft_search_bar_previous (fx.bar));
  assert_at (&fx, &fx.order[3]);
  assert_rank (&fx, 4);

  /* Enter in the entry is next, Ctrl+Shift+G (previous-match) previous */
  g_signal_emit_by_name (find_type (GTK_WIDGET (fx.bar), GTK_TYPE_SEARCH_ENTRY), "activate");
  assert_at (&fx, &fx.order[4]);
  g_signal_emit_by_name (find_type (GTK_WIDGET (fx.bar), GTK_TYPE_SEARCH_ENTRY), "previous-match");
  assert_at (&fx, &fx.order[3]);

  /* a new text starts over from the view */
  search_for (&fx, "ALPHA B");
  g_assert_cmpstr (count_text (&fx), ==, "1 match");
  g_assert_false (weft_search_bar_get_current (fx.bar, NULL));
  g_assert_true (weft_search_bar_next (fx.bar));
  g_assert_cmpstr (count_text (&fx), ==, "1 of 1");

  /* Unicode case */
  search_for (&fx, "äR");
  g_assert_cmpuint (weft_search_bar_get_n_matches (fx.bar), ==, 1);

  /* nothing */
  search_for (&fx, "zzz");
  g_assert_cmpstr (count_text (&fx), ==, "No matches");
  g_assert_false (weft_search_bar_next (fx.bar));
  g_assert_false (weft_search_bar_previous (fx.bar));
  g_assert_null (weft_session_get_search_name_mask (fx.session, &n));
  g_assert_cmpuint (n, ==, 0);

  /* closing the bar ends the search and its highlights */
  search_for (&fx, "alpha");
  gtk_search_bar_set_search_mode (fx.search_bar, FALSE);
  g_assert_cmpstr (weft_session_get_search_text (fx.session), ==, "");
  g_assert_null (weft_session_get_search_name_mask (fx.session, &n));
  g_assert_cmpstr (count_text (&fx), ==, "");
  fixture_close (&fx);
}

/* More matches than are stored: the count stays exact and the walk is
 * the same, found by scanning the threads. */
static void
test_walk_unindexed (void)
{
  Fixture fx = { 0 };

  _weft_search_set_max_stored (2);
  fixture_open (&fx);
  weft_search_bar_reveal (fx.bar);
  search_for (&fx, "alpha");
  g_assert_cmpuint (weft_search_bar_get_n_matches (fx.bar), ==, 5);
  weft_session_set_visible_range (fx.session, 0, ST (4));
  for (guint i = 0; i < 7; i++)
    {
      g_assert_true (weft_search_bar_next (fx.bar));
      assert_at (&fx, &fx.order[i % 5]);
      g_assert_cmpstr (count_text (&fx), ==, "5 matches");
    }
  /* at order[1]: back to 0, around to 4, 3 */
  g_assert_true (weft_search_bar_previous (fx.bar));
  assert_at (&fx, &fx.order[0]);
  g_assert_true (weft_search_bar_previous (fx.bar));
  assert_at (&fx, &fx.order[4]);
  g_assert_true (weft_search_bar_previous (fx.bar));
  assert_at (&fx, &fx.order[3]);

  /* previous before any match: the last one before the view's end */
  search_for (&fx, "alph");
  weft_session_set_visible_range (fx.session, ST (4), ST (8));
  g_assert_true (weft_search_bar_previous (fx.bar));
  assert_at (&fx, &fx.order[2]);
  _weft_search_set_max_stored (WEFT_SEARCH_MAX_STORED);
  fixture_close (&fx);
}

/* next before any match starts from the view, not from the trace's start */
static void
test_from_view (void)
{
  Fixture fx = { 0 };

  fixture_open (&fx);
  weft_search_bar_reveal (fx.bar);
  search_for (&fx, "alpha");
  weft_session_set_visible_range (fx.session, ST (9), ST (13));
  g_assert_true (weft_search_bar_next (fx.bar));
  assert_at (&fx, &fx.order[3]);
  assert_rank (&fx, 4);
  fixture_close (&fx);
}

int
main (int argc, char **argv)
{
  gboolean display = gui_app_setup (&argc, &argv);

  g_test_add_func ("/weft/gui/search/match", test_match);
  g_test_add_func ("/weft/gui/search/result", test_result);
  if (!display)
    {
      g_test_add_func ("/weft/gui/search/skipped", gui_test_skip_no_display);
      return g_test_run ();
    }
  g_test_add_func ("/weft/gui/search/walk", test_walk);
  g_test_add_func ("/weft/gui/search/walk-unindexed", test_walk_unindexed);
  g_test_add_func ("/weft/gui/search/from-view", test_from_view);
  return gui_app_run ();
}
