/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-cmd-stats.c: `weft stats FILE [--json | --csv spans|threads|cpus]
 * [--range A:B] [--top N] [--sort KEY]`: the analysis of SPEC §5 over the
 * model of the trace, for people (text), programs (JSON) or spreadsheets.
 */
#include "weft-cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "weft-model.h"
#include "weft-range.h"
#include "weft-stats.h"
#include "weft-trace-file.h"

/* Spans the text form lists unless --top says otherwise. */
#define TEXT_TOP_DEFAULT 25

typedef struct
{
  gboolean json;
  char *csv;
  char *range;
  char *top;
  char *sort;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->csv);
  g_free (o->range);
  g_free (o->top);
  g_free (o->sort);
}

static gboolean
usage (const char *format, const char *value)
{
  g_autofree char *message = g_strdup_printf (format, value);

  weft_cli_error (NULL, "stats: %s (try 'weft stats --help')", message);
  return FALSE;
}

/* Checks the options that are not just flags. */
static gboolean
check_options (const Options *o, WeftStatsCsv *csv, WeftRange *range, guint *top,
               WeftStatsSort *sort)
{
  g_autoptr (GError) error = NULL;

  if (o->json && o->csv != NULL)
    return usage ("%s--json and --csv exclude each other", "");
  if (o->csv != NULL && !weft_stats_csv_from_string (o->csv, csv))
    return usage ("--csv takes spans, threads or cpus, not '%s'", o->csv);
  if (o->range != NULL && !weft_range_parse (o->range, range, &error))
    return usage ("--range: %s", error->message);
  if (o->top != NULL)
    {
      guint64 n;
      if (!g_ascii_string_to_unsigned (o->top, 10, 0, G_MAXUINT, &n, NULL))
        return usage ("--top takes a count of spans (0 for all), not '%s'", o->top);
      *top = (guint) n;
    }
  if (o->sort != NULL && !weft_stats_sort_from_string (o->sort, sort))
    return usage ("--sort takes cumtime, tottime, ncalls or name, not '%s'", o->sort);
  return TRUE;
}

static gboolean
write_all (const char *text)
{
  gsize len = strlen (text);

  if (fwrite (text, 1, len, stdout) != len || fflush (stdout) != 0)
    {
      weft_cli_error ("stdout", "%s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

int
weft_cmd_stats (int argc, char **argv)
{
  Options o = { 0 };
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print JSON (format weft-stats-1)", NULL },
    { "csv", 0, 0, G_OPTION_ARG_STRING, &o.csv, "Print one table as CSV", "spans|threads|cpus" },
    { "range", 0, 0, G_OPTION_ARG_STRING, &o.range,
      "Only the time range A:B from the trace's first event (1.5s:2s, 100ms:, :500us; "
      "bare numbers are ns)", "A:B" },
    { "top", 0, 0, G_OPTION_ARG_STRING, &o.top,
      "List at most N spans (0: all; text lists 25 by default)", "N" },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &o.sort, "Order spans by cumtime (default), tottime, "
      "ncalls or name", "KEY" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE");
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (WeftModel) model = NULL;
  g_autoptr (WeftStats) stats = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  WeftStatsCsv csv = WEFT_STATS_CSV_SPANS;
  WeftRange range = { 0 };
  WeftStatsSort sort = WEFT_STATS_SORT_CUMTIME;
  guint top = 0;
  guint64 start, end;
  const char *path, *damage;
  int status = WEFT_EXIT_OK;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Analyses a trace (.weft or Chrome JSON): per-thread on-CPU, "
                                "runnable, blocked and lock-wait\ntime, per-CPU use, parallelism "
                                "and concurrency, a cProfile-style span table,\nlocks, async "
                                "tasks, and a verdict: concurrent or parallel.");
  argv[0] = (char *) "weft stats";
  if (!weft_cli_parse (context, &argc, &argv))
    {
      options_clear (&o);
      return WEFT_EXIT_USAGE;
    }
  if (argc != 2)
    {
      usage ("%s", argc < 2 ? "missing FILE" : "expected one FILE");
      options_clear (&o);
      return WEFT_EXIT_USAGE;
    }
  if (o.top == NULL && !o.json && o.csv == NULL)
    top = TEXT_TOP_DEFAULT;
  if (!check_options (&o, &csv, &range, &top, &sort))
    {
      options_clear (&o);
      return WEFT_EXIT_USAGE;
    }
  path = argv[1];

  reader = weft_trace_file_open (path, NULL, &error);
  if (reader == NULL)
    {
      weft_cli_error (path, "%s", error->message);
      options_clear (&o);
      return WEFT_EXIT_BAD_INPUT;
    }
  /* The whole trace needs no span rows: they are folded as they are read
   * (much less memory, a third less time). A range needs the model's. */
  if (!range.has_start && !range.has_end)
    stats = weft_stats_new_from_reader (reader, NULL, &error);
  else
    model = weft_model_new (reader, NULL, NULL, NULL, &error);
  if (stats == NULL && model == NULL)
    {
      weft_cli_error (path, "%s", error->message);
      options_clear (&o);
      return WEFT_EXIT_BAD_INPUT;
    }
  damage = weft_reader_get_damage (reader);
  if (damage != NULL)
    weft_cli_error (path, "note: %s; statistics of the intact part", damage);

  if (stats == NULL)
    {
      weft_range_resolve (&range, weft_model_get_duration (model), &start, &end);
      if (range.has_start && range.start > weft_model_get_duration (model))
        {
          weft_cli_error (path,
                          "--range starts after the trace's end (%" G_GUINT64_FORMAT " ns)",
                          weft_model_get_duration (model));
          options_clear (&o);
          return WEFT_EXIT_BAD_INPUT;
        }
      stats = weft_stats_new (model, start, end);
    }
  weft_stats_sort_spans (stats, sort);

  if (o.json)
    text = weft_stats_to_json (stats, top);
  else if (o.csv != NULL)
    text = weft_stats_to_csv (stats, csv, top);
  else
    text = weft_stats_to_text (stats, path, top);
  if (!write_all (text))
    status = WEFT_EXIT_BAD_INPUT;
  options_clear (&o);
  return status;
}
