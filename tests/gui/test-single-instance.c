/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-viewer as the desktop runs it: one instance per session. A second
 * `weft-viewer FILE` hands FILE to the running one and exits; the first
 * loads it (seen from outside: it files the trace in the recent list).
 * Runs on a private session bus (GTestDBus) and the test's display.
 */
#include "weft-config.h"

#include <string.h>

#include "gui-util.h"

static char *rootdir;

static char *
viewer_path (void)
{
  return g_build_filename (g_getenv ("WEFT_BUILDDIR"), "gui", "weft-viewer", NULL);
}

static gboolean
name_has_owner (GDBusConnection *bus, const char *name)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "NameHasOwner", g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

/* Whether the desktop's recent list (in the test's own XDG_DATA_HOME)
 * names uri. */
static gboolean
recent_has (const char *uri)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "recently-used.xbel", NULL);
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, uri) != NULL;
}

static void
wait_for (gboolean (*ready) (gpointer), gpointer data, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!ready (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s", what);
      g_usleep (20000);
    }
}

typedef struct
{
  GDBusConnection *bus;
  const char *uri;
  GSubprocess *process;
} Ctx;

static gboolean
primary_owns_name (gpointer data)
{
  return name_has_owner (((Ctx *) data)->bus, "org.weft.Weft");
}

static gboolean
primary_loaded (gpointer data)
{
  return recent_has (((Ctx *) data)->uri);
}

static gboolean
primary_gone (gpointer data)
{
  Ctx *ctx = data;

  return !name_has_owner (ctx->bus, "org.weft.Weft")
         && g_subprocess_get_identifier (ctx->process) == NULL;
}

static void
test_second_instance_hands_over (void)
{
  g_autoptr (GTestDBus) dbus = NULL;
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GSubprocess) primary = NULL;
  g_autoptr (GSubprocess) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *viewer = viewer_path ();
  g_autofree char *traces = g_build_filename (rootdir, "traces", NULL);
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");
  Ctx ctx = { 0 };

  if (dbus_daemon == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }

  g_assert_cmpint (g_mkdir_with_parents (traces, 0700), ==, 0);
  path = sample_trace_write (traces, "handed-over.weft", 0);
  file = g_file_new_for_path (path);
  uri = g_file_get_uri (file);

  dbus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (dbus);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  ctx.bus = bus;
  ctx.uri = uri;

  /* The first instance: an empty window, owning the application id. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", display, TRUE);
  primary = g_subprocess_launcher_spawn (launcher, &error, viewer, NULL);
  g_assert_no_error (error);
  ctx.process = primary;
  wait_for (primary_owns_name, &ctx, "the first instance on the bus");
  g_assert_false (recent_has (uri));

  /* The second hands the file over and exits at once, successfully. */
  second = g_subprocess_launcher_spawn (launcher, &error, viewer, path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (second, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (second));
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 0);

  /* The first loads it. */
  wait_for (primary_loaded, &ctx, "the first instance to load the file");
  g_assert_null (g_subprocess_get_identifier (second));
  g_assert_nonnull (g_subprocess_get_identifier (primary));

  /* app.quit over the bus, as GApplication exports its actions. */
  g_dbus_connection_call_sync (bus, "org.weft.Weft", "/org/weft/Weft", "org.gtk.Actions",
                               "Activate",
                               g_variant_new ("(sava{sv})", "quit", NULL, NULL), NULL,
                               G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (primary, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (primary));
  g_assert_cmpint (g_subprocess_get_exit_status (primary), ==, 0);
  wait_for (primary_gone, &ctx, "the first instance to leave the bus");

  g_clear_object (&bus);
  g_test_dbus_down (dbus);
}

int
main (int argc, char **argv)
{
  int status;

  rootdir = gui_test_init (&argc, &argv);
  if (!g_getenv ("DISPLAY"))
    g_test_add_func ("/weft/gui/single-instance/no-display", gui_test_skip_no_display);
  else
    g_test_add_func ("/weft/gui/single-instance/second-hands-over",
                     test_second_instance_hands_over);
  status = g_test_run ();
  rm_rf (rootdir);
  g_free (rootdir);
  return status;
}
