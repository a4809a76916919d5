/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bank.c: the bank demo's command line. One workload, four ways to run it
 * concurrently; record any of them with WEFT_TRACE=out.weft and compare
 * the core lanes:
 *
 *   bank threads    tellers share one mutex-guarded ledger
 *   bank gil        CPU-bound fraud checks behind one global lock (a GIL)
 *   bank processes  the same checks in forked worker processes
 *   bank async      one thread, an event loop, many notification tasks
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <weft.h>

#include "bank.h"

typedef struct
{
  const char *name;
  const char *summary;
  int (*run) (const BankOptions *opts);
} BankMode;

static const BankMode modes[] = {
  { "threads", "teller threads share one mutex-guarded ledger, an audit thread checks it",
    bank_run_threads },
  { "gil", "CPU-bound fraud checks in threads behind one global lock, as CPython's GIL",
    bank_run_gil },
  { "processes", "the same fraud checks in a pool of forked worker processes", bank_run_processes },
  { "async", "one thread, an event loop over poll(), many notification tasks", bank_run_async },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: bank MODE [--accounts N] [--work N] [--workers N] [--tasks N]\n"
                "                 [--seconds S] [--seed N] [--lose-cents N]\n\n"
                "A small bank, run four ways, to record with Weft "
                "(WEFT_TRACE=out.weft bank MODE).\n\nModes:\n");
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    fprintf (out, "  %-10s %s\n", modes[i].name, modes[i].summary);
  fprintf (out, "\nOptions:\n"
                "  --accounts N  accounts in the ledger (default 64)\n"
                "  --work N      hash rounds per unit of work (default 100000)\n"
                "  --workers N   teller/checker threads or worker processes (default 4)\n"
                "  --tasks N     async: notification tasks to run (default 200)\n"
                "  --seconds S   how long to generate work (default 0.6)\n"
                "  --seed N      random seed; runs with one seed do the same work (default 1)\n"
                "  --lose-cents N  plant a bug: the first N credits lose a cent (tests the\n"
                "                self-check)\n\n"
                "Prints one summary line and exits 0 when money was conserved, 1 when\n"
                "the self-check failed, 2 on a bad command line.\n");
}

void
bank_error (const char *format, ...)
{
  va_list ap;

  fputs ("bank: ", stderr);
  va_start (ap, format);
  vfprintf (stderr, format, ap);
  va_end (ap);
  fputc ('\n', stderr);
}

uint64_t
bank_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

void
bank_sleep_ns (uint64_t ns)
{
  struct timespec ts = { (time_t) (ns / 1000000000u), (long) (ns % 1000000000u) };

  while (nanosleep (&ts, &ts) != 0 && errno == EINTR)
    ;
}

void
bank_rand_init (BankRand *r, uint64_t seed)
{
  /* splitmix64 of the seed: xorshift must not start at 0 */
  uint64_t z = seed + 0x9e3779b97f4a7c15u;

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  r->s = (z ^ (z >> 31)) | 1;
}

uint64_t
bank_rand_next (BankRand *r)
{
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 0x2545f4914f6cdd1du;
}

uint64_t
bank_rand_below (BankRand *r, uint64_t n)
{
  return bank_rand_next (r) % n;
}

/* Parses a whole-number option value within [min, max]. */
static bool
parse_long (const char *option, const char *text, long min, long max, long *out)
{
  char *end;
  long v;

  errno = 0;
  v = strtol (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
    {
      bank_error ("%s: expected a whole number from %ld to %ld, not '%s'", option, min, max, text);
      return false;
    }
  *out = v;
  return true;
}

static bool
parse_seconds (const char *text, double *out)
{
  char *end;
  double v;

  errno = 0;
  v = strtod (text, &end);
  /* written as !(a && b) so that NaN is refused too */
  if (errno != 0 || end == text || *end != '\0' || !(v > 0.0 && v <= 3600.0))
    {
      bank_error ("--seconds: expected a duration in seconds, above 0 and at most 3600, "
                  "not '%s'",
                  text);
      return false;
    }
  *out = v;
  return true;
}

/* Returns 0 when parsed, 2 on a bad command line. */
static int
parse_options (int argc, char **argv, BankOptions *opts)
{
  for (int i = 2; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *value;
      long v;

      if (strncmp (arg, "--", 2) != 0)
        {
          bank_error ("unexpected argument '%s' (try 'bank --help')", arg);
          return 2;
        }
      value = strchr (arg, '=');
      if (value != NULL)
        value++;
      else if (i + 1 < argc)
        value = argv[++i];
      else
        {
          bank_error ("%s needs a value (try 'bank --help')", arg);
          return 2;
        }

#define OPTION_IS(name)                                                                            \
  (strncmp (arg, name, strlen (name)) == 0                                                         \
   && (arg[strlen (name)] == '\0' || arg[strlen (name)] == '='))
      if (OPTION_IS ("--accounts"))
        {
          if (!parse_long ("--accounts", value, 2, 1000000, &v))
            return 2;
          opts->accounts = (int) v;
        }
      else if (OPTION_IS ("--work"))
        {
          if (!parse_long ("--work", value, 0, 1000000000, &v))
            return 2;
          opts->work = v;
        }
      else if (OPTION_IS ("--workers"))
        {
          if (!parse_long ("--workers", value, 1, 256, &v))
            return 2;
          opts->workers = (int) v;
        }
      else if (OPTION_IS ("--tasks"))
        {
          if (!parse_long ("--tasks", value, 1, 4096, &v))
            return 2;
          opts->tasks = (int) v;
        }
      else if (OPTION_IS ("--seed"))
        {
          if (!parse_long ("--seed", value, 0, LONG_MAX, &v))
            return 2;
          opts->seed = (uint64_t) v;
        }
      else if (OPTION_IS ("--lose-cents"))
        {
          if (!parse_long ("--lose-cents", value, 0, 1000000, &v))
            return 2;
          opts->lose_cents = (int) v;
        }
      else if (OPTION_IS ("--seconds"))
        {
          if (!parse_seconds (value, &opts->seconds))
            return 2;
        }
      else
        {
          bank_error ("unknown option '%.*s' (try 'bank --help')", (int) strcspn (arg, "="), arg);
          return 2;
        }
#undef OPTION_IS
    }
  return 0;
}

int
main (int argc, char **argv)
{
  BankOptions opts = {
    .accounts = 64,
    .work = 100000,
    .workers = 4,
    .tasks = 200,
    .seconds = 0.6,
    .seed = 1,
  };
  int status;

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_usage (stdout);
      return 0;
    }

  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    {
      if (strcmp (argv[1], modes[i].name) != 0)
        continue;
      status = parse_options (argc, argv, &opts);
      if (status != 0)
        return status;
      weft_thread_set_name ("main");
      return modes[i].run (&opts);
    }

  bank_error ("unknown mode '%s': threads, gil, processes or async (try 'bank --help')", argv[1]);
  return 2;
}
