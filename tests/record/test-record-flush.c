/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-record-flush.c: `weft record` writes its scheduler and
 * process-tree streams while the program runs (weft_sched_flush()):
 * - the converter flushed often gives the same events and statistics as
 *   flushed only at the end, on one synthetic run;
 * - a file cut after a flush holds every switch fed before it, a pending
 *   switch-out included;
 * - `weft record` killed by SIGKILL leaves CPU lanes, the process tree
 *   and libweft's events (from the pools' active blocks) up to about a
 *   second before the kill, every CPU's switches chaining.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record-trace.h"
#include "weft-model.h"
#include "weft-reader.h"
#include "weft-record-sched.h"
#include "weft-stats.h"

#define P 5000001u /* the program; its main thread */
#define A 5000001u
#define B 5000002u
#define C 5000003u
#define D 5000004u /* a thread created and ended during the run */
#define Q 5000010u /* a forked process */
#define T0 G_GUINT64_CONSTANT (1000000000)
#define MS G_GUINT64_CONSTANT (1000000)
#define RUN_NS (3000 * MS)
#define N_CPUS 3

/* --- a synthetic run --- */

static WeftPerfRecord *
push (WeftPerfRecordVec *v, WeftPerfRecordType type, guint64 t, guint cpu)
{
  WeftPerfRecord *r = weft_perf_record_vec_push (v);

  g_assert_nonnull (r);
  r->type = (guint8) type;
  r->time = t;
  r->cpu = (guint16) cpu;
  return r;
}

static void
push_switch (WeftPerfRecordVec *v, WeftPerfRecordType type, guint64 t, guint cpu, guint32 tid,
             guint8 flags)
{
  WeftPerfRecord *r = push (v, type, t, cpu);

  r->spid = tid == Q ? Q : P;
  r->stid = tid;
  r->flags = flags;
}

static void
push_task (WeftPerfRecordVec *v, WeftPerfRecordType type, guint64 t, guint32 pid, guint32 tid,
           guint32 ppid, guint32 ptid)
{
  WeftPerfRecord *r = push (v, type, t, 0);

  r->pid = pid;
  r->tid = tid;
  r->ppid = ppid;
  r->ptid = ptid;
}

static gboolean
alive (guint32 tid, guint64 t)
{
  if (tid == D)
    return t >= T0 + 500 * MS && t < T0 + 1900 * MS;
  if (tid == Q)
    return t >= T0 + 1000 * MS && t < T0 + 2400 * MS;
  return TRUE;
}

/* Three CPUs taking threads in turns for 3 s (switches that merge and
 * ones with a gap, preempted and blocked, idle spells, a lost-records
 * note), a thread and a process that come and go, names and RSS
 * samples; in time order. Fixed seed: the same run every time. */
static void
make_run (WeftPerfRecordVec *v)
{
  static const guint32 tids[] = { A, B, C, D, Q };
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261126);
  guint64 next[N_CPUS];
  guint32 running[N_CPUS] = { 0 };
  gboolean busy[G_N_ELEMENTS (tids)] = { FALSE };
  int on[N_CPUS];

  for (guint c = 0; c < N_CPUS; c++)
    {
      next[c] = T0 + 1000 + c * 777;
      on[c] = -1;
    }
  push_task (v, WEFT_PREC_FORK, T0 + 500 * MS - 1000, P, D, P, A);
  push_task (v, WEFT_PREC_EXIT, T0 + 1900 * MS + 10 * MS, P, D, P, D);
  push_task (v, WEFT_PREC_FORK, T0 + 1000 * MS - 1000, Q, Q, P, A);
  {
    WeftPerfRecord *r = push (v, WEFT_PREC_COMM, T0 + 1000 * MS - 500, 0);

    r->pid = r->tid = Q;
    r->flags = WEFT_PREC_EXEC;
    g_strlcpy (r->comm, "child", sizeof r->comm);
  }
  push_task (v, WEFT_PREC_EXIT, T0 + 2400 * MS + 10 * MS, Q, Q, Q, Q);
  for (guint64 t = T0; t < T0 + RUN_NS; t += 10 * MS)
    {
      WeftPerfRecord *r = push (v, WEFT_PREC_RSS, t + 3, 0);

      r->pid = P;
      r->value = 1000000 + (t - T0) / 1000;
    }

  for (;;)
    {
      guint c = 0;
      guint64 t;

      for (guint k = 1; k < N_CPUS; k++)
        if (next[k] < next[c])
          c = k;
      t = next[c];
      if (t >= T0 + RUN_NS)
        break;
      if (on[c] >= 0)
        {
          push_switch (v, WEFT_PREC_SWITCH_OUT, t, c, running[c],
                       g_rand_boolean (rand) ? WEFT_PREC_PREEMPT : 0);
          busy[on[c]] = FALSE;
          on[c] = -1;
        }
      if (g_rand_int_range (rand, 0, 1000) == 0)
        {
          push (v, WEFT_PREC_LOST, t + 1, c)->value = 3;
          t += 2;
        }
      /* Who runs next: at once (one switch), after a gap, or no one. */
      {
        int pick = g_rand_int_range (rand, 0, G_N_ELEMENTS (tids));
        int kind = g_rand_int_range (rand, 0, 10);
        guint64 gap = kind < 6 ? (guint64) g_rand_int_range (rand, 1, 5000)
                               : (guint64) g_rand_int_range (rand, 30000, 800000);

        if (kind < 9 && !busy[pick] && alive (tids[pick], t + gap)
            && alive (tids[pick], t + gap + 3 * MS))
          {
            push_switch (v, WEFT_PREC_SWITCH_IN, t + gap, c, tids[pick], 0);
            busy[pick] = TRUE;
            on[c] = pick;
            running[c] = tids[pick];
            next[c] = t + gap + (guint64) g_rand_int_range (rand, 50000, 1500000);
          }
        else
          next[c] = t + (guint64) g_rand_int_range (rand, 100000, 5000000);
      }
    }
  weft_perf_record_vec_sort (v);
}

/* Feeds the run to a converter on b as the recorder's loop does: up to a
 * watermark advancing in steps of step ns, flushing after each (step 0:
 * everything at once, never flushed, as before flushing existed). */
static void
convert (WeftBuilder *b, const WeftPerfRecordVec *v, guint64 step, guint64 period)
{
  WeftSched *s = weft_sched_new (b, WEFT_SCHED_TASK);
  size_t i = 0;

  weft_sched_set_flush_period (s, period);
  weft_sched_add_process (s, P, T0, "prog", 1);
  weft_sched_add_thread (s, P, B, T0, "b");
  weft_sched_add_thread (s, P, C, T0, "c");
  for (guint64 limit = T0 + step; step > 0 && limit < T0 + RUN_NS + step; limit += step)
    {
      while (i < v->len && v->recs[i].time < limit)
        weft_sched_feed (s, &v->recs[i++]);
      weft_sched_flush (s, limit);
    }
  while (i < v->len)
    weft_sched_feed (s, &v->recs[i++]);
  weft_sched_finish (s, T0 + RUN_NS + 50 * MS);
  weft_sched_free (s);
}

static WeftReader *
convert_to_reader (const WeftPerfRecordVec *v, gsize chunk_size, guint64 step, guint64 period)
{
  g_autoptr (GError) error = NULL;
  WeftBuilder *b = weft_builder_new_memory ();
  WeftReader *reader;
  guint8 *data;
  gsize size;

  weft_builder_set_chunk_size (b, chunk_size);
  convert (b, v, step, period);
  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);
  reader = weft_reader_new_from_bytes (g_bytes_new_take (data, size), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (weft_reader_get_damage (reader), ==, NULL);
  return reader;
}

static int
compare_streams (gconstpointer a, gconstpointer b, gpointer data)
{
  WeftReader *reader = data;
  const WeftStreamInfo *x = weft_reader_get_stream (reader, *(const guint *) a);
  const WeftStreamInfo *y = weft_reader_get_stream (reader, *(const guint *) b);

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* Every event of every stream, as text, streams by (kind, tid); the CPU
 * streams' chunks counted in cpu_chunks. */
static char *
events_text (WeftReader *reader, guint *cpu_chunks)
{
  GString *s = g_string_new (NULL);
  guint n = weft_reader_get_n_streams (reader);
  g_autofree guint *order = g_new (guint, n);

  *cpu_chunks = 0;
  for (guint i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, (gint) n, sizeof *order, compare_streams, reader);
  for (guint k = 0; k < n; k++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, order[k]);
      WeftStreamIter iter;
      WeftEvent ev;

      if (info->kind == WEFT_STREAM_CPU)
        *cpu_chunks += info->n_chunks;
      g_string_append_printf (s, "stream %u %u %u\n", info->kind, info->pid, info->tid);
      weft_stream_iter_init (&iter, reader, order[k]);
      while (weft_stream_iter_next (&iter, &ev))
        g_string_append_printf (s,
                                "%" G_GUINT64_FORMAT " %u %" G_GINT64_FORMAT
                                " %u %" G_GINT64_FORMAT " %" G_GUINT64_FORMAT " %s %.0f\n",
                                ev.time - T0, ev.kind, ev.prev_tid, ev.state, ev.next_tid,
                                ev.id, weft_reader_get_string (reader, ev.name), ev.value);
    }
  return g_string_free (s, FALSE);
}

static char *
stats_json (WeftReader *reader)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftModel) model = weft_model_new (reader, NULL, NULL, NULL, &error);
  g_autoptr (WeftStats) stats = NULL;

  g_assert_no_error (error);
  g_assert_true (weft_model_has_sched (model));
  g_assert_cmpuint (weft_model_get_n_cpus (model), ==, N_CPUS);
  stats = weft_stats_new_whole (model);
  return weft_stats_to_json (stats, 0);
}

/* Flushed every 1 ms of trace time into 256-byte chunks, or once at the
 * end into 64 KiB ones: the same events, the same statistics. */
static void
test_same_stats (void)
{
  WeftPerfRecordVec v = { 0 };
  g_autoptr (WeftReader) whole = NULL, flushed = NULL, stepped = NULL;
  g_autofree char *text_whole = NULL, *text_flushed = NULL, *text_stepped = NULL;
  g_autofree char *json_whole = NULL, *json_flushed = NULL, *json_stepped = NULL;
  guint chunks_whole, chunks_flushed, chunks_stepped;

  make_run (&v);
  g_assert_cmpuint (v.len, >, 5000);
  whole = convert_to_reader (&v, 64 * 1024, 0, 0);
  flushed = convert_to_reader (&v, 256, 7 * MS, 1 * MS);
  /* The loop's watermark steps without flushing: only the pending
   * switch-outs are settled early. */
  stepped = convert_to_reader (&v, 64 * 1024, 7 * MS, 0);

  text_whole = events_text (whole, &chunks_whole);
  text_flushed = events_text (flushed, &chunks_flushed);
  text_stepped = events_text (stepped, &chunks_stepped);
  g_assert_cmpstr (text_flushed, ==, text_whole);
  g_assert_cmpstr (text_stepped, ==, text_whole);
  /* Every CPU stream in one chunk at the end; hundreds when flushed. */
  g_assert_cmpuint (chunks_whole, ==, N_CPUS);
  g_assert_cmpuint (chunks_stepped, ==, N_CPUS);
  g_assert_cmpuint (chunks_flushed, >, 300 * N_CPUS);
  g_test_message ("%zu records, CPU chunks %u flushed, %u not", v.len, chunks_flushed,
                  chunks_whole);

  json_whole = stats_json (whole);
  json_flushed = stats_json (flushed);
  json_stepped = stats_json (stepped);
  g_assert_cmpstr (json_flushed, ==, json_whole);
  g_assert_cmpstr (json_stepped, ==, json_whole);
  g_assert_nonnull (strstr (json_whole, "\"sched\": true"));
  weft_perf_record_vec_clear (&v);
}

/* --- a file cut after a flush --- */

static void
feed_switch (WeftSched *s, WeftPerfRecordType type, guint64 t, guint cpu, guint32 tid,
             guint8 flags)
{
  WeftPerfRecord r = { 0 };

  r.type = (guint8) type;
  r.time = t;
  r.cpu = (guint16) cpu;
  r.spid = P;
  r.stid = tid;
  r.flags = flags;
  weft_sched_feed (s, &r);
}

/* The switches of CPU cpu in the file at path (the writer still open,
 * as if killed), one per line. */
static char *
cut_switches (const char *path, guint cpu, const char **first_name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_reader_open (path, &error);
  GString *s = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (weft_reader_get_damage (reader), ==, NULL);
  *first_name = NULL;
  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, i);
      WeftStreamIter iter;
      WeftEvent ev;

      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        if (info->kind == WEFT_STREAM_CPU && info->tid == cpu && ev.kind == WEFT_EV_SCHED_SWITCH)
          g_string_append_printf (s, "%" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %u %"
                                  G_GINT64_FORMAT "\n", ev.time - T0, ev.prev_tid, ev.state,
                                  ev.next_tid);
        else if (info->kind == WEFT_STREAM_THREAD && info->tid == A
                 && ev.kind == WEFT_EV_THREAD_NAME && *first_name == NULL)
          *first_name = g_intern_string (weft_reader_get_string (reader, ev.name));
    }
  return g_string_free (s, FALSE);
}

/* A switch-out that nothing follows is in the file once the watermark
 * is past the merge window; the next flush waits a period. */
static void
test_cut (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("weft-record-flush-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cut.weft", NULL);
  g_autofree char *first = NULL, *second = NULL, *third = NULL;
  const char *name;
  WeftBuilder *b;
  WeftSched *s;

  g_assert_no_error (error);
  b = weft_builder_new (path);
  g_assert_nonnull (b);
  s = weft_sched_new (b, WEFT_SCHED_TASK);
  weft_sched_set_flush_period (s, 500 * MS);
  weft_sched_add_process (s, P, T0, "prog", 1);
  weft_sched_add_thread (s, P, B, T0, "b");
  feed_switch (s, WEFT_PREC_SWITCH_IN, T0 + 1000, 1, A, 0);
  feed_switch (s, WEFT_PREC_SWITCH_OUT, T0 + 5000, 1, A, WEFT_PREC_PREEMPT);
  feed_switch (s, WEFT_PREC_SWITCH_IN, T0 + 6000, 1, B, 0);
  feed_switch (s, WEFT_PREC_SWITCH_OUT, T0 + 100 * MS, 1, B, 0);

  /* Within the merge window: B's switch-out may still join a switch-in. */
  weft_sched_flush (s, T0 + 100 * MS + 10000);
  first = cut_switches (path, 1, &name);
  g_assert_cmpstr (first, ==, "1000 -1 3 5000001\n5000 5000001 0 5000002\n");
  g_assert_cmpstr (name, ==, "prog");

  /* Past it: B blocked and no one we know ran after, but the next flush
   * is a period away. */
  weft_sched_flush (s, T0 + 200 * MS);
  second = cut_switches (path, 1, &name);
  g_assert_cmpstr (second, ==, first);
  weft_sched_flush (s, T0 + 600 * MS + 10000);
  third = cut_switches (path, 1, &name);
  g_assert_cmpstr (third, ==,
                   "1000 -1 3 5000001\n5000 5000001 0 5000002\n"
                   "100000000 5000002 1 -1\n");

  weft_sched_free (s);
  weft_builder_abandon (b);
  g_unlink (path);
  g_rmdir (dir);
}

/* --- weft record killed --- */

static const char *
flush_helper (void)
{
  static char *path;

  if (path == NULL)
    path = g_build_filename (g_getenv ("WEFT_BUILDDIR"), "tests", "record", "flush-helper", NULL);
  return path;
}

static guint64
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * 1000000000u + (guint64) ts.tv_nsec;
}

/* `weft record -o out -- flush-helper 8`, killed by SIGKILL after
 * seconds; the helper is killed too. Returns the time of the kill. */
/* A killed recorder leaves its private directory (the session socket,
 * libweft's fallback file) in TMPDIR, here the test's own. */
static void
remove_leftovers (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "weft-record-"))
      {
        g_autofree char *sub = g_build_filename (dir, name, NULL);
        g_autoptr (GDir) inner = g_dir_open (sub, 0, NULL);
        const char *file;

        while (inner != NULL && (file = g_dir_read_name (inner)) != NULL)
          {
            g_autofree char *path = g_build_filename (sub, file, NULL);

            g_unlink (path);
          }
        g_rmdir (sub);
      }
}

static guint64
record_and_kill (const char *out, const char *tmpdir, double seconds, pid_t *helper)
{
  const char *argv[] = { record_weft (), "record", "-o", out, "--", flush_helper (), "8", NULL };
  g_auto (GStrv) env = g_environ_setenv (g_environ_unsetenv (g_get_environ (),
                                                             "WEFT_RECORD_NO_PERF"),
                                         "TMPDIR", tmpdir, TRUE);
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr (GIOChannel) channel = NULL;
  GPid pid;
  int out_fd, status;
  guint64 ready, killed;

  prctl (PR_SET_CHILD_SUBREAPER, 1);
  g_spawn_async_with_pipes (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_assert_cmpint (g_io_channel_read_line (channel, &line, NULL, NULL, &error), ==,
                   G_IO_STATUS_NORMAL);
  g_assert_no_error (error);
  *helper = (pid_t) g_ascii_strtoll (line, NULL, 10);
  g_assert_cmpint (*helper, >, 0);
  g_assert_nonnull (strstr (line, " ready"));
  ready = monotonic_ns ();
  g_usleep ((gulong) (seconds * G_USEC_PER_SEC));
  killed = monotonic_ns ();
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  /* The recorder's child, ours now (we are its subreaper). */
  g_assert_cmpint (kill (*helper, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (*helper, &status, 0), ==, *helper);
  g_assert_cmpuint (killed - ready, >=, (guint64) (seconds * 1e9));
  return killed;
}

static void
test_killed (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL, *out = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (WeftModel) model = NULL;
  guint64 killed, last = 0, switches = 0, broken = 0, cond_waits = 0, last_wait = 0;
  guint cpu_streams = 0, helper_threads = 0;
  pid_t helper;

  if (!record_need_perf ())
    return;
  dir = g_dir_make_tmp ("weft-record-flush-XXXXXX", &error);
  g_assert_no_error (error);
  out = g_build_filename (dir, "killed.weft", NULL);
  killed = record_and_kill (out, dir, 3.0, &helper);
  remove_leftovers (dir);

  /* The intact part (a chunk cut by the kill would be a note). */
  reader = weft_reader_open (out, &error);
  g_assert_no_error (error);
  if (weft_reader_get_damage (reader) != NULL)
    g_test_message ("note: %s", weft_reader_get_damage (reader));
  g_assert_cmpstr (weft_reader_get_metadata (reader, "sched"), ==, "true");
  g_assert_nonnull (weft_reader_get_metadata (reader, "command"));
  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, i);
      WeftStreamIter iter;
      WeftEvent ev;
      gint64 current = G_MININT64;

      if (info->kind == WEFT_STREAM_THREAD && info->pid == (guint32) helper)
        {
          /* The recorder's streams (counters from 2^31), or libweft's
           * (the preloaded hooks see the condition variable waits). */
          if ((info->stream_id >> 31) & 1)
            helper_threads++;
          else
            {
              weft_stream_iter_init (&iter, reader, i);
              while (weft_stream_iter_next (&iter, &ev))
                if (ev.kind == WEFT_EV_COND_WAIT)
                  {
                    cond_waits++;
                    last_wait = MAX (last_wait, ev.time);
                  }
            }
          continue;
        }
      if (info->kind != WEFT_STREAM_CPU)
        continue;
      cpu_streams++;
      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        {
          if (ev.kind == WEFT_EV_LOST)
            current = G_MININT64; /* nothing known after a loss */
          if (ev.kind != WEFT_EV_SCHED_SWITCH)
            continue;
          broken += current != G_MININT64 && ev.prev_tid != current;
          current = ev.next_tid;
          last = MAX (last, ev.time);
          switches++;
        }
    }
  g_test_message ("%" G_GUINT64_FORMAT " switches on %u CPUs, the last %.3f s before the kill;"
                  " %" G_GUINT64_FORMAT " condition waits, the last %.3f s before",
                  switches, cpu_streams, (double) (gint64) (killed - last) / 1e9, cond_waits,
                  (double) (gint64) (killed - last_wait) / 1e9);
  g_assert_cmpuint (cpu_streams, >=, 1);
  g_assert_cmpuint (switches, >, 100);
  g_assert_cmpuint (broken, ==, 0);
  g_assert_cmpuint (last + 1500 * MS, >=, killed);
  /* The process tree: the helper's main thread and its three. */
  g_assert_cmpuint (helper_threads, >=, 4);
  /* libweft's events from the active blocks, not only full ones. */
  g_assert_cmpuint (cond_waits, >, 100);
  g_assert_cmpuint (last_wait + 1500 * MS, >=, killed);

  model = weft_model_new (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (weft_model_has_sched (model));
  g_assert_cmpuint (weft_model_get_n_cpus (model), ==, cpu_streams);
  g_assert_cmpuint (weft_model_get_duration (model), >=, 1500 * MS);

  g_unlink (out);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/record-flush/same-stats", test_same_stats);
  g_test_add_func ("/weft/record-flush/cut", test_cut);
  g_test_add_func ("/weft/record-flush/killed", test_killed);
  return g_test_run ();
}
