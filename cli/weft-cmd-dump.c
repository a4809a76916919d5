/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-cmd-dump.c: `weft dump FILE`: the metadata, then every stream's
 * events, one per line, in time order, with times from the trace's time
 * zero (its earliest event).
 */
#define _GNU_SOURCE /* the stdio *_unlocked functions */
#include "weft-cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "weft-trace-file.h"

/* Prints s in double quotes, escaping what would break the line. */
static void
put_quoted (FILE *out, const char *s)
{
  putc_unlocked ('"', out);
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          putc_unlocked ('\\', out);
          putc_unlocked (*p, out);
        }
      else if (*p == '\n')
        fputs_unlocked ("\\n", out);
      else if (*p == '\t')
        fputs_unlocked ("\\t", out);
      else if (*p < 0x20 || *p == 0x7f)
        fprintf (out, "\\x%02x", *p);
      else
        putc_unlocked (*p, out);
    }
  putc_unlocked ('"', out);
}

static void
put_name (FILE *out, WeftReader *reader, const char *field, guint32 id)
{
  fprintf (out, " %s=", field);
  put_quoted (out, weft_reader_get_string (reader, id));
}

static void
put_tid (FILE *out, const char *field, gint64 tid)
{
  if (tid == WEFT_TID_IDLE)
    fprintf (out, " %s=idle", field);
  else if (tid == WEFT_TID_OTHER)
    fprintf (out, " %s=other", field);
  else
    fprintf (out, " %s=%" G_GINT64_FORMAT, field, tid);
}

static const char *
kind_name (guint kind)
{
  static const char *const names[] = {
    [WEFT_EV_SPAN_BEGIN] = "span-begin",       [WEFT_EV_SPAN_END] = "span-end",
    [WEFT_EV_INSTANT] = "instant",             [WEFT_EV_COUNTER] = "counter",
    [WEFT_EV_TASK_BEGIN] = "task-begin",       [WEFT_EV_TASK_SUSPEND] = "task-suspend",
    [WEFT_EV_TASK_RESUME] = "task-resume",     [WEFT_EV_TASK_END] = "task-end",
    [WEFT_EV_FLOW_BEGIN] = "flow-begin",       [WEFT_EV_FLOW_END] = "flow-end",
    [WEFT_EV_LOCK_WAIT] = "lock-wait",         [WEFT_EV_LOCK_ACQUIRED] = "lock-acquired",
    [WEFT_EV_LOCK_RELEASED] = "lock-released", [WEFT_EV_COND_WAIT] = "cond-wait",
    [WEFT_EV_COND_WOKEN] = "cond-woken",       [WEFT_EV_STRING_DEF] = "string-def",
    [WEFT_EV_LOCK_NAME] = "lock-name",         [WEFT_EV_THREAD_NAME] = "thread-name",
    [WEFT_EV_PROCESS_NAME] = "process-name",   [WEFT_EV_LOST] = "lost",
    [WEFT_EV_SCHED_SWITCH] = "switch",         [WEFT_EV_THREAD_START] = "thread-start",
    [WEFT_EV_THREAD_EXIT] = "thread-exit",     [WEFT_EV_PROCESS_FORK] = "process-fork",
    [WEFT_EV_PROCESS_EXEC] = "process-exec",   [WEFT_EV_PROCESS_EXIT] = "process-exit",
    [WEFT_EV_SPAN_BEGIN_ARGS] = "span-begin",  [WEFT_EV_CPU_MIGRATE] = "cpu-migrate",
  };
  return kind < G_N_ELEMENTS (names) && names[kind] ? names[kind] : "unknown";
}

static const char *
state_name (guint state)
{
  static const char *const names[] = { "preempted", "blocked", "exited", "unknown" };
  return state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

/* Writes v right-aligned in width (at least), padded with pad. */
static char *
put_uint (char *p, guint64 v, int width, char pad)
{
  char digits[20];
  int n = 0;

  do
    {
      digits[n++] = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v > 0);
  for (int i = n; i < width; i++)
    *p++ = pad;
  while (n > 0)
    *p++ = digits[--n];
  return p;
}

static void
put_event (FILE *out, WeftReader *reader, const WeftEvent *ev, guint64 zero)
{
  guint64 rel = ev->time >= zero ? ev->time - zero : 0;

  gboolean bare = ev->kind == WEFT_EV_SPAN_END || ev->kind == WEFT_EV_THREAD_EXIT;
  char line[96], *p = line;
  const char *kind = kind_name (ev->kind);
  gsize klen = strlen (kind);

  /* Seconds for the eye, then the exact ns; formatted by hand because
   * printf dominated the time of dumping big traces. */
  p = put_uint (p, rel / 1000000000u, 6, ' ');
  *p++ = '.';
  p = put_uint (p, rel % 1000000000u, 9, '0');
  *p++ = 's';
  *p++ = ' ';
  p = put_uint (p, rel, 15, ' ');
  *p++ = ' ';
  memcpy (p, kind, klen);
  p += klen;
  while (!bare && klen++ < 13)
    *p++ = ' ';
  fwrite_unlocked (line, 1, (gsize) (p - line), out);
  switch (ev->kind)
    {
    case WEFT_EV_SPAN_BEGIN:
    case WEFT_EV_INSTANT:
    case WEFT_EV_THREAD_NAME:
    case WEFT_EV_PROCESS_NAME:
      put_name (out, reader, "name", ev->name);
      break;
    case WEFT_EV_SPAN_BEGIN_ARGS:
      put_name (out, reader, "name", ev->name);
      put_name (out, reader, "args", ev->args);
      break;
    case WEFT_EV_PROCESS_EXEC:
      put_name (out, reader, "program", ev->name);
      break;
    case WEFT_EV_COUNTER:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        put_name (out, reader, "name", ev->name);
        fprintf (out, " value=%s", g_ascii_dtostr (buf, sizeof buf, ev->value));
      }
      break;
    case WEFT_EV_TASK_BEGIN:
      fprintf (out, " id=%" G_GUINT64_FORMAT, ev->id);
      put_name (out, reader, "name", ev->name);
      break;
    case WEFT_EV_TASK_SUSPEND:
    case WEFT_EV_TASK_RESUME:
    case WEFT_EV_TASK_END:
    case WEFT_EV_FLOW_BEGIN:
    case WEFT_EV_FLOW_END:
      fprintf (out, " id=%" G_GUINT64_FORMAT, ev->id);
      break;
    case WEFT_EV_LOCK_NAME:
      fprintf (out, " lock=0x%" G_GINT64_MODIFIER "x", ev->id);
      put_name (out, reader, "name", ev->name);
      break;
    case WEFT_EV_LOCK_WAIT:
    case WEFT_EV_LOCK_ACQUIRED:
    case WEFT_EV_LOCK_RELEASED:
      fprintf (out, " lock=0x%" G_GINT64_MODIFIER "x", ev->id);
      break;
    case WEFT_EV_COND_WAIT:
      fprintf (out, " cond=0x%" G_GINT64_MODIFIER "x mutex=0x%" G_GINT64_MODIFIER "x", ev->id,
               ev->id2);
      break;
    case WEFT_EV_COND_WOKEN:
      fprintf (out, " cond=0x%" G_GINT64_MODIFIER "x", ev->id);
      break;
    case WEFT_EV_LOST:
      fprintf (out, " count=%" G_GUINT64_FORMAT, ev->id);
      break;
    case WEFT_EV_SCHED_SWITCH:
      put_tid (out, "prev", ev->prev_tid);
      fprintf (out, " state=%s", state_name (ev->state));
      put_tid (out, "next", ev->next_tid);
      break;
    case WEFT_EV_THREAD_START:
      fprintf (out, " creator=%" G_GUINT64_FORMAT, ev->id);
      break;
    case WEFT_EV_PROCESS_FORK:
      fprintf (out, " child=%" G_GUINT64_FORMAT, ev->id);
      break;
    case WEFT_EV_PROCESS_EXIT:
      {
        gint64 st = ev->prev_tid;
        fprintf (out, " status=%" G_GINT64_FORMAT, st);
        if (st >= 0 && st <= G_MAXINT && WIFEXITED ((int) st))
          fprintf (out, " (exit %d)", WEXITSTATUS ((int) st));
        else if (st >= 0 && st <= G_MAXINT && WIFSIGNALED ((int) st))
          fprintf (out, " (signal %d)", WTERMSIG ((int) st));
      }
      break;
    default:
      break;
    }
  putc_unlocked ('\n', out);
}

/* The last name a thread gave itself (its comm comes first, the name the
 * program chose later), for the stream's header line. Decoding is cheap
 * next to printing, so a pass of its own costs little. */
static guint32
stream_name (WeftReader *reader, guint stream)
{
  WeftStreamIter iter;
  WeftEvent ev;
  guint32 name = 0;

  weft_stream_iter_init (&iter, reader, stream);
  while (weft_stream_iter_next (&iter, &ev))
    if (ev.kind == WEFT_EV_THREAD_NAME)
      name = ev.name;
  return name;
}

static void
dump (FILE *out, WeftReader *reader, const char *path)
{
  const char *const *keys = weft_reader_get_metadata_keys (reader);
  guint n = weft_reader_get_n_streams (reader);
  guint64 zero = G_MAXUINT64;

  fprintf (out, "# %s\n", path);
  for (gsize i = 0; keys[i] != NULL; i++)
    {
      fprintf (out, "%s: ", keys[i]);
      put_quoted (out, weft_reader_get_metadata (reader, keys[i]));
      putc_unlocked ('\n', out);
    }

  for (guint s = 0; s < n; s++)
    {
      WeftStreamIter iter;
      WeftEvent ev;

      weft_stream_iter_init (&iter, reader, s);
      if (weft_stream_iter_next (&iter, &ev))
        zero = MIN (zero, ev.time);
    }
  if (zero == G_MAXUINT64)
    zero = 0;
  fprintf (out, "time zero: %" G_GUINT64_FORMAT " ns (CLOCK_MONOTONIC)\n", zero);

  for (guint s = 0; s < n; s++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, s);
      WeftStreamIter iter;
      WeftEvent ev;
      guint64 count = 0;

      putc_unlocked ('\n', out);
      if (info->kind == WEFT_STREAM_CPU)
        fprintf (out, "== cpu %u", info->tid);
      else
        {
          guint32 name = stream_name (reader, s);
          fprintf (out, "== thread pid %u tid %u", info->pid, info->tid);
          if (name != 0)
            put_name (out, reader, "name", name);
        }
      fprintf (out, " (%u chunks, %" G_GUINT64_FORMAT " bytes)\n", info->n_chunks,
               info->encoded_bytes);
      weft_stream_iter_init (&iter, reader, s);
      while (weft_stream_iter_next (&iter, &ev))
        {
          put_event (out, reader, &ev, zero);
          count++;
        }
      fprintf (out, "== %" G_GUINT64_FORMAT " events\n", count);
    }
}

int
weft_cmd_dump (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE");
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GError) error = NULL;
  static char buf[1 << 16];
  const char *damage;

  g_option_context_set_summary (context,
                                "Prints a trace (.weft or Chrome JSON): its metadata, then each "
                                "stream's events,\none per line in time order, with times in ns "
                                "from the trace's first event.");
  /* "weft dump" in the usage line and in hints. */
  argv[0] = (char *) "weft dump";
  if (!weft_cli_parse (context, &argc, &argv))
    return WEFT_EXIT_USAGE;
  if (argc != 2)
    {
      weft_cli_error (NULL, "dump: %s (try 'weft dump --help')",
                      argc < 2 ? "missing FILE" : "expected one FILE");
      return WEFT_EXIT_USAGE;
    }

  reader = weft_trace_file_open (argv[1], NULL, &error);
  if (reader == NULL)
    {
      weft_cli_error (argv[1], "%s", error->message);
      return WEFT_EXIT_BAD_INPUT;
    }
  setvbuf (stdout, buf, _IOFBF, sizeof buf);
  dump (stdout, reader, argv[1]);
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      weft_cli_error ("stdout", "%s", g_strerror (errno));
      return WEFT_EXIT_BAD_INPUT;
    }
  damage = weft_reader_get_damage (reader);
  if (damage != NULL)
    weft_cli_error (argv[1], "note: %s", damage);
  return WEFT_EXIT_OK;
}
