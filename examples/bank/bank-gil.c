/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-gil.c: `bank gil`. Checker threads score transactions for fraud
 * (pure CPU work) and apply the ones that pass, but, as Python threads,
 * they run only while holding the global interpreter lock, and hand it
 * over every switch interval (5 ms).
 *
 * What the trace shows: several threads alive, about one running at any
 * moment however many cores there are; each checker's lane alternates
 * between running and waiting for the GIL.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <weft.h>

#include "bank-fraud.h"
#include "bank-gil-lock.h"
#include "bank-ledger.h"
#include "bank.h"

/* Rounds between two polls of the drop request: a few microseconds, as the
 * eval loop polls every few bytecodes. */
#define SLICE_ROUNDS 1000
#define MAX_AMOUNT 30000

typedef struct
{
  const BankOptions *opts;
  BankGil gil;
  BankLedger ledger; /* guarded by the GIL, like any Python object */
  uint64_t deadline;
  uint64_t next_id; /* guarded by the GIL */
} Bank;

typedef struct
{
  Bank *bank;
  int index;
  pthread_t thread;
  BankRand rand;
  long checks, flagged, applied, refused;
} Checker;

/* Scores txn in slices, letting go of the GIL between slices when asked. */
static bool
fraud_check (Checker *checker, const BankTxn *txn)
{
  Bank *bank = checker->bank;
  BankFraudCheck check;
  long left = bank->opts->work;

  weft_span_begin ("fraud_check");
  bank_fraud_start (&check, txn);
  while (left > 0)
    {
      long n = left < SLICE_ROUNDS ? left : SLICE_ROUNDS;

      bank_fraud_step (&check, n);
      left -= n;
      if (bank_gil_drop_requested (&bank->gil))
        bank_gil_yield (&bank->gil, checker->index);
    }
  weft_span_end ();
  return bank_fraud_flagged (&check);
}

static void *
checker_main (void *data)
{
  Checker *checker = data;
  Bank *bank = checker->bank;
  char name[32];

  snprintf (name, sizeof name, "checker-%d", checker->index + 1);
  weft_thread_set_name (name);

  /* a Python thread starts by taking the GIL */
  bank_gil_take (&bank->gil, checker->index);
  while (bank_now_ns () < bank->deadline)
    {
      BankTxn txn;

      bank_txn_random (&txn, &checker->rand, 0, bank->ledger.n, MAX_AMOUNT, bank->next_id++);
      checker->checks++;
      if (fraud_check (checker, &txn))
        {
          checker->flagged++;
          weft_instant ("flagged");
          continue;
        }
      weft_span_begin ("apply");
      if (bank_ledger_transfer (&bank->ledger, txn.from, txn.to, txn.amount))
        checker->applied++;
      else
        checker->refused++;
      weft_span_end ();
    }
  bank_gil_drop (&bank->gil, checker->index);
  return NULL;
}

int
bank_run_gil (const BankOptions *opts)
{
  Bank bank = { .opts = opts };
  Checker *checkers;
  long checks = 0, flagged = 0, applied = 0, refused = 0;
  bool ok;

  checkers = calloc ((size_t) opts->workers, sizeof *checkers);
  if (checkers == NULL || !bank_ledger_init (&bank.ledger, opts->accounts, false))
    {
      free (checkers);
      bank_error ("gil: out of memory");
      return 1;
    }
  bank.ledger.lose_cents = opts->lose_cents;
  bank_gil_init (&bank.gil);
  bank.deadline = bank_now_ns () + (uint64_t) (opts->seconds * 1e9);

  for (int i = 0; i < opts->workers; i++)
    {
      checkers[i].bank = &bank;
      checkers[i].index = i;
      bank_rand_init (&checkers[i].rand, opts->seed * 1000 + (uint64_t) i);
      if (pthread_create (&checkers[i].thread, NULL, checker_main, &checkers[i]) != 0)
        {
          bank_error ("gil: cannot start checker %d", i + 1);
          exit (1);
        }
    }
  for (int i = 0; i < opts->workers; i++)
    {
      pthread_join (checkers[i].thread, NULL);
      checks += checkers[i].checks;
      flagged += checkers[i].flagged;
      applied += checkers[i].applied;
      refused += checkers[i].refused;
    }

  ok = bank_ledger_check (&bank.ledger, "gil");
  printf ("gil: %d checkers, %ld fraud checks (%ld flagged, %ld applied, %ld refused), "
          "%lu GIL waits, %lu hand-overs, %lu drop requests; %s: %" PRId64
          " cents in %d accounts\n",
          opts->workers, checks, flagged, applied, refused, bank.gil.waits, bank.gil.switch_number,
          bank.gil.drop_requests, ok ? "money conserved" : "MONEY NOT CONSERVED",
          bank_ledger_sum (&bank.ledger), bank.ledger.n);

  bank_gil_clear (&bank.gil);
  bank_ledger_clear (&bank.ledger);
  free (checkers);
  return ok ? 0 : 1;
}
