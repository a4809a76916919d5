/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-chrome-import: Chrome JSON import throughput (MB/s, events/s) and
 * peak memory on a generated file (default 120 MB), against python3's
 * json.load on the same file in the same run (SPEC §7: at least 2x its
 * speed, peak memory at most 2x the file). Also the parser choice: the
 * tokenizer alone, and yajl with no-op callbacks when built with it.
 *
 * Usage: bench-chrome-import [MB] [FILE]   (FILE is reused if it exists)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#ifdef HAVE_YAJL
#include <yajl/yajl_parse.h>
#endif

#include "bench-chrome-gen.h"
#include "weft-chrome-import.h"
#include "weft-chrome-json-private.h"
#include "weft-reader.h"

#define RUNS 3

/* CPU seconds, not wall time: the figures stay comparable on a machine
 * busy with other work (wall time is printed beside them). */
static const char python_script[] = "import json, resource, sys, time\n"
                                    "c, t = time.process_time(), time.perf_counter()\n"
                                    "with open(sys.argv[1], 'rb') as f:\n"
                                    "    json.load(f)\n"
                                    "print(time.process_time() - c, time.perf_counter() - t,\n"
                                    "      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n";

static double
now (void)
{
  return (double) g_get_monotonic_time () / 1e6;
}

static double
cpu_now (void)
{
  struct rusage u;

  getrusage (RUSAGE_SELF, &u);
  return (double) u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + (double) u.ru_stime.tv_sec
         + u.ru_stime.tv_usec / 1e6;
}

typedef struct
{
  double cpu, wall, peak_mb;
} Figure;

static void
keep_best (Figure *best, const Figure *f)
{
  if (f->cpu < best->cpu)
    {
      best->cpu = f->cpu;
      best->wall = f->wall;
    }
  best->peak_mb = MAX (best->peak_mb, f->peak_mb);
}

static gboolean
python_load (const char *path, Figure *f)
{
  const char *argv[] = { "python3", "-c", python_script, path, NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  long rss_kb;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                     &status, &error)
      || !g_spawn_check_wait_status (status, NULL)
      || sscanf (out, "%lf %lf %ld", &f->cpu, &f->wall, &rss_kb) != 3)
    return FALSE;
  f->peak_mb = rss_kb / 1024.0;
  return TRUE;
}

static gssize
read_fd (gpointer user_data, guint8 *buf, gsize len, GError **error)
{
  gssize n = read (GPOINTER_TO_INT (user_data), buf, len);

  if (n < 0)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "read failed");
  return n;
}

/* Every token of the document, nothing built: the parser's own speed. */
static void
tokenize_only (const char *path, guint64 *tokens, Figure *f)
{
  int fd = open (path, O_RDONLY);
  WeftJson *j = _weft_json_new_reader (read_fd, GINT_TO_POINTER (fd));
  double t = now (), c = cpu_now ();
  WeftJsonToken tok;

  *tokens = 0;
  while ((tok = _weft_json_next (j)) != WEFT_JSON_EOF)
    {
      if (tok == WEFT_JSON_ERROR)
        g_error ("tokenizer: %s", _weft_json_get_error (j)->message);
      if (tok == WEFT_JSON_STRING_STREAM)
        _weft_json_stream_string (j, NULL, NULL);
      (*tokens)++;
    }
  f->cpu = cpu_now () - c;
  f->wall = now () - t;
  f->peak_mb = 0;
  _weft_json_free (j);
  close (fd);
}

#ifdef HAVE_YAJL
static int
y_null (void *c)
{
  return 1;
}
static int
y_bool (void *c, int b)
{
  return 1;
}
static int
y_number (void *c, const char *s, size_t l)
{
  return 1;
}
static int
y_string (void *c, const unsigned char *s, size_t l)
{
  return 1;
}
static int
y_map (void *c)
{
  return 1;
}

static void
yajl_only (const char *path, Figure *f)
{
  static const yajl_callbacks callbacks = {
    y_null, y_bool, NULL, NULL, y_number, y_string, y_map, y_string, y_map, y_map, y_map,
  };
  yajl_handle h = yajl_alloc (&callbacks, NULL, NULL);
  guint8 *buf = g_malloc (256 * 1024);
  int fd = open (path, O_RDONLY);
  double t = now (), c = cpu_now ();
  gssize n;

  while ((n = read (fd, buf, 256 * 1024)) > 0)
    if (yajl_parse (h, buf, (size_t) n) != yajl_status_ok)
      g_error ("yajl refused the file");
  if (yajl_complete_parse (h) != yajl_status_ok)
    g_error ("yajl refused the end of the file");
  f->cpu = cpu_now () - c;
  f->wall = now () - t;
  f->peak_mb = 0;
  close (fd);
  g_free (buf);
  yajl_free (h);
}
#endif

/* The import in a child, so its peak resident size and CPU time are its
 * own. */
static gboolean
import_in_child (const char *path, gboolean open_reader, Figure *f, gsize *weft_bytes)
{
  int fds[2];
  pid_t pid;
  struct rusage usage;
  int status;
  struct
  {
    double wall;
    gsize bytes;
  } result;

  if (pipe (fds) != 0)
    return FALSE;
  pid = fork ();
  if (pid == 0)
    {
      g_autoptr (GError) error = NULL;
      double t = now ();
      GBytes *bytes = weft_chrome_import_file (path, NULL, &error);

      if (bytes == NULL)
        {
          fprintf (stderr, "import: %s\n", error->message);
          _exit (1);
        }
      if (open_reader)
        {
          WeftReader *reader = weft_reader_new_from_bytes (bytes, &error);

          if (reader == NULL)
            _exit (1);
          weft_reader_free (reader);
        }
      result.wall = now () - t;
      result.bytes = g_bytes_get_size (bytes);
      if (write (fds[1], &result, sizeof result) != sizeof result)
        _exit (1);
      _exit (0);
    }
  close (fds[1]);
  if (read (fds[0], &result, sizeof result) != sizeof result)
    result.wall = -1;
  close (fds[0]);
  if (wait4 (pid, &status, 0, &usage) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0
      || result.wall < 0)
    return FALSE;
  f->wall = result.wall;
  f->cpu = (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
           + (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  f->peak_mb = usage.ru_maxrss / 1024.0;
  *weft_bytes = result.bytes;
  return TRUE;
}

static void
line (const char *what, const Figure *f, double file_mb, gboolean peak)
{
  printf ("%-27s %6.2f s CPU (%6.2f s wall) %7.1f MB/s", what, f->cpu, f->wall, file_mb / f->cpu);
  if (peak)
    printf ("  peak %6.1f MB (%.2fx the file)", f->peak_mb, f->peak_mb / file_mb);
  printf ("\n");
}

int
main (int argc, char **argv)
{
  guint64 mb = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 120;
  g_autofree char *dir = NULL, *path = NULL;
  Figure py = { G_MAXDOUBLE }, tok = { G_MAXDOUBLE }, imp = { G_MAXDOUBLE },
         opened = { G_MAXDOUBLE };
  double file_mb;
  guint64 n_events = 0, tokens = 0, size;
  gsize weft_bytes = 0;
  gboolean have_python = TRUE;

  if (mb == 0)
    mb = 120;
  if (argc > 2)
    path = g_strdup (argv[2]);
  else
    {
      dir = g_dir_make_tmp ("weft-bench-chrome-XXXXXX", NULL);
      path = g_build_filename (dir, "trace.json", NULL);
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      FILE *out = fopen (path, "w");
      double t = now ();

      if (out == NULL)
        g_error ("%s: %s", path, g_strerror (errno));
      bench_chrome_generate (out, mb * 1000 * 1000, &n_events);
      fclose (out);
      printf ("generated %s in %.1f s\n", path, now () - t);
    }
  {
    GStatBuf st;

    if (g_stat (path, &st) != 0)
      g_error ("%s: %s", path, g_strerror (errno));
    size = (guint64) st.st_size;
  }
  file_mb = (double) size / 1e6;

  for (int run = 0; run < RUNS; run++)
    {
      Figure f;

      if (have_python && python_load (path, &f))
        keep_best (&py, &f);
      else
        have_python = FALSE;
      tokenize_only (path, &tokens, &f);
      keep_best (&tok, &f);
      if (!import_in_child (path, FALSE, &f, &weft_bytes))
        g_error ("the import failed");
      keep_best (&imp, &f);
      if (!import_in_child (path, TRUE, &f, &weft_bytes))
        g_error ("the import + open failed");
      keep_best (&opened, &f);
    }

  printf ("file: %.1f MB", file_mb);
  if (n_events)
    printf (", %" G_GUINT64_FORMAT " events (trace events and ftrace lines)", n_events);
  printf ("; best of %d runs, CPU time\n", RUNS);
  if (have_python)
    line ("python3 json.load", &py, file_mb, TRUE);
  else
    printf ("python3 json.load: not available\n");
  line ("weft tokenizer alone", &tok, file_mb, FALSE);
#ifdef HAVE_YAJL
  {
    Figure y = { G_MAXDOUBLE }, f;

    for (int run = 0; run < RUNS; run++)
      {
        yajl_only (path, &f);
        keep_best (&y, &f);
      }
    line ("yajl, no-op callbacks", &y, file_mb, FALSE);
  }
#endif
  line ("weft import (JSON->.weft)", &imp, file_mb, TRUE);
  line ("weft import + reader open", &opened, file_mb, TRUE);
  if (n_events)
    printf ("events/s (import + open): %.2f M per CPU-second\n",
            (double) n_events / opened.cpu / 1e6);
  printf (".weft result: %.1f MB (%.1f%% of the JSON)\n", (double) weft_bytes / 1e6,
          100.0 * (double) weft_bytes / (double) size);
  if (have_python)
    printf ("speed vs python3 json.load: %.2fx (target >= 2)\n", py.cpu / opened.cpu);
  printf ("peak memory vs file size:   %.2fx (target <= 2)\n", opened.peak_mb / file_mb);

  if (dir != NULL)
    {
      g_unlink (path);
      g_rmdir (dir);
    }
  return 0;
}
