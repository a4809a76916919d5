/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-threads.c: `bank threads`. Tellers deposit, withdraw and transfer
 * under one pthread mutex guarding every balance, while an audit thread
 * regularly takes the same mutex to add the balances up.
 *
 * What the trace shows: the tellers' "prepare" step (a quarter of each
 * operation) runs in parallel, but the three quarters inside the mutex run
 * one teller at a time; the lock waits (annotated with weft_lock_wait) are
 * where the parallelism goes.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <weft.h>

#include "bank-fraud.h"
#include "bank-ledger.h"
#include "bank.h"

#define AUDIT_PERIOD_NS (20 * 1000 * 1000) /* the audit runs every 20 ms */
#define MAX_AMOUNT 20000                   /* cents per operation, at most */

typedef struct
{
  const BankOptions *opts;
  BankLedger ledger;     /* guarded by mutex */
  pthread_mutex_t mutex; /* "ledger": every balance */
  uint64_t deadline;     /* tellers stop taking customers then */
  atomic_long contended; /* acquisitions that had to wait */
  atomic_uint_fast64_t next_id;

  /* the audit thread sleeps on stop_cond so it can be told to finish */
  pthread_mutex_t stop_mutex;
  pthread_cond_t stop_cond;
  bool stop; /* guarded by stop_mutex */
  int audits;
  int audit_failures;
  uint64_t audit_sink; /* the audit's hash results (keeps the work) */
} Bank;

typedef struct
{
  Bank *bank;
  int index;
  pthread_t thread;
  BankRand rand;
  long deposits, withdrawals, transfers, refused;
  uint64_t sink; /* the hash results, kept so the work is not optimised out */
} Teller;

/* Takes the ledger mutex. A free mutex is taken without a wait being
 * recorded (as the hooks of `weft record` do for pthread mutexes), so
 * the trace's lock waits are the contended acquisitions only. */
static void
ledger_lock (Bank *bank)
{
  if (pthread_mutex_trylock (&bank->mutex) != 0)
    {
      weft_lock_wait (&bank->mutex);
      pthread_mutex_lock (&bank->mutex);
      atomic_fetch_add (&bank->contended, 1);
    }
  weft_lock_acquired (&bank->mutex);
}

static void
ledger_unlock (Bank *bank)
{
  weft_lock_released (&bank->mutex);
  pthread_mutex_unlock (&bank->mutex);
}

/* Checking the request (signature, limits) needs no lock: it runs in
 * parallel across tellers. It is a quarter of an operation's work; the
 * other three quarters happen under the ledger lock. */
static void
prepare (Teller *teller, const BankTxn *txn)
{
  weft_span_begin ("prepare");
  teller->sink ^= bank_hash_rounds (txn->id, teller->bank->opts->work / 4);
  weft_span_end ();
}

static void
deposit (Teller *teller, const BankTxn *txn)
{
  Bank *bank = teller->bank;

  weft_span_begin ("deposit");
  prepare (teller, txn);
  ledger_lock (bank);
  teller->sink ^= bank_hash_rounds (txn->amount, bank->opts->work * 3 / 4);
  bank_ledger_deposit (&bank->ledger, txn->to, txn->amount);
  ledger_unlock (bank);
  teller->deposits++;
  weft_span_end ();
}

static void
withdraw (Teller *teller, const BankTxn *txn)
{
  Bank *bank = teller->bank;
  bool ok;

  weft_span_begin ("withdraw");
  prepare (teller, txn);
  ledger_lock (bank);
  teller->sink ^= bank_hash_rounds (txn->amount, bank->opts->work * 3 / 4);
  ok = bank_ledger_withdraw (&bank->ledger, txn->from, txn->amount);
  ledger_unlock (bank);
  if (ok)
    teller->withdrawals++;
  else
    teller->refused++;
  weft_span_end ();
}

static void
transfer (Teller *teller, const BankTxn *txn)
{
  Bank *bank = teller->bank;
  bool ok;

  weft_span_begin ("transfer");
  prepare (teller, txn);
  ledger_lock (bank);

  weft_span_begin ("debit");
  teller->sink ^= bank_hash_rounds ((uint64_t) txn->from, bank->opts->work * 3 / 8);
  ok = bank_ledger_debit (&bank->ledger, txn->from, txn->amount);
  weft_span_end ();

  if (ok)
    {
      weft_span_begin ("credit");
      teller->sink ^= bank_hash_rounds ((uint64_t) txn->to, bank->opts->work * 3 / 8);
      bank_ledger_credit (&bank->ledger, txn->to, txn->amount);
      weft_span_end ();
    }

  ledger_unlock (bank);
  if (ok)
    teller->transfers++;
  else
    teller->refused++;
  weft_span_end ();
}

static void *
teller_main (void *data)
{
  Teller *teller = data;
  Bank *bank = teller->bank;
  char name[32];

  snprintf (name, sizeof name, "teller-%d", teller->index + 1);
  weft_thread_set_name (name);

  while (bank_now_ns () < bank->deadline)
    {
      BankTxn txn;
      uint64_t dice;

      bank_txn_random (&txn, &teller->rand, 0, bank->ledger.n, MAX_AMOUNT,
                       atomic_fetch_add (&bank->next_id, 1));
      dice = bank_rand_below (&teller->rand, 4);
      if (dice == 0)
        deposit (teller, &txn);
      else if (dice == 1)
        withdraw (teller, &txn);
      else
        transfer (teller, &txn);
    }
  return NULL;
}

/* Adds every balance up under the mutex and compares with what the
 * deposits and withdrawals so far say the total must be. */
static void
audit_once (Bank *bank, uint64_t *sink)
{
  int64_t sum = 0;
  long rounds = bank->opts->work / bank->ledger.n;

  weft_span_begin ("audit");
  ledger_lock (bank);
  for (int i = 0; i < bank->ledger.n; i++)
    {
      /* check each account's record, then count its money */
      *sink ^= bank_hash_rounds ((uint64_t) bank->ledger.balance[i], rounds);
      sum += bank->ledger.balance[i];
    }
  if (sum != bank_ledger_expected (&bank->ledger))
    bank->audit_failures++;
  bank->audits++;
  ledger_unlock (bank);
  weft_counter ("bank total (cents)", (double) sum);
  weft_span_end ();
}

static void *
audit_main (void *data)
{
  Bank *bank = data;
  uint64_t sink = 0;
  struct timespec due;
  bool stop = false;

  weft_thread_set_name ("audit");
  clock_gettime (CLOCK_MONOTONIC, &due);
  while (!stop)
    {
      audit_once (bank, &sink);

      due.tv_nsec += AUDIT_PERIOD_NS;
      if (due.tv_nsec >= 1000000000)
        {
          due.tv_sec++;
          due.tv_nsec -= 1000000000;
        }
      pthread_mutex_lock (&bank->stop_mutex);
      while (!bank->stop && pthread_cond_timedwait (&bank->stop_cond, &bank->stop_mutex, &due) == 0)
        ;
      stop = bank->stop;
      pthread_mutex_unlock (&bank->stop_mutex);
    }
  audit_once (bank, &sink); /* the closing audit, after the last teller */
  bank->audit_sink = sink;
  return NULL;
}

int
bank_run_threads (const BankOptions *opts)
{
  Bank bank = { .opts = opts };
  pthread_condattr_t cattr;
  pthread_t audit;
  Teller *tellers;
  long ops = 0, deposits = 0, withdrawals = 0, transfers = 0, refused = 0;
  bool ok;

  tellers = calloc ((size_t) opts->workers, sizeof *tellers);
  if (tellers == NULL || !bank_ledger_init (&bank.ledger, opts->accounts, false))
    {
      free (tellers);
      bank_error ("threads: out of memory");
      return 1;
    }
  bank.ledger.lose_cents = opts->lose_cents;
  pthread_mutex_init (&bank.mutex, NULL);
  weft_lock_name (&bank.mutex, "ledger");
  pthread_mutex_init (&bank.stop_mutex, NULL);
  pthread_condattr_init (&cattr);
  pthread_condattr_setclock (&cattr, CLOCK_MONOTONIC);
  pthread_cond_init (&bank.stop_cond, &cattr);
  weft_lock_name (&bank.stop_cond, "audit: sleep");
  pthread_condattr_destroy (&cattr);
  bank.deadline = bank_now_ns () + (uint64_t) (opts->seconds * 1e9);

  if (pthread_create (&audit, NULL, audit_main, &bank) != 0)
    {
      bank_error ("threads: cannot start the audit thread");
      return 1;
    }
  for (int i = 0; i < opts->workers; i++)
    {
      tellers[i].bank = &bank;
      tellers[i].index = i;
      bank_rand_init (&tellers[i].rand, opts->seed * 1000 + (uint64_t) i);
      if (pthread_create (&tellers[i].thread, NULL, teller_main, &tellers[i]) != 0)
        {
          bank_error ("threads: cannot start teller %d", i + 1);
          exit (1);
        }
    }

  for (int i = 0; i < opts->workers; i++)
    {
      pthread_join (tellers[i].thread, NULL);
      deposits += tellers[i].deposits;
      withdrawals += tellers[i].withdrawals;
      transfers += tellers[i].transfers;
      refused += tellers[i].refused;
    }
  pthread_mutex_lock (&bank.stop_mutex);
  bank.stop = true;
  pthread_cond_signal (&bank.stop_cond);
  pthread_mutex_unlock (&bank.stop_mutex);
  pthread_join (audit, NULL);
  ops = deposits + withdrawals + transfers + refused;

  ok = bank_ledger_check (&bank.ledger, "threads");
  if (bank.audit_failures > 0)
    {
      bank_error ("threads: %d of %d audits found the total wrong", bank.audit_failures,
                  bank.audits);
      ok = false;
    }
  printf ("threads: %d tellers, %ld operations (%ld deposits, %ld withdrawals, %ld transfers, "
          "%ld refused), %d audits, ledger lock contended %ld times; %s: %" PRId64
          " cents in %d accounts\n",
          opts->workers, ops, deposits, withdrawals, transfers, refused, bank.audits,
          atomic_load (&bank.contended), ok ? "money conserved" : "MONEY NOT CONSERVED",
          bank_ledger_sum (&bank.ledger), bank.ledger.n);

  pthread_cond_destroy (&bank.stop_cond);
  pthread_mutex_destroy (&bank.stop_mutex);
  pthread_mutex_destroy (&bank.mutex);
  bank_ledger_clear (&bank.ledger);
  free (tellers);
  return ok ? 0 : 1;
}
