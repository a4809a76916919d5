#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# expect.py: the independent oracle for the real-tool fixtures in this
# directory. It reads each trace with Python's json module (no Weft code)
# and replays Perfetto's rules as docs/CHROME-JSON.md documents them, then
# writes expect.txt, which test-chrome-real.c compares with the importer's
# model exactly:
#
#   threads   distinct (pid, tid) left with something on them: a slice, an
#             instant, a counter value, a task's begin or end, a flow's
#             end, or a thread_name (process metadata makes none; events
#             all skipped or folded into a task leave none; process- and
#             trace-wide instants go on a thread of their process, made
#             only when it has none);
#   spans     per name, the slices Perfetto's SliceTracker keeps on a
#             thread track: X (less the ones dropped for overlapping their
#             parent), every B (closed, cut or never closed);
#   tasks     per name of the outermost begin, the async tasks: a (cat, id)
#             track (id2.local also by pid) whose slice stack goes from
#             empty to non-empty at a b (or S);
#   flows     arrows: a t or f that ends a flow an s or t of the same
#             (cat, name, id) began (ids in hex, as Perfetto reads them),
#             and flow v2 (bind_id with flow_out, then flow_in);
#   skipped, notes  what the import leaves out or repairs, counted by the
#             same rules (E without B, overlapping X, unended slices and
#             tasks, nested async slices, a missing closing bracket...).
#
# Usage: expect.py [DIR]   (default: the directory of this script)
# Rerun it whenever a fixture is regenerated; commit expect.txt with them.

import decimal
import functools
import gzip
import json
import os
import sys

SUPPORTED = set("XBEiIRCbenSTpFstfM")
NAME_MAX = 4096
PENDING = None  # the duration of a slice still open


def to_ns(value):
    """µs (number or numeric string) to integer ns, exactly, half away from
    zero; None when it is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, decimal.Decimal)):
        d = decimal.Decimal(str(value)) if isinstance(value, float) else decimal.Decimal(value)
    elif isinstance(value, str):
        try:
            d = decimal.Decimal(value.strip())
        except decimal.InvalidOperation:
            return None
    else:
        return None
    if not d.is_finite():
        return None
    ns = (d * 1000).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP)
    ns = int(ns)
    if abs(ns) > 2**63 - 1:
        return None
    return ns


def clean_name(name):
    """Weft's names: missing or empty is "[No name]", lone surrogates become
    U+FFFD, cut to 4 KiB on a character boundary."""
    if not isinstance(name, str) or name == "":
        return "[No name]"
    name = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in name)
    b = name.encode("utf-8")
    if len(b) > NAME_MAX:
        b = b[:NAME_MAX]
        b = b.decode("utf-8", "ignore").encode("utf-8")
    return b.decode("utf-8")


def match_name(name):
    """The name an E or e matches with: None matches any."""
    if not isinstance(name, str) or name == "":
        return None
    return clean_name(name)


def pid_tid(value):
    """A pid or tid as the importer keys it: numbers as numbers, numeric
    strings as numbers, any other string as itself."""
    if isinstance(value, bool):
        return ("other", str(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        s = value.strip()
        if s.isdigit():
            return int(s)
        return ("str", value)
    return ("other", json.dumps(value))


def pid_order(pid):
    """Plain pids first, by number (Weft gives the others stand-ins above
    them)."""
    if isinstance(pid, int) and 0 <= pid < 2**32 - 2**28:
        return (0, pid, "")
    return (1, 0, repr(pid))


def load(path):
    """The event list of a trace file: object or bare array form, gzip or
    not, and the bare array whose closing bracket is missing (a tracer that
    never finished its file): complete events are kept."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    flags = {"unclosed": False, "display_time_unit": False}
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        if not text.startswith("["):
            raise
        doc = load_unterminated(text)
        flags["unclosed"] = True
    if isinstance(doc, dict):
        flags["display_time_unit"] = "displayTimeUnit" in doc
        return doc.get("traceEvents", []), flags
    return doc, flags


def load_unterminated(text):
    decoder = json.JSONDecoder()
    events = []
    pos = 1
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n or text[pos] == "]":
            return events
        try:
            ev, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return events  # the last event cut off
        events.append(ev)


class Stack:
    """One track's slice stack, as Perfetto's SliceTracker keeps it: entries
    are [ts, dur or PENDING, name, cat]."""

    def __init__(self):
        self.entries = []
        self.cut = 0  # open slices cut at the end of an enclosing one

    def close(self, ts, new_dur):
        """MaybeCloseStack: pops what ended before ts; truncates open slices
        inside a closed one that ended; returns False when an X of new_dur
        would straddle the end of an enclosing slice (then it is dropped)."""
        st = self.entries
        incomplete = False
        i = len(st) - 1
        while i >= 0:
            if i >= len(st):
                i = len(st) - 1
                continue
            start, dur = st[i][0], st[i][1]
            if dur is PENDING:
                incomplete = True
                i -= 1
                continue
            end = start + dur
            if incomplete:
                if ts <= end:
                    i -= 1
                    continue
                self.cut += sum(1 for e in st[i + 1:] if e[1] is PENDING)
                del st[i:]
                incomplete = False
                i -= 1
                continue
            if end < ts or (end == ts and not (dur == 0 and new_dur == 0)):
                st.pop()
                i -= 1
                continue
            if new_dur is not PENDING and ts < end and ts + new_dur > end:
                return False
            i -= 1
        return True

    def begin(self, ts, dur, name, cat):
        """Returns True when the slice is kept (pushed)."""
        if not self.close(ts, dur):
            return False
        self.entries.append([ts, dur, name, cat])
        return True

    def end(self, ts, name, cat):
        """An E: closes the innermost open slice matching name and category
        (None matches any; an E with a category needs one on the slice).
        Returns the depth of the slice it closed (0: the outermost), or None
        when it matches nothing."""
        self.close(ts, PENDING)
        st = self.entries
        for i in range(len(st) - 1, -1, -1):
            if st[i][1] is not PENDING:
                continue
            if cat is not None and st[i][3] != cat:
                continue
            if name is not None and st[i][2] != name:
                continue
            # Slices still open inside it end here too: Perfetto cuts them at
            # the next event on the track; a .weft stream nests strictly, so
            # Weft cuts them now, and an X inside that would outlast it
            # (Perfetto lets it stick out). They no longer match an E.
            for j in range(i + 1, len(st)):
                if st[j][1] is PENDING or st[j][0] + st[j][1] > ts:
                    self.cut += 1
            del st[i:]
            return i
        return None


def ordered(items):
    """Stable by ts; a run of X events with the same ts (adjacent after the
    sort) longest first, so a parent written after its child encloses it."""
    items = sorted(items, key=lambda it: it[0])
    out = []
    i = 0
    while i < len(items):
        j = i + 1
        if items[i][1].get("ph") == "X":
            while (j < len(items) and items[j][1].get("ph") == "X"
                   and items[j][0] == items[i][0]):
                j += 1
        run = items[i:j]
        if len(run) > 1:
            run = sorted(run, key=lambda it: -it[2])
        out.extend(run)
        i = j
    return out


def flow_id(value):
    """A flow id as Perfetto reads it: a number, or a string in hex ("0x2"
    and 2 are one id); None when there is none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value, 16)
        except ValueError:
            return None
    return None


def async_key(ev, pid):
    cat = ev.get("cat") if isinstance(ev.get("cat"), str) else ""
    if "id" in ev and ev["id"] is not None:
        return (cat, "id", json.dumps(ev["id"]) if not isinstance(ev["id"], str) else ev["id"])
    id2 = ev.get("id2")
    if isinstance(id2, dict):
        if "global" in id2:
            g = id2["global"]
            return (cat, "id", g if isinstance(g, str) else json.dumps(g))
        if "local" in id2:
            loc = id2["local"]
            return (cat, "local", pid, loc if isinstance(loc, str) else json.dumps(loc))
    return None


def analyse(path):
    events, flags = load(path)
    made = set()   # threads the importer makes (any event that names one)
    kept = set()   # threads left with an event or a name: the trace's threads
    per_thread = {}
    asyncs = []
    flows = []
    scoped = []
    # Weft's import notes, counted the oracle's way (names as in
    # weft-chrome-emit.c's describe()).
    skipped = {"E events without a matching B": 0,
               "X events overlapping an enclosing X (dropped, as Perfetto does)": 0,
               "X events without a valid dur": 0,
               "async events without id": 0,
               "async ends without a begin": 0,
               "flow events without id": 0,
               "flow steps or ends without a start": 0,
               "events without ts": 0}
    notes = {"B slices never ended (left open)": 0,
             "slices cut at the end of their parent": 0,
             "async tasks never ended (left open)": 0,
             "nested async slices folded into their task": 0,
             "events array without its closing bracket": int(flags["unclosed"]),
             "displayTimeUnit ignored (ts is always microseconds)":
                 int(flags["display_time_unit"])}
    same_start_x = 0
    for seq, ev in enumerate(events):
        if not isinstance(ev, dict):
            continue
        ph = ev.get("ph")
        if not isinstance(ph, str) or len(ph) != 1 or ph not in SUPPORTED:
            continue
        pid = pid_tid(ev["pid"]) if "pid" in ev else 0
        tid = pid_tid(ev["tid"]) if "tid" in ev else pid
        if tid == 0 and pid != 0:
            tid = pid
        if ph == "M":
            if ev.get("name") == "thread_name":
                made.add((pid, tid))
                kept.add((pid, tid))
            continue
        ts = to_ns(ev.get("ts"))
        if ts is None:
            skipped["events without ts"] += 1
            continue
        if ph in "iIR" and ev.get("s") in ("p", "g"):
            # a process or trace-wide instant: no thread for its tid (below)
            scoped.append((ev.get("s"), pid))
            continue
        made.add((pid, tid))
        if ph in "XBE":
            dur = 0
            if ph == "X":
                dur = to_ns(ev.get("dur"))
                if dur is None or dur < 0 or ts + dur > 2**63 - 1:
                    skipped["X events without a valid dur"] += 1
                    continue
            per_thread.setdefault((pid, tid), []).append((ts, ev, dur, seq))
            # flow v2: bind_id on a slice, flow_in ends a flow, flow_out begins one
            bid = flow_id(ev.get("bind_id"))
            if ph != "E" and bid is not None:
                if ev.get("flow_in") is True:
                    flows.append((ts, seq, "f", ("v2", bid), (pid, tid)))
                if ev.get("flow_out") is True:
                    flows.append((ts, seq, "s", ("v2", bid), (pid, tid)))
        elif ph in "iIR":
            kept.add((pid, tid))
        elif ph == "C":
            args = ev.get("args")
            if isinstance(args, dict) and any(
                    to_ns(v) is not None for v in args.values()
                    if not isinstance(v, str) or v.strip()):
                kept.add((pid, tid))
        elif ph in "stf":
            fid = flow_id(ev.get("id"))
            if fid is None:
                skipped["flow events without id"] += 1
                continue
            key = (ev.get("cat") if isinstance(ev.get("cat"), str) else "",
                   clean_name(ev.get("name")), fid)
            flows.append((ts, seq, ph, key, (pid, tid)))
        elif ph in "beSFnTp":
            key = async_key(ev, pid)
            if key is None:
                skipped["async events without id"] += 1
                continue
            if ph in "nTp":
                kept.add((pid, tid))  # an instant on its thread
                continue
            asyncs.append((ts, ev, key, seq, (pid, tid)))

    # Process-scoped instants go on a thread of their process (its main
    # thread, else its lowest tid), made as the main thread when the process
    # has none; trace-wide ones on the lowest pid's process (their own when
    # the trace has no thread at all).
    first_pid = min((p for p, _ in made), key=pid_order) if made else None
    for scope, pid in scoped:
        if scope == "g" and first_pid is not None:
            pid = first_pid
        tids = sorted((t for p, t in made if p == pid), key=pid_order)
        if not tids:
            made.add((pid, pid))
            tids = [pid]
        kept.add((pid, pid) if pid in tids else (pid, tids[0]))

    spans = {}
    for key, items in per_thread.items():
        stack = Stack()
        seq_items = ordered(items)
        for a, b in zip(seq_items, seq_items[1:]):
            if a[1]["ph"] == "X" and b[1]["ph"] == "X" and a[0] == b[0]:
                same_start_x += 1
        for ts, ev, dur, _ in seq_items:
            ph = ev["ph"]
            cat = ev.get("cat") if isinstance(ev.get("cat"), str) and ev.get("cat") else None
            if ph == "X":
                name = clean_name(ev.get("name"))
                if stack.begin(ts, dur, name, cat):
                    spans[name] = spans.get(name, 0) + 1
                    kept.add(key)
                else:
                    skipped["X events overlapping an enclosing X (dropped, as Perfetto does)"] += 1
            elif ph == "B":
                name = clean_name(ev.get("name"))
                stack.begin(ts, PENDING, name, cat)
                spans[name] = spans.get(name, 0) + 1
                kept.add(key)
            else:
                if stack.end(ts, match_name(ev.get("name")), cat) is None:
                    skipped["E events without a matching B"] += 1
                else:
                    kept.add(key)
        notes["slices cut at the end of their parent"] += stack.cut
        notes["B slices never ended (left open)"] += sum(
            1 for e in stack.entries if e[1] is PENDING)

    tasks = {}
    tracks = {}
    for ts, ev, key, _, thread in sorted(asyncs, key=lambda it: (it[0], it[3])):
        stack = tracks.setdefault(key, Stack())
        cat = key[0]
        if ev["ph"] in "bS":
            stack.close(ts, PENDING)
            if not stack.entries:
                name = clean_name(ev.get("name"))
                tasks[name] = tasks.get(name, 0) + 1
                kept.add(thread)  # the task begins on this thread
            else:
                notes["nested async slices folded into their task"] += 1
            stack.begin(ts, PENDING, clean_name(ev.get("name")), cat)
        else:
            depth = stack.end(ts, match_name(ev.get("name")), cat)
            if depth is None:
                skipped["async ends without a begin"] += 1
            elif depth == 0:
                kept.add(thread)  # and ends on this one
    notes["async tasks never ended (left open)"] = sum(
        1 for st in tracks.values() if st.entries and st.entries[0][1] is PENDING)

    # Flows: s begins one, t ends it and begins the next, f ends it;
    # matched by (cat, name, id) in time order. Each end is one arrow.
    arrows = 0
    open_flows = set()
    for ts, _, ph, key, thread in sorted(flows, key=lambda it: (it[0], it[1])):
        if ph != "s":
            if key not in open_flows:
                skipped["flow steps or ends without a start"] += 1
                continue
            arrows += 1
        kept.add(thread)
        if ph == "f":
            open_flows.discard(key)
        else:
            open_flows.add(key)
    return kept, spans, tasks, skipped, notes, same_start_x, arrows


def escape(name):
    """Names on one line: backslash and control characters as octal escapes
    (read back with g_strcompress)."""
    out = []
    for ch in name:
        if ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\%03o" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def fixtures(directory):
    names = [n for n in os.listdir(directory)
             if n.endswith(".json") or n.endswith(".json.gz")]
    return sorted(names)


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    lines = ["# expect.txt: written by expect.py from the fixtures beside it (do not edit).",
             "# Per fixture: fixture NAME, threads N, spans N, span NCALLS NAME...,",
             "# tasks N, task COUNT NAME..., flows N (arrows), skipped N (events the",
             "# import leaves out),",
             "# note N TEXT... (each non-zero count of the import notes), end.",
             "# Names: backslash and control characters as \\NNN octal escapes."]
    for name in fixtures(directory):
        (threads, spans, tasks, skipped, notes, same_start_x,
         arrows) = analyse(os.path.join(directory, name))
        lines.append("fixture " + name)
        lines.append("threads %d" % len(threads))
        lines.append("spans %d" % sum(spans.values()))
        for span in sorted(spans, key=lambda s: s.encode("utf-8")):
            lines.append("span %d %s" % (spans[span], escape(span)))
        lines.append("tasks %d" % sum(tasks.values()))
        for task in sorted(tasks, key=lambda s: s.encode("utf-8")):
            lines.append("task %d %s" % (tasks[task], escape(task)))
        lines.append("flows %d" % arrows)
        lines.append("skipped %d" % sum(skipped.values()))
        counts = [(n, text) for text, n in list(skipped.items()) + list(notes.items()) if n]
        for n, text in counts:
            lines.append("note %d %s" % (n, text))
        lines.append("# X events starting together (ordered longest first): %d" % same_start_x)
        lines.append("end")
        print("%s: %d threads, %d spans (%d names), %d tasks; %s"
              % (name, len(threads), sum(spans.values()), len(spans), sum(tasks.values()),
                 "; ".join("%d %s" % c for c in counts)),
              file=sys.stderr)
    with open(os.path.join(directory, "expect.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
