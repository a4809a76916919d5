/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank.h: what the bank demo's modes share: the options, the clock, a
 * small deterministic random generator and the mode entry points.
 *
 * The demo is plain C + pthreads + libweft (no GLib): it is the kind of
 * program a user instruments, and it must stay readable as an example.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct
{
  int accounts;   /* accounts in the ledger */
  long work;      /* hash rounds per unit of work (a fraud check, a request) */
  int workers;    /* teller/checker threads or worker processes */
  int tasks;      /* async: notification tasks started over the run */
  double seconds; /* how long the mode generates work */
  uint64_t seed;  /* the random generator's seed (runs are repeatable) */
  int lose_cents; /* --lose-cents: a planted bug the self-check must catch */
} BankOptions;

/* Each returns the process exit status: 0 when money was conserved, 1 when
 * the self-check failed or the mode could not run. */
int bank_run_threads (const BankOptions *opts);
int bank_run_gil (const BankOptions *opts);
int bank_run_processes (const BankOptions *opts);
int bank_run_async (const BankOptions *opts);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bank_now_ns (void);

/* Sleeps for ns nanoseconds (restarting after signals). */
void bank_sleep_ns (uint64_t ns);

/* xorshift64*: fast, repeatable, one state per thread. */
typedef struct
{
  uint64_t s;
} BankRand;

void bank_rand_init (BankRand *r, uint64_t seed);
uint64_t bank_rand_next (BankRand *r);
/* A number in [0, n); n > 0. */
uint64_t bank_rand_below (BankRand *r, uint64_t n);

/* Prints "bank: message" on stderr. */
void bank_error (const char *format, ...) __attribute__ ((format (printf, 1, 2)));
