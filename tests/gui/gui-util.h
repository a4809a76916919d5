/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gui-util.h: what the viewer's tests share: isolated set-up (XDG dirs,
 * fonts, no session bus), a sample trace with known facts, and finding
 * widgets in a real window.
 */
#pragma once

#include <glib/gstdio.h>
#include <adwaita.h>
#include <gtk/gtk.h>

#include "weft-builder.h"

/* Removes a directory tree (the tests' own temporary ones). */
static inline void
rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          rm_rf (child);
        }
      if (dir != NULL)
        g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* Before GTK: a home and XDG user dirs of the test's own (recent files,
 * caches), DejaVu only, and no D-Bus session bus (GApplication would
 * autolaunch one and leave it running). Not G_TEST_OPTION_ISOLATE_DIRS:
 * it also hides the system data dirs, and with them the MIME database
 * and the icon theme GTK needs. Returns the directory to rm_rf(). */
static inline char *
gui_test_init (int *argc, char ***argv)
{
  static const char *const vars[][2] = {
    { "HOME", "home" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *fonts = NULL;
  char *root = g_dir_make_tmp ("weft-test-gui-XXXXXX", &error);

  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (root, vars[i][1], NULL);

      g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
      g_setenv (vars[i][0], dir, TRUE);
    }
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/weft-test-bus", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (argc, argv, NULL);
  fonts = g_test_build_filename (G_TEST_DIST, "gui", "fonts.conf", NULL);
  g_setenv ("FONTCONFIG_FILE", fonts, TRUE);
  return root;
}

/* Whether a display is there; tests needing one skip without it. */
static inline gboolean
gui_test_have_display (void)
{
  return g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL;
}

/* The one test registered when there is no display, saying so. */
static inline void
gui_test_skip_no_display (void)
{
  g_test_skip ("no display (build-aux/test runs the tests under xvfb-run)");
}

/* The sample trace: two processes, four threads, nine events over
 * 2.5 ms; the facts below are what every view of it must say. */
#define SAMPLE_T0 G_GUINT64_CONSTANT (1000000000)
#define SAMPLE_DURATION G_GUINT64_CONSTANT (2500000)
#define SAMPLE_EVENTS 9
#define SAMPLE_THREADS 4
#define SAMPLE_PROCESSES 2

static inline void
sample_metadata (WeftBuilder *b)
{
  weft_builder_set_metadata (b, "command", "bank threads --workers 2");
  weft_builder_set_metadata (b, "hostname", "testhost");
  weft_builder_set_metadata (b, "start_time", "2026-01-02T03:04:05.000Z");
  weft_builder_set_metadata (b, "kernel", "Linux 6.1.0");
  weft_builder_set_metadata (b, "cpu_model", "Test CPU");
  weft_builder_set_metadata (b, "cpu_count", "4");
  weft_builder_set_metadata (b, "weft_version", "0.1.0");
  weft_builder_set_metadata (b, "sched", "false");
  weft_builder_set_metadata (b, "sched_reason", "recorded without weft record");
  weft_builder_set_metadata (b, "source", "weft");
}

/* Writes the sample trace (extra spans on thread 101 when extra > 0, in
 * small chunks, to make a file worth truncating). Returns its path. */
static inline char *
sample_trace_write (const char *dir, const char *name, guint extra)
{
  char *path = g_build_filename (dir, name, NULL);
  WeftBuilder *b = weft_builder_new (path);
  WeftBuilderStream s100, s101, s102, s200;
  const guint64 t0 = SAMPLE_T0;

  g_assert_nonnull (b);
  if (extra > 0)
    weft_builder_set_chunk_size (b, 256);
  sample_metadata (b);
  s100 = weft_builder_thread (b, 100, 100);
  s101 = weft_builder_thread (b, 100, 101);
  s102 = weft_builder_thread (b, 100, 102);
  s200 = weft_builder_thread (b, 200, 200);

  weft_builder_process_name (b, s100, t0, "bank");
  weft_builder_thread_name (b, s100, t0, "main");
  weft_builder_span_begin (b, s100, t0, "main");
  weft_builder_span_end (b, s100, t0 + SAMPLE_DURATION);

  weft_builder_span_begin (b, s101, t0 + 100000, "transfer");
  weft_builder_span_end (b, s101, t0 + 600000);
  weft_builder_instant (b, s101, t0 + 700000, "tick");
  for (guint i = 0; i < extra; i++)
    {
      weft_builder_span_begin (b, s101, t0 + 700000 + i * 100, "audit");
      weft_builder_span_end (b, s101, t0 + 700000 + i * 100 + 50);
    }

  weft_builder_lock_wait (b, s102, t0 + 200000, 0xabc0);
  weft_builder_lock_acquired (b, s102, t0 + 300000, 0xabc0);
  weft_builder_lock_released (b, s102, t0 + 400000, 0xabc0);

  weft_builder_process_name (b, s200, t0 + 50000, "worker");
  weft_builder_counter (b, s200, t0 + 1000000, "rss", 1234.0);

  g_assert_cmpint (weft_builder_finish (b), ==, 0);
  return path;
}

/* A named template child of a widget. */
#define TEMPLATE_CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), (type), (name)))

/* The first descendant of root with this widget name (gtk_widget_set_name). */
static inline GtkWidget *
find_named (GtkWidget *root, const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_strcmp0 (gtk_widget_get_name (child), name) == 0)
        return child;
      if ((found = find_named (child, name)) != NULL)
        return found;
    }
  return NULL;
}

/* The text of the first label inside widget. */
static inline const char *
first_label_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text = first_label_text (child);

      if (text != NULL)
        return text;
    }
  return NULL;
}

/* Whether any label under widget shows exactly text. */
static inline gboolean
has_label (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

/* The titles of the AdwPreferencesRows under widget, in order. */
static inline void
collect_row_titles (GtkWidget *widget, GPtrArray *titles)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (ADW_IS_PREFERENCES_ROW (child))
        g_ptr_array_add (titles, (gpointer) adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)));
      collect_row_titles (child, titles);
    }
}

/* The first descendant of root of this type. */
static inline GtkWidget *
find_type (GtkWidget *root, GType type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_type (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
gui_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until done (data) returns TRUE; fails after 20 s. */
static inline void
run_until (gboolean (*done) (gpointer data), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (20, gui_tick, NULL);

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

/* A few turns of the main loop, for what GTK does on idle. */
static inline void
run_idle (void)
{
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

