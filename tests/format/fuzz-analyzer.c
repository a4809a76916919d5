/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * fuzz-analyzer.c: one input through everything after the reader: the
 * model, the statistics in every printed form (whole trace, ranges, and
 * the folding path of `weft stats`), the level-of-detail index with every
 * query on every lane at three zoom levels, and one small picture by the
 * renderer of `weft export`. Traps when an invariant breaks:
 *   - weft_stats_new_from_reader() prints the model path's JSON;
 *   - [0, cut) + [cut, d] adds up to the whole, figure by figure;
 *   - a query gives what weft-lod.h promises (at most 4 span items per
 *     column, fractions within [0, 1], indices that resolve).
 * Built as a libFuzzer target when the compiler is clang
 * (`_build/tests/format/fuzz-analyzer CORPUS_DIR`), and run by
 * test-fuzz-analyzer over a corpus of mutated traces in every build.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "weft-lod.h"
#include "weft-model.h"
#include "weft-palette.h"
#include "weft-reader.h"
#include "weft-renderer.h"
#include "weft-stats.h"
#include "weft-viewport.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A driver may say which input this is (test-fuzz-analyzer: the
 * iteration). */
#ifndef FUZZ_REPORT_CONTEXT
#define FUZZ_REPORT_CONTEXT() ((void) 0)
#endif

/* Says which invariant broke (for the report), then traps; with
 * WEFT_FUZZ_KEEP_GOING set it counts and goes on instead (to survey every
 * kind of failure in one long run; crashes still stop it), and with
 * WEFT_FUZZ_STOP_AT=LINE it traps only at the check on that line (to
 * catch one kind with libFuzzer while others are known). */
static guint fuzz_n_broken;

static void
fuzz_broken (const char *func, int line, const char *what)
{
  static int keep_going = -1, stop_at = -1;

  fprintf (stderr, "fuzz-analyzer: fuzz-analyzer.c:%d: %s: invariant broken: %s\n", line, func,
           what);
  FUZZ_REPORT_CONTEXT ();
  fflush (stderr);
  if (keep_going < 0)
    {
      const char *stop = g_getenv ("WEFT_FUZZ_STOP_AT");

      stop_at = stop ? atoi (stop) : 0;
      keep_going = g_getenv ("WEFT_FUZZ_KEEP_GOING") != NULL || stop_at > 0;
    }
  fuzz_n_broken++;
  if (!keep_going || line == stop_at)
    __builtin_trap ();
}

#define FUZZ_CHECK(cond)                                                                          \
  G_STMT_START                                                                                    \
  {                                                                                               \
    if (G_UNLIKELY (!(cond)))                                                                     \
      fuzz_broken (G_STRFUNC, __LINE__, #cond);                                                   \
  }                                                                                               \
  G_STMT_END

/* Fractions are floats: a little slack over 1. */
#define FUZZ_FRACTION_SLACK 1e-3

#define FUZZ_COLUMNS 64

/* Every printed form of st; the text is thrown away, the printers must
 * not crash and must give text. */
static gsize
print_all (WeftStats *st)
{
  static const WeftStatsCsv tables[] = { WEFT_STATS_CSV_SPANS, WEFT_STATS_CSV_THREADS,
                                         WEFT_STATS_CSV_CPUS };
  g_autofree char *json = weft_stats_to_json (st, 0);
  g_autofree char *json_top = weft_stats_to_json (st, 2);
  g_autofree char *text = weft_stats_to_text (st, "fuzz", 0);
  gsize touched = strlen (json) + strlen (json_top) + strlen (text);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *csv = weft_stats_to_csv (st, tables[i], 0);
      g_autofree char *csv_top = weft_stats_to_csv (st, tables[i], 1);
      touched += strlen (csv) + strlen (csv_top);
    }
  return touched;
}

/* ---- the model's own promises (weft-model.h) ---- */

/* A thread's spans are in start order, a parent before its children, and
 * nest: a span lies inside its parent, after its previous sibling. The
 * range statistics and the span rows rely on it. */
static void
check_model (WeftModel *model)
{
  g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr (GArray) ends = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 d = weft_model_get_duration (model);

  for (guint t = 0; t < weft_model_get_n_threads (model); t++)
    {
      const WeftModelThread *th = weft_model_get_thread (model, t);

      g_array_set_size (starts, 0);
      g_array_set_size (ends, 0);
      for (guint64 j = 0; j < th->n_spans; j++)
        {
          const WeftModelSpan *s = &th->spans[j];
          guint depth = WEFT_MODEL_SPAN_DEPTH (s);
          gboolean ok = depth <= starts->len && s->start <= s->end && s->end <= d;

          FUZZ_CHECK (depth < th->max_depth);
          if (ok && depth > 0)
            ok = s->start >= g_array_index (starts, guint64, depth - 1)
                 && s->end <= g_array_index (ends, guint64, depth - 1);
          if (ok && depth < starts->len)
            ok = s->start >= g_array_index (ends, guint64, depth);
          if (!ok)
            fprintf (stderr, "fuzz-analyzer: thread %u span %" G_GUINT64_FORMAT " [%" G_GUINT64_FORMAT
                     ", %" G_GUINT64_FORMAT "] depth %u does not nest\n", t, j, s->start, s->end,
                     depth);
          FUZZ_CHECK (ok);
          if (!ok || depth > starts->len)
            break;
          g_array_set_size (starts, depth);
          g_array_set_size (ends, depth);
          g_array_append_val (starts, s->start);
          g_array_append_val (ends, s->end);
        }
    }
}

/* ---- statistics over ranges: what adds up (test-stats-range's sums) ---- */

#define FUZZ_HIST 64

typedef struct
{
  guint64 events, alive, on_cpu, runnable, blocked, lock_wait, switches, migrations;
  guint64 busy, other, tottime, cumtime, active, suspended;
  guint64 hist[FUZZ_HIST];
  guint n_hist;
} FuzzSums;

static void
sums (const WeftStats *st, FuzzSums *s)
{
  memset (s, 0, sizeof *s);
  s->events = st->events;
  for (guint i = 0; i < st->n_threads; i++)
    {
      const WeftStatsThread *t = &st->threads[i];
      s->alive += t->alive_ns;
      s->on_cpu += t->on_cpu_ns;
      s->runnable += t->runnable_ns;
      s->blocked += t->blocked_ns;
      s->lock_wait += t->lock_wait_ns;
      s->switches += t->context_switches;
      s->migrations += t->migrations;
    }
  for (guint c = 0; c < st->n_cpu_list; c++)
    {
      s->busy += st->cpu_list[c].busy_ns;
      s->other += st->cpu_list[c].other_ns;
    }
  for (guint i = 0; i < st->n_spans; i++)
    {
      s->tottime += st->spans[i].tottime_ns;
      s->cumtime += st->spans[i].cumtime_ns;
    }
  for (guint i = 0; i < st->n_tasks; i++)
    {
      s->active += st->tasks[i].active_ns;
      s->suspended += st->tasks[i].suspended_ns;
    }
  s->n_hist = MIN (st->n_running_histogram, FUZZ_HIST);
  for (guint k = 0; k < s->n_hist; k++)
    s->hist[k] = st->running_histogram_ns[k];
}

/* [0, cut) and [cut, d] split every additive figure of the whole (a
 * trace of one instant has no cut: weft-stats.h). */
static void
check_split (WeftModel *model, const FuzzSums *w, guint64 cut)
{
  guint64 d = weft_model_get_duration (model);
  g_autoptr (WeftStats) left = NULL;
  g_autoptr (WeftStats) right = NULL;
  FuzzSums l, r;

  if (d == 0)
    return;
  left = weft_stats_new (model, 0, cut);
  right = weft_stats_new (model, cut, d);

  print_all (left);
  sums (left, &l);
  sums (right, &r);
  if (l.events + r.events != w->events || l.tottime + r.tottime != w->tottime
      || l.on_cpu + r.on_cpu != w->on_cpu)
    fprintf (stderr, "fuzz-analyzer: split at %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
             ": events %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
             ", tottime %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
             ", on_cpu %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT "\n",
             cut, d, l.events, r.events, w->events, l.tottime, r.tottime, w->tottime, l.on_cpu,
             r.on_cpu, w->on_cpu);
  FUZZ_CHECK (l.events + r.events == w->events);
  FUZZ_CHECK (l.alive + r.alive == w->alive);
  FUZZ_CHECK (l.on_cpu + r.on_cpu == w->on_cpu);
  FUZZ_CHECK (l.runnable + r.runnable == w->runnable);
  FUZZ_CHECK (l.blocked + r.blocked == w->blocked);
  FUZZ_CHECK (l.lock_wait + r.lock_wait == w->lock_wait);
  FUZZ_CHECK (l.switches + r.switches == w->switches);
  FUZZ_CHECK (l.migrations + r.migrations == w->migrations);
  FUZZ_CHECK (l.busy + r.busy == w->busy);
  FUZZ_CHECK (l.other + r.other == w->other);
  FUZZ_CHECK (l.tottime + r.tottime == w->tottime);
  FUZZ_CHECK (l.cumtime + r.cumtime == w->cumtime);
  FUZZ_CHECK (l.active + r.active == w->active);
  FUZZ_CHECK (l.suspended + r.suspended == w->suspended);
  for (guint k = 0; k < FUZZ_HIST; k++)
    FUZZ_CHECK (l.hist[k] + r.hist[k] == w->hist[k]);
}

static void
fuzz_stats (WeftReader *reader, WeftModel *model, guint64 salt)
{
  guint64 d = weft_model_get_duration (model);
  g_autoptr (WeftStats) whole = weft_stats_new_whole (model);
  g_autoptr (WeftStats) folded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = weft_stats_to_json (whole, 0);
  g_autofree char *folded_json = NULL;
  const guint64 ranges[][2] = { { 0, d / 3 }, { d / 3, d }, { d, d }, { d / 2, d / 2 + 1 },
                                { d > 0 ? d - 1 : 0, G_MAXUINT64 } };
  FuzzSums w;

  print_all (whole);
  FUZZ_CHECK (whole->events == weft_model_get_n_events (model));
  FUZZ_CHECK (whole->range_end == d);

  /* What `weft stats` prints (the folding path) is the viewer's path. */
  folded = weft_stats_new_from_reader (reader, NULL, &error);
  FUZZ_CHECK (folded != NULL);
  if (folded == NULL)
    return;
  folded_json = weft_stats_to_json (folded, 0);
  if (strcmp (json, folded_json) != 0)
    fprintf (stderr, "fuzz-analyzer: model path:\n%s\nfolded path:\n%s\n", json, folded_json);
  FUZZ_CHECK (strcmp (json, folded_json) == 0);
  print_all (folded);

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_autoptr (WeftStats) st = weft_stats_new (model, ranges[i][0], ranges[i][1]);
      print_all (st);
      FUZZ_CHECK (st->range_end <= d);
    }

  /* Every sort key, then the printers again. */
  for (WeftStatsSort key = WEFT_STATS_SORT_CUMTIME; key <= WEFT_STATS_SORT_NAME; key++)
    {
      g_autofree char *text = NULL;
      weft_stats_sort_spans (whole, key);
      text = weft_stats_to_text (whole, "sorted", 3);
      (void) text;
    }

  sums (whole, &w);
  check_split (model, &w, 0);
  check_split (model, &w, d);
  check_split (model, &w, d / 2);
  /* d + 1 wraps to 0 for a trace 2^64 - 1 ns long. */
  check_split (model, &w, d == 0 ? 0 : d == G_MAXUINT64 ? salt : salt % (d + 1));
}

/* ---- the level-of-detail index ---- */

static void
check_fraction (float f)
{
  FUZZ_CHECK (f >= 0.0f && f <= 1.0f + FUZZ_FRACTION_SLACK);
}

/* A span row: in draw order, inside the window, real spans are the
 * model's, at most 4 items touch a column (weft-lod.h). */
static void
check_span_row (WeftModel *model, const WeftModelThread *th, guint depth,
                const WeftLodWindow *w, GArray *items)
{
  guint touch[FUZZ_COLUMNS] = { 0 };

  for (guint k = 0; k < items->len; k++)
    {
      const WeftLodItem *it = &g_array_index (items, WeftLodItem, k);

      FUZZ_CHECK (it->x0 >= 0.0 && it->x1 <= w->n_columns && it->x0 <= it->x1);
      if (k > 0)
        FUZZ_CHECK (it->x0 >= g_array_index (items, WeftLodItem, k - 1).x1 - 1e-9);
      FUZZ_CHECK (it->name < weft_model_get_n_names (model));
      FUZZ_CHECK (it->span < th->n_spans);
      FUZZ_CHECK (it->count >= 1);
      FUZZ_CHECK (it->coverage >= 0.0f && it->coverage <= 1.0f + FUZZ_FRACTION_SLACK);
      if (it->kind == WEFT_LOD_ITEM_SPAN && it->span < th->n_spans)
        {
          const WeftModelSpan *s = &th->spans[it->span];
          FUZZ_CHECK (s->start == it->start && s->end == it->end && s->name == it->name);
          FUZZ_CHECK (MIN (WEFT_MODEL_SPAN_DEPTH (s), 1023u) == depth);
        }
      else
        FUZZ_CHECK (it->kind == WEFT_LOD_ITEM_MERGED || it->kind == WEFT_LOD_ITEM_SPAN);
      for (guint i = (guint) floor (it->x0); i < w->n_columns && i < MAX (it->x1, it->x0 + 1e-9);
           i++)
        {
          touch[i]++;
          FUZZ_CHECK (touch[i] <= 4 || touch[i] > 5); /* once per column */
        }
    }
}

static void
fuzz_window (WeftLod *lod, const WeftLodWindow *w, GArray *items)
{
  WeftModel *model = weft_lod_get_model (lod);
  guint n_threads = weft_model_get_n_threads (model), n_cpus = weft_model_get_n_cpus (model);
  guint64 mid = w->start + (w->end - w->start) / 2;
  WeftLodCpuColumn cpu[FUZZ_COLUMNS];
  WeftLodParallelColumn par[FUZZ_COLUMNS];
  WeftLodStateColumn state[FUZZ_COLUMNS];
  WeftLodTaskColumn task[FUZZ_COLUMNS];
  WeftLodCounterColumn counter[FUZZ_COLUMNS];

  for (guint c = 0; c < n_cpus; c++)
    {
      const WeftModelCpu *lane = weft_model_get_cpu (model, c);
      guint64 slice;

      weft_lod_cpu_columns (lod, c, w, cpu);
      for (guint i = 0; i < w->n_columns; i++)
        {
          check_fraction (cpu[i].busy);
          check_fraction (cpu[i].other);
          check_fraction (cpu[i].busy + cpu[i].other);
          FUZZ_CHECK (cpu[i].thread == WEFT_MODEL_NONE || cpu[i].thread < n_threads);
        }
      if (weft_lod_cpu_slice_at (lod, c, mid, (w->end - w->start) / w->n_columns, &slice))
        FUZZ_CHECK (slice < lane->n_slices);
    }

  weft_lod_parallelism (lod, w, par);
  for (guint i = 0; i < w->n_columns; i++)
    {
      if (!(par[i].mean >= 0.0f && par[i].mean <= par[i].max + FUZZ_FRACTION_SLACK))
        fprintf (stderr, "fuzz-analyzer: window [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                 ") / %u, column %u: mean %g, max %u\n", w->start, w->end, w->n_columns, i,
                 par[i].mean, par[i].max);
      FUZZ_CHECK (par[i].mean >= 0.0f && par[i].mean <= par[i].max + FUZZ_FRACTION_SLACK);
    }

  for (guint t = 0; t < n_threads; t++)
    {
      const WeftModelThread *th = weft_model_get_thread (model, t);
      guint n_rows = weft_lod_get_n_span_rows (lod, t);
      guint32 on = 0;
      WeftLodState s;

      weft_lod_thread_states (lod, t, w, state);
      for (guint i = 0; i < w->n_columns; i++)
        {
          const WeftLodStateColumn *col = &state[i];
          check_fraction (col->running);
          check_fraction (col->runnable);
          check_fraction (col->blocked);
          check_fraction (col->lock_wait);
          check_fraction (col->cond_wait);
          check_fraction (col->running + col->runnable + col->blocked + col->lock_wait
                          + col->cond_wait);
          FUZZ_CHECK (col->cpu == WEFT_MODEL_NONE || col->cpu < n_cpus);
        }
      s = weft_lod_thread_state_at (lod, t, mid, &on);
      FUZZ_CHECK (s <= WEFT_LOD_STATE_COND_WAIT);
      FUZZ_CHECK (on == WEFT_MODEL_NONE || on < n_cpus);

      FUZZ_CHECK (n_rows <= 1024);
      FUZZ_CHECK (n_rows <= th->max_depth);
      for (guint depth = 0; depth < n_rows; depth++)
        {
          guint64 span;

          weft_lod_span_row (lod, t, depth, w, 1.0, items);
          check_span_row (model, th, depth, w, items);
          if (weft_lod_span_at (lod, t, depth, mid, (w->end - w->start) / w->n_columns, &span))
            FUZZ_CHECK (span < th->n_spans);
        }
    }

  for (guint r = 0; r < weft_lod_get_n_task_rows (lod); r++)
    {
      const WeftLodTaskRow *row = weft_lod_get_task_row (lod, r);
      guint32 at_task, segment;
      gboolean active;

      for (guint k = 0; k < row->n_tasks; k++)
        FUZZ_CHECK (row->tasks[k] < weft_model_get_n_tasks (model));
      weft_lod_task_columns (lod, r, w, task);
      for (guint i = 0; i < w->n_columns; i++)
        {
          check_fraction (task[i].active);
          check_fraction (task[i].suspended);
          check_fraction (task[i].active + task[i].suspended);
          FUZZ_CHECK (task[i].task == WEFT_MODEL_NONE
                      || task[i].task < weft_model_get_n_tasks (model));
        }
      if (weft_lod_task_at (lod, r, mid, (w->end - w->start) / w->n_columns, &at_task, &segment,
                            &active))
        {
          FUZZ_CHECK (at_task < weft_model_get_n_tasks (model));
          if (at_task < weft_model_get_n_tasks (model))
            FUZZ_CHECK (segment + 1 < weft_model_get_task (model, at_task)->n_times);
        }
    }

  for (guint k = 0; k < weft_model_get_n_counters (model); k++)
    {
      weft_lod_counter_columns (lod, k, w, counter);
      for (guint i = 0; i < w->n_columns; i++)
        {
          const WeftLodCounterColumn *col = &counter[i];
          /* Values come from the file: NaN compares false either way. */
          if (col->defined && !isnan (col->min) && !isnan (col->max) && !isnan (col->last))
            FUZZ_CHECK (col->min <= col->last && col->last <= col->max);
        }
    }
}

static void
fuzz_lod (WeftLod *lod)
{
  WeftModel *model = weft_lod_get_model (lod);
  guint64 d = weft_model_get_duration (model);
  g_autoptr (GArray) items = g_array_new (FALSE, FALSE, sizeof (WeftLodItem));
  /* The whole trace, a middle slice, a window of a few ns, one past the end. */
  const WeftLodWindow windows[] = {
    { 0, MAX (d, 1), FUZZ_COLUMNS },
    { d / 3, d / 3 + MAX (d / 3, 1), FUZZ_COLUMNS },
    { d / 2, d / 2 + 3, FUZZ_COLUMNS },
    { d > 5 ? d - 5 : 0, d + 64, FUZZ_COLUMNS / 4 },
  };

  weft_lod_get_memory_size (lod);
  for (guint i = 0; i < G_N_ELEMENTS (windows); i++)
    fuzz_window (lod, &windows[i], items);
}

/* The viewer's way, the parallelism buckets and the thread state strips
 * filled during the model's own sweep (weft_lod_new_for_reader), gives
 * the columns of the index's own sweep and walks (weft_lod_new). */
static void
fuzz_swept (WeftLod *lod, GBytes *bytes)
{
  g_autoptr (WeftReader) reader = weft_reader_new_from_bytes (bytes, NULL);
  g_autoptr (WeftLod) swept = NULL;
  g_autoptr (GError) error = NULL;
  guint64 d = weft_model_get_duration (weft_lod_get_model (lod));
  const WeftLodWindow windows[] = {
    { 0, MAX (d, 1), FUZZ_COLUMNS },
    { d / 3, d / 3 + MAX (d / 3, 1), FUZZ_COLUMNS },
  };

  FUZZ_CHECK (reader != NULL);
  swept = weft_lod_new_for_reader (reader, NULL, NULL, NULL, &error);
  FUZZ_CHECK (swept != NULL);
  for (guint k = 0; k < G_N_ELEMENTS (windows); k++)
    {
      WeftLodParallelColumn a[FUZZ_COLUMNS], b[FUZZ_COLUMNS];

      weft_lod_parallelism (lod, &windows[k], a);
      weft_lod_parallelism (swept, &windows[k], b);
      for (guint i = 0; i < windows[k].n_columns; i++)
        FUZZ_CHECK (a[i].max == b[i].max
                    && (a[i].mean == b[i].mean || (isnan (a[i].mean) && isnan (b[i].mean))));
      for (guint t = 0; t < weft_model_get_n_threads (weft_lod_get_model (lod)); t++)
        {
          WeftLodStateColumn sa[FUZZ_COLUMNS], sb[FUZZ_COLUMNS];

          weft_lod_thread_states (lod, t, &windows[k], sa);
          weft_lod_thread_states (swept, t, &windows[k], sb);
          FUZZ_CHECK (memcmp (sa, sb, windows[k].n_columns * sizeof sa[0]) == 0);
        }
    }
}

/* One small picture as `weft export` draws it (no file). */
static void
fuzz_render (WeftLod *lod)
{
  g_autoptr (WeftRenderer) renderer = weft_renderer_new (lod);
  guint64 d = weft_model_get_duration (weft_lod_get_model (lod));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 200, 120);
  cairo_t *cr = cairo_create (surface);
  WeftViewport vp;

  weft_renderer_set_title (renderer, "fuzz");
  weft_viewport_init (&vp, 0, MAX (d, 1000), 200, 120);
  weft_renderer_draw (renderer, cr, &vp, weft_palette_get (WEFT_THEME_LIGHT));
  FUZZ_CHECK (cairo_status (cr) == CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_reader_new_from_bytes (bytes, &error);
  g_autoptr (WeftModel) model = NULL;
  g_autoptr (WeftLod) lod = NULL;
  guint64 salt = 0;

  if (reader == NULL)
    return 0;
  model = weft_model_new (reader, NULL, NULL, NULL, &error);
  if (model == NULL)
    {
      /* Only "too large" is possible without a cancellable. */
      FUZZ_CHECK (g_error_matches (error, WEFT_MODEL_ERROR, WEFT_MODEL_ERROR_TOO_LARGE));
      return 0;
    }
  check_model (model);
  /* A cut that depends on the input. */
  for (size_t i = 0; i < size; i++)
    salt = salt * 31 + data[i];

  /* The fold reads a reader of its own: a stream that uses a string before
   * defining it reads "?" on a first decode but the string on a later one
   * of the same reader (its string table is shared), and each product path
   * decodes a reader once. */
  {
    g_autoptr (WeftReader) again = weft_reader_new_from_bytes (bytes, NULL);
    FUZZ_CHECK (again != NULL);
    fuzz_stats (again, model, salt);
  }

  lod = weft_lod_new (model, NULL, NULL, NULL, &error);
  FUZZ_CHECK (lod != NULL);
  fuzz_lod (lod);
  fuzz_swept (lod, bytes);
  if (g_getenv ("WEFT_FUZZ_NO_RENDER") == NULL)
    fuzz_render (lod);
  return 0;
}
