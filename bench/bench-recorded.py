#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""bench-recorded: loading and `weft stats` on real recordings, not
generated ones (SPEC §7: loading at least 50 M events per CPU-second).

Records the bank example three ways with `weft record` (threads: spans
and a contended mutex; gil: a global lock handed between threads;
processes: a pool of forked workers), each for a few seconds with little
work per operation so that the traces are tens of millions of events.
Then, per recording: bench-lod on the file (open + model + index against
decoding alone, same run; memory; queries) and `weft stats` itself, best
of three in CPU time (user + system of the child), against the same
decoding baseline.

Where perf is refused the recordings have no scheduler data (weft record
says so); the figures are then for spans and waits only.

Usage: bench-recorded.py WEFT BANK BENCH_LOD [--seconds S] [--work N]
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile

MODES = ("threads", "gil", "processes")


def child_cpu(argv):
    """Runs argv; returns the CPU seconds it used (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def field(pattern, text, what):
    m = re.search(pattern, text, re.M)
    if m is None:
        sys.exit(f"bench-recorded: no {what} in bench-lod's output:\n{text}")
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("weft")
    ap.add_argument("bank")
    ap.add_argument("bench_lod")
    ap.add_argument("--seconds", default="3")
    ap.add_argument("--work", default="200")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-recorded-") as tmp:
        rows = []
        for mode in MODES:
            path = os.path.join(tmp, mode + ".weft")
            rec = subprocess.run(
                [args.weft, "record", "-o", path, "--", args.bank, mode,
                 "--work", args.work, "--seconds", args.seconds],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            summary = " ".join(l.removeprefix("weft: ") for l in rec.stderr.splitlines()
                               if l.startswith("weft: "))
            print(f"== {mode}: {summary}", flush=True)

            out = subprocess.run([args.bench_lod, "0", path], check=True,
                                 stdout=subprocess.PIPE, text=True).stdout
            print(out, flush=True)
            events = field(r"^trace: (\d+) events", out, "event count")
            decode = field(r"decode only:\s+[\d.]+ CPU-s\s+([\d.]+) M", out, "baseline")
            load = field(r"open \+ model \+ index:\s+[\d.]+ CPU-s\s+([\d.]+) M", out, "load")
            stats = min(child_cpu([args.weft, "stats", path]) for _ in range(3))
            rows.append((mode, events, decode, load, events / stats / 1e6))

        print("recording   events      decode only    load (ratio)         weft stats (ratio)")
        for mode, events, decode, load, stats in rows:
            print(f"{mode:<10} {events / 1e6:6.1f} M   {decode:6.1f} M/CPU-s   "
                  f"{load:5.1f} M/CPU-s ({load / decode:.2f})   "
                  f"{stats:5.1f} M/CPU-s ({stats / decode:.2f})   target >= 50")


if __name__ == "__main__":
    main()
