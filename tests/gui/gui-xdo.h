/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gui-xdo.h: real input for the viewer's tests on an X display: keys,
 * wheel and pointer through xdotool (the XTest extension), so events
 * arrive as a user's do. Tests using it must not run beside other window
 * tests (meson: is_parallel false): they move the display's pointer and
 * focus. Include after gui-util.h.
 */
#pragma once

#include <gdk/x11/gdkx.h>
#include <math.h>

static char *xdotool; /* g_find_program_in_path ("xdotool"), set by main() */

/* Whether real input can be sent; skips the test otherwise. */
static inline gboolean
have_xdotool (void)
{
  if (xdotool == NULL || !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("real input needs xdotool and an X display");
      return FALSE;
    }
  return TRUE;
}

/* Runs xdotool with the arguments of the NULL-terminated list. */
static inline void
xdo (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (argv, xdotool);
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("xdotool %s: %s", first, err);
}

static inline char *
xdo_window_xid (GtkWindow *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  return g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
}

static gboolean
xdo_timed_out (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
xdo_is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Runs the main loop for ms milliseconds: X events take a round trip. */
static inline void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, xdo_timed_out, &done);
  run_until (xdo_is_true, &done);
}

/* Focuses window and leaves the pointer off it, in the screen's far
 * corner (clamped). */
static inline void
xdo_focus_window (GtkWindow *window)
{
  g_autofree char *xid = xdo_window_xid (window);

  xdo ("mousemove", "9999", "9999", NULL);
  xdo ("windowfocus", "--sync", xid, NULL);
}

/* Surface coordinates of a widget point: integers for the X pointer; x
 * and y become the widget point they land on. */
static inline void
xdo_point (GtkWindow *window, GtkWidget *widget, double *x, double *y, int *sx, int *sy)
{
  graphene_point_t in = GRAPHENE_POINT_INIT (*x, *y), out;
  double tx, ty;

  gtk_native_get_surface_transform (GTK_NATIVE (window), &tx, &ty);
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (window), &in, &out));
  *sx = (int) lround (out.x + tx);
  *sy = (int) lround (out.y + ty);
  *x += *sx - (out.x + tx);
  *y += *sy - (out.y + ty);
}

/* Moves the pointer to (x, y) of widget (rounded to the pixel it lands
 * on: x and y are updated). */
static inline void
xdo_move_window (GtkWindow *window, GtkWidget *widget, double *x, double *y)
{
  g_autofree char *xid = xdo_window_xid (window);
  int sx, sy;
  char xs[16], ys[16];

  xdo_point (window, widget, x, y, &sx, &sy);
  g_snprintf (xs, sizeof xs, "%d", sx);
  g_snprintf (ys, sizeof ys, "%d", sy);
  xdo ("mousemove", "--sync", "--window", xid, xs, ys, NULL);
}
