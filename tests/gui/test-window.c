/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The viewer's window, real and on a display: opening good, corrupt,
 * truncated and missing files, cancelling, drag and drop, search, recent
 * files and the saved window size.
 */
#include "weft-config.h"

#include <string.h>

#include "gui-app-util.h"
#include "weft-recent.h"
#include "weft-search-bar.h"
#include "weft-span-list.h"
#include "weft-summary-view.h"
#include "weft-trace-view.h"
#include "weft-trace-file.h"

static char *
write_file (const char *name, const char *contents, gssize len)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  return path;
}

/* What the error page must say: the reader's own one-line message. */
static void
assert_error_page (WeftWindow *window, const char *path, const char *display_name)
{
  AdwStatusPage *page = TEMPLATE_CHILD (window, WEFT_TYPE_WINDOW, "error_page");
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_trace_file_open (path, NULL, &error);
  g_autofree char *title = g_strdup_printf ("Could Not Open “%s”", display_name);
  g_autofree char *escaped = NULL;
  const char *description = adw_status_page_get_description (page);

  g_assert_null (reader);
  g_assert_nonnull (error);
  g_assert_cmpstr (page_of (window), ==, "failed");
  g_assert_cmpstr (adw_status_page_get_title (page), ==, title);
  /* The page starts the message with a capital, the rest is the reader's. */
  escaped = g_markup_escape_text (error->message, -1);
  g_assert_cmpuint (strlen (description), ==, strlen (escaped));
  g_assert_cmpint (g_ascii_toupper (escaped[0]), ==, description[0]);
  g_assert_cmpstr (description + 1, ==, escaped + 1);
  g_assert_null (weft_session_get_document (weft_window_get_session (window)));
  g_assert_true (weft_window_is_empty (window));
}

/* A template child of the window's trace view. */
static gpointer
trace_child (WeftWindow *window, const char *name)
{
  GtkWidget *view = TEMPLATE_CHILD (window, WEFT_TYPE_WINDOW, "trace_view");

  return TEMPLATE_CHILD (view, WEFT_TYPE_TRACE_VIEW, name);
}

static const char *
card_value (WeftWindow *window, const char *card)
{
  GtkWidget *view = find_type (GTK_WIDGET (window), WEFT_TYPE_SUMMARY_VIEW);
  GtkWidget *widget = find_named (view, card);

  g_assert_nonnull (widget);
  return first_label_text (widget);
}

static void
test_empty (void)
{
  WeftWindow *window = new_window ();
  AdwWindowTitle *title = TEMPLATE_CHILD (window, WEFT_TYPE_WINDOW, "window_title");

  run_idle ();
  g_assert_cmpstr (page_of (window), ==, "empty");
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "Weft");
  g_assert_true (weft_window_is_empty (window));
  /* Nothing to find yet: win.find is disabled and does nothing. */
  g_assert_false (gtk_widget_get_sensitive (TEMPLATE_CHILD (window, WEFT_TYPE_WINDOW, "search_button")));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL);
  g_assert_false (gtk_search_bar_get_search_mode (
      GTK_SEARCH_BAR (find_type (GTK_WIDGET (window), GTK_TYPE_SEARCH_BAR))));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_open_good (void)
{
  g_autofree char *path = sample_trace_write (tmpdir, "good.weft", 0);
  WeftWindow *window = open_path (path);
  WeftSession *session = weft_window_get_session (window);
  GtkWidget *view = find_type (GTK_WIDGET (window), WEFT_TYPE_SUMMARY_VIEW);
  AdwWindowTitle *title = TEMPLATE_CHILD (window, WEFT_TYPE_WINDOW, "window_title");
  g_autofree char *events = g_strdup_printf ("%u", SAMPLE_EVENTS);
  g_autofree char *threads = g_strdup_printf ("%u", SAMPLE_THREADS);
  g_autofree char *processes = g_strdup_printf ("%u", SAMPLE_PROCESSES);

  g_assert_cmpstr (page_of (window), ==, "trace");
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "good.weft");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, tmpdir);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "good.weft");
  g_assert_false (weft_window_is_empty (window));

  /* The facts, as the page shows them. */
  g_assert_cmpstr (card_value (window, "duration"), ==, "2.50 ms");
  g_assert_cmpstr (card_value (window, "events"), ==, events);
  g_assert_cmpstr (card_value (window, "threads"), ==, threads);
  g_assert_cmpstr (card_value (window, "processes"), ==, processes);
  g_assert_cmpstr (card_value (window, "cpus"), ==, "4");
  g_assert_null (find_named (view, "lost"));
  g_assert_true (has_label (view, "bank threads --workers 2"));
  g_assert_true (has_label (view, "testhost"));
  g_assert_true (has_label (view, "Test CPU"));
  g_assert_true (has_label (view, "Weft 0.1.0"));
  g_assert_true (has_label (view, "Not recorded: recorded without weft record"));
  g_assert_true (has_label (view, "Weft trace"));
  g_assert_true (has_label (view, "bank"));
  g_assert_true (has_label (view, "worker"));
  g_assert_true (has_label (view, "PID 100"));
  g_assert_true (has_label (view, "3 threads, 3.00 ms on a CPU (estimated)"));
  g_assert_true (has_label (view, "1 thread, 0 ns on a CPU (estimated)"));
  g_assert_true (has_label (view, weft_document_get_stats (weft_session_get_document (session))->verdict));
  g_assert_false (gtk_revealer_get_reveal_child (
      trace_child (window, "damage_revealer")));

  /* The session every part binds to. */
  g_assert_nonnull (weft_session_get_document (session));
  g_assert_cmpuint (weft_session_get_duration (session), ==, SAMPLE_DURATION);
  g_assert_cmpuint (weft_session_get_visible_start (session), ==, 0);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, SAMPLE_DURATION);
  g_assert_false (weft_session_get_has_selection (session));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_open_corrupt (void)
{
  static const char garbage[] = "this is not a trace, only some text\n";
  g_autofree char *path = write_file ("corrupt.weft", garbage, sizeof garbage - 1);
  WeftWindow *window = open_path (path);

  assert_error_page (window, path, "corrupt.weft");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_open_empty_file (void)
{
  g_autofree char *path = write_file ("empty.weft", "", 0);
  WeftWindow *window = open_path (path);

  assert_error_page (window, path, "empty.weft");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_open_missing (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "no-such-file.weft", NULL);
  WeftWindow *window = open_path (path);

  assert_error_page (window, path, "no-such-file.weft");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A header and then garbage: the magic is right, nothing after it is. */
static void
test_open_bad_header (void)
{
  g_autofree char *good = sample_trace_write (tmpdir, "for-header.weft", 0);
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  gsize len;
  WeftWindow *window;

  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 64);
  memset (contents + 32, 0x5a, len - 32);
  path = write_file ("scrambled.weft", contents, len);
  window = open_path (path);
  assert_error_page (window, path, "scrambled.weft");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A file cut short: the intact part is shown with a note of the loss. */
static void
test_open_truncated (void)
{
  g_autofree char *good = sample_trace_write (tmpdir, "long.weft", 4000);
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  gsize len;
  WeftWindow *window;
  WeftDocument *document;
  const char *damage;
  const char *label;
  guint64 events;

  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  path = write_file ("truncated.weft", contents, len / 2 + 5);
  window = open_path (path);

  g_assert_cmpstr (page_of (window), ==, "trace");
  document = weft_session_get_document (weft_window_get_session (window));
  damage = weft_document_get_damage (document);
  g_assert_nonnull (damage);
  g_assert_true (gtk_revealer_get_reveal_child (
      trace_child (window, "damage_revealer")));
  label = gtk_label_get_text (trace_child (window, "damage_label"));
  g_assert_true (g_str_has_prefix (label, "This trace is damaged and only partly shown: "));
  g_assert_nonnull (strstr (label, damage));

  /* Some of the events, not all, and the counts say so. */
  events = weft_document_get_facts (document)->n_events;
  g_assert_cmpuint (events, >, 0);
  g_assert_cmpuint (events, <, SAMPLE_EVENTS + 2 * 4000);
  {
    g_autofree char *shown = g_strdup_printf ("%" G_GUINT64_FORMAT, events);

    g_assert_cmpstr (card_value (window, "events"), ==, shown);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_cancel (void)
{
  g_autofree char *path = sample_trace_write (tmpdir, "cancelled.weft", 0);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  WeftWindow *window = new_window ();

  weft_window_load (window, file);
  g_assert_cmpstr (page_of (window), ==, "loading");
  /* Opening reports no progress: the bar pulses and says why. */
  g_assert_cmpstr (gtk_progress_bar_get_text (TEMPLATE_CHILD (window, WEFT_TYPE_WINDOW, "progress_bar")),
                   ==, "Reading the file…");
  /* Cancelled before the worker's result is delivered: the result, even
   * if complete, is dropped (GTask checks the cancellable on return). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-load", NULL));
  run_until (not_loading, window);
  g_assert_cmpstr (page_of (window), ==, "empty");
  g_assert_null (weft_session_get_document (weft_window_get_session (window)));
  g_assert_true (weft_window_is_empty (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A second load replaces the first: only the second one shows. */
static void
test_replace_load (void)
{
  g_autofree char *first = sample_trace_write (tmpdir, "first.weft", 2000);
  g_autofree char *second = sample_trace_write (tmpdir, "second.weft", 0);
  g_autoptr (GFile) first_file = g_file_new_for_path (first);
  g_autoptr (GFile) second_file = g_file_new_for_path (second);
  WeftWindow *window = new_window ();
  WeftDocument *document;

  weft_window_load (window, first_file);
  weft_window_load (window, second_file);
  run_until (not_loading, window);
  /* The first one's callback comes too; let it, and see it changes nothing. */
  for (guint i = 0; i < 20; i++)
    {
      g_usleep (10000);
      run_idle ();
    }
  g_assert_cmpstr (page_of (window), ==, "trace");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "second.weft");
  document = weft_session_get_document (weft_window_get_session (window));
  g_assert_true (g_file_equal (weft_document_get_file (document), second_file));
  g_assert_cmpuint (weft_document_get_facts (document)->n_events, ==, SAMPLE_EVENTS);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A failed window takes the next file itself. */
static void
test_reopen_after_error (void)
{
  g_autofree char *bad = write_file ("bad-then-good.weft", "nope", 4);
  g_autofree char *good = sample_trace_write (tmpdir, "after-error.weft", 0);
  g_autoptr (GFile) file = g_file_new_for_path (good);
  WeftWindow *window = open_path (bad);

  g_assert_cmpstr (page_of (window), ==, "failed");
  weft_application_open_files (app, &file, 1, window);
  run_until (not_loading, window);
  g_assert_cmpstr (page_of (window), ==, "trace");
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_open_files_windows (void)
{
  g_autofree char *a = sample_trace_write (tmpdir, "a.weft", 0);
  g_autofree char *b = sample_trace_write (tmpdir, "b.weft", 0);
  GFile *files[2] = { g_file_new_for_path (a), g_file_new_for_path (b) };
  WeftWindow *window = new_window ();
  GList *windows;

  weft_application_open_files (app, files, 2, window);
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 2);
  for (GList *l = windows; l != NULL; l = l->next)
    run_until (not_loading, l->data);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "a.weft");

  /* A window showing a trace sends the next one to a new window. */
  weft_application_open_files (app, &files[1], 1, window);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 3);
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    {
      run_until (not_loading, windows->data);
      g_assert_cmpstr (page_of (windows->data), ==, "trace");
      gtk_window_destroy (windows->data);
    }
  g_object_unref (files[0]);
  g_object_unref (files[1]);
}

static void
test_drop (void)
{
  g_autofree char *path = sample_trace_write (tmpdir, "dropped.weft", 0);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  WeftWindow *window = new_window ();
  GtkWidget *stack = TEMPLATE_CHILD (window, WEFT_TYPE_WINDOW, "stack");
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (stack);
  GtkDropTarget *target = NULL;
  g_auto (GValue) value = G_VALUE_INIT;
  GSList list = { file, NULL };
  gboolean accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);
  g_assert_true (gdk_content_formats_contain_gtype (gtk_drop_target_get_formats (target),
                                                    GDK_TYPE_FILE_LIST));

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (&list));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_assert_true (accepted);
  run_until (not_loading, window);
  g_assert_cmpstr (page_of (window), ==, "trace");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "dropped.weft");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
search_text_is (gpointer data)
{
  WeftWindow *window = data;

  return g_strcmp0 (weft_session_get_search_text (weft_window_get_session (window)),
                    g_object_get_data (G_OBJECT (window), "expected")) == 0;
}

/* The span list's group title and row titles, as shown. */
static GPtrArray *
span_rows (WeftWindow *window, const char **group_title)
{
  GtkWidget *view = find_type (GTK_WIDGET (window), WEFT_TYPE_SUMMARY_VIEW);
  GtkWidget *list = find_type (view, WEFT_TYPE_SPAN_LIST);
  GtkWidget *group = find_type (list, ADW_TYPE_PREFERENCES_GROUP);
  GPtrArray *titles = g_ptr_array_new ();

  g_assert_nonnull (group);
  g_assert_true (gtk_widget_get_visible (group));
  *group_title = adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group));
  collect_row_titles (list, titles);
  return titles;
}

static void
test_search (void)
{
  g_autofree char *path = sample_trace_write (tmpdir, "search.weft", 0);
  WeftWindow *window = open_path (path);
  /* One search bar in the window: the trace view's (weft-search-bar.h). */
  GtkWidget *search = find_type (GTK_WIDGET (window), WEFT_TYPE_SEARCH_BAR);
  GtkSearchBar *bar = GTK_SEARCH_BAR (find_type (search, GTK_TYPE_SEARCH_BAR));
  GtkEditable *entry = GTK_EDITABLE (find_type (search, GTK_TYPE_SEARCH_ENTRY));

  const char *group_title;
  g_autoptr (GPtrArray) rows = span_rows (window, &group_title);

  /* (The group title reads as shown: its label parses the markup.)
   * Before a search: the top spans by time with nested ones, "main"
   * (2.5 ms) before "transfer" (0.5 ms). */
  g_assert_cmpstr (group_title, ==, "Spans");
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (rows->pdata[0], ==, "main");
  g_assert_cmpstr (rows->pdata[1], ==, "transfer");
  g_clear_pointer (&rows, g_ptr_array_unref);

  g_assert_false (gtk_search_bar_get_search_mode (bar));
  g_assert_true (gtk_widget_get_sensitive (TEMPLATE_CHILD (window, WEFT_TYPE_WINDOW, "search_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL));
  g_assert_true (gtk_search_bar_get_search_mode (bar));

  gtk_editable_set_text (entry, "transfer");
  g_object_set_data (G_OBJECT (window), "expected", (gpointer) "transfer");
  run_until (search_text_is, window);
  rows = span_rows (window, &group_title);
  g_assert_cmpstr (group_title, ==, "Spans Matching “transfer”");
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (rows->pdata[0], ==, "<b>transfer</b>");
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Case does not matter; the match keeps the name's own case. */
  gtk_editable_set_text (entry, "AI");
  g_object_set_data (G_OBJECT (window), "expected", (gpointer) "AI");
  run_until (search_text_is, window);
  rows = span_rows (window, &group_title);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (rows->pdata[0], ==, "m<b>ai</b>n");
  g_clear_pointer (&rows, g_ptr_array_unref);

  gtk_editable_set_text (entry, "<none>");
  g_object_set_data (G_OBJECT (window), "expected", (gpointer) "<none>");
  run_until (search_text_is, window);
  rows = span_rows (window, &group_title);
  g_assert_cmpstr (group_title, ==, "Spans Matching “<none>”");
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (rows->pdata[0], ==, "No span has this in its name");
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Closing the bar ends the search. */
  gtk_search_bar_set_search_mode (bar, FALSE);
  g_assert_cmpstr (weft_session_get_search_text (weft_window_get_session (window)), ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_recent (void)
{
  g_autofree char *path = sample_trace_write (tmpdir, "recent_one.weft", 0);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  WeftWindow *window = open_path (path);
  WeftWindow *other;
  GMenuModel *menu;
  GList *items;
  g_autofree char *label = NULL;
  g_autofree char *action = NULL;
  g_autoptr (GVariant) target = NULL;
  gboolean found = FALSE;

  run_idle ();
  items = weft_recent_get_items (0);
  for (GList *l = items; l != NULL; l = l->next)
    found = found || g_str_equal (gtk_recent_info_get_uri (l->data), uri);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  g_assert_true (found);

  /* The Open button's menu of a new window lists it first, underscore
   * doubled (menu labels take mnemonics), opening it through win.open-uri. */
  other = new_window ();
  menu = TEMPLATE_CHILD (other, WEFT_TYPE_WINDOW, "recent_menu");
  g_assert_cmpint (g_menu_model_get_n_items (menu), >=, 1);
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  g_assert_cmpstr (label, ==, "recent__one.weft");
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action));
  g_assert_cmpstr (action, ==, "win.open-uri");
  target = g_menu_model_get_item_attribute_value (menu, 0, G_MENU_ATTRIBUTE_TARGET,
                                                  G_VARIANT_TYPE_STRING);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, uri);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (other), "win.open-uri", "s", uri));
  run_until (not_loading, other);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (other)), ==, "recent_one.weft");

  gtk_window_destroy (GTK_WINDOW (other));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_size_saved (void)
{
  WeftWindow *window = new_window ();
  g_autoptr (GSettings) settings = g_settings_new ("org.weft.Weft");

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  run_idle ();
  gtk_window_close (GTK_WINDOW (window));
  run_idle ();
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);

  /* The next window starts at that size. */
  window = new_window ();
  {
    int width, height;

    gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
    g_assert_cmpint (width, ==, 900);
    g_assert_cmpint (height, ==, 700);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static void
test_forget_recent (void)
{
  g_autofree char *path = sample_trace_write (tmpdir, "forgotten.weft", 0);
  WeftWindow *window = open_path (path);
  WeftWindow *other;
  GList *items;

  run_idle ();
  items = weft_recent_get_items (0);
  g_assert_nonnull (items);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);

  weft_recent_clear ();
  run_idle ();
  g_assert_null (weft_recent_get_items (0));

  /* The menu says so rather than showing nothing. */
  other = new_window ();
  {
    GMenuModel *menu = TEMPLATE_CHILD (other, WEFT_TYPE_WINDOW, "recent_menu");
    g_autofree char *label = NULL;

    g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 1);
    g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));
    g_assert_cmpstr (label, ==, "No Recent Traces");
  }
  gtk_window_destroy (GTK_WINDOW (other));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  if (!gui_app_setup (&argc, &argv))
    {
      g_test_add_func ("/weft/gui/window/no-display", gui_test_skip_no_display);
      return gui_app_run ();
    }

  g_test_add_func ("/weft/gui/window/empty", test_empty);
  g_test_add_func ("/weft/gui/window/open-good", test_open_good);
  g_test_add_func ("/weft/gui/window/open-corrupt", test_open_corrupt);
  g_test_add_func ("/weft/gui/window/open-empty-file", test_open_empty_file);
  g_test_add_func ("/weft/gui/window/open-missing", test_open_missing);
  g_test_add_func ("/weft/gui/window/open-bad-header", test_open_bad_header);
  g_test_add_func ("/weft/gui/window/open-truncated", test_open_truncated);
  g_test_add_func ("/weft/gui/window/cancel", test_cancel);
  g_test_add_func ("/weft/gui/window/replace-load", test_replace_load);
  g_test_add_func ("/weft/gui/window/reopen-after-error", test_reopen_after_error);
  g_test_add_func ("/weft/gui/window/open-files-windows", test_open_files_windows);
  g_test_add_func ("/weft/gui/window/drop", test_drop);
  g_test_add_func ("/weft/gui/window/search", test_search);
  g_test_add_func ("/weft/gui/window/recent", test_recent);
  g_test_add_func ("/weft/gui/window/size-saved", test_size_saved);
  g_test_add_func ("/weft/gui/window/forget-recent", test_forget_recent);
  return gui_app_run ();
}
