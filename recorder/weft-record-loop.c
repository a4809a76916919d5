/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-loop.c: the recorder's one loop, on its main thread: wait
 * for ring data, a signal or the next memory sample; drain the rings;
 * reap children; feed records older than the watermark to the converter
 * in time order.
 */
#define _GNU_SOURCE
#include "weft-record-private.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "weft-record-proc.h"

uint64_t
_weft_record_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

/* Sorts what is pending and feeds every record older than limit. */
static void
feed_below (WeftRecordSession *s, uint64_t limit)
{
  size_t n = 0;

  if (s->pending.len == 0)
    return;
  /* libweft's drain thread names itself a moment after its fork: that
   * name is in the rings already when the fork is fed. */
  for (size_t i = s->pending.sorted; i < s->pending.len; i++)
    if (s->pending.recs[i].type == WEFT_PREC_COMM
        && strcmp (s->pending.recs[i].comm, WEFT_SCHED_RUNTIME_THREAD) == 0)
      weft_sched_hide_thread (s->sched, s->pending.recs[i].tid);
  weft_perf_record_vec_sort (&s->pending);
  while (n < s->pending.len && s->pending.recs[n].time < limit)
    weft_sched_feed (s->sched, &s->pending.recs[n++]);
  weft_perf_record_vec_consume (&s->pending, n);
}

/* New processes start being sampled as soon as their fork is read, not
 * a watermark later. */
static void
drain (WeftRecordSession *s)
{
  size_t from = s->pending.len;

  if (s->perf == NULL)
    return;
  weft_perf_drain (s->perf, &s->pending);
  if (s->mem == NULL)
    return;
  for (size_t i = from; i < s->pending.len; i++)
    {
      const WeftPerfRecord *r = &s->pending.recs[i];

      if (r->type == WEFT_PREC_FORK && r->pid != r->ppid
          && (s->mode == WEFT_SCHED_TASK || weft_memory_has (s->mem, (pid_t) r->ppid)))
        weft_memory_add (s->mem, (pid_t) r->pid);
    }
}

static WeftPerfRecord *
synth (WeftRecordSession *s, WeftPerfRecordType type, uint64_t now, pid_t pid, pid_t ppid)
{
  WeftPerfRecord *r = weft_perf_record_vec_push (&s->pending);

  if (r == NULL)
    return NULL;
  r->type = (uint8_t) type;
  r->time = now;
  r->pid = r->tid = r->spid = r->stid = (uint32_t) pid;
  r->ppid = r->ptid = (uint32_t) ppid;
  return r;
}

static int
pid_in (const pid_t *arr, size_t n, pid_t pid)
{
  for (size_t i = 0; i < n; i++)
    if (arr[i] == pid)
      return 1;
  return 0;
}

/* Without perf: the process tree from a scan of /proc, as fork, comm
 * and exit records at the time of the scan. */
static void
discover (WeftRecordSession *s, uint64_t now)
{
  pid_t ancestor = s->o->attach_pid ? s->target : getpid ();
  pid_t *found;
  size_t n = weft_proc_descendants (ancestor, &found);
  WeftPerfRecord *r;

  if (!s->root_named && !s->o->attach_pid
      && (r = synth (s, WEFT_PREC_COMM, now, s->target, 0)) != NULL)
    {
      if (weft_proc_read_comm (s->target, s->target, r->comm, sizeof r->comm) < 0)
        s->pending.len--;
      else
        r->flags = WEFT_PREC_EXEC;
      s->root_named = 1;
    }
  for (size_t i = 0; i < n; i++)
    {
      pid_t pid = found[i], ppid;

      if (pid == s->target || pid_in (s->known, s->n_known, pid))
        continue;
      ppid = weft_proc_ppid (pid);
      /* An orphan handed to us (the subreaper): its parent is unknown. */
      if (ppid == getpid ())
        ppid = 0;
      synth (s, WEFT_PREC_FORK, now, pid, ppid);
      r = synth (s, WEFT_PREC_COMM, now, pid, 0);
      if (r != NULL && weft_proc_read_comm (pid, pid, r->comm, sizeof r->comm) < 0)
        s->pending.len--;
      if (s->mem != NULL)
        weft_memory_add (s->mem, pid);
    }
  for (size_t i = 0; i < s->n_known; i++)
    if (!pid_in (found, n, s->known[i]))
      synth (s, WEFT_PREC_EXIT, now, s->known[i], 0);
  free (s->known);
  s->known = found;
  s->n_known = n;
  /* Keep the target out of the list: its exit comes from waitpid. */
  for (size_t i = 0; i < s->n_known; i++)
    if (s->known[i] == s->target)
      s->known[i] = s->known[--s->n_known];
}

static void
reap (WeftRecordSession *s, uint64_t now)
{
  int status;
  pid_t pid;

  while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
    {
      weft_sched_set_exit_status (s->sched, (uint32_t) pid, status);
      if (pid == s->target && !s->o->attach_pid)
        {
          s->r->wait_status = status;
          s->r->have_wait_status = 1;
          s->target_done = 1;
          if (s->mode == WEFT_SCHED_NONE)
            synth (s, WEFT_PREC_EXIT, now, pid, 0);
        }
    }
}

static int
attached_target_gone (WeftRecordSession *s)
{
  struct pollfd p = { .fd = s->target_fd, .events = POLLIN };

  if (s->target_fd >= 0)
    return poll (&p, 1, 0) > 0;
  return kill (s->target, 0) < 0 && errno == ESRCH;
}

static int
poll_timeout_ms (WeftRecordSession *s, uint64_t now)
{
  uint64_t wake = now + 100000000ull;

  if (s->mem != NULL && s->next_sample < wake)
    wake = s->next_sample;
  if (s->mode == WEFT_SCHED_NONE && s->next_discover < wake)
    wake = s->next_discover;
  if (s->deadline && s->deadline < wake)
    wake = s->deadline;
  if (s->pools != NULL && weft_pools_busy (s->pools)
      && now + WEFT_POOLS_PERIOD_MS * 1000000ull < wake)
    wake = now + WEFT_POOLS_PERIOD_MS * 1000000ull;
  return wake <= now ? 0 : (int) ((wake - now + 999999) / 1000000);
}

void
_weft_record_loop (WeftRecordSession *s)
{
  struct pollfd fds[WEFT_PROC_MAX_CPUS + 3];
  int ring_fds[WEFT_PROC_MAX_CPUS];
  size_t n_rings = s->perf ? weft_perf_get_fds (s->perf, ring_fds, WEFT_PROC_MAX_CPUS) : 0;
  unsigned period = s->o->memory_period_ms;

  while (!s->target_done)
    {
      uint64_t now = _weft_record_now ();
      nfds_t n = 0;
      char buf[64];

      fds[n++] = (struct pollfd) { .fd = s->wake[0], .events = POLLIN };
      if (s->pools != NULL)
        fds[n++] = (struct pollfd) { .fd = weft_pools_get_fd (s->pools), .events = POLLIN };
      for (size_t i = 0; i < n_rings; i++)
        if (ring_fds[i] >= 0)
          fds[n++] = (struct pollfd) { .fd = ring_fds[i], .events = POLLIN };
      if (poll (fds, n, poll_timeout_ms (s, now)) < 0 && errno != EINTR)
        break;
      /* A ring whose first task exited reports POLLHUP for good: it is
       * still drained every time, but no longer waited on (that would
       * spin while its descendants run on). */
      for (nfds_t k = s->pools != NULL ? 2 : 1; k < n; k++)
        if (fds[k].revents & (POLLHUP | POLLERR))
          for (size_t i = 0; i < n_rings; i++)
            if (ring_fds[i] == fds[k].fd)
              ring_fds[i] = -1;
      while (read (s->wake[0], buf, sizeof buf) > 0)
        ;

      drain (s);
      now = _weft_record_now ();
      if (s->pools != NULL)
        weft_pools_service (s->pools, now);
      if (s->mem != NULL && now >= s->next_sample)
        {
          weft_memory_sample (s->mem, now, &s->pending);
          s->next_sample += (uint64_t) period * 1000000ull;
          if (s->next_sample <= now)
            s->next_sample = now + (uint64_t) period * 1000000ull;
        }
      if (s->mode == WEFT_SCHED_NONE && now >= s->next_discover)
        {
          discover (s, now);
          s->next_discover = now + WEFT_RECORD_DISCOVER_NS;
        }
      reap (s, now);
      if (s->o->attach_pid
          && (attached_target_gone (s) || weft_signals_stop_requested ()
              || (s->deadline && now >= s->deadline)))
        s->target_done = 1;
      if (now > WEFT_RECORD_WATERMARK_NS)
        {
          /* Every record before the watermark is in: what it made goes
           * to the file now and then, so a recorder killed mid-run
           * leaves the scheduler data up to about then. */
          feed_below (s, now - WEFT_RECORD_WATERMARK_NS);
          weft_sched_flush (s->sched, now - WEFT_RECORD_WATERMARK_NS);
        }
    }

  /* The end: everything the rings still hold, then every record. */
  if (s->perf != NULL)
    {
      weft_perf_disable (s->perf);
      drain (s);
    }
  s->r->end_ns = _weft_record_now ();
  feed_below (s, UINT64_MAX);
  weft_sched_finish (s->sched, s->r->end_ns);
}
