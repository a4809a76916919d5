/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-proc.c: small readers of /proc and /sys. Every read is
 * bounded and tolerates a process that vanished meanwhile.
 */
#define _GNU_SOURCE
#include "weft-record-proc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Reads at most size - 1 bytes of a small file, NUL-terminated; the
 * length, or -1. */
static ssize_t
read_small (const char *path, char *buf, size_t size)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n, len = 0;

  if (fd < 0)
    return -1;
  while ((size_t) len < size - 1)
    {
      n = read (fd, buf + len, size - 1 - (size_t) len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += n;
    }
  close (fd);
  buf[len] = '\0';
  return len;
}

int
weft_proc_read_int (const char *path, int fallback)
{
  char buf[64];
  char *end;
  long v;

  if (read_small (path, buf, sizeof buf) <= 0)
    return fallback;
  v = strtol (buf, &end, 10);
  return end == buf ? fallback : (int) v;
}

size_t
weft_proc_online_cpus (int *cpus, size_t max)
{
  char buf[4096];
  const char *p = buf;
  size_t n = 0;

  if (read_small ("/sys/devices/system/cpu/online", buf, sizeof buf) <= 0)
    {
      long count = sysconf (_SC_NPROCESSORS_ONLN);

      for (long c = 0; c < count && n < max; c++)
        cpus[n++] = (int) c;
      return n;
    }
  /* "0-3,5,7-8\n" */
  while (*p && n < max)
    {
      char *end;
      long lo = strtol (p, &end, 10), hi;

      if (end == p || lo < 0)
        break;
      hi = lo;
      p = end;
      if (*p == '-')
        {
          hi = strtol (p + 1, &end, 10);
          if (end == p + 1 || hi < lo)
            break;
          p = end;
        }
      for (long c = lo; c <= hi && n < max && c < WEFT_PROC_MAX_CPUS; c++)
        cpus[n++] = (int) c;
      if (*p != ',')
        break;
      p++;
    }
  return n;
}

int
weft_proc_read_comm (pid_t pid, pid_t tid, char *buf, size_t size)
{
  char path[64];
  ssize_t n;

  snprintf (path, sizeof path, "/proc/%d/task/%d/comm", (int) pid, (int) tid);
  n = read_small (path, buf, size);
  if (n <= 0)
    return -1;
  if (buf[n - 1] == '\n')
    buf[n - 1] = '\0';
  return 0;
}

int
weft_proc_cmdline (pid_t pid, char *buf, size_t size)
{
  char path[64];
  ssize_t n;

  snprintf (path, sizeof path, "/proc/%d/cmdline", (int) pid);
  n = read_small (path, buf, size);
  if (n <= 0)
    return -1;
  while (n > 0 && buf[n - 1] == '\0')
    n--;
  for (ssize_t i = 0; i < n; i++)
    if (buf[i] == '\0')
      buf[i] = ' ';
  return 0;
}

int64_t
weft_proc_rss (pid_t pid)
{
  char path[64], buf[256];
  unsigned long size, resident;

  snprintf (path, sizeof path, "/proc/%d/statm", (int) pid);
  if (read_small (path, buf, sizeof buf) <= 0
      || sscanf (buf, "%lu %lu", &size, &resident) != 2)
    return -1;
  return (int64_t) resident * sysconf (_SC_PAGESIZE);
}

pid_t
weft_proc_ppid (pid_t pid)
{
  char path[64], buf[1024];
  const char *p;
  int ppid;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  if (read_small (path, buf, sizeof buf) <= 0)
    return -1;
  /* "pid (comm) state ppid …": comm may hold spaces and parentheses. */
  p = strrchr (buf, ')');
  if (p == NULL || sscanf (p + 1, " %*c %d", &ppid) != 1)
    return -1;
  return (pid_t) ppid;
}

static int
is_number (const char *s)
{
  if (*s == '\0')
    return 0;
  for (; *s; s++)
    if (!isdigit ((unsigned char) *s))
      return 0;
  return 1;
}

/* Appends v to a malloc'd array; -1 when out of memory. */
static int
push_pid (pid_t **arr, size_t *len, size_t *cap, pid_t v)
{
  if (*len == *cap)
    {
      size_t c = *cap ? *cap * 2 : 64;
      pid_t *a = realloc (*arr, c * sizeof *a);

      if (a == NULL)
        return -1;
      *arr = a;
      *cap = c;
    }
  (*arr)[(*len)++] = v;
  return 0;
}

size_t
weft_proc_list_threads (pid_t pid, pid_t **tids)
{
  char path[64];
  DIR *dir;
  struct dirent *de;
  size_t len = 0, cap = 0;

  *tids = NULL;
  snprintf (path, sizeof path, "/proc/%d/task", (int) pid);
  dir = opendir (path);
  if (dir == NULL)
    return 0;
  while ((de = readdir (dir)) != NULL)
    if (is_number (de->d_name) && push_pid (tids, &len, &cap, (pid_t) atoi (de->d_name)) < 0)
      break;
  closedir (dir);
  return len;
}

static int
pid_cmp (const void *a, const void *b)
{
  pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;

  return (x > y) - (x < y);
}

size_t
weft_proc_descendants (pid_t ancestor, pid_t **pids)
{
  pid_t *all = NULL, *parent = NULL, *out = NULL;
  size_t n_all = 0, cap_all = 0, n_parent = 0, cap_parent = 0, n_out = 0, cap_out = 0;
  DIR *dir = opendir ("/proc");
  struct dirent *de;
  int grew;

  *pids = NULL;
  if (dir == NULL)
    return 0;
  while ((de = readdir (dir)) != NULL)
    {
      pid_t pid, ppid;

      if (!is_number (de->d_name))
        continue;
      pid = (pid_t) atoi (de->d_name);
      ppid = weft_proc_ppid (pid);
      if (ppid < 0)
        continue;
      if (push_pid (&all, &n_all, &cap_all, pid) < 0
          || push_pid (&parent, &n_parent, &cap_parent, ppid) < 0)
        break;
    }
  closedir (dir);

  /* Transitive closure: few passes, as trees are shallow. */
  do
    {
      grew = 0;
      for (size_t i = 0; i < n_all && i < n_parent; i++)
        {
          int in_tree = parent[i] == ancestor;

          if (all[i] == 0)
            continue; /* taken already */
          for (size_t j = 0; !in_tree && j < n_out; j++)
            in_tree = out[j] == parent[i];
          if (in_tree)
            {
              if (push_pid (&out, &n_out, &cap_out, all[i]) < 0)
                break;
              all[i] = 0;
              grew = 1;
            }
        }
    }
  while (grew);
  free (all);
  free (parent);
  if (n_out > 1)
    qsort (out, n_out, sizeof *out, pid_cmp);
  *pids = out;
  return n_out;
}

static void
cpu_model (char *buf, size_t size)
{
  FILE *f = fopen ("/proc/cpuinfo", "re");
  char line[512];

  buf[0] = '\0';
  if (f == NULL)
    return;
  while (fgets (line, sizeof line, f) != NULL)
    {
      char *colon = strchr (line, ':');

      /* x86 says "model name", arm64 "CPU part"/"Hardware", others "cpu". */
      if (colon != NULL
          && (strncmp (line, "model name", 10) == 0 || strncmp (line, "Hardware", 8) == 0
              || strncmp (line, "cpu\t", 4) == 0))
        {
          char *v = colon + 1, *end;

          while (*v == ' ' || *v == '\t')
            v++;
          end = v + strlen (v);
          while (end > v && (end[-1] == '\n' || end[-1] == ' '))
            *--end = '\0';
          snprintf (buf, size, "%s", v);
          break;
        }
    }
  fclose (f);
}

void
weft_proc_machine_metadata (void (*set) (const char *key, const char *value, void *data),
                            void *data)
{
  char buf[512];
  struct utsname u;
  int cpus[WEFT_PROC_MAX_CPUS];

  if (gethostname (buf, sizeof buf) == 0)
    {
      buf[sizeof buf - 1] = '\0';
      set ("hostname", buf, data);
    }
  if (uname (&u) == 0)
    {
      snprintf (buf, sizeof buf, "%s %s %s", u.sysname, u.release, u.machine);
      set ("kernel", buf, data);
    }
  cpu_model (buf, sizeof buf);
  if (buf[0])
    set ("cpu_model", buf, data);
  snprintf (buf, sizeof buf, "%zu", weft_proc_online_cpus (cpus, WEFT_PROC_MAX_CPUS));
  set ("cpu_count", buf, data);
}
