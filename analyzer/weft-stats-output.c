/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-stats-output.c: the three printed forms of WeftStats: JSON
 * ("weft-stats-1", the keys and nesting of SPEC §5), text for people
 * (aligned tables like Python's pstats, the verdict last) and CSV tables
 * (RFC 4180). Numbers never go through the locale.
 */
#include "weft-stats.h"

#include <string.h>

#include "weft-json-writer.h"

static guint
n_shown (const WeftStats *st, guint top)
{
  return top > 0 ? MIN (top, st->n_spans) : st->n_spans;
}

/* An integer that SPEC §5 makes null without scheduler data. */
static void
json_sched_uint (WeftJsonWriter *w, const WeftStats *st, const char *key, guint64 value)
{
  weft_json_key (w, key);
  if (st->sched)
    weft_json_uint (w, value);
  else
    weft_json_null (w);
}

static void
json_trace (WeftJsonWriter *w, const WeftStats *st)
{
  weft_json_key (w, "trace");
  weft_json_begin_object (w, FALSE);
  weft_json_key (w, "source");
  weft_json_string (w, st->source);
  weft_json_key (w, "sched");
  weft_json_bool (w, st->sched);
  weft_json_key (w, "duration_ns");
  weft_json_uint (w, st->duration_ns);
  weft_json_key (w, "events");
  weft_json_uint (w, st->events);
  weft_json_key (w, "lost_events");
  weft_json_uint (w, st->lost_events);
  weft_json_key (w, "cpus");
  if (st->cpus > 0)
    weft_json_int (w, st->cpus);
  else
    weft_json_null (w);
  weft_json_key (w, "command");
  weft_json_string (w, st->command);
  weft_json_key (w, "start_time");
  weft_json_string (w, st->start_time);
  if (!st->whole)
    {
      weft_json_key (w, "range_start_ns");
      weft_json_uint (w, st->range_start);
      weft_json_key (w, "range_end_ns");
      weft_json_uint (w, st->range_end);
    }
  weft_json_end_object (w);
}

static void
json_threads (WeftJsonWriter *w, const WeftStats *st)
{
  weft_json_key (w, "processes");
  weft_json_begin_array (w, FALSE);
  for (guint i = 0; i < st->n_processes; i++)
    {
      const WeftStatsProcess *p = &st->processes[i];
      weft_json_begin_object (w, TRUE);
      weft_json_key (w, "pid");
      weft_json_uint (w, p->pid);
      weft_json_key (w, "name");
      weft_json_string (w, p->name);
      weft_json_key (w, "threads");
      weft_json_begin_array (w, TRUE);
      for (guint k = 0; k < p->n_tids; k++)
        weft_json_uint (w, p->tids[k]);
      weft_json_end_array (w);
      weft_json_end_object (w);
    }
  weft_json_end_array (w);

  weft_json_key (w, "threads");
  weft_json_begin_array (w, FALSE);
  for (guint i = 0; i < st->n_threads; i++)
    {
      const WeftStatsThread *t = &st->threads[i];
      weft_json_begin_object (w, TRUE);
      weft_json_key (w, "pid");
      weft_json_uint (w, t->pid);
      weft_json_key (w, "tid");
      weft_json_uint (w, t->tid);
      weft_json_key (w, "name");
      weft_json_string (w, t->name);
      weft_json_key (w, "alive_ns");
      weft_json_uint (w, t->alive_ns);
      weft_json_key (w, "on_cpu_ns");
      weft_json_uint (w, t->on_cpu_ns);
      json_sched_uint (w, st, "runnable_ns", t->runnable_ns);
      json_sched_uint (w, st, "blocked_ns", t->blocked_ns);
      weft_json_key (w, "lock_wait_ns");
      weft_json_uint (w, t->lock_wait_ns);
      json_sched_uint (w, st, "context_switches", t->context_switches);
      json_sched_uint (w, st, "migrations", t->migrations);
      weft_json_end_object (w);
    }
  weft_json_end_array (w);
}

static void
json_cpus (WeftJsonWriter *w, const WeftStats *st)
{
  weft_json_key (w, "cpus");
  weft_json_begin_array (w, FALSE);
  for (guint i = 0; i < st->n_cpu_list; i++)
    {
      const WeftStatsCpu *c = &st->cpu_list[i];
      weft_json_begin_object (w, TRUE);
      weft_json_key (w, "cpu");
      weft_json_uint (w, c->cpu);
      json_sched_uint (w, st, "busy_ns", c->busy_ns);
      weft_json_key (w, "other_ns");
      if (st->sched && st->other_known)
        weft_json_uint (w, c->other_ns);
      else
        weft_json_null (w);
      weft_json_key (w, "utilization");
      if (st->sched)
        weft_json_double (w, c->utilization);
      else
        weft_json_null (w);
      weft_json_end_object (w);
    }
  weft_json_end_array (w);

  weft_json_key (w, "parallelism");
  weft_json_begin_object (w, FALSE);
  weft_json_key (w, "average_running");
  weft_json_double (w, st->average_running);
  weft_json_key (w, "max_running");
  weft_json_uint (w, st->max_running);
  weft_json_key (w, "running_histogram_ns");
  weft_json_begin_array (w, TRUE);
  for (guint k = 0; k < st->n_running_histogram; k++)
    weft_json_uint (w, st->running_histogram_ns[k]);
  weft_json_end_array (w);
  weft_json_end_object (w);

  weft_json_key (w, "concurrency");
  weft_json_begin_object (w, FALSE);
  weft_json_key (w, "average_threads_alive");
  weft_json_double (w, st->average_threads_alive);
  weft_json_key (w, "average_tasks_in_progress");
  weft_json_double (w, st->average_tasks_in_progress);
  weft_json_end_object (w);
}

static void
json_tables (WeftJsonWriter *w, const WeftStats *st, guint top)
{
  weft_json_key (w, "spans");
  weft_json_begin_array (w, FALSE);
  for (guint i = 0; i < n_shown (st, top); i++)
    {
      const WeftStatsSpan *s = &st->spans[i];
      weft_json_begin_object (w, TRUE);
      weft_json_key (w, "name");
      weft_json_string (w, s->name);
      weft_json_key (w, "ncalls");
      weft_json_uint (w, s->ncalls);
      weft_json_key (w, "tottime_ns");
      weft_json_uint (w, s->tottime_ns);
      weft_json_key (w, "cumtime_ns");
      weft_json_uint (w, s->cumtime_ns);
      weft_json_key (w, "percall_tottime_ns");
      weft_json_uint (w, s->percall_tottime_ns);
      weft_json_key (w, "percall_cumtime_ns");
      weft_json_uint (w, s->percall_cumtime_ns);
      weft_json_end_object (w);
    }
  weft_json_end_array (w);

  weft_json_key (w, "locks");
  weft_json_begin_array (w, FALSE);
  for (guint i = 0; i < st->n_locks; i++)
    {
      weft_json_begin_object (w, TRUE);
      weft_json_key (w, "name");
      weft_json_string (w, st->locks[i].name);
      weft_json_key (w, "contended");
      weft_json_uint (w, st->locks[i].contended);
      weft_json_key (w, "wait_ns");
      weft_json_uint (w, st->locks[i].wait_ns);
      weft_json_end_object (w);
    }
  weft_json_end_array (w);

  weft_json_key (w, "tasks");
  weft_json_begin_array (w, FALSE);
  for (guint i = 0; i < st->n_tasks; i++)
    {
      weft_json_begin_object (w, TRUE);
      weft_json_key (w, "name");
      weft_json_string (w, st->tasks[i].name);
      weft_json_key (w, "count");
      weft_json_uint (w, st->tasks[i].count);
      weft_json_key (w, "active_ns");
      weft_json_uint (w, st->tasks[i].active_ns);
      weft_json_key (w, "suspended_ns");
      weft_json_uint (w, st->tasks[i].suspended_ns);
      weft_json_end_object (w);
    }
  weft_json_end_array (w);
}

char *
weft_stats_to_json (const WeftStats *st, guint top)
{
  GString *out = g_string_new (NULL);
  WeftJsonWriter w;

  weft_json_writer_init (&w, out);
  weft_json_begin_object (&w, FALSE);
  weft_json_key (&w, "format");
  weft_json_string (&w, "weft-stats-1");
  json_trace (&w, st);
  json_threads (&w, st);
  json_cpus (&w, st);
  json_tables (&w, st, top);
  weft_json_key (&w, "verdict");
  weft_json_string (&w, st->verdict);
  weft_json_end_object (&w);
  return g_string_free (out, FALSE);
}

/* ---- text ---- */

/* ns as milliseconds with three decimals, exactly (no double). */
static const char *
ms (char *buf, gsize size, guint64 ns)
{
  g_snprintf (buf, size, "%" G_GUINT64_FORMAT ".%03u", ns / 1000000,
              (guint) (ns % 1000000 / 1000));
  return buf;
}

/* An integer with thousands separators. */
static const char *
grouped (char *buf, gsize size, guint64 v)
{
  char digits[32];
  gsize n = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, v), o = 0;

  for (gsize i = 0; i < n && o + 2 < size; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        buf[o++] = ',';
      buf[o++] = digits[i];
    }
  buf[o] = '\0';
  return buf;
}

static const char *
percent (char *buf, gsize size, double fraction)
{
  g_ascii_formatd (buf, size, "%.1f", fraction * 100.0);
  return buf;
}

/* A name from the trace made safe for a terminal table: valid UTF-8, on
 * one line (white space as spaces, other control characters as '?'). */
static char *
printable (const char *s)
{
  char *copy;

  if (s == NULL || *s == '\0')
    return g_strdup ("-");
  copy = g_utf8_make_valid (s, -1);
  for (char *p = copy; *p != '\0'; p++)
    if (*p == '\n' || *p == '\t' || *p == '\r')
      *p = ' ';
    else if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = '?';
  return copy;
}

/* Columns of ms values that are null without scheduler data. */
static void
text_sched_ms (GString *out, const WeftStats *st, int width, guint64 ns)
{
  char b[64];

  g_string_append_printf (out, "  %*s", width, st->sched ? ms (b, sizeof b, ns) : "-");
}

static void
text_header (GString *out, const WeftStats *st, const char *title)
{
  char b1[64], b2[64], b3[64];
  g_autofree char *name = printable (title);

  g_string_append_printf (out, "Trace        %s (%s)\n", name, st->source);
  g_string_append_printf (out, "Duration     %s ms, %s events, %s lost\n",
                          ms (b1, sizeof b1, st->duration_ns), grouped (b2, sizeof b2, st->events),
                          grouped (b3, sizeof b3, st->lost_events));
  if (!st->whole)
    g_string_append_printf (out, "Range        %s ms to %s ms\n",
                            ms (b1, sizeof b1, st->range_start), ms (b2, sizeof b2, st->range_end));
  if (st->cpus > 0)
    g_string_append_printf (out, "CPUs         %d\n", st->cpus);
  else
    g_string_append (out, "CPUs         unknown\n");
  g_string_append_printf (out, "Scheduler    %s\n",
                          st->sched ? "recorded"
                                    : "not recorded: on-CPU time and parallelism are estimated");
  if (st->command != NULL)
    {
      g_autofree char *command = printable (st->command);
      g_string_append_printf (out, "Command      %s\n", command);
    }
  if (st->start_time != NULL)
    {
      g_autofree char *start = printable (st->start_time);
      g_string_append_printf (out, "Started      %s\n", start);
    }
}

static void
text_threads (GString *out, const WeftStats *st)
{
  char b[64];

  g_string_append (out, "\nThreads\n");
  g_string_append_printf (out, "%8s  %8s  %12s  %12s  %12s  %12s  %12s  %9s  %6s  %s\n", "pid", "tid",
                          "alive ms", "on-CPU ms", "runnable ms", "blocked ms", "lock wait ms",
                          "switches", "migr", "name");
  for (guint i = 0; i < st->n_threads; i++)
    {
      const WeftStatsThread *t = &st->threads[i];
      g_autofree char *name = printable (t->name);

      g_string_append_printf (out, "%8u  %8u  %12s", t->pid, t->tid, ms (b, sizeof b, t->alive_ns));
      g_string_append_printf (out, "  %12s", ms (b, sizeof b, t->on_cpu_ns));
      text_sched_ms (out, st, 12, t->runnable_ns);
      text_sched_ms (out, st, 12, t->blocked_ns);
      g_string_append_printf (out, "  %12s", ms (b, sizeof b, t->lock_wait_ns));
      if (st->sched)
        g_string_append_printf (out, "  %9" G_GUINT64_FORMAT "  %6" G_GUINT64_FORMAT,
                                t->context_switches, t->migrations);
      else
        g_string_append_printf (out, "  %9s  %6s", "-", "-");
      g_string_append_printf (out, "  %s\n", name);
    }
}

static void
text_cpus (GString *out, const WeftStats *st)
{
  char b[64], b2[64], b3[64];

  if (st->sched && st->n_cpu_list > 0)
    {
      g_string_append (out, "\nCPUs\n");
      g_string_append_printf (out, "%8s  %12s  %12s  %6s\n", "cpu", "busy ms", "other ms", "util");
      for (guint i = 0; i < st->n_cpu_list; i++)
        {
          const WeftStatsCpu *c = &st->cpu_list[i];
          /* One buffer per column: the arguments are all evaluated before
           * printing, so a shared buffer would show one value twice. */
          g_string_append_printf (out, "%8u  %12s  %12s  %5s%%\n", c->cpu,
                                  ms (b, sizeof b, c->busy_ns),
                                  st->other_known ? ms (b2, sizeof b2, c->other_ns) : "-",
                                  percent (b3, sizeof b3, c->utilization));
        }
    }

  g_ascii_formatd (b, sizeof b, "%.2f", st->average_running);
  g_string_append_printf (out, "\nParallelism  %s running on average, at most %u%s\n", b,
                          st->max_running, st->sched ? "" : " (estimated)");
  g_string_append_printf (out, "%8s  %12s  %6s\n", "running", "time ms", "share");
  for (guint k = 0; k < st->n_running_histogram; k++)
    {
      double share = st->duration_ns > 0
                       ? (double) st->running_histogram_ns[k] / (double) st->duration_ns
                       : 0.0;
      g_string_append_printf (out, "%8u  %12s  %5s%%\n", k,
                              ms (b, sizeof b, st->running_histogram_ns[k]),
                              percent (b2, sizeof b2, share));
    }
  g_ascii_formatd (b, sizeof b, "%.2f", st->average_threads_alive);
  g_ascii_formatd (b2, sizeof b2, "%.2f", st->average_tasks_in_progress);
  g_string_append_printf (out, "\nConcurrency  %s threads alive, %s tasks in progress on average\n",
                          b, b2);
}

static void
text_tables (GString *out, const WeftStats *st, guint top)
{
  char b1[64], b2[64], b3[64], b4[64];
  guint shown = n_shown (st, top);

  if (st->n_spans > 0)
    {
      if (shown < st->n_spans)
        g_string_append_printf (out, "\nSpans (%u of %u)\n", shown, st->n_spans);
      else
        g_string_append (out, "\nSpans\n");
      g_string_append_printf (out, "%10s  %12s  %12s  %12s  %12s  %s\n", "ncalls", "tottime ms",
                              "percall ms", "cumtime ms", "percall ms", "name");
      for (guint i = 0; i < shown; i++)
        {
          const WeftStatsSpan *s = &st->spans[i];
          g_autofree char *name = printable (s->name);

          g_string_append_printf (out, "%10" G_GUINT64_FORMAT "  %12s  %12s  %12s  %12s  %s\n",
                                  s->ncalls, ms (b1, sizeof b1, s->tottime_ns),
                                  ms (b2, sizeof b2, s->percall_tottime_ns),
                                  ms (b3, sizeof b3, s->cumtime_ns),
                                  ms (b4, sizeof b4, s->percall_cumtime_ns), name);
        }
    }
  if (st->n_locks > 0)
    {
      g_string_append (out, "\nLocks\n");
      g_string_append_printf (out, "%10s  %12s  %s\n", "contended", "wait ms", "name");
      for (guint i = 0; i < st->n_locks; i++)
        {
          g_autofree char *name = printable (st->locks[i].name);
          g_string_append_printf (out, "%10" G_GUINT64_FORMAT "  %12s  %s\n",
                                  st->locks[i].contended, ms (b1, sizeof b1, st->locks[i].wait_ns),
                                  name);
        }
    }
  if (st->n_tasks > 0)
    {
      g_string_append (out, "\nTasks\n");
      g_string_append_printf (out, "%10s  %12s  %12s  %s\n", "count", "active ms", "suspended ms",
                              "name");
      for (guint i = 0; i < st->n_tasks; i++)
        {
          g_autofree char *name = printable (st->tasks[i].name);
          g_string_append_printf (out, "%10" G_GUINT64_FORMAT "  %12s  %12s  %s\n",
                                  st->tasks[i].count, ms (b1, sizeof b1, st->tasks[i].active_ns),
                                  ms (b2, sizeof b2, st->tasks[i].suspended_ns), name);
        }
    }
}

char *
weft_stats_to_text (const WeftStats *st, const char *title, guint top)
{
  GString *out = g_string_new (NULL);

  text_header (out, st, title);
  text_threads (out, st);
  text_cpus (out, st);
  text_tables (out, st, top);
  g_string_append_printf (out, "\n%s\n", st->verdict);
  return g_string_free (out, FALSE);
}

/* ---- CSV ---- */

static void
csv_field (GString *out, const char *s)
{
  g_autofree char *valid = NULL;

  if (s == NULL)
    return;
  if (!g_utf8_validate (s, -1, NULL))
    s = valid = g_utf8_make_valid (s, -1);
  if (strpbrk (s, ",\"\r\n") == NULL)
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
csv_uint (GString *out, gboolean known, guint64 v)
{
  g_string_append_c (out, ',');
  if (known)
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, v);
}

gboolean
weft_stats_csv_from_string (const char *text, WeftStatsCsv *table)
{
  static const char *const names[] = { "spans", "threads", "cpus" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *table = (WeftStatsCsv) i;
        return TRUE;
      }
  return FALSE;
}

char *
weft_stats_to_csv (const WeftStats *st, WeftStatsCsv table, guint top)
{
  GString *out = g_string_new (NULL);
  char b[G_ASCII_DTOSTR_BUF_SIZE];

  /* RFC 4180: CRLF line ends, fields quoted when they hold , " CR or LF;
   * an empty field is null. */
  switch (table)
    {
    case WEFT_STATS_CSV_SPANS:
      g_string_append (out, "name,ncalls,tottime_ns,cumtime_ns,percall_tottime_ns,"
                            "percall_cumtime_ns\r\n");
      for (guint i = 0; i < n_shown (st, top); i++)
        {
          const WeftStatsSpan *s = &st->spans[i];
          csv_field (out, s->name);
          csv_uint (out, TRUE, s->ncalls);
          csv_uint (out, TRUE, s->tottime_ns);
          csv_uint (out, TRUE, s->cumtime_ns);
          csv_uint (out, TRUE, s->percall_tottime_ns);
          csv_uint (out, TRUE, s->percall_cumtime_ns);
          g_string_append (out, "\r\n");
        }
      break;
    case WEFT_STATS_CSV_THREADS:
      g_string_append (out, "pid,tid,name,alive_ns,on_cpu_ns,runnable_ns,blocked_ns,"
                            "lock_wait_ns,context_switches,migrations\r\n");
      for (guint i = 0; i < st->n_threads; i++)
        {
          const WeftStatsThread *t = &st->threads[i];
          g_string_append_printf (out, "%u,%u,", t->pid, t->tid);
          csv_field (out, t->name);
          csv_uint (out, TRUE, t->alive_ns);
          csv_uint (out, TRUE, t->on_cpu_ns);
          csv_uint (out, st->sched, t->runnable_ns);
          csv_uint (out, st->sched, t->blocked_ns);
          csv_uint (out, TRUE, t->lock_wait_ns);
          csv_uint (out, st->sched, t->context_switches);
          csv_uint (out, st->sched, t->migrations);
          g_string_append (out, "\r\n");
        }
      break;
    case WEFT_STATS_CSV_CPUS:
      g_string_append (out, "cpu,busy_ns,other_ns,utilization\r\n");
      for (guint i = 0; i < st->n_cpu_list; i++)
        {
          const WeftStatsCpu *c = &st->cpu_list[i];
          g_string_append_printf (out, "%u", c->cpu);
          csv_uint (out, st->sched, c->busy_ns);
          csv_uint (out, st->sched && st->other_known, c->other_ns);
          g_string_append_c (out, ',');
          if (st->sched)
            g_string_append (out, g_ascii_formatd (b, sizeof b, "%.6g", c->utilization));
          g_string_append (out, "\r\n");
        }
      break;
    }
  return g_string_free (out, FALSE);
}
