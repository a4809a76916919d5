/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-memory.c: resident set sizes from /proc/PID/statm.
 */
#define _GNU_SOURCE
#include "weft-record-memory.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct
{
  pid_t pid;
  int fd;
} Sampled;

struct WeftMemory
{
  Sampled *procs;
  size_t len, cap;
  long page_size;
};

WeftMemory *
weft_memory_new (void)
{
  WeftMemory *m = calloc (1, sizeof *m);

  if (m != NULL)
    m->page_size = sysconf (_SC_PAGESIZE);
  return m;
}

void
weft_memory_free (WeftMemory *m)
{
  if (m == NULL)
    return;
  for (size_t i = 0; i < m->len; i++)
    close (m->procs[i].fd);
  free (m->procs);
  free (m);
}

int
weft_memory_has (WeftMemory *m, pid_t pid)
{
  for (size_t i = 0; i < m->len; i++)
    if (m->procs[i].pid == pid)
      return 1;
  return 0;
}

void
weft_memory_add (WeftMemory *m, pid_t pid)
{
  char path[64];
  int fd;

  if (weft_memory_has (m, pid))
    return;
  if (m->len == m->cap)
    {
      size_t cap = m->cap ? m->cap * 2 : 16;
      Sampled *p = realloc (m->procs, cap * sizeof *p);

      if (p == NULL)
        return;
      m->procs = p;
      m->cap = cap;
    }
  snprintf (path, sizeof path, "/proc/%d/statm", (int) pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  m->procs[m->len++] = (Sampled) { pid, fd };
}

/* Resident bytes, or -1 when the process is gone. */
static int64_t
read_rss (WeftMemory *m, int fd)
{
  char buf[256];
  unsigned long size, resident;
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);

  if (n <= 0)
    return -1;
  buf[n] = '\0';
  if (sscanf (buf, "%lu %lu", &size, &resident) != 2 || size == 0)
    return -1; /* a zombie has no memory left */
  return (int64_t) resident * m->page_size;
}

void
weft_memory_sample (WeftMemory *m, uint64_t now, WeftPerfRecordVec *out)
{
  size_t keep = 0;

  for (size_t i = 0; i < m->len; i++)
    {
      int64_t rss = read_rss (m, m->procs[i].fd);
      WeftPerfRecord *r;

      if (rss < 0)
        {
          close (m->procs[i].fd);
          continue;
        }
      m->procs[keep++] = m->procs[i];
      r = weft_perf_record_vec_push (out);
      if (r == NULL)
        continue;
      r->type = WEFT_PREC_RSS;
      r->time = now;
      r->pid = (uint32_t) m->procs[i].pid;
      r->tid = r->pid;
      r->value = (uint64_t) rss;
    }
  m->len = keep;
}
