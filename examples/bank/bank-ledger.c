/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank-ledger.c: the accounts and the conservation check.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <weft.h>

#include "bank-ledger.h"
#include "bank.h"

bool
bank_ledger_init (BankLedger *ledger, int n, bool shared)
{
  size_t size = (size_t) n * sizeof (int64_t);

  memset (ledger, 0, sizeof *ledger);
  if (shared)
    {
      void *p = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

      ledger->balance = p == MAP_FAILED ? NULL : p;
    }
  else
    ledger->balance = calloc ((size_t) n, sizeof (int64_t));
  if (ledger->balance == NULL)
    {
      bank_error ("out of memory for %d accounts", n);
      return false;
    }

  ledger->n = n;
  ledger->shared = shared;
  for (int i = 0; i < n; i++)
    ledger->balance[i] = BANK_OPENING_BALANCE;
  ledger->opening = (int64_t) n * BANK_OPENING_BALANCE;
  return true;
}

void
bank_ledger_clear (BankLedger *ledger)
{
  if (ledger->balance == NULL)
    return;
  if (ledger->shared)
    munmap (ledger->balance, (size_t) ledger->n * sizeof (int64_t));
  else
    free (ledger->balance);
  ledger->balance = NULL;
}

int64_t
bank_ledger_sum (const BankLedger *ledger)
{
  int64_t sum = 0;

  for (int i = 0; i < ledger->n; i++)
    sum += ledger->balance[i];
  return sum;
}

int64_t
bank_ledger_expected (const BankLedger *ledger)
{
  return ledger->opening + ledger->cash_in - ledger->cash_out - ledger->held;
}

void
bank_ledger_deposit (BankLedger *ledger, int account, int64_t amount)
{
  ledger->balance[account] += amount;
  ledger->cash_in += amount;
}

bool
bank_ledger_withdraw (BankLedger *ledger, int account, int64_t amount)
{
  if (ledger->balance[account] < amount)
    return false;
  ledger->balance[account] -= amount;
  ledger->cash_out += amount;
  return true;
}

bool
bank_ledger_debit (BankLedger *ledger, int account, int64_t amount)
{
  if (ledger->balance[account] < amount)
    return false;
  ledger->balance[account] -= amount;
  ledger->held += amount;
  return true;
}

void
bank_ledger_credit (BankLedger *ledger, int account, int64_t amount)
{
  ledger->held -= amount;
  ledger->balance[account] += amount;
  if (ledger->lose_cents > 0)
    {
      ledger->balance[account] -= 1;
      ledger->lose_cents--;
    }
}

void
bank_ledger_refund (BankLedger *ledger, int account, int64_t amount)
{
  bank_ledger_credit (ledger, account, amount);
}

bool
bank_ledger_transfer (BankLedger *ledger, int from, int to, int64_t amount)
{
  if (!bank_ledger_debit (ledger, from, amount))
    return false;
  bank_ledger_credit (ledger, to, amount);
  return true;
}

static bool
check (const BankLedger *ledger, const char *mode)
{
  int64_t sum = bank_ledger_sum (ledger);
  int64_t expected = bank_ledger_expected (ledger);

  if (sum != expected)
    {
      bank_error ("%s: money %s: the accounts hold %" PRId64 " cents, expected %" PRId64
                  " (opening %" PRId64 " + deposits %" PRId64 " - withdrawals %" PRId64
                  " - in flight %" PRId64 ")",
                  mode, sum > expected ? "created" : "lost", sum, expected, ledger->opening,
                  ledger->cash_in, ledger->cash_out, ledger->held);
      return false;
    }
  if (ledger->held != 0)
    {
      bank_error ("%s: %" PRId64 " cents still in flight at the end", mode, ledger->held);
      return false;
    }
  for (int i = 0; i < ledger->n; i++)
    if (ledger->balance[i] < 0)
      {
        bank_error ("%s: account %d is overdrawn: %" PRId64 " cents", mode, i, ledger->balance[i]);
        return false;
      }
  return true;
}

bool
bank_ledger_check (const BankLedger *ledger, const char *mode)
{
  bool ok;

  weft_span_begin ("self_check");
  ok = check (ledger, mode);
  weft_span_end ();
  return ok;
}
