/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-async.c: `bank async`. One thread runs an event loop; payment
 * notifications are async tasks on it. Each task holds the payment's
 * money, sends a request down a pipe to the gateway and suspends; the
 * gateway (callbacks on the same loop) echoes it back after a delay; the
 * task resumes and settles the payment, or, if its timeout fires first,
 * refunds it.
 *
 * What the trace shows: one thread, many tasks in progress at once but
 * only ever one running, the loop idle while everything waits; flows go
 * from each task to the gateway and back.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <weft.h>

#include "bank-fraud.h"
#include "bank-ledger.h"
#include "bank-loop.h"
#include "bank.h"

#define MS (1000 * 1000)
#define TIMEOUT_NS (40 * MS) /* a notification not echoed by then is refunded */
#define MAX_AMOUNT 20000
#define TASK_ID_BASE 0x1000 /* task i is TASK_ID_BASE + i; ids are never reused */

typedef enum
{
  TASK_NEW,
  TASK_WAITING, /* suspended until the echo or the timeout */
  TASK_DONE,
} TaskState;

typedef struct _Async Async;

typedef struct
{
  Async *async;
  uint64_t id;
  TaskState state;
  BankTxn txn;
} Task;

struct _Async
{
  const BankOptions *opts;
  BankLoop *loop;
  BankLedger ledger;
  BankRand rand;
  Task *tasks;
  int n_tasks;
  int spawned, finished;
  int delivered, timed_out, declined, late_echoes;
  int in_flight, max_in_flight;
  long requests_sent, echoes_received;
  uint64_t spawn_interval_ns;
  int req_pipe[2]; /* tasks -> gateway */
  int ack_pipe[2]; /* gateway -> tasks */
  uint64_t sink;
  bool failed;
};

/* Flow ids: the request's arrow and the echo's arrow of each task. */
static inline uint64_t
request_flow (uint64_t task_id)
{
  return task_id * 2;
}

static inline uint64_t
echo_flow (uint64_t task_id)
{
  return task_id * 2 + 1;
}

static void
fail (Async *async, const char *what)
{
  bank_error ("async: %s: %s", what, strerror (errno));
  async->failed = true;
  bank_loop_quit (async->loop);
}

static void
maybe_quit (Async *async)
{
  /* every task finished and every echo read back: nothing left in flight */
  if (async->finished == async->n_tasks && async->echoes_received == async->requests_sent)
    bank_loop_quit (async->loop);
}

static void
set_in_flight (Async *async, int delta)
{
  async->in_flight += delta;
  if (async->in_flight > async->max_in_flight)
    async->max_in_flight = async->in_flight;
  weft_counter ("notifications in flight", async->in_flight);
}

static void task_timeout (BankLoop *loop, void *data);

/* A new task: composes the notification, holds the money, sends the
 * request and suspends. */
static void
task_start (Async *async, Task *task)
{
  weft_task_begin (task->id, "notify");
  weft_span_begin ("compose");
  bank_txn_random (&task->txn, &async->rand, 0, async->ledger.n, MAX_AMOUNT, task->id);
  async->sink ^= bank_hash_rounds (task->id, async->opts->work / 10);

  if (!bank_ledger_debit (&async->ledger, task->txn.from, task->txn.amount))
    {
      /* not enough money: nothing to notify */
      weft_instant ("declined");
      weft_span_end ();
      task->state = TASK_DONE;
      async->declined++;
      async->finished++;
      weft_task_end (task->id);
      return;
    }

  weft_flow_begin (request_flow (task->id));
  if (write (async->req_pipe[1], &task->id, sizeof task->id) != sizeof task->id)
    {
      weft_span_end ();
      fail (async, "writing a request");
      return;
    }
  async->requests_sent++;
  if (!bank_loop_add_timer (async->loop, TIMEOUT_NS, task_timeout, task))
    {
      weft_span_end ();
      errno = ENOMEM;
      fail (async, "adding a timer");
      return;
    }
  task->state = TASK_WAITING;
  set_in_flight (async, 1);
  weft_span_end ();
  weft_task_suspend (task->id);
}

/* The echo came back in time: the payment is delivered. */
static void
task_settle (Async *async, Task *task)
{
  weft_task_resume (task->id);
  weft_span_begin ("settle");
  bank_ledger_credit (&async->ledger, task->txn.to, task->txn.amount);
  task->state = TASK_DONE;
  async->delivered++;
  async->finished++;
  set_in_flight (async, -1);
  weft_span_end ();
  weft_task_end (task->id);
}

static void
task_timeout (BankLoop *loop, void *data)
{
  Task *task = data;
  Async *async = task->async;

  if (task->state != TASK_WAITING)
    return; /* settled already */
  weft_task_resume (task->id);
  weft_span_begin ("refund");
  weft_instant ("timeout");
  bank_ledger_refund (&async->ledger, task->txn.from, task->txn.amount);
  task->state = TASK_DONE;
  async->timed_out++;
  async->finished++;
  set_in_flight (async, -1);
  weft_span_end ();
  weft_task_end (task->id);
  maybe_quit (async);
}

static void
spawn_next (BankLoop *loop, void *data)
{
  Async *async = data;
  Task *task = &async->tasks[async->spawned++];

  if (async->spawned < async->n_tasks
      && !bank_loop_add_timer (loop, async->spawn_interval_ns, spawn_next, async))
    {
      errno = ENOMEM;
      fail (async, "adding a timer");
      return;
    }
  task_start (async, task);
  maybe_quit (async);
}

/* The gateway's reply: written to the echo pipe when its delay is over. */
static void
gateway_echo (BankLoop *loop, void *data)
{
  Task *task = data;
  Async *async = task->async;

  weft_span_begin ("echo");
  weft_flow_begin (echo_flow (task->id));
  if (write (async->ack_pipe[1], &task->id, sizeof task->id) != sizeof task->id)
    fail (async, "writing an echo");
  weft_span_end ();
}

/* Reads the ids in a pipe; false (and a failure) on an error. */
static ssize_t
read_ids (Async *async, int fd, uint64_t *ids, size_t max)
{
  ssize_t n = read (fd, ids, max * sizeof *ids);

  if (n < 0)
    {
      if (errno == EAGAIN || errno == EINTR)
        return 0;
      fail (async, "reading a pipe");
      return -1;
    }
  /* writes of 8 bytes to a pipe are atomic, so reads come in whole ids */
  return n / (ssize_t) sizeof *ids;
}

static Task *
task_for_id (Async *async, uint64_t id)
{
  if (id < TASK_ID_BASE || id - TASK_ID_BASE >= (uint64_t) async->n_tasks)
    return NULL;
  return &async->tasks[id - TASK_ID_BASE];
}

/* The gateway receives requests and answers each after a network delay:
 * mostly 1-15 ms, sometimes 50-80 ms, past the task's timeout. */
static void
gateway_receive (BankLoop *loop, void *data)
{
  Async *async = data;
  uint64_t ids[64];
  ssize_t n = read_ids (async, async->req_pipe[0], ids, 64);

  for (ssize_t i = 0; i < n; i++)
    {
      Task *task = task_for_id (async, ids[i]);
      uint64_t delay;

      if (task == NULL)
        continue;
      weft_span_begin ("gateway");
      weft_flow_end (request_flow (task->id));
      if (bank_rand_below (&async->rand, 100) < 6)
        delay = 50 * MS + bank_rand_below (&async->rand, 30 * MS);
      else
        delay = 1 * MS + bank_rand_below (&async->rand, 14 * MS);
      if (!bank_loop_add_timer (loop, delay, gateway_echo, task))
        {
          errno = ENOMEM;
          fail (async, "adding a timer");
        }
      weft_span_end ();
    }
}

static void
echo_receive (BankLoop *loop, void *data)
{
  Async *async = data;
  uint64_t ids[64];
  ssize_t n = read_ids (async, async->ack_pipe[0], ids, 64);

  for (ssize_t i = 0; i < n; i++)
    {
      Task *task = task_for_id (async, ids[i]);

      if (task == NULL)
        continue;
      async->echoes_received++;
      weft_flow_end (echo_flow (task->id));
      if (task->state == TASK_WAITING)
        task_settle (async, task);
      else
        {
          weft_instant ("late_echo");
          async->late_echoes++;
        }
    }
  maybe_quit (async);
}

static bool
open_pipe (int fds[2])
{
  return pipe2 (fds, O_NONBLOCK | O_CLOEXEC) == 0;
}

int
bank_run_async (const BankOptions *opts)
{
  Async async = { .opts = opts, .n_tasks = opts->tasks };
  bool ok = false;

  weft_thread_set_name ("loop");
  async.req_pipe[0] = async.req_pipe[1] = async.ack_pipe[0] = async.ack_pipe[1] = -1;
  async.tasks = calloc ((size_t) opts->tasks, sizeof *async.tasks);
  async.loop = bank_loop_new ();
  if (async.tasks == NULL || async.loop == NULL
      || !bank_ledger_init (&async.ledger, opts->accounts, false))
    {
      bank_error ("async: out of memory");
      goto out;
    }
  async.ledger.lose_cents = opts->lose_cents;
  /* --tasks is at most 4096: 8-byte ids of every task in flight fit in a
   * pipe's 64 KiB, so a write never blocks */
  if (!open_pipe (async.req_pipe) || !open_pipe (async.ack_pipe))
    {
      bank_error ("async: pipe: %s", strerror (errno));
      goto out;
    }
  bank_rand_init (&async.rand, opts->seed);
  for (int i = 0; i < opts->tasks; i++)
    {
      async.tasks[i].async = &async;
      async.tasks[i].id = TASK_ID_BASE + (uint64_t) i;
    }

  /* start the tasks evenly over most of the run, leaving time to finish */
  async.spawn_interval_ns = (uint64_t) (opts->seconds * 0.85e9 / opts->tasks);
  bank_loop_watch (async.loop, async.req_pipe[0], gateway_receive, &async);
  bank_loop_watch (async.loop, async.ack_pipe[0], echo_receive, &async);
  bank_loop_add_timer (async.loop, 0, spawn_next, &async);
  if (!bank_loop_run (async.loop) || async.failed)
    goto out;

  ok = bank_ledger_check (&async.ledger, "async");
  printf ("async: %d notification tasks on 1 thread (%d delivered, %d timed out and refunded, "
          "%d declined), at most %d in flight; %s: %" PRId64 " cents in %d accounts\n",
          async.n_tasks, async.delivered, async.timed_out, async.declined, async.max_in_flight,
          ok ? "money conserved" : "MONEY NOT CONSERVED", bank_ledger_sum (&async.ledger),
          async.ledger.n);

out:
  for (int i = 0; i < 2; i++)
    {
      if (async.req_pipe[i] >= 0)
        close (async.req_pipe[i]);
      if (async.ack_pipe[i] >= 0)
        close (async.ack_pipe[i]);
    }
  bank_ledger_clear (&async.ledger);
  bank_loop_free (async.loop);
  free (async.tasks);
  return ok ? 0 : 1;
}
