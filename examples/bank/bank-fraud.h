/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-fraud.h: the CPU-bound part of the demo. A fraud check scores a
 * transaction by running a hash over it for a number of rounds: real
 * arithmetic the compiler cannot skip, with a cost proportional to the
 * rounds, so a trace shows where CPU time went.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "bank.h"

typedef struct
{
  uint64_t id;     /* unique in the run */
  int from, to;    /* accounts, from != to */
  int64_t amount;  /* cents, > 0 */
} BankTxn;

/* A random transaction between two different accounts of [first, first + n),
 * n >= 2, for at most max_amount cents. */
void bank_txn_random (BankTxn *txn, BankRand *rand, int first, int n, int64_t max_amount,
                      uint64_t id);

/* Mixes h for rounds rounds (a chain of multiply/xor-shift steps, each
 * depending on the last) and returns the result. */
uint64_t bank_hash_rounds (uint64_t h, long rounds);

/* A fraud check in progress: may run in slices (the GIL mode checks for a
 * switch request between slices, as CPython's eval loop does). */
typedef struct
{
  uint64_t h;
  int64_t amount;
} BankFraudCheck;

void bank_fraud_start (BankFraudCheck *check, const BankTxn *txn);
void bank_fraud_step (BankFraudCheck *check, long rounds);
/* The check's verdict: true when the transaction looks fraudulent (a few
 * percent of them, more among large amounts). */
bool bank_fraud_flagged (const BankFraudCheck *check);
