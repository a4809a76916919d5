/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * WeftSession: the visible range and the selection every view binds to,
 * clamped to the document, with exact notifications.
 */
#include "weft-config.h"

#include "gui-util.h"
#include "weft-session.h"

static char *tmpdir;

typedef struct
{
  guint visible_start, visible_end, selection, has_selection, document, search;
} Notes;

static void
on_notify (GObject *object, GParamSpec *pspec, Notes *notes)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "visible-start"))
    notes->visible_start++;
  else if (g_str_equal (name, "visible-end"))
    notes->visible_end++;
  else if (g_str_equal (name, "selection-start") || g_str_equal (name, "selection-end"))
    notes->selection++;
  else if (g_str_equal (name, "has-selection"))
    notes->has_selection++;
  else if (g_str_equal (name, "document"))
    notes->document++;
  else if (g_str_equal (name, "search-text"))
    notes->search++;
}

static WeftDocument *
load_sample (void)
{
  g_autofree char *path = sample_trace_write (tmpdir, "session.weft", 0);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  WeftDocument *document = weft_document_load (file, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (document);
  return document;
}

static void
assert_visible (WeftSession *session, guint64 start, guint64 end)
{
  g_assert_cmpuint (weft_session_get_visible_start (session), ==, start);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, end);
}

static void
test_no_document (void)
{
  g_autoptr (WeftSession) session = weft_session_new ();

  g_assert_null (weft_session_get_document (session));
  g_assert_cmpuint (weft_session_get_duration (session), ==, 0);
  weft_session_set_visible_range (session, 10, 20);
  assert_visible (session, 0, 0);
  weft_session_set_selection (session, 10, 20);
  g_assert_false (weft_session_get_has_selection (session));
  g_assert_cmpstr (weft_session_get_search_text (session), ==, "");
}

static void
test_document (void)
{
  g_autoptr (WeftSession) session = weft_session_new ();
  g_autoptr (WeftDocument) document = load_sample ();
  Notes notes = { 0 };
  guint64 duration = 0;

  g_signal_connect (session, "notify", G_CALLBACK (on_notify), &notes);
  weft_session_set_selection (session, 1, 2);
  weft_session_set_document (session, document);
  g_assert_true (weft_session_get_document (session) == document);
  g_assert_cmpuint (notes.document, ==, 1);
  g_assert_cmpuint (notes.visible_end, ==, 1);
  g_assert_cmpuint (notes.visible_start, ==, 0); /* was 0 already */
  assert_visible (session, 0, SAMPLE_DURATION);
  g_object_get (session, "duration", &duration, NULL);
  g_assert_cmpuint (duration, ==, SAMPLE_DURATION);

  /* The same document again changes nothing. */
  weft_session_set_document (session, document);
  g_assert_cmpuint (notes.document, ==, 1);

  weft_session_set_selection (session, 100, 200);
  weft_session_set_document (session, NULL);
  g_assert_false (weft_session_get_has_selection (session));
  assert_visible (session, 0, 0);
  g_assert_cmpuint (notes.document, ==, 2);
}

static void
test_visible_range (void)
{
  g_autoptr (WeftSession) session = weft_session_new ();
  g_autoptr (WeftDocument) document = load_sample ();
  Notes notes = { 0 };

  weft_session_set_document (session, document);
  g_signal_connect (session, "notify", G_CALLBACK (on_notify), &notes);

  weft_session_set_visible_range (session, 1000, 2000);
  assert_visible (session, 1000, 2000);
  g_assert_cmpuint (notes.visible_start, ==, 1);
  g_assert_cmpuint (notes.visible_end, ==, 1);

  /* Reversed ends are ordered. */
  weft_session_set_visible_range (session, 5000, 3000);
  assert_visible (session, 3000, 5000);

  /* Past the end: slid back inside, width kept. */
  weft_session_set_visible_range (session, SAMPLE_DURATION - 100, SAMPLE_DURATION + 900);
  assert_visible (session, SAMPLE_DURATION - 1000, SAMPLE_DURATION);

  /* Wider than the trace: all of it. */
  weft_session_set_visible_range (session, 0, G_MAXUINT64);
  assert_visible (session, 0, SAMPLE_DURATION);

  /* Narrower than the minimum: widened around its middle. */
  weft_session_set_visible_range (session, 10000, 10010);
  assert_visible (session, 10005 - WEFT_SESSION_MIN_VISIBLE_NS / 2,
                  10005 + WEFT_SESSION_MIN_VISIBLE_NS / 2);
  weft_session_set_visible_range (session, 0, 0);
  assert_visible (session, 0, WEFT_SESSION_MIN_VISIBLE_NS);

  /* The properties, as a binding sets them: one end moves (the range is
   * ordered as in weft_session_set_visible_range). */
  g_object_set (session, "visible-start", (guint64) 2000, NULL);
  assert_visible (session, WEFT_SESSION_MIN_VISIBLE_NS, 2000);
  g_object_set (session, "visible-end", (guint64) 9000, NULL);
  assert_visible (session, WEFT_SESSION_MIN_VISIBLE_NS, 9000);

  notes.visible_start = notes.visible_end = 0;
  weft_session_zoom_to_fit (session);
  assert_visible (session, 0, SAMPLE_DURATION);
  g_assert_cmpuint (notes.visible_start, ==, 1);
  g_assert_cmpuint (notes.visible_end, ==, 1);
  weft_session_zoom_to_fit (session);
  g_assert_cmpuint (notes.visible_start, ==, 1);
}

static void
test_selection (void)
{
  g_autoptr (WeftSession) session = weft_session_new ();
  g_autoptr (WeftDocument) document = load_sample ();
  Notes notes = { 0 };
  gboolean has = FALSE;

  weft_session_set_document (session, document);
  g_signal_connect (session, "notify", G_CALLBACK (on_notify), &notes);

  weft_session_set_selection (session, 300, 100);
  g_assert_true (weft_session_get_has_selection (session));
  g_assert_cmpuint (weft_session_get_selection_start (session), ==, 100);
  g_assert_cmpuint (weft_session_get_selection_end (session), ==, 300);
  g_assert_cmpuint (notes.has_selection, ==, 1);
  g_assert_cmpuint (notes.selection, ==, 2);
  g_object_get (session, "has-selection", &has, NULL);
  g_assert_true (has);

  weft_session_set_selection (session, 1000, SAMPLE_DURATION * 2);
  g_assert_cmpuint (weft_session_get_selection_end (session), ==, SAMPLE_DURATION);

  /* Empty after clamping: no selection. */
  weft_session_set_selection (session, SAMPLE_DURATION + 5, SAMPLE_DURATION + 10);
  g_assert_false (weft_session_get_has_selection (session));
  g_assert_cmpuint (weft_session_get_selection_start (session), ==, 0);
  g_assert_cmpuint (weft_session_get_selection_end (session), ==, 0);
  g_assert_cmpuint (notes.has_selection, ==, 2);

  weft_session_set_selection (session, 10, 20);
  weft_session_clear_selection (session);
  g_assert_false (weft_session_get_has_selection (session));
  notes.has_selection = 0;
  weft_session_clear_selection (session);
  g_assert_cmpuint (notes.has_selection, ==, 0);
}

static void
test_search_text (void)
{
  g_autoptr (WeftSession) session = weft_session_new ();
  Notes notes = { 0 };
  g_autofree char *text = NULL;

  g_signal_connect (session, "notify", G_CALLBACK (on_notify), &notes);
  weft_session_set_search_text (session, "transfer");
  weft_session_set_search_text (session, "transfer");
  g_assert_cmpuint (notes.search, ==, 1);
  g_object_get (session, "search-text", &text, NULL);
  g_assert_cmpstr (text, ==, "transfer");
  weft_session_set_search_text (session, NULL);
  g_assert_cmpstr (weft_session_get_search_text (session), ==, "");
  g_assert_cmpuint (notes.search, ==, 2);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("weft-test-session-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/weft/gui/session/no-document", test_no_document);
  g_test_add_func ("/weft/gui/session/document", test_document);
  g_test_add_func ("/weft/gui/session/visible-range", test_visible_range);
  g_test_add_func ("/weft/gui/session/selection", test_selection);
  g_test_add_func ("/weft/gui/session/search-text", test_search_text);
  status = g_test_run ();

  rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
