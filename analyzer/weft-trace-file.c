/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-trace-file.c: opens a trace by its content: .weft directly, Chrome
 * JSON (plain or gzip) through the importer.
 */
#include "weft-trace-file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weft-reader-private.h"

#ifdef WEFT_HAVE_CHROME_IMPORT
#include "weft-chrome-import.h"
#endif

WeftTraceFormat
weft_trace_file_detect (const guint8 *head, gsize len)
{
  gsize i = 0;

  if (head == NULL)
    return WEFT_TRACE_FORMAT_UNKNOWN;
  if (len >= WEFT_FILE_MAGIC_LEN && memcmp (head, WEFT_FILE_MAGIC, WEFT_FILE_MAGIC_LEN) == 0)
    return WEFT_TRACE_FORMAT_WEFT;
  if (len >= 2 && head[0] == 0x1f && head[1] == 0x8b)
    return WEFT_TRACE_FORMAT_GZIP;
  if (len >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf)
    i = 3; /* UTF-8 byte order mark */
  while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\n' || head[i] == '\r'))
    i++;
  if (i < len && (head[i] == '{' || head[i] == '['))
    return WEFT_TRACE_FORMAT_CHROME_JSON;
  return WEFT_TRACE_FORMAT_UNKNOWN;
}

/* The first bytes of path, enough to tell the formats apart (JSON may
 * start with a long run of whitespace). */
static gssize
read_head (const char *path, guint8 *buf, gsize size, GError **error)
{
  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat sb;
  gsize got = 0;

  if (fd < 0 || fstat (fd, &sb) < 0)
    {
      int err = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_IO, "%s", g_strerror (err));
      return -1;
    }
  /* A pipe or a device cannot be read twice (the head here, then the
   * trace), and a FIFO or a terminal could block forever. */
  if (!S_ISREG (sb.st_mode))
    {
      close (fd);
      g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_IO, "%s",
                   S_ISDIR (sb.st_mode) ? "is a directory" : "not a regular file");
      return -1;
    }
  while (got < size)
    {
      gssize n = read (fd, buf + got, size - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int err = errno;
          close (fd);
          g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_IO, "%s",
                       err == EISDIR ? "is a directory" : g_strerror (err));
          return -1;
        }
      if (n == 0)
        break;
      got += (gsize) n;
    }
  close (fd);
  return (gssize) got;
}

WeftReader *
weft_trace_file_open (const char *path, GCancellable *cancellable, GError **error)
{
  guint8 head[4096];
  gssize len;

  g_return_val_if_fail (path != NULL, NULL);
  len = read_head (path, head, sizeof head, error);
  if (len < 0)
    return NULL;
  if (len == 0)
    {
      g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_EMPTY, "empty file");
      return NULL;
    }

  switch (weft_trace_file_detect (head, (gsize) len))
    {
    case WEFT_TRACE_FORMAT_WEFT:
      return _weft_reader_open_cancellable (path, cancellable, error);
    case WEFT_TRACE_FORMAT_CHROME_JSON:
    case WEFT_TRACE_FORMAT_GZIP:
      {
#ifdef WEFT_HAVE_CHROME_IMPORT
        g_autoptr (GError) local = NULL;
        g_autoptr (GBytes) bytes = weft_chrome_import_file (path, cancellable, &local);
        if (bytes == NULL)
          {
            /* Cancelled is G_IO_ERROR_CANCELLED whatever the format. */
            if (!g_error_matches (local, WEFT_CHROME_ERROR, WEFT_CHROME_ERROR_CANCELLED)
                || !g_cancellable_set_error_if_cancelled (cancellable, error))
              g_propagate_error (error, g_steal_pointer (&local));
            return NULL;
          }
        return weft_reader_new_from_bytes (bytes, error);
#else
        g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_NOT_A_TRACE,
                     "Chrome JSON import is not available in this build");
        return NULL;
#endif
      }
    case WEFT_TRACE_FORMAT_UNKNOWN:
    default:
      g_set_error (error, WEFT_READER_ERROR, WEFT_READER_ERROR_NOT_A_TRACE,
                   "not a trace (neither Weft nor Chrome JSON)");
      return NULL;
    }
}
