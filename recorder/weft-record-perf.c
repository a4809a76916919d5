/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-perf.c: perf_event_open set-up and the ring reader.
 */
#define _GNU_SOURCE
#include "weft-record-perf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "weft-record-proc.h"

/* --- record vector --- */

WeftPerfRecord *
weft_perf_record_vec_push (WeftPerfRecordVec *v)
{
  WeftPerfRecord *r;

  if (v->len == v->cap)
    {
      size_t cap = v->cap ? v->cap * 2 : 4096;
      WeftPerfRecord *recs = realloc (v->recs, cap * sizeof *recs);

      if (recs == NULL)
        return NULL;
      v->recs = recs;
      v->cap = cap;
    }
  r = &v->recs[v->len++];
  memset (r, 0, sizeof *r);
  r->seq = v->next_seq++;
  return r;
}

void
weft_perf_record_vec_clear (WeftPerfRecordVec *v)
{
  free (v->recs);
  free (v->scratch);
  memset (v, 0, sizeof *v);
}

static int
record_cmp (const void *a, const void *b)
{
  const WeftPerfRecord *x = a, *y = b;

  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  /* seq wraps after 2^32 records: compare as a signed distance. */
  return (int32_t) (x->seq - y->seq) < 0 ? -1 : (x->seq != y->seq);
}

void
weft_perf_record_vec_sort (WeftPerfRecordVec *v)
{
  size_t tail = v->len - v->sorted, i, j, k;

  if (tail == 0)
    return;
  /* Sorting only what is new: a record is sorted once, not at every
   * call while it waits for the watermark. */
  qsort (v->recs + v->sorted, tail, sizeof *v->recs, record_cmp);
  if (v->sorted == 0 || record_cmp (&v->recs[v->sorted - 1], &v->recs[v->sorted]) <= 0)
    {
      v->sorted = v->len;
      return;
    }
  if (tail > v->scratch_cap)
    {
      WeftPerfRecord *p = realloc (v->scratch, tail * sizeof *p);

      if (p == NULL)
        {
          /* Out of memory: the slow way needs none. */
          qsort (v->recs, v->len, sizeof *v->recs, record_cmp);
          v->sorted = v->len;
          return;
        }
      v->scratch = p;
      v->scratch_cap = tail;
    }
  /* Merge from the back: the new run waits in scratch. */
  memcpy (v->scratch, v->recs + v->sorted, tail * sizeof *v->recs);
  i = v->sorted;
  j = tail;
  k = v->len;
  while (j > 0)
    {
      if (i > 0 && record_cmp (&v->recs[i - 1], &v->scratch[j - 1]) > 0)
        v->recs[--k] = v->recs[--i];
      else
        v->recs[--k] = v->scratch[--j];
    }
  v->sorted = v->len;
}

void
weft_perf_record_vec_consume (WeftPerfRecordVec *v, size_t n)
{
  if (n >= v->len)
    {
      v->len = v->sorted = 0;
      return;
    }
  memmove (v->recs, v->recs + n, (v->len - n) * sizeof *v->recs);
  v->len -= n;
  v->sorted = v->sorted > n ? v->sorted - n : 0;
}

/* --- events and rings --- */

typedef struct
{
  int fd;          /* the event that owns the ring */
  int cpu;
  struct perf_event_mmap_page *meta;
  uint8_t *data;   /* meta + one page */
  size_t size;     /* data bytes, a power of two */
  size_t map_size;
} Ring;

struct WeftPerf
{
  WeftPerfMode mode;
  int enable_on_exec;
  Ring *rings;     /* one per online CPU */
  size_t n_rings;
  int *extra_fds;  /* events writing into another event's ring */
  size_t n_extra, cap_extra;
  size_t ring_pages;
};

/* The sample_id trailer every non-sample record ends with, for
 * PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU. */
typedef struct
{
  uint32_t pid, tid;
  uint64_t time;
  uint32_t cpu, res;
} SampleId;

static void
attr_init (struct perf_event_attr *attr, WeftPerfMode mode, int enable_on_exec)
{
  memset (attr, 0, sizeof *attr);
  attr->size = sizeof *attr;
  attr->type = PERF_TYPE_SOFTWARE;
  attr->config = PERF_COUNT_SW_DUMMY;
  attr->sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU;
  attr->sample_id_all = 1;
  attr->context_switch = 1;
  attr->task = 1;
  attr->comm = 1;
  attr->comm_exec = 1;
  attr->use_clockid = 1;
  attr->clockid = CLOCK_MONOTONIC;
  /* Side-band records are not filtered by these, and without them an
   * unprivileged user with perf_event_paranoid = 2 is refused. */
  attr->exclude_kernel = 1;
  attr->exclude_hv = 1;
  /* Wake the poller when a quarter of the ring is used, not per record. */
  attr->watermark = 1;
  if (mode == WEFT_PERF_TASK)
    {
      attr->inherit = 1;
      attr->disabled = enable_on_exec ? 1 : 0;
      attr->enable_on_exec = enable_on_exec ? 1 : 0;
    }
}

static int
sys_perf_event_open (struct perf_event_attr *attr, pid_t pid, int cpu)
{
  return (int) syscall (SYS_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static int
ring_map (Ring *ring, size_t pages)
{
  long page = sysconf (_SC_PAGESIZE);

  /* Shrink when RLIMIT_MEMLOCK / perf_event_mlock_kb refuses. */
  for (; pages >= 8; pages /= 2)
    {
      size_t len = (pages + 1) * (size_t) page;
      void *p = mmap (NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, ring->fd, 0);

      if (p != MAP_FAILED)
        {
          ring->meta = p;
          ring->data = (uint8_t *) p + page;
          ring->size = pages * (size_t) page;
          ring->map_size = len;
          return 0;
        }
      if (errno != EPERM && errno != ENOMEM)
        return -1;
    }
  return -1;
}

static int
open_on_cpu (WeftPerf *perf, pid_t pid, Ring *ring)
{
  struct perf_event_attr attr;
  int fd;

  attr_init (&attr, perf->mode, perf->enable_on_exec);
  attr.wakeup_watermark = (uint32_t) (perf->ring_pages * (size_t) sysconf (_SC_PAGESIZE) / 4);
  fd = sys_perf_event_open (&attr, pid, ring->cpu);
  if (fd < 0)
    return -1;
  if (ring->fd < 0)
    {
      ring->fd = fd;
      if (ring_map (ring, perf->ring_pages) < 0)
        {
          int e = errno;

          close (fd);
          ring->fd = -1;
          errno = e;
          return -1;
        }
      return 0;
    }
  if (ioctl (fd, PERF_EVENT_IOC_SET_OUTPUT, ring->fd) < 0)
    {
      int e = errno;

      close (fd);
      errno = e;
      return -1;
    }
  if (perf->n_extra == perf->cap_extra)
    {
      size_t cap = perf->cap_extra ? perf->cap_extra * 2 : 64;
      int *fds = realloc (perf->extra_fds, cap * sizeof *fds);

      if (fds == NULL)
        {
          close (fd);
          errno = ENOMEM;
          return -1;
        }
      perf->extra_fds = fds;
      perf->cap_extra = cap;
    }
  perf->extra_fds[perf->n_extra++] = fd;
  return 0;
}

static void
describe_error (WeftPerfMode mode, int error, char *why, size_t why_size)
{
  int paranoid = weft_proc_read_int ("/proc/sys/kernel/perf_event_paranoid", 99);

  if (why == NULL || why_size == 0)
    return;
  switch (error)
    {
    case EACCES:
    case EPERM:
      if (mode == WEFT_PERF_SYSTEM)
        snprintf (why, why_size,
                  "system-wide perf events refused (not root, no CAP_PERFMON; "
                  "kernel.perf_event_paranoid is %d)", paranoid);
      else if (paranoid > 2)
        snprintf (why, why_size, "perf events refused (kernel.perf_event_paranoid is %d)",
                  paranoid);
      else
        snprintf (why, why_size,
                  "perf_event_open refused (%s; a seccomp sandbox or container policy?)",
                  strerror (error));
      break;
    case ENOSYS:
    case ENOENT:
    case ENODEV:
      snprintf (why, why_size, "perf events are not available (%s)", strerror (error));
      break;
    case EINVAL:
      snprintf (why, why_size,
                "the kernel does not support context-switch records on CLOCK_MONOTONIC "
                "(Linux 4.3 or later needed)");
      break;
    default:
      snprintf (why, why_size, "perf_event_open failed: %s", strerror (error));
      break;
    }
}

const char *
weft_perf_how_to_enable (WeftPerfMode mode, int error)
{
  if (error == EACCES || error == EPERM)
    return mode == WEFT_PERF_SYSTEM
             ? "-a needs root, or 'setcap cap_perfmon+ep' on the weft binary"
             : "per-task switch records need kernel.perf_event_paranoid <= 2 "
               "('sysctl -w kernel.perf_event_paranoid=2' as root) and no seccomp "
               "filter on perf_event_open";
  if (error == EINVAL || error == ENOSYS || error == ENOENT || error == ENODEV)
    return "a kernel with CONFIG_PERF_EVENTS, Linux 4.3 or later";
  return "see perf_event_open(2)";
}

int
weft_perf_probe (WeftPerfMode mode, char *why, size_t why_size)
{
  struct perf_event_attr attr;
  int cpus[1], fd, e;

  if (why_size > 0)
    why[0] = '\0';
  if (weft_proc_online_cpus (cpus, 1) == 0)
    cpus[0] = 0;
  attr_init (&attr, mode, 0);
  fd = sys_perf_event_open (&attr, mode == WEFT_PERF_SYSTEM ? -1 : 0, cpus[0]);
  if (fd >= 0)
    {
      close (fd);
      return 0;
    }
  e = errno;
  describe_error (mode, e, why, why_size);
  errno = e;
  return -1;
}

WeftPerf *
weft_perf_open (WeftPerfMode mode, const pid_t *tids, size_t n_tids, int enable_on_exec,
                size_t ring_pages, char *why, size_t why_size)
{
  WeftPerf *perf = calloc (1, sizeof *perf);
  int cpus[WEFT_PROC_MAX_CPUS];
  size_t n_cpus = weft_proc_online_cpus (cpus, WEFT_PROC_MAX_CPUS);
  int e;

  if (why_size > 0)
    why[0] = '\0';
  if (perf == NULL || n_cpus == 0)
    {
      e = perf ? ENODEV : ENOMEM;
      goto fail;
    }
  perf->mode = mode;
  perf->enable_on_exec = enable_on_exec;
  perf->ring_pages = ring_pages;
  perf->rings = calloc (n_cpus, sizeof *perf->rings);
  if (perf->rings == NULL)
    {
      e = ENOMEM;
      goto fail;
    }
  perf->n_rings = n_cpus;
  for (size_t i = 0; i < n_cpus; i++)
    {
      perf->rings[i].fd = -1;
      perf->rings[i].cpu = cpus[i];
    }

  if (mode == WEFT_PERF_SYSTEM)
    {
      for (size_t i = 0; i < n_cpus; i++)
        if (open_on_cpu (perf, -1, &perf->rings[i]) < 0)
          {
            e = errno;
            goto fail;
          }
      return perf;
    }
  for (size_t t = 0; t < n_tids; t++)
    if (weft_perf_add_thread (perf, tids[t]) < 0)
      {
        e = errno;
        goto fail;
      }
  return perf;

fail:
  describe_error (mode, e, why, why_size);
  weft_perf_close (perf);
  errno = e;
  return NULL;
}

int
weft_perf_add_thread (WeftPerf *perf, pid_t tid)
{
  for (size_t i = 0; i < perf->n_rings; i++)
    if (open_on_cpu (perf, tid, &perf->rings[i]) < 0)
      return -1;
  return 0;
}

size_t
weft_perf_get_fds (WeftPerf *perf, int *fds, size_t max)
{
  size_t n = 0;

  for (size_t i = 0; i < perf->n_rings && n < max; i++)
    if (perf->rings[i].fd >= 0)
      fds[n++] = perf->rings[i].fd;
  return n;
}

/* Copies len bytes at ring offset pos, wrapping at the end. */
static void
ring_copy (const Ring *ring, uint64_t pos, void *dst, size_t len)
{
  size_t off = (size_t) (pos & (ring->size - 1));
  size_t first = ring->size - off < len ? ring->size - off : len;

  memcpy (dst, ring->data + off, first);
  memcpy ((uint8_t *) dst + first, ring->data, len - first);
}

/* Decodes one record into out; returns 0 when it is not one we use. */
static int
decode (const Ring *ring, const uint8_t *buf, size_t size, WeftPerfRecordVec *out)
{
  const struct perf_event_header *h = (const void *) buf;
  const uint8_t *body = buf + sizeof *h;
  size_t body_len;
  SampleId sid;
  WeftPerfRecord *r;
  uint32_t u[4];

  if (size < sizeof *h + sizeof sid)
    return 0;
  body_len = size - sizeof *h - sizeof sid;
  memcpy (&sid, buf + size - sizeof sid, sizeof sid);

  switch (h->type)
    {
    case PERF_RECORD_SWITCH:
    case PERF_RECORD_SWITCH_CPU_WIDE:
    case PERF_RECORD_FORK:
    case PERF_RECORD_EXIT:
    case PERF_RECORD_COMM:
    case PERF_RECORD_LOST:
      break;
    default:
      return 0;
    }
  r = weft_perf_record_vec_push (out);
  if (r == NULL)
    return 0;
  r->time = sid.time;
  r->spid = sid.pid;
  r->stid = sid.tid;
  r->cpu = (uint16_t) (h->type == PERF_RECORD_LOST ? (uint32_t) ring->cpu : sid.cpu);

  switch (h->type)
    {
    case PERF_RECORD_SWITCH:
    case PERF_RECORD_SWITCH_CPU_WIDE:
      r->pid = sid.pid;
      r->tid = sid.tid;
      if (h->misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT)
        r->flags |= WEFT_PREC_PREEMPT;
      if (h->type == PERF_RECORD_SWITCH_CPU_WIDE)
        {
          /* Both sides name both threads; both are kept because the
           * kernel does not always write the idle task's switch-out. */
          if (body_len < 8)
            {
              out->len--;
              return 0;
            }
          memcpy (u, body, 8);
          r->type = WEFT_PREC_SWITCH_CPU;
          r->ppid = u[0];
          r->ptid = u[1];
          if (!(h->misc & PERF_RECORD_MISC_SWITCH_OUT))
            r->flags |= WEFT_PREC_IN;
        }
      else
        r->type = (h->misc & PERF_RECORD_MISC_SWITCH_OUT) ? WEFT_PREC_SWITCH_OUT
                                                          : WEFT_PREC_SWITCH_IN;
      break;
    case PERF_RECORD_FORK:
    case PERF_RECORD_EXIT:
      if (body_len < 16)
        {
          out->len--;
          return 0;
        }
      memcpy (u, body, 16);
      r->type = h->type == PERF_RECORD_FORK ? WEFT_PREC_FORK : WEFT_PREC_EXIT;
      r->pid = u[0];
      r->ppid = u[1];
      r->tid = u[2];
      r->ptid = u[3];
      break;
    case PERF_RECORD_COMM:
      if (body_len < 9)
        {
          out->len--;
          return 0;
        }
      memcpy (u, body, 8);
      r->type = WEFT_PREC_COMM;
      r->pid = u[0];
      r->tid = u[1];
      if (h->misc & PERF_RECORD_MISC_COMM_EXEC)
        r->flags |= WEFT_PREC_EXEC;
      {
        size_t n = body_len - 8 < sizeof r->comm - 1 ? body_len - 8 : sizeof r->comm - 1;

        memcpy (r->comm, body + 8, n);
        r->comm[n] = '\0';
      }
      break;
    case PERF_RECORD_LOST:
      if (body_len < 16)
        {
          out->len--;
          return 0;
        }
      memcpy (&r->value, body + 8, 8);
      r->type = WEFT_PREC_LOST;
      break;
    }
  return 1;
}

static size_t
ring_drain (Ring *ring, WeftPerfRecordVec *out)
{
  uint64_t head, tail;
  uint8_t buf[65536]; /* a record's size is a u16 */
  size_t n = 0;

  if (ring->fd < 0)
    return 0;
  head = __atomic_load_n (&ring->meta->data_head, __ATOMIC_ACQUIRE);
  tail = ring->meta->data_tail;
  while (tail < head)
    {
      struct perf_event_header h;

      if (head - tail < sizeof h)
        break;
      ring_copy (ring, tail, &h, sizeof h);
      /* A record smaller than its header or past the head means the ring
       * cannot be trusted: skip to the head rather than loop. */
      if (h.size < sizeof h || h.size > head - tail)
        {
          tail = head;
          break;
        }
      ring_copy (ring, tail, buf, h.size);
      n += (size_t) decode (ring, buf, h.size, out);
      tail += h.size;
    }
  __atomic_store_n (&ring->meta->data_tail, tail, __ATOMIC_RELEASE);
  return n;
}

size_t
weft_perf_drain (WeftPerf *perf, WeftPerfRecordVec *out)
{
  size_t n = 0;

  for (size_t i = 0; i < perf->n_rings; i++)
    n += ring_drain (&perf->rings[i], out);
  return n;
}

void
weft_perf_disable (WeftPerf *perf)
{
  for (size_t i = 0; i < perf->n_rings; i++)
    if (perf->rings[i].fd >= 0)
      ioctl (perf->rings[i].fd, PERF_EVENT_IOC_DISABLE, 0);
  for (size_t i = 0; i < perf->n_extra; i++)
    ioctl (perf->extra_fds[i], PERF_EVENT_IOC_DISABLE, 0);
}

void
weft_perf_close (WeftPerf *perf)
{
  if (perf == NULL)
    return;
  for (size_t i = 0; i < perf->n_extra; i++)
    close (perf->extra_fds[i]);
  for (size_t i = 0; i < perf->n_rings; i++)
    {
      if (perf->rings[i].meta != NULL)
        munmap (perf->rings[i].meta, perf->rings[i].map_size);
      if (perf->rings[i].fd >= 0)
        close (perf->rings[i].fd);
    }
  free (perf->extra_fds);
  free (perf->rings);
  free (perf);
}
