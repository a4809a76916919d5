/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-fraud.c: transactions and their fraud score.
 */
#include "bank-fraud.h"

void
bank_txn_random (BankTxn *txn, BankRand *rand, int first, int n, int64_t max_amount, uint64_t id)
{
  int a = (int) bank_rand_below (rand, (uint64_t) n);
  /* a different account: an offset of 1 … n-1 from a */
  int b = (a + 1 + (int) bank_rand_below (rand, (uint64_t) n - 1)) % n;

  txn->id = id;
  txn->from = first + a;
  txn->to = first + b;
  txn->amount = 1 + (int64_t) bank_rand_below (rand, (uint64_t) max_amount);
}

uint64_t
bank_hash_rounds (uint64_t h, long rounds)
{
  /* murmur3's finaliser, round after round: every step needs the last */
  for (long i = 0; i < rounds; i++)
    {
      h ^= h >> 33;
      h *= 0xff51afd7ed558ccdu;
      h ^= h >> 29;
      h += (uint64_t) i;
    }
  return h;
}

void
bank_fraud_start (BankFraudCheck *check, const BankTxn *txn)
{
  check->h = txn->id * 0x9e3779b97f4a7c15u ^ (uint64_t) txn->from << 40 ^ (uint64_t) txn->to << 20
             ^ (uint64_t) txn->amount;
  check->amount = txn->amount;
}

void
bank_fraud_step (BankFraudCheck *check, long rounds)
{
  check->h = bank_hash_rounds (check->h, rounds);
}

bool
bank_fraud_flagged (const BankFraudCheck *check)
{
  unsigned score = (unsigned) (check->h % 1000);

  /* 2 % of all transactions, 10 % of those above 500.00 */
  return score < 20 || (check->amount > 50000 && score < 100);
}
