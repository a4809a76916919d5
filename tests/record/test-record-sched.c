/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-record-sched.c: the converter from perf records to CPU and thread
 * streams, fed synthetic records with known answers. Thread ids are above
 * any pid_max, so no /proc entry can lend them a name.
 */
#include <string.h>

#include "weft-reader.h"
#include "weft-record-sched.h"

#define A 5000001u
#define B 5000002u
#define C 5000003u
#define P 5000001u /* A's process */
#define Q 5000010u /* another process */
#define T0 G_GUINT64_CONSTANT (1000000000)

typedef struct
{
  WeftBuilder *b;
  WeftSched *s;
  WeftReader *reader;
} Conv;

static void
conv_init (Conv *c, WeftSchedMode mode)
{
  c->b = weft_builder_new_memory ();
  c->s = weft_sched_new (c->b, mode);
  c->reader = NULL;
}

static void
conv_finish (Conv *c, guint64 end)
{
  g_autoptr (GError) error = NULL;
  guint8 *data;
  gsize size;

  weft_sched_finish (c->s, end);
  g_assert_cmpint (weft_builder_finish_memory (c->b, &data, &size), ==, 0);
  c->reader = weft_reader_new_from_bytes (g_bytes_new_take (data, size), &error);
  g_assert_no_error (error);
}

static void
conv_clear (Conv *c)
{
  weft_sched_free (c->s);
  weft_reader_free (c->reader);
}

static void
feed (Conv *c, WeftPerfRecordType type, guint64 t, guint cpu, guint32 stid, guint8 flags)
{
  WeftPerfRecord r = { 0 };

  r.type = (guint8) type;
  r.time = t;
  r.cpu = (guint16) cpu;
  r.spid = P;
  r.stid = stid;
  r.pid = P;
  r.tid = stid;
  r.flags = flags;
  weft_sched_feed (c->s, &r);
}

/* The events of the stream of kind/tid as text, one per line. */
static char *
stream_text (Conv *c, WeftStreamKind kind, guint32 tid)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < weft_reader_get_n_streams (c->reader); i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (c->reader, i);
      WeftStreamIter iter;
      WeftEvent ev;

      if (info->kind != kind || info->tid != tid)
        continue;
      weft_stream_iter_init (&iter, c->reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        {
          g_string_append_printf (s, "%" G_GUINT64_FORMAT " ", ev.time - T0);
          switch (ev.kind)
            {
            case WEFT_EV_SCHED_SWITCH:
              g_string_append_printf (s, "switch %" G_GINT64_FORMAT " %u %" G_GINT64_FORMAT "\n",
                                      ev.prev_tid, ev.state, ev.next_tid);
              break;
            case WEFT_EV_THREAD_NAME:
              g_string_append_printf (s, "name %s\n", weft_reader_get_string (c->reader, ev.name));
              break;
            case WEFT_EV_PROCESS_NAME:
              g_string_append_printf (s, "pname %s\n",
                                      weft_reader_get_string (c->reader, ev.name));
              break;
            case WEFT_EV_PROCESS_EXEC:
              g_string_append_printf (s, "exec %s\n", weft_reader_get_string (c->reader, ev.name));
              break;
            case WEFT_EV_THREAD_START:
              g_string_append_printf (s, "start %" G_GUINT64_FORMAT "\n", ev.id);
              break;
            case WEFT_EV_THREAD_EXIT: g_string_append (s, "exit\n"); break;
            case WEFT_EV_PROCESS_EXIT:
              g_string_append_printf (s, "pexit %" G_GINT64_FORMAT "\n", ev.prev_tid);
              break;
            case WEFT_EV_PROCESS_FORK:
              g_string_append_printf (s, "fork %" G_GUINT64_FORMAT "\n", ev.id);
              break;
            case WEFT_EV_COUNTER:
              g_string_append_printf (s, "counter %s %.0f\n",
                                      weft_reader_get_string (c->reader, ev.name), ev.value);
              break;
            case WEFT_EV_LOST:
              g_string_append_printf (s, "lost %" G_GUINT64_FORMAT "\n", ev.id);
              break;
            default: g_string_append_printf (s, "kind %u\n", ev.kind); break;
            }
        }
    }
  return g_string_free (s, FALSE);
}

static void
seed (Conv *c)
{
  weft_sched_add_process (c->s, P, T0, "prog", 1);
  weft_sched_add_thread (c->s, P, B, T0, "b");
  weft_sched_add_thread (c->s, P, C, T0, "c");
}

/* A switch-out and a switch-in 5 us later: one switch, at the out. */
static void
test_merge (void)
{
  Conv c;
  g_autofree char *cpu = NULL;

  conv_init (&c, WEFT_SCHED_TASK);
  seed (&c);
  feed (&c, WEFT_PREC_SWITCH_IN, T0 + 100, 1, A, 0);
  feed (&c, WEFT_PREC_SWITCH_OUT, T0 + 1000, 1, A, WEFT_PREC_PREEMPT);
  feed (&c, WEFT_PREC_SWITCH_IN, T0 + 6000, 1, B, 0);
  feed (&c, WEFT_PREC_SWITCH_OUT, T0 + 9000, 1, B, 0);
  feed (&c, WEFT_PREC_SWITCH_IN, T0 + 9000 + WEFT_SCHED_MERGE_NS, 1, A, 0);
  /* Back on the CPU it just left: not a switch to itself. */
  feed (&c, WEFT_PREC_SWITCH_OUT, T0 + 40000, 1, A, WEFT_PREC_PREEMPT);
  feed (&c, WEFT_PREC_SWITCH_IN, T0 + 41000, 1, A, 0);
  /* The recorder's own thread ran in between: no merge either. */
  weft_sched_hide_thread (c.s, C);
  feed (&c, WEFT_PREC_SWITCH_OUT, T0 + 50000, 1, A, WEFT_PREC_PREEMPT);
  feed (&c, WEFT_PREC_SWITCH_IN, T0 + 50100, 1, C, 0);
  feed (&c, WEFT_PREC_SWITCH_OUT, T0 + 50200, 1, C, 0);
  feed (&c, WEFT_PREC_SWITCH_IN, T0 + 50300, 1, B, 0);
  conv_finish (&c, T0 + 100000);
  cpu = stream_text (&c, WEFT_STREAM_CPU, 1);
  g_assert_cmpstr (cpu, ==,
                   "100 switch -1 3 5000001\n"
                   "1000 switch 5000001 0 5000002\n"
                   /* exactly the merge window: still one switch */
                   "9000 switch 5000002 1 5000001\n"
                   "40000 switch 5000001 0 -1\n"
                   "41000 switch -1 3 5000001\n"
                   "50000 switch 5000001 0 -1\n"
                   "50300 switch -1 3 5000002\n"
                   /* finish: B is running until the end; nothing pending */);
  conv_clear (&c);
}

/* A switch-in too long after the switch-out: something else ran. */
static void
test_gap (void)
{
  Conv c;
  g_autofree char *cpu = NULL;
  WeftSchedCounts counts;

  conv_init (&c, WEFT_SCHED_TASK);
  seed (&c);
  feed (&c, WEFT_PREC_SWITCH_IN, T0 + 100, 0, A, 0);
  feed (&c, WEFT_PREC_SWITCH_OUT, T0 + 1000, 0, A, 0);
  feed (&c, WEFT_PREC_SWITCH_IN, T0 + 1001 + WEFT_SCHED_MERGE_NS, 0, B, 0);
  feed (&c, WEFT_PREC_SWITCH_OUT, T0 + 50000, 0, B, WEFT_PREC_PREEMPT);
  conv_finish (&c, T0 + 100000);
  cpu = stream_text (&c, WEFT_STREAM_CPU, 0);
  g_assert_cmpstr (cpu, ==,
                   "100 switch -1 3 5000001\n"
                   "1000 switch 5000001 1 -1\n"
                   "21001 switch -1 3 5000002\n"
                   /* the pending switch-out, written at finish */
                   "50000 switch 5000002 0 -1\n");
  weft_sched_get_counts (c.s, &counts);
  g_assert_cmpuint (counts.switches, ==, 4);
  conv_clear (&c);
}

/* Exit: the thread leaves its CPU as EXITED, its process ends with it. */
static void
test_exit (void)
{
  Conv c;
  g_autofree char *cpu = NULL, *thread = NULL;
  WeftPerfRecord r = { 0 };

  conv_init (&c, WEFT_SCHED_TASK);
  weft_sched_add_process (c.s, Q, T0, "q", 1);
  weft_sched_set_exit_status (c.s, Q, 3 << 8);
  r.type = WEFT_PREC_SWITCH_IN;
  r.time = T0 + 10;
  r.spid = r.pid = Q;
  r.stid = r.tid = Q;
  weft_sched_feed (c.s, &r);
  r.type = WEFT_PREC_EXIT;
  r.time = T0 + 500;
  weft_sched_feed (c.s, &r);
  conv_finish (&c, T0 + 1000);
  cpu = stream_text (&c, WEFT_STREAM_CPU, 0);
  g_assert_cmpstr (cpu, ==, "10 switch -1 3 5000010\n500 switch 5000010 2 -1\n");
  thread = stream_text (&c, WEFT_STREAM_THREAD, Q);
  g_assert_cmpstr (thread, ==, "0 start 0\n0 name q\n0 pname q\n500 exit\n500 pexit 768\n");
  conv_clear (&c);
}

/* Any record a thread wrote on a CPU says it ran there (here: the exec's
 * comm record, the first after the events were enabled). */
static void
test_exec_implies_running (void)
{
  Conv c;
  g_autofree char *cpu = NULL, *thread = NULL;
  WeftPerfRecord r = { 0 };

  conv_init (&c, WEFT_SCHED_TASK);
  weft_sched_add_process (c.s, P, T0, "weft", 1);
  r.type = WEFT_PREC_COMM;
  r.flags = WEFT_PREC_EXEC;
  r.time = T0 + 300;
  r.cpu = 1;
  r.spid = r.pid = P;
  r.stid = r.tid = A;
  strcpy (r.comm, "python3");
  weft_sched_feed (c.s, &r);
  feed (&c, WEFT_PREC_SWITCH_OUT, T0 + 700, 1, A, 0);
  conv_finish (&c, T0 + 1000);
  cpu = stream_text (&c, WEFT_STREAM_CPU, 1);
  g_assert_cmpstr (cpu, ==, "300 switch -1 3 5000001\n700 switch 5000001 1 -1\n");
  thread = stream_text (&c, WEFT_STREAM_THREAD, A);
  g_assert_cmpstr (thread, ==,
                   "0 start 0\n0 name weft\n0 pname weft\n"
                   "300 exec python3\n300 name python3\n300 pname python3\n");
  conv_clear (&c);
}

static void
test_fork (void)
{
  Conv c;
  g_autofree char *parent = NULL, *thread = NULL, *child = NULL;
  WeftPerfRecord r = { 0 };
  WeftSchedCounts counts;

  conv_init (&c, WEFT_SCHED_TASK);
  weft_sched_add_process (c.s, P, T0, "prog", 1);
  /* A new thread of P, created by A, inherits A's name … */
  r.type = WEFT_PREC_FORK;
  r.time = T0 + 100;
  r.spid = P;
  r.stid = A;
  r.pid = r.ppid = P;
  r.tid = B;
  r.ptid = A;
  weft_sched_feed (c.s, &r);
  /* … then renames itself. */
  memset (&r, 0, sizeof r);
  r.type = WEFT_PREC_COMM;
  r.time = T0 + 150;
  r.spid = r.pid = P;
  r.stid = r.tid = B;
  strcpy (r.comm, "worker");
  weft_sched_feed (c.s, &r);
  /* A new process Q, forked by B. */
  memset (&r, 0, sizeof r);
  r.type = WEFT_PREC_FORK;
  r.time = T0 + 200;
  r.spid = P;
  r.stid = B;
  r.pid = r.tid = Q;
  r.ppid = P;
  r.ptid = B;
  weft_sched_feed (c.s, &r);
  /* Q's resident size. */
  memset (&r, 0, sizeof r);
  r.type = WEFT_PREC_RSS;
  r.time = T0 + 250;
  r.pid = r.tid = Q;
  r.value = 4096;
  weft_sched_feed (c.s, &r);
  conv_finish (&c, T0 + 1000);

  parent = stream_text (&c, WEFT_STREAM_THREAD, A);
  g_assert_cmpstr (parent, ==, "0 start 0\n0 name prog\n0 pname prog\n");
  thread = stream_text (&c, WEFT_STREAM_THREAD, B);
  g_assert_cmpstr (thread, ==, "100 start 5000001\n100 name prog\n150 name worker\n200 fork 5000010\n");
  child = stream_text (&c, WEFT_STREAM_THREAD, Q);
  g_assert_cmpstr (child, ==,
                   "200 start 5000002\n200 name worker\n200 pname worker\n"
                   "250 counter memory.rss 4096\n");
  weft_sched_get_counts (c.s, &counts);
  g_assert_cmpuint (counts.processes, ==, 2);
  g_assert_cmpuint (counts.threads, ==, 3);
  conv_clear (&c);
}

static void
test_lost (void)
{
  Conv c;
  g_autofree char *cpu = NULL;
  WeftPerfRecord r = { 0 };
  WeftSchedCounts counts;

  conv_init (&c, WEFT_SCHED_TASK);
  seed (&c);
  feed (&c, WEFT_PREC_SWITCH_IN, T0 + 100, 0, A, 0);
  feed (&c, WEFT_PREC_SWITCH_OUT, T0 + 200, 0, A, 0);
  r.type = WEFT_PREC_LOST;
  r.time = T0 + 210;
  r.value = 7;
  weft_sched_feed (c.s, &r);
  feed (&c, WEFT_PREC_SWITCH_IN, T0 + 5000, 0, B, 0);
  conv_finish (&c, T0 + 10000);
  cpu = stream_text (&c, WEFT_STREAM_CPU, 0);
  /* The pending switch-out cannot pair across a loss. */
  g_assert_cmpstr (cpu, ==,
                   "100 switch -1 3 5000001\n200 switch 5000001 1 -1\n210 lost 7\n"
                   "5000 switch -1 3 5000002\n");
  weft_sched_get_counts (c.s, &counts);
  g_assert_cmpuint (counts.lost, ==, 7);
  conv_clear (&c);
}

/* -a: both sides of a switch are named; untraced tasks become OTHER,
 * the idle task IDLE, and untraced-to-untraced is no change. */
static void
test_system_wide (void)
{
  static const struct
  {
    guint32 prev, next;
    guint8 flags;
  } sw[] = {
    { 0, A, 0 },                     /* idle -> A */
    { 0, A, WEFT_PREC_IN },          /* its switch-in side: said already */
    { A, 4000, WEFT_PREC_PREEMPT },  /* A -> untraced */
    { 4000, 4001, 0 },               /* untraced -> untraced: dropped */
    { 4001, 0, 0 },                  /* untraced -> idle */
    { 0, C, 0 },                     /* idle -> C, hidden */
    { C, B, 0 },                     /* C (hidden) -> B */
    { UINT32_MAX, 0, 0 },            /* B exited: perf names it -1 */
    { 0, A, WEFT_PREC_IN },          /* idle -> A, its switch-out missing */
  };
  Conv c;
  g_autofree char *cpu = NULL;

  conv_init (&c, WEFT_SCHED_SYSTEM);
  seed (&c);
  weft_sched_hide_thread (c.s, C);
  for (gsize i = 0; i < G_N_ELEMENTS (sw); i++)
    {
      WeftPerfRecord r = { 0 };

      r.type = WEFT_PREC_SWITCH_CPU;
      r.time = T0 + 100 * (i + 1);
      r.spid = sw[i].prev >= A ? P : sw[i].prev;
      r.stid = sw[i].prev;
      r.ppid = sw[i].next >= A ? P : sw[i].next;
      r.ptid = sw[i].next;
      r.flags = sw[i].flags;
      /* The switch-in side is written by the task coming in. */
      if (sw[i].flags & WEFT_PREC_IN)
        {
          r.spid = sw[i].next >= A ? P : sw[i].next;
          r.stid = sw[i].next;
          r.ppid = sw[i].prev >= A ? P : sw[i].prev;
          r.ptid = sw[i].prev;
        }
      if (sw[i].prev == UINT32_MAX)
        {
          WeftPerfRecord e = { 0 };

          e.type = WEFT_PREC_EXIT;
          e.time = r.time - 50;
          e.pid = e.spid = P;
          e.tid = e.stid = B;
          weft_sched_feed (c.s, &e);
          r.spid = UINT32_MAX;
        }
      weft_sched_feed (c.s, &r);
    }
  conv_finish (&c, T0 + 1000);
  cpu = stream_text (&c, WEFT_STREAM_CPU, 0);
  g_assert_cmpstr (cpu, ==,
                   "100 switch 0 1 5000001\n"
                   "300 switch 5000001 0 -1\n"
                   "500 switch -1 1 0\n"
                   "600 switch 0 1 -1\n"
                   "700 switch -1 1 5000002\n"
                   "800 switch 5000002 2 0\n"
                   "900 switch 0 3 5000001\n");
  conv_clear (&c);
}

/* System-wide, untraced to untraced: never written as a switch from a
 * thread to itself; only to end a traced thread whose switch-out was
 * missed. The CPU's first record is one such. */
static void
test_system_wide_untraced (void)
{
  static const struct
  {
    uint32_t prev, next;
  } sw[] = {
    { 4000, 4001 }, /* first on the CPU: nothing known ran, nothing written */
    { 4001, A },    /* untraced -> A */
    { 4002, 4003 }, /* A's switch-out missed: A -> untraced */
    { 4003, 4004 }, /* dropped */
  };
  Conv c;
  g_autofree char *cpu = NULL;

  conv_init (&c, WEFT_SCHED_SYSTEM);
  seed (&c);
  for (gsize i = 0; i < G_N_ELEMENTS (sw); i++)
    {
      WeftPerfRecord r = { 0 };

      r.type = WEFT_PREC_SWITCH_CPU;
      r.time = T0 + 100 * (i + 1);
      r.spid = sw[i].prev >= A ? P : sw[i].prev;
      r.stid = sw[i].prev;
      r.ppid = sw[i].next >= A ? P : sw[i].next;
      r.ptid = sw[i].next;
      weft_sched_feed (c.s, &r);
    }
  conv_finish (&c, T0 + 1000);
  cpu = stream_text (&c, WEFT_STREAM_CPU, 0);
  g_assert_cmpstr (cpu, ==,
                   "200 switch -1 1 5000001\n"
                   "300 switch 5000001 3 -1\n");
  conv_clear (&c);
}

/* Without perf: the process tree only, never a CPU stream. */
static void
test_no_sched (void)
{
  Conv c;
  g_autofree char *child = NULL;
  WeftPerfRecord r = { 0 };

  conv_init (&c, WEFT_SCHED_NONE);
  weft_sched_add_process (c.s, P, T0, "prog", 1);
  r.type = WEFT_PREC_FORK;
  r.time = T0 + 100;
  r.pid = r.tid = r.spid = r.stid = Q;
  r.ppid = r.ptid = P;
  weft_sched_feed (c.s, &r);
  r.type = WEFT_PREC_EXIT;
  r.time = T0 + 900;
  weft_sched_feed (c.s, &r);
  feed (&c, WEFT_PREC_SWITCH_IN, T0 + 950, 0, A, 0);
  conv_finish (&c, T0 + 1000);
  for (guint i = 0; i < weft_reader_get_n_streams (c.reader); i++)
    g_assert_cmpint (weft_reader_get_stream (c.reader, i)->kind, ==, WEFT_STREAM_THREAD);
  child = stream_text (&c, WEFT_STREAM_THREAD, Q);
  g_assert_cmpstr (child, ==, "100 start 5000001\n100 name prog\n100 pname prog\n900 exit\n900 pexit -1\n");
  conv_clear (&c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/record-sched/merge", test_merge);
  g_test_add_func ("/weft/record-sched/gap", test_gap);
  g_test_add_func ("/weft/record-sched/exit", test_exit);
  g_test_add_func ("/weft/record-sched/exec-implies-running", test_exec_implies_running);
  g_test_add_func ("/weft/record-sched/fork", test_fork);
  g_test_add_func ("/weft/record-sched/lost", test_lost);
  g_test_add_func ("/weft/record-sched/system-wide", test_system_wide);
  g_test_add_func ("/weft/record-sched/system-wide-untraced", test_system_wide_untraced);
  g_test_add_func ("/weft/record-sched/no-sched", test_no_sched);
  return g_test_run ();
}
