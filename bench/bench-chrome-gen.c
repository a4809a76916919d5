/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-chrome-gen.c: writes a Chrome Trace Event JSON file of a chosen
 * size shaped like a browser trace: metadata, nested X slices written on
 * completion (children before their parent, as Chrome does), B/E pairs,
 * instants, two-series counters, async b/e, flows, args on a third of the
 * slices, fractional microseconds, and a systemTraceEvents string of
 * sched_switch lines. Deterministic: the same size gives the same bytes.
 *
 * Built into bench-chrome-import, and on its own as gen-chrome-json:
 *   gen-chrome-json OUT.json [MB]
 */
#include "bench-chrome-gen.h"

#include <stdio.h>
#include <stdlib.h>

#define N_PIDS 4
#define N_TIDS 6 /* per process */
#define N_CPUS 4

static guint64 rng_state = 88172645463325252u;

static guint32
rng (void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (guint32) (rng_state >> 16);
}

static const char *const names[] = {
  "ThreadControllerImpl::RunTask",
  "v8.run",
  "Layout",
  "Paint",
  "ParseHTML",
  "EventDispatch",
  "FunctionCall",
  "GPUTask",
  "CommitLayer",
  "ResourceLoad",
};
static const char *const cats[] = { "toplevel", "v8", "blink", "cc", "gpu", "loading" };

typedef struct
{
  FILE *out;
  GString *buf;
  guint64 written;
  guint64 events;
  gboolean first;
} Gen;

static void
flush (Gen *g, gboolean force)
{
  if (g->buf->len < (1 << 20) && !force)
    return;
  if (fwrite (g->buf->str, 1, g->buf->len, g->out) != g->buf->len)
    g_error ("write failed");
  g->written += g->buf->len;
  g_string_truncate (g->buf, 0);
}

static void
sep (Gen *g)
{
  g_string_append (g->buf, g->first ? "\n" : ",\n");
  g->first = FALSE;
  g->events++;
}

static void
us (GString *b, guint64 ns)
{
  g_string_append_printf (b, "%" G_GUINT64_FORMAT ".%03u", ns / 1000, (unsigned) (ns % 1000));
}

static void
x_event (Gen *g, guint pid, guint tid, guint64 ts, guint64 dur, guint frame)
{
  sep (g);
  g_string_append_printf (g->buf, "{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":",
                          names[rng () % G_N_ELEMENTS (names)], cats[rng () % G_N_ELEMENTS (cats)]);
  us (g->buf, ts);
  g_string_append (g->buf, ",\"dur\":");
  us (g->buf, dur);
  g_string_append_printf (g->buf, ",\"pid\":%u,\"tid\":%u", pid, tid);
  if (rng () % 3 == 0)
    g_string_append_printf (g->buf, ",\"args\":{\"frame\":%u,\"src\":\"file_%u.js\"}", frame,
                            rng () % 50);
  g_string_append_c (g->buf, '}');
}

static void
simple (Gen *g, const char *ph, const char *name, guint pid, guint tid, guint64 ts,
        const char *extra)
{
  sep (g);
  g_string_append_printf (g->buf, "{\"name\":\"%s\",\"ph\":\"%s\",\"ts\":", name, ph);
  us (g->buf, ts);
  g_string_append_printf (g->buf, ",\"pid\":%u,\"tid\":%u%s}", pid, tid, extra);
}

guint64
bench_chrome_generate (FILE *out, guint64 target_bytes, guint64 *n_events)
{
  Gen g = { out, g_string_sized_new (2 << 20), 0, 0, TRUE };
  guint64 t[N_PIDS][N_TIDS];
  guint64 frame = 0, flow = 0, async = 0;
  guint64 events_budget = target_bytes * 85 / 100; /* the rest: ftrace */
  guint64 sched_t = 0;
  int running[N_CPUS] = { 0 };

  rng_state = 88172645463325252u;
  g_string_append (g.buf, "{\"traceEvents\":[");
  for (guint p = 0; p < N_PIDS; p++)
    {
      sep (&g);
      g_string_append_printf (g.buf,
                              "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,"
                              "\"args\":{\"name\":\"Renderer %u\"}}",
                              1000 + p, 1000 + p, p);
      for (guint k = 0; k < N_TIDS; k++)
        {
          sep (&g);
          g_string_append_printf (g.buf,
                                  "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,"
                                  "\"args\":{\"name\":\"%s\"}}",
                                  1000 + p, 1000 + p + k * 10,
                                  k == 0 ? "CrRendererMain" : "ThreadPoolForegroundWorker");
          t[p][k] = 1000000000000ull + (guint64) (p * N_TIDS + k) * 777;
        }
    }
  while (g.written + g.buf->len < events_budget)
    {
      guint p = rng () % N_PIDS, k = rng () % N_TIDS, r = rng () % 100;
      guint pid = 1000 + p, tid = 1000 + p + k * 10;
      guint64 ts = t[p][k];

      if (r < 60)
        {
          /* a frame: children first, then the parent that encloses them */
          guint64 cursor = ts + 5000 + rng () % 3000;
          guint n = 1 + rng () % 3;

          for (guint c = 0; c < n; c++)
            {
              guint64 dur = 2000 + rng () % 40000 + (rng () % 1000);

              x_event (&g, pid, tid, cursor, dur, (guint) frame);
              cursor += dur + 1000 + rng () % 5000;
            }
          x_event (&g, pid, tid, ts, cursor - ts + 3000, (guint) frame++);
          t[p][k] = cursor + 10000;
        }
      else if (r < 70)
        {
          simple (&g, "B", names[rng () % G_N_ELEMENTS (names)], pid, tid, ts, "");
          simple (&g, "E", "", pid, tid, ts + 1000 + rng () % 90000, "");
          t[p][k] = ts + 100000;
        }
      else if (r < 78)
        {
          simple (&g, "i", "Mark", pid, tid, ts, ",\"s\":\"t\"");
          t[p][k] = ts + 500;
        }
      else if (r < 86)
        {
          char extra[96];

          g_snprintf (extra, sizeof extra, ",\"args\":{\"used\":%u,\"total\":%u.5}",
                      rng () % 100000, 100000 + rng () % 1000);
          simple (&g, "C", "Heap", pid, pid, ts, extra);
          t[p][k] = ts + 300;
        }
      else if (r < 95)
        {
          char extra[96];

          g_snprintf (extra, sizeof extra,
                      ",\"cat\":\"loading\",\"id\":\"0x%" G_GINT64_MODIFIER "x\"", async);
          simple (&g, "b", "ResourceLoad", pid, tid, ts, extra);
          simple (&g, "e", "ResourceLoad", pid, 1000 + p + ((k + 1) % N_TIDS) * 10,
                  ts + 20000 + rng () % 200000, extra);
          async++;
          t[p][k] = ts + 1000;
        }
      else
        {
          char extra[96];
          guint k2 = (k + 1) % N_TIDS;

          g_snprintf (extra, sizeof extra,
                      ",\"cat\":\"ipc\",\"id\":%" G_GUINT64_FORMAT ",\"bp\":\"e\"", flow++);
          simple (&g, "s", "Message", pid, tid, ts, extra);
          simple (&g, "f", "Message", pid, 1000 + p + k2 * 10, MAX (ts, t[p][k2]) + 100, extra);
          t[p][k] = ts + 200;
        }
      flush (&g, FALSE);
    }
  g_string_append (g.buf, "\n],\n\"systemTraceEvents\":\"# tracer: nop\\n#\\n");
  sched_t = 1000000000000ull;
  while (g.written + g.buf->len < target_bytes)
    {
      guint cpu = rng () % N_CPUS, p = rng () % N_PIDS, k = rng () % N_TIDS;
      int next = rng () % 4 == 0 ? 0 : (int) (1000 + p + k * 10);
      int prev = running[cpu];

      sched_t += 1000 + rng () % 20000;
      g_string_append_printf (g.buf,
                              "%16s-%-5d [%03u] d..2 %" G_GUINT64_FORMAT ".%06u: sched_switch: "
                              "prev_comm=%s prev_pid=%d prev_prio=120 prev_state=%s ==> "
                              "next_comm=%s next_pid=%d next_prio=120\\n",
                              prev == 0 ? "<idle>" : "Worker", prev, cpu, sched_t / 1000000000u,
                              (unsigned) (sched_t % 1000000000u / 1000),
                              prev == 0 ? "swapper" : "Worker", prev, rng () % 2 ? "S" : "R+",
                              next == 0 ? "swapper" : "Worker", next);
      running[cpu] = next;
      g.events++;
      flush (&g, FALSE);
    }
  g_string_append (g.buf, "\"}\n");
  flush (&g, TRUE);
  g_string_free (g.buf, TRUE);
  *n_events = g.events;
  return g.written;
}

#ifdef WEFT_CHROME_GEN_MAIN
int
main (int argc, char **argv)
{
  guint64 mb = argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 120, n;
  FILE *out;

  if (argc < 2 || mb == 0)
    {
      fprintf (stderr, "usage: gen-chrome-json OUT.json [MB]\n");
      return 2;
    }
  out = fopen (argv[1], "w");
  if (out == NULL)
    {
      perror (argv[1]);
      return 1;
    }
  bench_chrome_generate (out, mb * 1000 * 1000, &n);
  if (fclose (out) != 0)
    {
      perror (argv[1]);
      return 1;
    }
  printf ("%s: %" G_GUINT64_FORMAT " events\n", argv[1], n);
  return 0;
}
#endif
