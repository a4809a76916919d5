/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-export-out.c: what both export passes use: the buffered
 * output with JSON string quoting, and a heap merge of several streams
 * into one time order.
 */
#include "weft-chrome-export-private.h"

#include <string.h>

#define FLUSH_AT (1024 * 1024)

/* ---- output ---- */

gboolean
_weft_chrome_out_flush (WeftChromeOut *out, gboolean force)
{
  if (out->error != NULL)
    return FALSE;
  if (out->buf->len == 0 || (!force && out->buf->len < FLUSH_AT))
    return TRUE;
  if (!out->write (out->buf->str, out->buf->len, out->user_data, &out->error))
    {
      if (out->error == NULL)
        g_set_error_literal (&out->error, G_IO_ERROR, G_IO_ERROR_FAILED, "write failed");
      return FALSE;
    }
  g_string_truncate (out->buf, 0);
  return TRUE;
}

void
_weft_chrome_out_quote (GString *buf, const char *s)
{
  g_autofree char *fixed = NULL;

  if (!g_utf8_validate (s, -1, NULL))
    s = fixed = g_utf8_make_valid (s, -1);
  g_string_append_c (buf, '"');
  for (const guchar *p = (const guchar *) s; *p; p++)
    {
      const guchar *plain = p;

      while (*p >= 0x20 && *p != '"' && *p != '\\')
        p++;
      g_string_append_len (buf, (const char *) plain, p - plain);
      if (*p == '\0')
        break;
      switch (*p)
        {
        case '"':
          g_string_append (buf, "\\\"");
          break;
        case '\\':
          g_string_append (buf, "\\\\");
          break;
        case '\n':
          g_string_append (buf, "\\n");
          break;
        case '\t':
          g_string_append (buf, "\\t");
          break;
        case '\r':
          g_string_append (buf, "\\r");
          break;
        default:
          g_string_append_printf (buf, "\\u%04x", *p);
          break;
        }
    }
  g_string_append_c (buf, '"');
}

void
_weft_chrome_out_us (GString *buf, guint64 ns)
{
  g_string_append_printf (buf, "%" G_GUINT64_FORMAT ".%03u", ns / 1000, (unsigned) (ns % 1000));
}

/* ---- merging streams ---- */

static gboolean
heap_less (const WeftChromeMerge *m, guint a, guint b)
{
  if (m->head[a].time != m->head[b].time)
    return m->head[a].time < m->head[b].time;
  return a < b;
}

static void
heap_down (WeftChromeMerge *m, guint i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, least = i, tmp;

      if (l < m->heap_len && heap_less (m, m->heap[l], m->heap[least]))
        least = l;
      if (r < m->heap_len && heap_less (m, m->heap[r], m->heap[least]))
        least = r;
      if (least == i)
        return;
      tmp = m->heap[i];
      m->heap[i] = m->heap[least];
      m->heap[least] = tmp;
      i = least;
    }
}

void
_weft_chrome_merge_init (WeftChromeMerge *m, WeftReader *reader, WeftStreamKind kind)
{
  guint n_streams = weft_reader_get_n_streams (reader);

  memset (m, 0, sizeof *m);
  m->reader = reader;
  m->stream = g_new (guint, n_streams + 1);
  m->iters = g_new (WeftStreamIter, n_streams + 1);
  m->head = g_new (WeftEvent, n_streams + 1);
  m->heap = g_new (guint, n_streams + 1);
  for (guint i = 0; i < n_streams; i++)
    if (weft_reader_get_stream (reader, i)->kind == kind)
      {
        guint k = m->n++;

        m->stream[k] = i;
        weft_stream_iter_init (&m->iters[k], reader, i);
        if (weft_stream_iter_next (&m->iters[k], &m->head[k]))
          m->heap[m->heap_len++] = k;
      }
  for (guint i = m->heap_len / 2; i-- > 0;)
    heap_down (m, i);
}

gboolean
_weft_chrome_merge_next (WeftChromeMerge *m, guint *which, WeftEvent *event)
{
  guint k;

  if (m->heap_len == 0)
    return FALSE;
  k = m->heap[0];
  *which = k;
  *event = m->head[k];
  if (!weft_stream_iter_next (&m->iters[k], &m->head[k]))
    m->heap[0] = m->heap[--m->heap_len];
  heap_down (m, 0);
  return TRUE;
}

void
_weft_chrome_merge_clear (WeftChromeMerge *m)
{
  g_free (m->stream);
  g_free (m->iters);
  g_free (m->head);
  g_free (m->heap);
  memset (m, 0, sizeof *m);
}
