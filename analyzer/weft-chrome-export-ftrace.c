/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-export-ftrace.c: the CPU streams as the ftrace text of
 * systemTraceEvents, which is how Perfetto UI (and Weft's importer) get
 * CPU lanes out of a JSON file. Perfetto is strict here: the value must be
 * one JSON string, every line must match its systrace pattern (one bad
 * line aborts the whole import), and it reads the lines' seconds and the
 * events' microseconds as one clock. So:
 *
 * - times are the trace's own absolute CLOCK_MONOTONIC, seconds with nine
 *   decimals (the events' ts use the same clock in µs);
 * - comm names lose what breaks the key=value split (spaces, '='), quotes,
 *   backslashes and control characters, and are cut to 15 bytes as the
 *   kernel's are;
 * - a switch from or to a thread Weft did not record is written as the
 *   idle task (<idle>-0) unless the trace was recorded system-wide, where
 *   it is a placeholder task "other" so busy time stays busy;
 * - every line ends in a newline, the last one too (Perfetto drops an
 *   unterminated last line).
 */
#include "weft-chrome-export-private.h"

#include <string.h>

/* The placeholder pid of untraced tasks in a system-wide trace. */
#define OTHER_PID 2147483647u

typedef struct
{
  char comm[16];
  guint32 pid;
} Task;

static void
sanitize (char out[16], const char *name)
{
  gsize n = 0;

  for (const guchar *p = (const guchar *) name; *p != '\0' && n < 15; p++)
    {
      guchar c = *p;

      if (c >= 0x80)
        {
          /* one '_' per UTF-8 character, not per byte */
          if ((c & 0xc0) == 0x80)
            continue;
          c = '_';
        }
      else if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f)
        c = '_';
      out[n++] = (char) c;
    }
  out[n] = '\0';
  if (n == 0)
    strcpy (out, "<...>");
}

static void
task_of (Task *task, gint64 tid, guint32 cpu, gboolean system_wide, GHashTable *names)
{
  if (tid == WEFT_TID_OTHER && system_wide)
    {
      strcpy (task->comm, "other");
      task->pid = OTHER_PID;
      return;
    }
  if (tid <= 0 || tid > G_MAXUINT32)
    {
      g_snprintf (task->comm, sizeof task->comm, "swapper/%u", cpu);
      task->pid = 0;
      return;
    }
  sanitize (task->comm, g_hash_table_lookup (names, GUINT_TO_POINTER ((guint32) tid)) ?: "");
  task->pid = (guint32) tid;
}

static const char *
state_text (guint state)
{
  switch (state)
    {
    case WEFT_SWITCH_PREEMPTED:
      return "R+";
    case WEFT_SWITCH_BLOCKED:
      return "S";
    case WEFT_SWITCH_EXITED:
      return "X";
    /* no ftrace state means "unknown"; W (waking, gone from kernels
     * since 2.6) is valid for Perfetto and Weft reads it back as unknown */
    default:
      return "W";
    }
}

gboolean
_weft_chrome_export_sched (WeftReader *reader, WeftChromeOut *out, GHashTable *names, guint64 start,
                           guint64 end, GCancellable *cancellable)
{
  const char *sw = weft_reader_get_metadata (reader, "system_wide");
  gboolean system_wide = sw != NULL && strcmp (sw, "true") == 0;
  WeftChromeMerge m;
  WeftEvent ev;
  guint which, n = 0;

  _weft_chrome_merge_init (&m, reader, WEFT_STREAM_CPU);
  if (m.n == 0)
    {
      _weft_chrome_merge_clear (&m);
      return TRUE;
    }
  g_string_append (out->buf, ",\n\"systemTraceEvents\":\"# tracer: nop\\n#\\n");
  while (_weft_chrome_merge_next (&m, &which, &ev))
    {
      guint32 cpu = weft_reader_get_stream (reader, m.stream[which])->tid;
      Task prev, next;

      if (ev.kind != WEFT_EV_SCHED_SWITCH || ev.time < start || ev.time > end)
        continue;
      task_of (&prev, ev.prev_tid, cpu, system_wide, names);
      task_of (&next, ev.next_tid, cpu, system_wide, names);
      g_string_append_printf (out->buf,
                              "%16s-%-5u [%03u] d..2 %" G_GUINT64_FORMAT ".%09u: sched_switch: "
                              "prev_comm=%s prev_pid=%u prev_prio=120 prev_state=%s ==> "
                              "next_comm=%s next_pid=%u next_prio=120\\n",
                              prev.pid == 0 ? "<idle>" : prev.comm, prev.pid, cpu,
                              ev.time / 1000000000u, (unsigned) (ev.time % 1000000000u), prev.comm,
                              prev.pid, state_text (ev.state), next.comm, next.pid);
      if (!_weft_chrome_out_flush (out, FALSE))
        break;
      if ((++n & 0xffff) == 0 && g_cancellable_is_cancelled (cancellable))
        {
          g_set_error_literal (&out->error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "the export was cancelled");
          break;
        }
    }
  _weft_chrome_merge_clear (&m);
  g_string_append_c (out->buf, '"');
  return out->error == NULL;
}
