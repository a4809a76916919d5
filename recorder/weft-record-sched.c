/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-sched.c: records to CPU and thread streams.
 */
#define _GNU_SOURCE
#include "weft-record-sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft-record-proc.h"

/* CPU "current" values besides a traced tid. */
#define CUR_NONE (-2)  /* nothing known runs (after a switch-out or a loss) */

typedef struct
{
  uint32_t tid, pid;
  int32_t cpu;          /* where it runs, -1 when not running (task mode) */
  uint32_t stream;      /* builder stream, valid when has_stream */
  uint8_t has_stream;
  uint8_t exited;
  char name[16];
} Thread;

typedef struct
{
  uint32_t pid;
  uint32_t live;        /* threads not exited */
  uint8_t exited;
  uint8_t has_status;
  int status;
  char name[16];
} Process;

typedef struct
{
  int64_t current;      /* a traced tid, WEFT_TID_IDLE, WEFT_TID_OTHER or CUR_NONE */
  uint8_t has_stream;
  uint8_t has_pending;  /* a switch-out waiting for its switch-in */
  uint8_t pending_state;
  uint32_t pending_tid;
  uint64_t pending_time;
  WeftBuilderStream stream;
} Cpu;

/* uint32 key -> index + 1, open addressing. */
typedef struct
{
  uint32_t *keys, *vals;
  size_t cap, len;
} Map;

struct WeftSched
{
  WeftBuilder *b;
  WeftSchedMode mode;
  int system_wide;
  Thread *threads;
  size_t n_threads, cap_threads;
  Process *procs;
  size_t n_procs, cap_procs;
  Map thread_map, proc_map;
  Map hidden;           /* tid -> 1 hidden, 2 no longer (it exited) */
  Cpu *cpus;
  size_t n_cpus;
  WeftSchedCounts counts;
  int oom;
  uint64_t flush_period; /* ns of trace time, 0 = never */
  uint64_t next_flush;   /* limit at which weft_sched_flush() writes; 0 = at the first */
};

/* --- map --- */

static uint32_t
map_get (const Map *m, uint32_t key)
{
  if (m->cap == 0)
    return 0;
  for (size_t i = (key * 2654435761u) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
    {
      if (m->vals[i] == 0)
        return 0;
      if (m->keys[i] == key)
        return m->vals[i];
    }
}

static int
map_put (Map *m, uint32_t key, uint32_t val)
{
  size_t i;

  if ((m->len + 1) * 2 > m->cap)
    {
      Map n = { 0 };

      n.cap = m->cap ? m->cap * 2 : 256;
      n.keys = calloc (n.cap, sizeof *n.keys);
      n.vals = calloc (n.cap, sizeof *n.vals);
      if (n.keys == NULL || n.vals == NULL)
        {
          free (n.keys);
          free (n.vals);
          return -1;
        }
      for (size_t j = 0; j < m->cap; j++)
        if (m->vals[j] != 0)
          map_put (&n, m->keys[j], m->vals[j]);
      free (m->keys);
      free (m->vals);
      *m = n;
    }
  for (i = (key * 2654435761u) & (m->cap - 1); m->vals[i] != 0 && m->keys[i] != key;
       i = (i + 1) & (m->cap - 1))
    ;
  if (m->vals[i] == 0)
    m->len++;
  m->keys[i] = key;
  m->vals[i] = val;
  return 0;
}

static void
map_clear (Map *m)
{
  free (m->keys);
  free (m->vals);
  memset (m, 0, sizeof *m);
}

/* --- tables --- */

static void *
grow (void *arr, size_t *cap, size_t need, size_t elem)
{
  if (need <= *cap)
    return arr;
  size_t c = *cap ? *cap * 2 : 64;
  while (c < need)
    c *= 2;
  void *p = realloc (arr, c * elem);
  if (p != NULL)
    *cap = c;
  return p;
}

static Thread *
thread_find (WeftSched *s, uint32_t tid)
{
  uint32_t i = map_get (&s->thread_map, tid);

  return i ? &s->threads[i - 1] : NULL;
}

static Process *
proc_find (WeftSched *s, uint32_t pid)
{
  uint32_t i = map_get (&s->proc_map, pid);

  return i ? &s->procs[i - 1] : NULL;
}

static int
is_hidden (WeftSched *s, uint32_t tid)
{
  return map_get (&s->hidden, tid) == 1;
}

void
weft_sched_hide_thread (WeftSched *s, uint32_t tid)
{
  if (map_put (&s->hidden, tid, 1) < 0)
    s->oom = 1;
}

/* A fresh entry; a reused tid (its thread exited) gets a new one. */
static Thread *
thread_new (WeftSched *s, uint32_t pid, uint32_t tid, const char *name)
{
  Thread *arr = grow (s->threads, &s->cap_threads, s->n_threads + 1, sizeof *arr);
  Thread *t;

  if (arr == NULL)
    {
      s->oom = 1;
      return NULL;
    }
  s->threads = arr;
  t = &s->threads[s->n_threads];
  memset (t, 0, sizeof *t);
  t->tid = tid;
  t->pid = pid;
  t->cpu = -1;
  snprintf (t->name, sizeof t->name, "%s", name ? name : "");
  if (map_put (&s->thread_map, tid, (uint32_t) ++s->n_threads) < 0)
    {
      s->n_threads--;
      s->oom = 1;
      return NULL;
    }
  s->counts.threads++;
  return t;
}

static Process *
proc_new (WeftSched *s, uint32_t pid, const char *name)
{
  Process *arr = grow (s->procs, &s->cap_procs, s->n_procs + 1, sizeof *arr);
  Process *p;

  if (arr == NULL)
    {
      s->oom = 1;
      return NULL;
    }
  s->procs = arr;
  p = &s->procs[s->n_procs];
  memset (p, 0, sizeof *p);
  p->pid = pid;
  snprintf (p->name, sizeof p->name, "%s", name ? name : "");
  if (map_put (&s->proc_map, pid, (uint32_t) ++s->n_procs) < 0)
    {
      s->n_procs--;
      s->oom = 1;
      return NULL;
    }
  s->counts.processes++;
  return p;
}

static WeftBuilderStream
thread_stream (WeftSched *s, Thread *t)
{
  if (!t->has_stream)
    {
      t->stream = weft_builder_thread (s->b, t->pid, t->tid);
      t->has_stream = 1;
    }
  return t->stream;
}

static Cpu *
cpu_get (WeftSched *s, uint32_t cpu)
{
  if (cpu >= WEFT_PROC_MAX_CPUS)
    return NULL;
  if (cpu >= s->n_cpus)
    {
      Cpu *arr = realloc (s->cpus, (cpu + 1) * sizeof *arr);

      if (arr == NULL)
        {
          s->oom = 1;
          return NULL;
        }
      for (size_t i = s->n_cpus; i <= cpu; i++)
        {
          memset (&arr[i], 0, sizeof arr[i]);
          arr[i].current = CUR_NONE;
        }
      s->cpus = arr;
      s->n_cpus = cpu + 1;
    }
  return &s->cpus[cpu];
}

/* --- CPU streams --- */

static void
emit_switch (WeftSched *s, uint32_t cpu, uint64_t t, int64_t prev, WeftSwitchState state,
             int64_t next)
{
  Cpu *c = &s->cpus[cpu];

  if (!c->has_stream)
    {
      c->stream = weft_builder_cpu (s->b, cpu);
      c->has_stream = 1;
    }
  weft_builder_switch (s->b, c->stream, t, prev, state, next);
  s->counts.switches++;
}

static int64_t
as_prev (int64_t current)
{
  return current == CUR_NONE ? WEFT_TID_OTHER : current;
}

/* Resolves a waiting switch-out: into next when it follows at once,
 * else through WEFT_TID_OTHER. next < 0 (no one known) only ends it. */
static void
flush_pending (WeftSched *s, uint32_t cpu, int64_t next, uint64_t t)
{
  Cpu *c = &s->cpus[cpu];

  if (!c->has_pending)
    return;
  c->has_pending = 0;
  /* A thread back on the CPU it just left: something ran in between. */
  if (next > 0 && next != (int64_t) c->pending_tid && t - c->pending_time <= WEFT_SCHED_MERGE_NS)
    {
      emit_switch (s, cpu, c->pending_time, c->pending_tid, c->pending_state, next);
      c->current = next;
      return;
    }
  emit_switch (s, cpu, c->pending_time, c->pending_tid, c->pending_state, WEFT_TID_OTHER);
  c->current = WEFT_TID_OTHER;
  if (next > 0)
    {
      emit_switch (s, cpu, t, WEFT_TID_OTHER, WEFT_SWITCH_UNKNOWN, next);
      c->current = next;
    }
}

/* Per-task mode: thread t runs on cpu from time (a switch-in, or any
 * record it wrote there). */
static void
cpu_run (WeftSched *s, uint32_t cpu, Thread *th, uint64_t time)
{
  Cpu *c = cpu_get (s, cpu);

  if (c == NULL || c->current == (int64_t) th->tid)
    return;
  /* A thread runs on one CPU at a time: a missed switch-out elsewhere. */
  if (th->cpu >= 0 && (uint32_t) th->cpu != cpu && (size_t) th->cpu < s->n_cpus
      && s->cpus[th->cpu].current == (int64_t) th->tid)
    {
      emit_switch (s, (uint32_t) th->cpu, time, th->tid, WEFT_SWITCH_UNKNOWN, WEFT_TID_OTHER);
      s->cpus[th->cpu].current = WEFT_TID_OTHER;
    }
  if (c->has_pending)
    flush_pending (s, cpu, th->tid, time);
  else
    {
      emit_switch (s, cpu, time, as_prev (c->current), WEFT_SWITCH_UNKNOWN, th->tid);
      c->current = th->tid;
    }
  th->cpu = (int32_t) cpu;
}

static void
cpu_leave (WeftSched *s, uint32_t cpu, Thread *th, uint64_t time, WeftSwitchState state)
{
  Cpu *c = cpu_get (s, cpu);

  if (c == NULL)
    return;
  cpu_run (s, cpu, th, time);
  c->has_pending = 1;
  c->pending_tid = th->tid;
  c->pending_time = time;
  c->pending_state = (uint8_t) state;
  c->current = CUR_NONE;
  th->cpu = -1;
}

/* --- threads and processes --- */

static void
set_thread_name (WeftSched *s, Thread *t, uint64_t time, const char *name, int force)
{
  if (!force && strcmp (t->name, name) == 0)
    return;
  snprintf (t->name, sizeof t->name, "%s", name);
  weft_builder_thread_name (s->b, thread_stream (s, t), time, t->name);
  if (t->tid == t->pid)
    {
      Process *p = proc_find (s, t->pid);

      if (p != NULL)
        snprintf (p->name, sizeof p->name, "%s", name);
      weft_builder_process_name (s->b, thread_stream (s, t), time, t->name);
    }
}

/* The thread of a record, created on first sight when every task is
 * traced; NULL when it is not traced. */
static Thread *
thread_seen (WeftSched *s, uint32_t pid, uint32_t tid, uint64_t time)
{
  Thread *t = thread_find (s, tid);
  char name[16];

  if (t != NULL && !(t->exited && t->pid != pid))
    return t;
  if (s->system_wide && !weft_sched_is_traced_process (s, pid))
    return NULL;
  if (tid == 0 || tid == UINT32_MAX || is_hidden (s, tid))
    return NULL; /* the idle task, a dead one, or the recorder's */
  if (weft_proc_read_comm ((pid_t) pid, (pid_t) tid, name, sizeof name) < 0)
    name[0] = '\0';
  if (proc_find (s, pid) == NULL && proc_new (s, pid, tid == pid ? name : "") == NULL)
    return NULL;
  t = thread_new (s, pid, tid, NULL);
  if (t == NULL)
    return NULL;
  proc_find (s, pid)->live++;
  /* Its stream must exist even if nothing else is ever written to it:
   * that is how the analysis knows the thread was traced. */
  set_thread_name (s, t, time, name, 1);
  return t;
}

static void
process_exited (WeftSched *s, Process *p, uint64_t time)
{
  Thread *main_thread = thread_find (s, p->pid);

  p->exited = 1;
  if (main_thread == NULL)
    return;
  weft_builder_process_exit (s->b, thread_stream (s, main_thread), time,
                             p->has_status ? p->status : -1);
}

static void
on_fork (WeftSched *s, const WeftPerfRecord *r)
{
  Thread *creator = thread_find (s, r->ptid), *t;
  Process *p;
  const char *name = creator ? creator->name : "";

  if (r->pid == r->ppid)
    {
      /* A thread: traced when its process is. */
      p = proc_find (s, r->pid);
      if (p == NULL)
        {
          if (s->system_wide)
            return;
          p = proc_new (s, r->pid, "");
          if (p == NULL)
            return;
        }
    }
  else
    {
      Process *parent = proc_find (s, r->ppid);
      Process *old = proc_find (s, r->pid);

      if (s->system_wide && (parent == NULL || parent->exited))
        return;
      /* A reused pid: the old process is over. */
      if (old != NULL && !old->exited)
        process_exited (s, old, r->time);
      p = proc_new (s, r->pid, name);
      if (p == NULL)
        return;
      if (creator != NULL)
        weft_builder_process_fork (s->b, thread_stream (s, creator), r->time, r->pid);
    }
  t = thread_new (s, r->pid, r->tid, name);
  if (t == NULL)
    return;
  p->exited = 0;
  p->live++;
  weft_builder_thread_start (s->b, thread_stream (s, t), r->time, r->ptid);
  set_thread_name (s, t, r->time, name, 1);
}

static void
on_task_exit (WeftSched *s, const WeftPerfRecord *r)
{
  Thread *t = thread_find (s, r->tid);
  Process *p;

  if (t == NULL || t->exited)
    return;
  t->exited = 1;
  weft_builder_thread_exit (s->b, thread_stream (s, t), r->time);
  if (s->mode == WEFT_SCHED_TASK && r->stid == r->tid)
    cpu_leave (s, r->cpu, t, r->time, WEFT_SWITCH_EXITED);
  p = proc_find (s, t->pid);
  if (p != NULL && p->live > 0 && --p->live == 0 && !p->exited)
    process_exited (s, p, r->time);
}

static void
on_comm (WeftSched *s, const WeftPerfRecord *r)
{
  Thread *t = thread_seen (s, r->pid, r->tid, r->time);

  if (t == NULL)
    return;
  if (r->flags & WEFT_PREC_EXEC)
    weft_builder_process_exec (s->b, thread_stream (s, t), r->time, r->comm);
  set_thread_name (s, t, r->time, r->comm, (r->flags & WEFT_PREC_EXEC) != 0);
}

static void
on_rss (WeftSched *s, const WeftPerfRecord *r)
{
  Process *p = proc_find (s, r->pid);
  Thread *main_thread = thread_find (s, r->pid);

  if (p == NULL || p->exited || main_thread == NULL || main_thread->pid != r->pid)
    return;
  weft_builder_counter (s->b, thread_stream (s, main_thread), r->time, WEFT_SCHED_RSS_COUNTER,
                        (double) r->value);
}

/* System-wide: one record per switch names both threads. */
static int64_t
map_tid (WeftSched *s, uint32_t pid, uint32_t tid, uint64_t time)
{
  Thread *t;

  if (tid == 0)
    return WEFT_TID_IDLE;
  if (is_hidden (s, tid))
    return WEFT_TID_OTHER;
  t = thread_seen (s, pid, tid, time);
  return t != NULL ? (int64_t) tid : WEFT_TID_OTHER;
}

/* A task perf names -1 is already dead: the one that exited on this
 * CPU, which is the one running there. */
static int64_t
map_side (WeftSched *s, Cpu *c, uint32_t pid, uint32_t tid, uint64_t time)
{
  if (tid == UINT32_MAX)
    return c->current == CUR_NONE ? WEFT_TID_OTHER : c->current;
  return map_tid (s, pid, tid, time);
}

static void
on_switch_cpu (WeftSched *s, const WeftPerfRecord *r)
{
  Cpu *c = cpu_get (s, r->cpu);
  int in = (r->flags & WEFT_PREC_IN) != 0;
  int64_t prev, next;
  WeftSwitchState state;
  Thread *t;

  if (c == NULL)
    return;
  if (in)
    {
      next = map_side (s, c, r->spid, r->stid, r->time);
      /* The switch-out side said it already (usually, a moment ago). */
      if (c->current == next)
        return;
      prev = map_side (s, c, r->ppid, r->ptid, r->time);
    }
  else
    {
      prev = map_side (s, c, r->spid, r->stid, r->time);
      next = map_side (s, c, r->ppid, r->ptid, r->time);
    }
  t = prev > 0 ? thread_find (s, (uint32_t) prev) : NULL;
  state = t != NULL && t->exited ? WEFT_SWITCH_EXITED
          : in ? WEFT_SWITCH_UNKNOWN
          : (r->flags & WEFT_PREC_PREEMPT) ? WEFT_SWITCH_PREEMPTED : WEFT_SWITCH_BLOCKED;
  /* Untraced to untraced is no change in the trace's eyes: it is written
   * only to end what the trace thought ran there (never as X -> X). */
  if (prev == next && prev <= 0)
    {
      if (c->current != CUR_NONE && c->current != next)
        emit_switch (s, r->cpu, r->time, c->current, WEFT_SWITCH_UNKNOWN, next);
      c->current = next;
      return;
    }
  emit_switch (s, r->cpu, r->time, prev, state, next);
  c->current = next;
}

void
weft_sched_feed (WeftSched *s, const WeftPerfRecord *r)
{
  Thread *t;

  if (s->oom)
    return;
  /* The recorder's own thread: as if untraced. */
  if (s->hidden.len > 0 && r->type != WEFT_PREC_SWITCH_CPU && r->type != WEFT_PREC_LOST
      && r->type != WEFT_PREC_RSS)
    {
      uint32_t subject = r->type == WEFT_PREC_SWITCH_IN || r->type == WEFT_PREC_SWITCH_OUT
                           ? r->stid
                           : r->tid;

      if (is_hidden (s, subject))
        {
          if (r->type == WEFT_PREC_EXIT)
            map_put (&s->hidden, subject, 2);
          /* It ran: whoever left the CPU before did not hand it over. */
          if (r->type == WEFT_PREC_SWITCH_IN && s->mode == WEFT_SCHED_TASK
              && cpu_get (s, r->cpu) != NULL)
            flush_pending (s, r->cpu, -1, r->time);
          return;
        }
    }
  switch (r->type)
    {
    case WEFT_PREC_SWITCH_CPU:
      on_switch_cpu (s, r);
      return;
    case WEFT_PREC_LOST:
      {
        Cpu *c = cpu_get (s, r->cpu);

        s->counts.lost += r->value;
        if (c == NULL)
          return;
        if (!c->has_stream)
          {
            c->stream = weft_builder_cpu (s->b, r->cpu);
            c->has_stream = 1;
          }
        flush_pending (s, r->cpu, -1, r->time);
        weft_builder_lost (s->b, c->stream, r->time, r->value);
        c->current = CUR_NONE;
        return;
      }
    case WEFT_PREC_RSS:
      on_rss (s, r);
      return;
    default:
      break;
    }

  /* Per-task mode: whichever thread wrote a record was running there. */
  if (s->mode == WEFT_SCHED_TASK && r->type != WEFT_PREC_SWITCH_OUT && r->type != WEFT_PREC_EXIT)
    {
      t = thread_seen (s, r->spid, r->stid, r->time);
      if (t != NULL && !t->exited)
        cpu_run (s, r->cpu, t, r->time);
    }
  switch (r->type)
    {
    case WEFT_PREC_SWITCH_OUT:
      t = thread_seen (s, r->spid, r->stid, r->time);
      if (t != NULL && !t->exited && s->mode == WEFT_SCHED_TASK)
        cpu_leave (s, r->cpu, t, r->time,
                   (r->flags & WEFT_PREC_PREEMPT) ? WEFT_SWITCH_PREEMPTED : WEFT_SWITCH_BLOCKED);
      break;
    case WEFT_PREC_FORK:
      on_fork (s, r);
      break;
    case WEFT_PREC_EXIT:
      on_task_exit (s, r);
      break;
    case WEFT_PREC_COMM:
      on_comm (s, r);
      break;
    default:
      break;
    }
}

/* --- life cycle --- */

WeftSched *
weft_sched_new (WeftBuilder *builder, WeftSchedMode mode)
{
  WeftSched *s = calloc (1, sizeof *s);

  if (s == NULL)
    return NULL;
  s->b = builder;
  s->mode = mode;
  s->flush_period = WEFT_SCHED_FLUSH_NS;
  s->system_wide = mode == WEFT_SCHED_SYSTEM;
  return s;
}

void
weft_sched_free (WeftSched *s)
{
  if (s == NULL)
    return;
  map_clear (&s->thread_map);
  map_clear (&s->proc_map);
  map_clear (&s->hidden);
  free (s->threads);
  free (s->procs);
  free (s->cpus);
  free (s);
}

void
weft_sched_add_process (WeftSched *s, uint32_t pid, uint64_t time, const char *name,
                        int started)
{
  Process *p = proc_find (s, pid);
  Thread *t;

  if (p == NULL && (p = proc_new (s, pid, name)) == NULL)
    return;
  if (!started)
    return;
  t = thread_new (s, pid, pid, name);
  if (t == NULL)
    return;
  p->live++;
  weft_builder_thread_start (s->b, thread_stream (s, t), time, 0);
  set_thread_name (s, t, time, name, 1);
}

void
weft_sched_add_thread (WeftSched *s, uint32_t pid, uint32_t tid, uint64_t time,
                       const char *name)
{
  Process *p = proc_find (s, pid);
  Thread *t;

  if (p == NULL && (p = proc_new (s, pid, tid == pid ? name : "")) == NULL)
    return;
  if (thread_find (s, tid) != NULL)
    return;
  t = thread_new (s, pid, tid, name);
  if (t == NULL)
    return;
  p->live++;
  set_thread_name (s, t, time, name, 1);
}

void
weft_sched_set_exit_status (WeftSched *s, uint32_t pid, int status)
{
  Process *p = proc_find (s, pid);

  if (p == NULL)
    return;
  p->has_status = 1;
  p->status = status;
}

int
weft_sched_is_traced_process (WeftSched *s, uint32_t pid)
{
  Process *p = proc_find (s, pid);

  return p != NULL && !p->exited;
}

void
weft_sched_set_flush_period (WeftSched *s, uint64_t period_ns)
{
  s->flush_period = period_ns;
}

void
weft_sched_flush (WeftSched *s, uint64_t limit)
{
  /* A later switch-in (at limit or after) is too late to join these:
   * flush_pending() would write the same two switches then. */
  if (limit > WEFT_SCHED_MERGE_NS)
    for (size_t i = 0; i < s->n_cpus; i++)
      if (s->cpus[i].has_pending && s->cpus[i].pending_time < limit - WEFT_SCHED_MERGE_NS)
        flush_pending (s, (uint32_t) i, -1, limit);
  if (s->flush_period == 0 || limit < s->next_flush)
    return;
  weft_builder_flush (s->b);
  s->next_flush = limit + s->flush_period;
}

void
weft_sched_finish (WeftSched *s, uint64_t end_time)
{
  for (size_t i = 0; i < s->n_cpus; i++)
    flush_pending (s, (uint32_t) i, -1, end_time);
}

void
weft_sched_get_counts (WeftSched *s, WeftSchedCounts *counts)
{
  *counts = s->counts;
}
