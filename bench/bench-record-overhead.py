#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""bench-record-overhead: the wall-time cost of `weft record` on a real
multi-threaded program, start-up included (SPEC §7: at most 5 %).

xz -T2 compresses generated text with two threads (in 1 MiB blocks, so
both threads have work whatever the input size), run plainly and under
`weft record` (perf scheduler capture, hooks, memory sampling), the runs
alternated so both see the same machine; prints the best and the median
of each and their ratios.

Usage: bench-record-overhead.py WEFT [--rounds N] [--megabytes M]
"""
import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

WORDS = ("thread process core lane scheduler switch mutex wait condition "
         "span event trace weft warp shuttle loom bobbin heddle reed "
         "parallel concurrent interleaved runnable blocked preempted").split()


def generate(path, megabytes):
    """Text-like input that xz compresses at a realistic speed (not the
    fast path of random bytes or of long repeats)."""
    rng = random.Random(42)
    target = megabytes << 20
    with open(path, "w") as f:
        written = 0
        while written < target:
            line = " ".join(rng.choice(WORDS) + str(rng.randrange(1000))
                            for _ in range(12)) + "\n"
            f.write(line)
            written += len(line)


def cpu_seconds():
    """User + system time of every waited-for child so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(argv, **kwargs):
    """Wall and CPU seconds of one run (CPU: the command and, under weft
    record, the recorder too)."""
    cpu = cpu_seconds()
    start = time.perf_counter()
    run = subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start, cpu_seconds() - cpu, run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("weft")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--megabytes", type=int, default=8)
    args = parser.parse_args()

    xz = shutil.which("xz")
    if xz is None:
        print("bench-record-overhead: xz not found (install xz-utils)", file=sys.stderr)
        return 77
    with tempfile.TemporaryDirectory(prefix="weft-bench-") as tmp:
        data = os.path.join(tmp, "input.txt")
        trace = os.path.join(tmp, "trace.weft")
        generate(data, args.megabytes)
        cmd = [xz, "-T2", "-6", "--block-size=1MiB", "-c", data]
        recorded = [args.weft, "record", "-o", trace, "--"] + cmd
        summary = ""

        # One of each first: page cache, xz's first start.
        timed(cmd)
        timed(recorded, stderr=subprocess.DEVNULL)
        plain, traced, plain_cpu, traced_cpu = [], [], [], []
        for _ in range(args.rounds):
            wall, cpu, _ = timed(cmd)
            plain.append(wall)
            plain_cpu.append(cpu)
            wall, cpu, run = timed(recorded, stderr=subprocess.PIPE, text=True)
            traced.append(wall)
            traced_cpu.append(cpu)
            summary = run.stderr.strip()

    print(f"xz -T2 -6 --block-size=1MiB on {args.megabytes} MiB of generated text, "
          f"{args.rounds} alternated rounds, wall time with start-up")
    print(f"  plain:          best {min(plain):.3f} s   median {statistics.median(plain):.3f} s")
    print(f"  weft record:    best {min(traced):.3f} s   median {statistics.median(traced):.3f} s")
    print(f"  ratio:          best {min(traced) / min(plain):.3f}   "
          f"median {statistics.median(traced) / statistics.median(plain):.3f}   (goal <= 1.05)")
    # CPU time barely depends on what else the machine runs: a steadier
    # view of the same cost when the wall times are noisy.
    print(f"  CPU time:       plain median {statistics.median(plain_cpu):.3f} s, recorded "
          f"median {statistics.median(traced_cpu):.3f} s (xz and weft record), ratio "
          f"{statistics.median(traced_cpu) / statistics.median(plain_cpu):.3f}")
    print("  last recording: " + summary.replace("\n", "\n                  "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
