/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-processes.c: `bank processes`. The fraud checks of `bank gil`,
 * run by a pool of forked worker processes: each owns a shard of the
 * accounts (in a shared mapping), so none waits for another; the parent
 * waits for them all, then writes the report.
 *
 * What the trace shows: as many processes running as there are cores,
 * every core lane solid until the workers finish, then the report phase
 * on one core, with a flow from each worker's hand-in to the report.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <weft.h>

#include "bank-fraud.h"
#include "bank-ledger.h"
#include "bank.h"

#define MAX_AMOUNT 30000

/* the report's hash results, kept so its work is not optimised out */
static volatile uint64_t report_sink;

/* What a worker hands back, in a shared mapping: one slot each. */
typedef struct
{
  long checks, flagged, applied, refused;
  uint64_t flow; /* the arrow from the worker's hand-in to the report */
  int done;      /* 1 once the slot is complete */
} WorkerResult;

typedef struct
{
  const BankOptions *opts;
  BankLedger ledger;     /* shared: each worker writes only its shard */
  WorkerResult *results; /* shared: one per worker */
  uint64_t deadline;
} Bank;

static bool
fraud_check (const Bank *bank, const BankTxn *txn)
{
  BankFraudCheck check;

  weft_span_begin ("fraud_check");
  bank_fraud_start (&check, txn);
  bank_fraud_step (&check, bank->opts->work);
  weft_span_end ();
  return bank_fraud_flagged (&check);
}

/* The body of worker process k; never returns. */
static void
worker_main (Bank *bank, int k)
{
  WorkerResult *result = &bank->results[k];
  int n = bank->ledger.n, workers = bank->opts->workers;
  int first = (int) ((int64_t) k * n / workers);
  int count = (int) ((int64_t) (k + 1) * n / workers) - first;
  uint64_t id = (uint64_t) k << 40;
  BankRand rand;
  char name[32];

  snprintf (name, sizeof name, "checker-%d", k + 1);
  weft_thread_set_name (name);
  bank_rand_init (&rand, bank->opts->seed * 1000 + (uint64_t) k);

  while (bank_now_ns () < bank->deadline)
    {
      BankTxn txn;

      bank_txn_random (&txn, &rand, first, count, MAX_AMOUNT, id++);
      result->checks++;
      if (fraud_check (bank, &txn))
        {
          result->flagged++;
          weft_instant ("flagged");
          continue;
        }
      weft_span_begin ("apply");
      if (bank_ledger_transfer (&bank->ledger, txn.from, txn.to, txn.amount))
        result->applied++;
      else
        result->refused++;
      weft_span_end ();
    }

  weft_span_begin ("hand_in");
  result->flow = (uint64_t) getpid () << 16 | (uint64_t) k;
  weft_flow_begin (result->flow);
  result->done = 1;
  weft_span_end ();

  /* exit (not _exit) so the runtime finishes this process's trace */
  weft_flush ();
  exit (0);
}

/* Adds up what the workers handed in; false when one did not finish. */
static bool
report (Bank *bank, long totals[4], uint64_t *sink)
{
  bool ok = true;

  weft_span_begin ("report");
  for (int k = 0; k < bank->opts->workers; k++)
    {
      const WorkerResult *r = &bank->results[k];

      if (!r->done)
        {
          bank_error ("processes: worker %d handed in no results", k + 1);
          ok = false;
          continue;
        }
      weft_flow_end (r->flow);
      totals[0] += r->checks;
      totals[1] += r->flagged;
      totals[2] += r->applied;
      totals[3] += r->refused;
    }
  /* one statement per account */
  for (int i = 0; i < bank->ledger.n; i++)
    *sink ^= bank_hash_rounds ((uint64_t) bank->ledger.balance[i], bank->opts->work / 8);
  weft_span_end ();
  return ok;
}

int
bank_run_processes (const BankOptions *opts)
{
  Bank bank = { .opts = opts };
  size_t results_size = (size_t) opts->workers * sizeof (WorkerResult);
  long totals[4] = { 0, 0, 0, 0 };
  uint64_t sink = 0;
  bool ok = true;
  pid_t *pids;
  void *map;

  if (opts->accounts < 2 * opts->workers)
    {
      bank_error ("processes: each worker owns a shard of at least 2 accounts: "
                  "--accounts must be at least %d for %d workers",
                  2 * opts->workers, opts->workers);
      return 2;
    }
  pids = calloc ((size_t) opts->workers, sizeof *pids);
  map = mmap (NULL, results_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (pids == NULL || map == MAP_FAILED || !bank_ledger_init (&bank.ledger, opts->accounts, true))
    {
      bank_error ("processes: out of memory");
      return 1;
    }
  bank.ledger.lose_cents = opts->lose_cents;
  bank.results = map;
  memset (bank.results, 0, results_size);
  bank.deadline = bank_now_ns () + (uint64_t) (opts->seconds * 1e9);

  weft_span_begin ("start_workers");
  fflush (NULL); /* or the children would print the parent's buffered output again */
  for (int k = 0; k < opts->workers; k++)
    {
      pids[k] = fork ();
      if (pids[k] == 0)
        worker_main (&bank, k);
      if (pids[k] < 0)
        {
          bank_error ("processes: cannot fork worker %d", k + 1);
          ok = false;
          break;
        }
    }
  weft_span_end ();

  /* no span while waiting: the parent is blocked in waitpid(), and a span
   * would count as running in estimated statistics; the gap between
   * start_workers and report is the wait */
  for (int k = 0; k < opts->workers; k++)
    {
      int status = 0;
      pid_t r;

      if (pids[k] <= 0)
        continue;
      while ((r = waitpid (pids[k], &status, 0)) < 0 && errno == EINTR)
        ;
      if (r < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
        {
          bank_error ("processes: worker %d (pid %d) failed", k + 1, (int) pids[k]);
          ok = false;
        }
    }

  if (!report (&bank, totals, &sink))
    ok = false;
  report_sink = sink;
  if (!bank_ledger_check (&bank.ledger, "processes"))
    ok = false;
  printf ("processes: %d workers, %ld fraud checks (%ld flagged, %ld applied, %ld refused), "
          "%s: %" PRId64 " cents in %d accounts\n",
          opts->workers, totals[0], totals[1], totals[2], totals[3],
          ok ? "money conserved" : "MONEY NOT CONSERVED", bank_ledger_sum (&bank.ledger),
          bank.ledger.n);

  bank_ledger_clear (&bank.ledger);
  munmap (map, results_size);
  free (pids);
  return ok ? 0 : 1;
}
