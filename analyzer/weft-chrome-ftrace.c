/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-ftrace.c: the ftrace text of systemTraceEvents, read line by
 * line as the JSON string streams past (it can be hundreds of MB). Only
 * sched_switch matters to Weft: it becomes the CPU streams. A line is
 * matched the way Perfetto's systrace tokenizer matches it:
 *
 *   TASK-PID [(TGID)] [CPU] [FLAGS] SECONDS.FRACTION: EVENT: ARGS
 */
#include "weft-chrome-import-private.h"

#include <string.h>

#include "weft-format.h"

#define LINE_MAX_LEN (64 * 1024)
#define CPU_MAX 4095

struct _WeftChromeFtrace
{
  WeftChromeImport *im;
  GCancellable *cancellable;
  guint lines;
  GString *line;
  gboolean overlong; /* dropping the rest of a line over LINE_MAX_LEN */
};

WeftChromeFtrace *
_weft_chrome_ftrace_new (WeftChromeImport *im, GCancellable *cancellable)
{
  WeftChromeFtrace *ft = g_new0 (WeftChromeFtrace, 1);

  ft->im = im;
  ft->cancellable = cancellable;
  ft->line = g_string_sized_new (256);
  return ft;
}

void
_weft_chrome_ftrace_free (WeftChromeFtrace *ft)
{
  if (ft->line->len > 0 && !ft->overlong)
    _weft_chrome_ftrace_line (ft->im, ft->line->str, ft->line->len);
  g_string_free (ft->line, TRUE);
  g_free (ft);
}

gboolean
_weft_chrome_ftrace_feed (const char *data, gsize len, gpointer user_data)
{
  WeftChromeFtrace *ft = user_data;

  while (len > 0)
    {
      const char *nl = memchr (data, '\n', len);
      gsize n = nl != NULL ? (gsize) (nl - data) : len;

      if (!ft->overlong)
        {
          if (ft->line->len + n > LINE_MAX_LEN)
            {
              ft->overlong = TRUE;
              ft->im->skipped[SKIP_FTRACE_LINE]++;
            }
          else
            g_string_append_len (ft->line, data, (gssize) n);
        }
      if (nl == NULL)
        return TRUE;
      if (!ft->overlong)
        _weft_chrome_ftrace_line (ft->im, ft->line->str, ft->line->len);
      g_string_truncate (ft->line, 0);
      ft->overlong = FALSE;
      data = nl + 1;
      len -= n + 1;
      if ((++ft->lines & 4095) == 0 && g_cancellable_is_cancelled (ft->cancellable))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  const char *s, *e; /* the line */
  guint32 pid;
  gint64 tgid; /* -1 when absent */
  guint32 cpu;
  gint64 ts;
  const char *event, *event_end;
  const char *args;
} Line;

static gboolean
digits (const char **q, const char *e, guint64 *out)
{
  const char *start = *q;
  guint64 v = 0;

  while (*q < e && g_ascii_isdigit (**q))
    {
      if (v > G_MAXUINT32)
        return FALSE;
      v = v * 10 + (guint64) (**q - '0');
      (*q)++;
    }
  *out = v;
  return *q > start;
}

static void
spaces (const char **q, const char *e)
{
  while (*q < e && g_ascii_isspace (**q))
    (*q)++;
}

/* Tries the pattern right after a '-' at dash. */
static gboolean
match_at (Line *l, const char *dash)
{
  const char *q = dash + 1, *e = l->e, *ts_start;
  guint64 v;

  if (!digits (&q, e, &v) || v > G_MAXUINT32)
    return FALSE;
  l->pid = (guint32) v;
  if (q >= e || !g_ascii_isspace (*q))
    return FALSE;
  spaces (&q, e);
  l->tgid = -1;
  if (q < e && *q == '(')
    {
      q++;
      spaces (&q, e);
      if (digits (&q, e, &v))
        l->tgid = (gint64) v;
      else
        while (q < e && *q == '-')
          q++;
      if (q < e && *q == ')')
        q++;
      if (q < e && g_ascii_isspace (*q))
        q++;
    }
  if (q >= e || *q != '[')
    return FALSE;
  q++;
  if (!digits (&q, e, &v) || q >= e || *q != ']')
    return FALSE;
  l->cpu = (guint32) v;
  q++;
  spaces (&q, e);
  /* irq flags such as "d..3" (optional) */
  if (e - q >= 4 && !g_ascii_isdigit (*q))
    {
      int n = 0;

      while (n < 3 && (g_ascii_isalpha (q[n]) || q[n] == '.'))
        n++;
      if (n < 3 || !(g_ascii_isxdigit (q[3]) || q[3] == '.'))
        return FALSE;
      q += 4;
      if (q < e && (g_ascii_isxdigit (*q) || *q == '.') && !g_ascii_isspace (*q))
        q++;
      spaces (&q, e);
    }
  ts_start = q;
  while (q < e && g_ascii_isdigit (*q))
    q++;
  if (q == ts_start || q >= e || *q != '.')
    return FALSE;
  q++;
  if (q >= e || !g_ascii_isdigit (*q))
    return FALSE;
  while (q < e && g_ascii_isdigit (*q))
    q++;
  if (!_weft_json_decimal (ts_start, (gsize) (q - ts_start), 9, &l->ts))
    return FALSE;
  if (q >= e || *q != ':')
    return FALSE;
  q++;
  if (q >= e || !g_ascii_isspace (*q))
    return FALSE;
  spaces (&q, e);
  /* EVENT: the longest run of non-space ending in ':' */
  {
    const char *run = q, *colon = NULL;

    while (q < e && !g_ascii_isspace (*q))
      {
        if (*q == ':')
          colon = q;
        q++;
      }
    if (colon == NULL || colon == run)
      return FALSE;
    l->event = run;
    l->event_end = colon;
    l->args = colon + 1;
  }
  return TRUE;
}

/* Value of key= in the space-separated args (the last '=' splits, as in
 * Perfetto); NULL when absent. */
static const char *
arg (const char *args, const char *e, const char *key, gsize *len)
{
  gsize klen = strlen (key);
  const char *q = args;

  while (q < e)
    {
      const char *tok, *tok_end, *eq;

      while (q < e && *q == ' ')
        q++;
      tok = q;
      while (q < e && *q != ' ')
        q++;
      tok_end = q;
      eq = memchr (tok, '=', (gsize) (tok_end - tok));
      if (eq != NULL && (gsize) (eq - tok) == klen && memcmp (tok, key, klen) == 0)
        {
          const char *last = eq;

          for (const char *r = eq; r < tok_end; r++)
            if (*r == '=')
              last = r;
          *len = (gsize) (tok_end - last - 1);
          return last + 1;
        }
    }
  return NULL;
}

static gboolean
arg_u32 (const char *args, const char *e, const char *key, guint32 *out)
{
  gsize len;
  const char *v = arg (args, e, key, &len);
  const char *q = v;
  guint64 n;

  if (v == NULL || !digits (&q, v + len, &n) || q != v + len || n > G_MAXUINT32)
    return FALSE;
  *out = (guint32) n;
  return TRUE;
}

static void
remember_comm (WeftChromeImport *im, guint32 tid, const char *comm, gsize len)
{
  /* "<...>": ftrace did not know the name; keep an earlier one */
  if (tid == 0 || comm == NULL || len == 0 || (len == 5 && memcmp (comm, "<...>", 5) == 0))
    return;
  g_hash_table_insert (
      im->sched_comm, GUINT_TO_POINTER (tid),
      GUINT_TO_POINTER (_weft_chrome_strings_intern (&im->strings, comm, len, 256)));
}

static WeftSwitchState
switch_state (const char *state, gsize len)
{
  if (state == NULL || len == 0)
    return WEFT_SWITCH_UNKNOWN;
  if (state[0] == 'R')
    return WEFT_SWITCH_PREEMPTED; /* "R" and "R+": still runnable */
  if (state[0] == 'X' || state[0] == 'Z')
    return WEFT_SWITCH_EXITED;
  if (state[0] == 'W' && len == 1)
    return WEFT_SWITCH_UNKNOWN; /* how Weft's export writes "unknown" */
  return WEFT_SWITCH_BLOCKED;
}

void
_weft_chrome_ftrace_line (WeftChromeImport *im, const char *line, gsize len)
{
  Line l = { line, line + len };
  const char *dash;
  gboolean matched = FALSE;
  guint32 prev, next;
  const char *state, *comm;
  gsize state_len = 0, comm_len = 0;
  WeftChromeRec *r;

  while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
    l.e = line + --len;
  if (len == 0 || line[0] == '#')
    return;
  for (dash = memchr (line, '-', len); dash != NULL && !matched;
       dash = memchr (dash + 1, '-', (gsize) (l.e - dash - 1)))
    matched = match_at (&l, dash);
  if (!matched || l.cpu > CPU_MAX)
    {
      im->skipped[SKIP_FTRACE_LINE]++;
      return;
    }
  if ((gsize) (l.event_end - l.event) != 12 || memcmp (l.event, "sched_switch", 12) != 0)
    {
      im->notes[NOTE_FTRACE_OTHER]++;
      return;
    }
  if (!arg_u32 (l.args, l.e, "prev_pid", &prev) || !arg_u32 (l.args, l.e, "next_pid", &next))
    {
      im->skipped[SKIP_FTRACE_LINE]++;
      return;
    }
  state = arg (l.args, l.e, "prev_state", &state_len);
  if ((comm = arg (l.args, l.e, "prev_comm", &comm_len)) != NULL)
    remember_comm (im, prev, comm, comm_len);
  if ((comm = arg (l.args, l.e, "next_comm", &comm_len)) != NULL)
    remember_comm (im, next, comm, comm_len);
  if (l.tgid >= 0 && l.pid != 0)
    g_hash_table_insert (im->sched_tgid, GUINT_TO_POINTER (l.pid), GUINT_TO_POINTER (l.tgid));

  r = _weft_chrome_import_add (im, im->sched, l.cpu, REC_SCHED, l.ts);
  r->name = prev;
  r->v = next;
  r->extra = switch_state (state, state_len);
  if ((int) l.cpu > im->max_cpu)
    im->max_cpu = (int) l.cpu;
  im->events++;
}
