#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Issue #2's acceptance test, as a user would do it: a C program written
# outside the project (three threads, a known call tree with recursion)
# is built against the uninstalled weft.pc, run with WEFT_TRACE, and its
# trace must give exact span counts and cProfile identities in
# `weft stats --json`, and every event in `weft dump`.
# Usage: test-pkgconfig.sh CC BUILDDIR WEFT
set -eu
cc=$1 builddir=$2 weft=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/weft-pkgconfig-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/prog.c" <<'PROG'
#include <pthread.h>
#include <stdio.h>
#include <weft.h>

static volatile unsigned long sink;

static void
spin (int n)
{
  for (int i = 0; i < n; i++)
    sink += (unsigned long) i;
}

static void
rec (int depth)
{
  weft_span_begin ("rec");
  spin (50);
  if (depth > 0)
    rec (depth - 1);
  weft_span_end ();
}

static void *
work (void *name)
{
  char label[32];

  weft_thread_set_name (name);
  for (int i = 0; i < 100; i++)
    {
      weft_span_begin ("outer");
      spin (100);
      for (int j = 0; j < 3; j++)
        {
          snprintf (label, sizeof label, "inner");
          weft_span_begin_copy (label);
          spin (200);
          weft_span_end ();
        }
      rec (4);
      weft_span_end ();
    }
  return NULL;
}

int
main (void)
{
  pthread_t a, b;

  pthread_create (&a, NULL, work, "worker-a");
  pthread_create (&b, NULL, work, "worker-b");
  work ("main");
  pthread_join (a, NULL);
  pthread_join (b, NULL);
  weft_counter ("answer", 42);
  return 0;
}
PROG

flags=$(PKG_CONFIG_PATH="$builddir/meson-uninstalled" pkg-config --cflags --libs weft)
echo "pkg-config --cflags --libs weft: $flags"
# shellcheck disable=SC2086
"$cc" -o "$tmp/prog" "$tmp/prog.c" $flags -pthread
LD_LIBRARY_PATH="$builddir/recorder" WEFT_TRACE="$tmp/t.weft" "$tmp/prog"

"$weft" dump "$tmp/t.weft" > "$tmp/dump.txt"
"$weft" stats --json "$tmp/t.weft" > "$tmp/stats.json"

python3 - "$tmp/dump.txt" "$tmp/stats.json" <<'CHECK'
import json, re, sys

dump = open(sys.argv[1]).read()
stats = json.load(open(sys.argv[2]))

def expect(what, got, want):
    if got != want:
        sys.exit(f"FAIL {what}: {got!r}, expected {want!r}")
    print(f"ok {what} = {got!r}")

# Every event in the dump: 3 threads x 100 x (1 outer + 3 inner + 5 rec).
expect("span-begin lines", len(re.findall(r"span-begin", dump)), 2700)
expect("span-end lines", len(re.findall(r"span-end", dump)), 2700)
expect("counter", len(re.findall(r'counter *name="answer" value=42', dump)), 1)

spans = {s["name"]: s for s in stats["spans"]}
expect("ncalls outer", spans["outer"]["ncalls"], 300)
expect("ncalls inner", spans["inner"]["ncalls"], 900)
expect("ncalls rec", spans["rec"]["ncalls"], 1500)
names = sorted(t["name"] for t in stats["threads"])
expect("threads", names, ["main", "worker-a", "worker-b"])

# cProfile identities: outer's children are inner and rec, each with one
# caller name; rec is recursive, so only its outermost calls add to
# cumtime, and its cumtime is its whole subtree.
o, i, r = spans["outer"], spans["inner"], spans["rec"]
expect("cumtime(outer) - tottime(outer) - cumtime(inner) - cumtime(rec)",
       o["cumtime_ns"] - o["tottime_ns"] - i["cumtime_ns"] - r["cumtime_ns"], 0)
expect("tottime(inner) - cumtime(inner)", i["tottime_ns"] - i["cumtime_ns"], 0)
expect("rec: cumtime(rec) - tottime(rec)", r["cumtime_ns"] - r["tottime_ns"], 0)
if not (o["tottime_ns"] > 0 and i["tottime_ns"] > 0 and r["tottime_ns"] > 0):
    sys.exit("FAIL: a span has no own time")
expect("lost_events", stats["trace"]["lost_events"], 0)
CHECK
echo "ok"
