/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-cmd-record.c: `weft record [OPTION…] -- CMD ARGS…` and
 * `weft record -p PID`: the command line over the recording engine
 * (recorder/weft-record.h), and the summary on stderr (SPEC §3).
 */
#include "weft-config.h"

#include "weft-cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "weft-model.h"
#include "weft-reader.h"
#include "weft-record.h"

/* "64M", "1G", "512K", "4096": bytes; FALSE when malformed. */
static gboolean
parse_size (const char *s, guint64 *out)
{
  char *end;
  guint64 v;
  int shift = 0;

  if (s == NULL || !g_ascii_isdigit (*s))
    return FALSE;
  errno = 0;
  v = g_ascii_strtoull (s, &end, 10);
  if (errno != 0)
    return FALSE;
  switch (g_ascii_toupper (*end))
    {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    default: break;
    }
  if (shift && (*end == 'i' || *end == 'I') && (end[1] == 'B' || end[1] == 'b'))
    end += 2;
  else if (*end == 'B' || *end == 'b')
    end++;
  if (*end != '\0' || v > (G_MAXUINT64 >> shift))
    return FALSE;
  *out = v << shift;
  return TRUE;
}

/* Joins argv as a shell would show it (arguments with spaces quoted). */
static char *
join_command (char **argv)
{
  GString *s = g_string_new (NULL);

  for (int i = 0; argv[i] != NULL; i++)
    {
      g_autofree char *quoted = NULL;
      const char *a = argv[i];

      if (i > 0)
        g_string_append_c (s, ' ');
      if (*a == '\0' || strpbrk (a, " \t\n'\"\\$`*?[]{}()<>|&;#~") != NULL)
        a = quoted = g_shell_quote (a);
      g_string_append (s, a);
    }
  return g_string_free (s, FALSE);
}

static void
print_summary (const char *path, const WeftRecordResult *r)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_reader_open (path, &error);
  g_autoptr (WeftModel) model = NULL;
  g_autofree char *size = NULL;
  struct stat st;

  if (reader != NULL)
    model = weft_model_new (reader, NULL, NULL, NULL, &error);
  if (model == NULL)
    {
      weft_cli_error (path, "the trace cannot be read back: %s", error->message);
      return;
    }
  size = g_format_size (stat (path, &st) == 0 ? (guint64) st.st_size : 0);
  fprintf (stderr,
           "weft: recorded %s: %" G_GUINT64_FORMAT " events, %u processes, %u threads, "
           "%" G_GUINT64_FORMAT " lost events, %s, %.2f s\n",
           path, weft_model_get_n_events (model), weft_model_get_n_processes (model),
           weft_model_get_n_threads (model), weft_model_get_lost_events (model), size,
           (double) (r->end_ns - r->start_ns) / 1e9);
  if (r->sched)
    fprintf (stderr, "weft: scheduler: yes, %" G_GUINT64_FORMAT " context switches%s\n",
             r->counts.switches,
             r->system_wide ? ", with every other process on the CPUs (-a)" : "");
  else
    fprintf (stderr, "weft: scheduler: no (%s); the analysis estimates it\n", r->sched_reason);
  /* Recorded, but not system-wide as asked: why, and how to get it. */
  if (r->sched && r->sched_reason[0])
    fprintf (stderr, "weft: not system-wide: %s\n", r->sched_reason);
  if (r->sched_how[0])
    fprintf (stderr, "weft: %s%s\n", r->sched ? "for -a: " : "to record it: ", r->sched_how);
  if (weft_reader_get_damage (reader) != NULL)
    fprintf (stderr, "weft: %s: %s\n", path, weft_reader_get_damage (reader));
  /* Its events up to the kill are in the trace: libweft's pools outlive it. */
  if (r->have_wait_status && WIFSIGNALED (r->wait_status))
    fprintf (stderr, "weft: the command was killed by signal %d (%s); exit status %d\n",
             WTERMSIG (r->wait_status), strsignal (WTERMSIG (r->wait_status)),
             128 + WTERMSIG (r->wait_status));
}

int
weft_cmd_record (int argc, char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *buffer_cap = NULL;
  g_autofree char *command = NULL;
  gboolean all = FALSE, no_sched = FALSE, no_hooks = FALSE;
  int memory_period = WEFT_RECORD_DEFAULT_MEMORY_PERIOD_MS, pid = 0;
  double duration = 0;
  char hooks_buf[4096];
  WeftRecordOptions o = { 0 };
  WeftRecordResult r;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write the trace to FILE (default trace.weft; an existing one becomes FILE.old)", "FILE" },
    { "all-cpus", 'a', 0, G_OPTION_ARG_NONE, &all,
      "Also record what every other process did on the CPUs (root or CAP_PERFMON)", NULL },
    { "no-sched", 0, 0, G_OPTION_ARG_NONE, &no_sched,
      "Do not record the scheduler (no perf events)", NULL },
    { "no-hooks", 0, 0, G_OPTION_ARG_NONE, &no_hooks,
      "Do not preload the hooks (no lock and condition waits)", NULL },
    { "memory-period", 0, 0, G_OPTION_ARG_INT, &memory_period,
      "Sample each process's resident size every MS milliseconds (default 10, 0: never)",
      "MS" },
    { "buffer-cap", 0, 0, G_OPTION_ARG_STRING, &buffer_cap,
      "Buffer at most SIZE per process (K, M, G suffixes; default 1G)", "SIZE" },
    { "pid", 'p', 0, G_OPTION_ARG_INT, &pid,
      "Attach to the running process PID (scheduler, process tree and memory)", "PID" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration,
      "With -p: stop after S seconds", "S" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("[-- CMD ARGS…]");

  g_option_context_set_summary (context,
                                "Runs CMD and records it and every process and thread it starts "
                                "until CMD exits,\nor attaches to a running process with -p.");
  g_option_context_set_description (
    context, "Exits with CMD's status (128+N when signal N killed it); 125 when recording "
             "failed,\n126 when CMD cannot be run, 127 when it is not found.\n");
  g_option_context_add_main_entries (context, entries, NULL);
  /* Options after CMD are CMD's own. */
  g_option_context_set_strict_posix (context, TRUE);
  /* "weft record" in the usage line and in hints. */
  argv[0] = (char *) "weft record";
  if (!weft_cli_parse (context, &argc, &argv))
    return WEFT_RECORD_EXIT_FAILED;

  /* argv[0] is the command name; a leading "--" was consumed or is left. */
  argv++;
  argc--;
  if (argc > 0 && strcmp (argv[0], "--") == 0)
    {
      argv++;
      argc--;
    }
  if (pid != 0 && argc > 0)
    {
      weft_cli_error (NULL, "record: give either -p PID or a command, not both");
      return WEFT_RECORD_EXIT_FAILED;
    }
  if (pid == 0 && argc == 0)
    {
      weft_cli_error (NULL, "record: no command to record (try 'weft record --help')");
      return WEFT_RECORD_EXIT_FAILED;
    }
  if (pid < 0 || memory_period < 0 || duration < 0)
    {
      weft_cli_error (NULL, "record: %s must not be negative",
                      pid < 0 ? "PID" : memory_period < 0 ? "--memory-period" : "--duration");
      return WEFT_RECORD_EXIT_FAILED;
    }
  if (duration > 0 && pid == 0)
    {
      weft_cli_error (NULL, "record: --duration goes with -p PID");
      return WEFT_RECORD_EXIT_FAILED;
    }
  if (buffer_cap != NULL && !parse_size (buffer_cap, &o.buffer_cap))
    {
      weft_cli_error (buffer_cap, "not a size (a number with an optional K, M or G)");
      return WEFT_RECORD_EXIT_FAILED;
    }
  /* libweft's smallest pool (WEFT_POOL_CAP_MIN). */
  if (buffer_cap != NULL && o.buffer_cap < 128 * 1024)
    {
      weft_cli_error (buffer_cap, "--buffer-cap must be at least 128K");
      return WEFT_RECORD_EXIT_FAILED;
    }

  o.argv = pid ? NULL : argv;
  o.attach_pid = pid;
  o.output = output ? output : WEFT_RECORD_DEFAULT_OUTPUT;
  o.command_line = pid ? NULL : (command = join_command (argv));
  o.system_wide = all;
  o.no_sched = no_sched;
  o.memory_period_ms = (unsigned) memory_period;
  o.duration_s = duration;
  o.hooks_path = no_hooks || pid ? NULL : weft_record_find_hooks (hooks_buf, sizeof hooks_buf);
  if (!no_hooks && !pid && o.hooks_path == NULL)
    weft_cli_error (NULL, "record: libweft-hooks.so not found; recording without lock and "
                          "condition waits (set WEFT_HOOKS to its path)");
  /* LD_PRELOAD separates paths with spaces and colons. */
  if (o.hooks_path != NULL && strpbrk (o.hooks_path, " :") != NULL)
    {
      weft_cli_error (o.hooks_path, "cannot be preloaded (a space or colon in its path); "
                                    "recording without lock and condition waits");
      o.hooks_path = NULL;
    }

  weft_record_run (&o, &r);
  if (r.error[0])
    weft_cli_error (NULL, "%s", r.error);
  /* A trace was written unless recording could not start. */
  if (r.end_ns != 0)
    print_summary (o.output, &r);
  return r.exit_code;
}
