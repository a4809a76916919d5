/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-metadata.c: the METADATA chunk a standalone recording starts with
 * (command line, host, wall-clock start, kernel, CPU, Weft version).
 */
#include "weft-runtime-private.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "weft-config.h"

typedef struct
{
  uint8_t *p, *end;
} Out;

static void
put_pair (Out *o, const char *key, const char *value, size_t value_len)
{
  size_t key_len = strlen (key);

  if ((size_t) (o->end - o->p) < key_len + value_len + 2 * WEFT_VARINT_MAX)
    return;
  o->p = weft_varint_put (o->p, key_len);
  memcpy (o->p, key, key_len);
  o->p += key_len;
  o->p = weft_varint_put (o->p, value_len);
  memcpy (o->p, value, value_len);
  o->p += value_len;
}

static void
put (Out *o, const char *key, const char *value)
{
  put_pair (o, key, value, strlen (value));
}

/* /proc/self/cmdline with its arguments joined by spaces, quoting those
 * a shell would split. */
static size_t
read_command (char *buf, size_t size)
{
  char raw[4096];
  int fd = open ("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read (fd, raw, sizeof raw) : -1;
  size_t len = 0;

  if (fd >= 0)
    close (fd);
  for (ssize_t i = 0; i < n && len + 8 < size;)
    {
      const char *arg = raw + i;
      size_t alen = strnlen (arg, (size_t) (n - i));
      int quote = alen == 0 || strpbrk (arg, " \t\n'\"\\$*?;&|<>()") != NULL;

      if (len > 0)
        buf[len++] = ' ';
      if (quote)
        buf[len++] = '\'';
      for (size_t k = 0; k < alen && len + 6 < size; k++)
        if (arg[k] == '\'')
          {
            memcpy (buf + len, "'\\''", 4);
            len += 4;
          }
        else
          buf[len++] = arg[k];
      if (quote)
        buf[len++] = '\'';
      i += (ssize_t) alen + 1;
    }
  return len;
}

static void
read_cpu_model (char *buf, size_t size)
{
  char line[512];
  FILE *f = fopen ("/proc/cpuinfo", "re");

  buf[0] = '\0';
  if (f == NULL)
    return;
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, "model name", 10) == 0 && strchr (line, ':') != NULL)
      {
        const char *v = strchr (line, ':') + 1;

        while (*v == ' ' || *v == '\t')
          v++;
        snprintf (buf, size, "%s", v);
        buf[strcspn (buf, "\n")] = '\0';
        break;
      }
  fclose (f);
}

size_t
_weft_metadata_build (uint8_t *buf, size_t size, const char *comm)
{
  Out o = { buf, buf + size };
  char text[4096];
  struct utsname u;
  struct timespec now;
  struct tm tm;
  size_t n;

  n = read_command (text, sizeof text);
  if (n > 0)
    put_pair (&o, "command", text, n);
  else
    put (&o, "command", comm);
  if (uname (&u) == 0)
    {
      put (&o, "hostname", u.nodename);
      snprintf (text, sizeof text, "%s %s", u.sysname, u.release);
      put (&o, "kernel", text);
    }
  clock_gettime (CLOCK_REALTIME, &now);
  gmtime_r (&now.tv_sec, &tm);
  n = strftime (text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (text + n, sizeof text - n, ".%03ldZ", now.tv_nsec / 1000000);
  put (&o, "start_time", text);
  read_cpu_model (text, sizeof text);
  if (text[0] != '\0')
    put (&o, "cpu_model", text);
  snprintf (text, sizeof text, "%ld", sysconf (_SC_NPROCESSORS_ONLN));
  put (&o, "cpu_count", text);
  put (&o, "weft_version", WEFT_VERSION);
  put (&o, "source", "weft");
  put (&o, "sched", "false");
  put (&o, "sched_reason", "recorded without weft record");
  return (size_t) (o.p - buf);
}
