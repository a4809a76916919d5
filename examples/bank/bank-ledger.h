/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-ledger.h: the accounts every mode moves money between, and the
 * self-check that no money was created or lost.
 *
 * Not thread-safe by itself: each mode brings its own discipline (a
 * mutex, a GIL, one shard per process, one event-loop thread).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define BANK_OPENING_BALANCE 100000 /* cents per account at the start */

typedef struct
{
  int n;               /* accounts */
  bool shared;         /* balances are a MAP_SHARED mapping (survive fork) */
  int64_t *balance;    /* cents, n of them */
  int64_t opening;     /* the sum at the start */
  int64_t cash_in;     /* deposited since the start */
  int64_t cash_out;    /* withdrawn since the start */
  int64_t held;        /* debited but not yet credited (payments in flight) */
  int lose_cents;      /* a planted bug, for tests: credits lose 1 cent until 0 */
} BankLedger;

/* Opens n accounts of BANK_OPENING_BALANCE each; with shared, the balances
 * are shared with processes forked later. False (and a message) when out
 * of memory. */
bool bank_ledger_init (BankLedger *ledger, int n, bool shared);
void bank_ledger_clear (BankLedger *ledger);

/* The sum of all balances. */
int64_t bank_ledger_sum (const BankLedger *ledger);
/* What the sum must be: opening + cash_in - cash_out - held. */
int64_t bank_ledger_expected (const BankLedger *ledger);

void bank_ledger_deposit (BankLedger *ledger, int account, int64_t amount);
/* False (nothing changes) when the account cannot cover the amount. */
bool bank_ledger_withdraw (BankLedger *ledger, int account, int64_t amount);

/* A transfer in its two halves, so callers can time them apart: debit
 * moves the amount from the account into held, credit from held into the
 * other account. debit is false when the account cannot cover it. */
bool bank_ledger_debit (BankLedger *ledger, int account, int64_t amount);
void bank_ledger_credit (BankLedger *ledger, int account, int64_t amount);
/* Undoes a debit whose credit will never come. */
void bank_ledger_refund (BankLedger *ledger, int account, int64_t amount);

/* Both halves at once; false when from cannot cover the amount. */
bool bank_ledger_transfer (BankLedger *ledger, int from, int to, int64_t amount);

/* The final self-check: true when the sum is what it must be, nothing is
 * held and no balance is negative; otherwise prints why on stderr. */
bool bank_ledger_check (const BankLedger *ledger, const char *mode);
