/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Export… in a real window: win.export opens the dialog only with a
 * trace; the dialog writes the picture weft_render_export writes for the
 * same range, SVG and PDF, Chrome JSON that imports back with the same
 * spans (only the visible range's when asked), and an unwritable path
 * gives a one-line message and leaves everything alive.
 */
#include "weft-config.h"

#include <string.h>

#include "gui-app-util.h"
#include "weft-export-dialog.h"
#include "weft-export.h"
#include "weft-render-export.h"
#include "weft-trace-file.h"

/* The golden images' tolerance (tests/render/test-golden.c). */
#define CHANNEL_TOLERANCE 16
#define MAX_DIFF_FRACTION 0.005

static gpointer
dialog_child (WeftExportDialog *dialog, const char *name)
{
  return TEMPLATE_CHILD (dialog, WEFT_TYPE_EXPORT_DIALOG, name);
}

/* The export dialog over window, if one is open. */
static WeftExportDialog *
find_dialog (WeftWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* borrowed */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (toplevels, i);

      if (WEFT_IS_EXPORT_DIALOG (item)
          && gtk_window_get_transient_for (GTK_WINDOW (item)) == GTK_WINDOW (window))
        return WEFT_EXPORT_DIALOG (item);
    }
  return NULL;
}

/* Opens the dialog through the action, as Ctrl+E and the button do. */
static WeftExportDialog *
open_dialog (WeftWindow *window)
{
  WeftExportDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  run_idle ();
  dialog = find_dialog (window);
  g_assert_nonnull (dialog);
  return dialog;
}

/* The header bar's Export button: the button whose action is win.export. */
static GtkWidget *
find_export_button (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_ACTIONABLE (child)
          && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), "win.export") == 0)
        return child;
      if ((found = find_export_button (child)) != NULL)
        return found;
    }
  return NULL;
}

static void
select_item (AdwComboRow *row, const char *text)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), text) == 0)
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  g_error ("no item “%s”", text);
}

static void
set_size (WeftExportDialog *dialog, int width, int height, guint scale)
{
  gtk_spin_button_set_value (dialog_child (dialog, "width_spin"), width);
  gtk_spin_button_set_value (dialog_child (dialog, "height_spin"), height);
  adw_combo_row_set_selected (dialog_child (dialog, "scale_row"), scale - 1);
}

static gboolean
not_busy (gpointer data)
{
  return !weft_export_dialog_is_busy (data);
}

/* Exports to path and waits; TRUE when the dialog closed (success). */
static gboolean
export_to (WeftExportDialog *dialog, WeftWindow *window, const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  GtkStack *stack = dialog_child (dialog, "stack");

  g_object_ref (dialog);
  weft_export_dialog_export_to (dialog, file);
  /* The visible state while the worker runs. */
  g_assert_true (weft_export_dialog_is_busy (dialog));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "exporting");
  g_assert_false (gtk_widget_get_sensitive (dialog_child (dialog, "export_button")));
  run_until (not_busy, dialog);
  run_idle ();
  g_object_unref (dialog);
  return find_dialog (window) == NULL;
}

static guint64
count_differences (cairo_surface_t *a, cairo_surface_t *b)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  const guint8 *pa = cairo_image_surface_get_data (a), *pb = cairo_image_surface_get_data (b);
  int sa = cairo_image_surface_get_stride (a), sb = cairo_image_surface_get_stride (b);
  guint64 n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 va = ((const guint32 *) (gconstpointer) (pa + y * sa))[x];
        guint32 vb = ((const guint32 *) (gconstpointer) (pb + y * sb))[x];
        guint d = 0;

        for (guint shift = 0; shift < 24; shift += 8)
          d = MAX (d, (guint) ABS ((int) ((va >> shift) & 0xff) - (int) ((vb >> shift) & 0xff)));
        n += d > CHANNEL_TOLERANCE;
      }
  return n;
}

/* What `weft export TRACE -o OUT --size WxH --scale S` draws, straight
 * from the renderer: a model and index of its own, titled as the CLI
 * titles it. */
static void
render_direct (const char *trace, const char *out, guint64 start, guint64 end, int width,
               int height, guint scale)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_trace_file_open (trace, NULL, &error);
  g_autoptr (WeftLod) lod = NULL;
  g_autoptr (WeftRenderer) renderer = NULL;
  g_autofree char *base = g_path_get_basename (trace);
  WeftImageOptions options;

  g_assert_no_error (error);
  lod = weft_lod_new_for_reader (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  renderer = weft_renderer_new (lod);
  if (weft_renderer_get_title (renderer) == NULL)
    weft_renderer_set_title (renderer, base);
  weft_image_options_init (&options, weft_lod_get_model (lod));
  options.start = start;
  options.end = end;
  options.width = width;
  options.height = height;
  options.scale = scale;
  g_assert_true (weft_render_export (renderer, out, WEFT_IMAGE_PNG, &options, &error));
  g_assert_no_error (error);
}

static char *
read_head (const char *path, gsize n)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >=, n);
  return g_strndup (contents, n);
}

/* The spans of a trace file (any format the viewer opens): their count,
 * and the names seen, in names (may be NULL). */
static guint64
count_spans (const char *path, GHashTable *names)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_trace_file_open (path, NULL, &error);
  g_autoptr (WeftModel) model = NULL;
  guint64 n = 0;

  g_assert_no_error (error);
  model = weft_model_new (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < weft_model_get_n_threads (model); i++)
    {
      const WeftModelThread *thread = weft_model_get_thread (model, i);

      n += thread->n_spans;
      for (guint64 s = 0; names != NULL && s < thread->n_spans; s++)
        g_hash_table_add (names, g_strdup (weft_model_get_name (model, thread->spans[s].name)));
    }
  return n;
}

static guint64
model_spans (WeftModel *model)
{
  guint64 n = 0;

  for (guint i = 0; i < weft_model_get_n_threads (model); i++)
    n += weft_model_get_thread (model, i)->n_spans;
  return n;
}

static void
test_disabled_without_document (void)
{
  WeftWindow *window = new_window ();

  run_idle ();
  /* The button follows the action's state. */
  g_assert_nonnull (find_export_button (GTK_WIDGET (window)));
  g_assert_false (gtk_widget_get_sensitive (find_export_button (GTK_WIDGET (window))));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL);
  run_idle ();
  g_assert_null (find_dialog (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
allocated (gpointer data)
{
  return gtk_widget_get_width (data) > 0;
}

static void
test_png_whole (void)
{
  g_autofree char *trace = sample_trace_write (tmpdir, "png.weft", 0);
  g_autofree char *out = g_build_filename (tmpdir, "whole.png", NULL);
  g_autofree char *direct = g_build_filename (tmpdir, "whole-direct.png", NULL);
  g_autofree char *hidpi = g_build_filename (tmpdir, "whole-2x.png", NULL);
  WeftWindow *window = open_path (trace);
  WeftExportDialog *dialog;
  cairo_surface_t *a, *b;
  guint64 bad;

  g_assert_cmpstr (page_of (window), ==, "trace");
  g_assert_true (gtk_widget_get_sensitive (find_export_button (GTK_WIDGET (window))));
  run_until (allocated, window);
  dialog = open_dialog (window);
  /* The image size starts as the window's. */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (dialog_child (dialog, "width_spin")), ==,
                   gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (dialog_child (dialog, "height_spin")), ==,
                   gtk_widget_get_height (GTK_WIDGET (window)));
  /* PNG by default, with its pixel scale. */
  g_assert_cmpuint (adw_combo_row_get_selected (dialog_child (dialog, "format_row")), ==,
                    WEFT_EXPORT_PNG);
  g_assert_true (gtk_widget_get_visible (dialog_child (dialog, "scale_row")));

  select_item (dialog_child (dialog, "extent_row"), "Whole Trace");
  g_assert_cmpstr (adw_action_row_get_subtitle (dialog_child (dialog, "extent_row")), ==,
                   "0 ns to 2.50 ms");
  set_size (dialog, 900, 600, 1);
  g_assert_true (export_to (dialog, window, out));

  render_direct (trace, direct, 0, SAMPLE_DURATION, 900, 600, 1);
  a = cairo_image_surface_create_from_png (out);
  b = cairo_image_surface_create_from_png (direct);
  g_assert_cmpint (cairo_surface_status (a), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_surface_status (b), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (a), ==, 900);
  g_assert_cmpint (cairo_image_surface_get_height (a), ==, 600);
  g_assert_cmpint (cairo_image_surface_get_width (b), ==, 900);
  g_assert_cmpint (cairo_image_surface_get_height (b), ==, 600);
  bad = count_differences (a, b);
  g_test_message ("%" G_GUINT64_FORMAT " of %d pixels differ", bad, 900 * 600);
  g_assert_cmpuint (bad, <=, (guint64) (900 * 600 * MAX_DIFF_FRACTION));
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);

  /* Scale 2: twice the pixels each way. */
  dialog = open_dialog (window);
  select_item (dialog_child (dialog, "extent_row"), "Whole Trace");
  set_size (dialog, 400, 300, 2);
  g_assert_true (export_to (dialog, window, hidpi));
  a = cairo_image_surface_create_from_png (hidpi);
  g_assert_cmpint (cairo_surface_status (a), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (a), ==, 800);
  g_assert_cmpint (cairo_image_surface_get_height (a), ==, 600);
  cairo_surface_destroy (a);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_svg_pdf (void)
{
  g_autofree char *trace = sample_trace_write (tmpdir, "vector.weft", 0);
  g_autofree char *svg = g_build_filename (tmpdir, "out.svg", NULL);
  g_autofree char *pdf = g_build_filename (tmpdir, "out.pdf", NULL);
  g_autofree char *svg_head = NULL;
  g_autofree char *pdf_head = NULL;
  WeftWindow *window = open_path (trace);
  WeftExportDialog *dialog = open_dialog (window);

  adw_combo_row_set_selected (dialog_child (dialog, "format_row"), WEFT_EXPORT_SVG);
  /* Vector pictures: no pixel scale, sizes in points. */
  g_assert_false (gtk_widget_get_visible (dialog_child (dialog, "scale_row")));
  g_assert_cmpstr (adw_action_row_get_subtitle (dialog_child (dialog, "width_row")), ==,
                   "Points");
  set_size (dialog, 640, 400, 1);
  g_assert_true (export_to (dialog, window, svg));
  svg_head = read_head (svg, 5);
  g_assert_cmpstr (svg_head, ==, "<?xml");

  dialog = open_dialog (window);
  adw_combo_row_set_selected (dialog_child (dialog, "format_row"), WEFT_EXPORT_PDF);
  set_size (dialog, 640, 400, 1);
  g_assert_true (export_to (dialog, window, pdf));
  pdf_head = read_head (pdf, 5);
  g_assert_cmpstr (pdf_head, ==, "%PDF-");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_json_whole (void)
{
  g_autofree char *trace = sample_trace_write (tmpdir, "json.weft", 40);
  g_autofree char *json = g_build_filename (tmpdir, "whole.json", NULL);
  g_autofree char *gz = g_build_filename (tmpdir, "whole.json.gz", NULL);
  g_autofree char *gz_head = NULL;
  WeftWindow *window = open_path (trace);
  WeftModel *model = weft_session_get_model (weft_window_get_session (window));
  WeftExportDialog *dialog = open_dialog (window);

  adw_combo_row_set_selected (dialog_child (dialog, "format_row"), WEFT_EXPORT_JSON);
  /* No image options for JSON. */
  g_assert_false (gtk_widget_get_visible (dialog_child (dialog, "image_group")));
  select_item (dialog_child (dialog, "extent_row"), "Whole Trace");
  g_assert_true (export_to (dialog, window, json));
  g_assert_cmpuint (model_spans (model), ==, 2 + 40);
  g_assert_cmpuint (count_spans (json, NULL), ==, model_spans (model));

  dialog = open_dialog (window);
  adw_combo_row_set_selected (dialog_child (dialog, "format_row"), WEFT_EXPORT_JSON_GZ);
  select_item (dialog_child (dialog, "extent_row"), "Whole Trace");
  g_assert_true (export_to (dialog, window, gz));
  gz_head = read_head (gz, 2);
  g_assert_cmpint ((guint8) gz_head[0], ==, 0x1f);
  g_assert_cmpint ((guint8) gz_head[1], ==, 0x8b);
  g_assert_cmpuint (count_spans (gz, NULL), ==, model_spans (model));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_json_visible_range (void)
{
  g_autofree char *trace = sample_trace_write (tmpdir, "range.weft", 0);
  g_autofree char *json = g_build_filename (tmpdir, "range.json", NULL);
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  WeftWindow *window = open_path (trace);
  WeftSession *session = weft_window_get_session (window);
  WeftExportDialog *dialog;

  run_idle ();
  /* 1 ms to 2 ms: "main" crosses it, "transfer" (0.1–0.6 ms) is before. */
  weft_session_set_visible_range (session, 1000000, 2000000);
  dialog = open_dialog (window);
  adw_combo_row_set_selected (dialog_child (dialog, "format_row"), WEFT_EXPORT_JSON);
  /* The visible range is the default without a selection. */
  g_assert_cmpstr (adw_action_row_get_subtitle (dialog_child (dialog, "extent_row")), ==,
                   "1.00 ms to 2.00 ms");
  g_assert_cmpuint (weft_session_get_visible_start (session), ==, 1000000);
  g_assert_cmpuint (weft_session_get_visible_end (session), ==, 2000000);
  g_assert_true (export_to (dialog, window, json));

  g_assert_cmpuint (count_spans (json, names), ==, 1);
  g_assert_true (g_hash_table_contains (names, "main"));
  g_assert_false (g_hash_table_contains (names, "transfer"));

  /* A selection is offered first, and exported when chosen. */
  weft_session_set_selection (session, 50000, 650000);
  dialog = open_dialog (window);
  adw_combo_row_set_selected (dialog_child (dialog, "format_row"), WEFT_EXPORT_JSON);
  g_assert_cmpstr (adw_action_row_get_subtitle (dialog_child (dialog, "extent_row")), ==,
                   "50.0 µs to 650 µs");
  g_hash_table_remove_all (names);
  g_assert_true (export_to (dialog, window, json));
  g_assert_cmpuint (count_spans (json, names), ==, 2);
  g_assert_true (g_hash_table_contains (names, "main"));
  g_assert_true (g_hash_table_contains (names, "transfer"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The pixel at (x, y) of a PNG image surface, as 0xRRGGBB. */
static guint32
pixel_at (cairo_surface_t *s, int x, int y)
{
  const guint8 *row = cairo_image_surface_get_data (s) + y * cairo_image_surface_get_stride (s);

  return ((const guint32 *) (gconstpointer) row)[x] & 0xffffff;
}

static gboolean
near_color (guint32 pixel, const WeftColor *c)
{
  guint32 want = (guint32) (c->r * 255 + 0.5) << 16 | (guint32) (c->g * 255 + 0.5) << 8
                 | (guint32) (c->b * 255 + 0.5);

  for (guint shift = 0; shift < 24; shift += 8)
    if (ABS ((int) ((pixel >> shift) & 0xff) - (int) ((want >> shift) & 0xff)) > CHANNEL_TOLERANCE)
      return FALSE;
  return TRUE;
}

/* The style starts as the application's: dark when it is dark. */
static void
test_dark_style (void)
{
  g_autofree char *trace = sample_trace_write (tmpdir, "dark.weft", 0);
  g_autofree char *out = g_build_filename (tmpdir, "dark.png", NULL);
  AdwStyleManager *manager = adw_style_manager_get_default ();
  WeftWindow *window = open_path (trace);
  WeftExportDialog *dialog = open_dialog (window);
  cairo_surface_t *image;

  g_assert_cmpuint (adw_combo_row_get_selected (dialog_child (dialog, "theme_row")), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  run_idle ();
  dialog = open_dialog (window);
  g_assert_cmpuint (adw_combo_row_get_selected (dialog_child (dialog, "theme_row")), ==, 1);
  set_size (dialog, 320, 200, 1);
  g_assert_true (export_to (dialog, window, out));
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);

  image = cairo_image_surface_create_from_png (out);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_true (near_color (pixel_at (image, 0, 0), &weft_palette_get (WEFT_THEME_DARK)->background));
  g_assert_false (near_color (pixel_at (image, 0, 0), &weft_palette_get (WEFT_THEME_LIGHT)->background));
  cairo_surface_destroy (image);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_unwritable (void)
{
  g_autofree char *trace = sample_trace_write (tmpdir, "unwritable.weft", 0);
  g_autofree char *bad = g_build_filename (tmpdir, "no-such-folder", "out.png", NULL);
  g_autofree char *good = g_build_filename (tmpdir, "retry.png", NULL);
  WeftWindow *window = open_path (trace);
  WeftExportDialog *dialog = open_dialog (window);
  GtkLabel *label = dialog_child (dialog, "error_label");

  set_size (dialog, 320, 240, 1);
  g_assert_false (export_to (dialog, window, bad));
  /* Still open, back on its options, saying why in one line. */
  g_assert_true (find_dialog (window) == dialog);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (dialog_child (dialog, "stack")), ==,
                   "options");
  g_assert_true (gtk_revealer_get_reveal_child (dialog_child (dialog, "error_revealer")));
  g_assert_cmpstr (gtk_label_get_text (label), ==,
                   "Could not export to “out.png”: cannot write: No such file or directory");
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  g_assert_true (gtk_widget_get_sensitive (dialog_child (dialog, "export_button")));

  /* The window lives on, and a good path works from the same dialog. */
  g_assert_cmpstr (page_of (window), ==, "trace");
  g_assert_nonnull (weft_session_get_document (weft_window_get_session (window)));
  g_assert_true (export_to (dialog, window, good));
  g_assert_true (g_file_test (good, G_FILE_TEST_IS_REGULAR));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closing the dialog while it exports cancels the export: no crash, the
 * dialog goes once the worker is done, and the output is either absent
 * (cancelled in time) or complete, never a temporary. */
static void
test_close_while_exporting (void)
{
  g_autofree char *trace = sample_trace_write (tmpdir, "close.weft", 200);
  g_autofree char *out = g_build_filename (tmpdir, "closed.png", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (out);
  WeftWindow *window = open_path (trace);
  WeftExportDialog *dialog = open_dialog (window);
  gpointer weak = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  set_size (dialog, 640, 400, 1);
  weft_export_dialog_export_to (dialog, file);
  g_assert_true (weft_export_dialog_is_busy (dialog));
  gtk_window_close (GTK_WINDOW (dialog));
  run_until (is_null, &weak);
  run_idle ();
  if (g_file_test (out, G_FILE_TEST_EXISTS))
    {
      cairo_surface_t *image = cairo_image_surface_create_from_png (out);

      g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
      g_assert_cmpint (cairo_image_surface_get_width (image), ==, 640);
      cairo_surface_destroy (image);
    }
  /* The window is unharmed and exports again. */
  g_assert_cmpstr (page_of (window), ==, "trace");
  dialog = open_dialog (window);
  set_size (dialog, 320, 200, 1);
  g_assert_true (export_to (dialog, window, out));
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
on_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The worker on its own: a session without a document fails cleanly. */
static void
test_run_without_document (void)
{
  g_autoptr (WeftSession) session = weft_session_new ();
  g_autofree char *path = g_build_filename (tmpdir, "nothing.png", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  WeftExportOptions options;

  weft_export_options_init (&options, session, WEFT_EXPORT_PNG, WEFT_EXPORT_WHOLE);
  g_assert_cmpuint (options.start, ==, 0);
  g_assert_cmpuint (options.end, ==, 1000);
  weft_export_run_async (session, &options, file, NULL, on_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (weft_export_run_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_no_temporaries (void)
{
  g_autoptr (GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;

  /* Every export above renamed or removed its temporary. */
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (name[0] == '.');
}

int
main (int argc, char **argv)
{
  if (!gui_app_setup (&argc, &argv))
    {
      g_test_add_func ("/weft/gui/export-dialog/no-display", gui_test_skip_no_display);
      return gui_app_run ();
    }

  g_test_add_func ("/weft/gui/export-dialog/disabled-without-document",
                   test_disabled_without_document);
  g_test_add_func ("/weft/gui/export-dialog/png-whole", test_png_whole);
  g_test_add_func ("/weft/gui/export-dialog/svg-pdf", test_svg_pdf);
  g_test_add_func ("/weft/gui/export-dialog/json-whole", test_json_whole);
  g_test_add_func ("/weft/gui/export-dialog/json-visible-range", test_json_visible_range);
  g_test_add_func ("/weft/gui/export-dialog/dark-style", test_dark_style);
  g_test_add_func ("/weft/gui/export-dialog/unwritable", test_unwritable);
  g_test_add_func ("/weft/gui/export-dialog/close-while-exporting", test_close_while_exporting);
  g_test_add_func ("/weft/gui/export-dialog/run-without-document", test_run_without_document);
  g_test_add_func ("/weft/gui/export-dialog/no-temporaries", test_no_temporaries);
  return gui_app_run ();
}
