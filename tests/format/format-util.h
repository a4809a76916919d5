/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * format-util.h: helpers the format tests share: opening built bytes,
 * printing every event of a reader as text (names resolved, so readers
 * with different string ids compare equal), and forging chunks.
 */
#pragma once

#include <stdlib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "weft-builder.h"
#include "weft-chunk.h"
#include "weft-crc32.h"
#include "weft-reader.h"
#include "weft-varint.h"

static inline GBytes *
util_finish (WeftBuilder *b)
{
  uint8_t *data;
  size_t size;

  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);
  return g_bytes_new_with_free_func (data, size, free, data);
}

/* Every event of every stream, one line each. */
static inline char *
util_events_text (WeftReader *reader)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      const WeftStreamInfo *info = weft_reader_get_stream (reader, i);
      WeftStreamIter iter;
      WeftEvent ev;

      g_string_append_printf (s, "stream %u %u %u\n", info->kind, info->pid, info->tid);
      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        g_string_append_printf (s,
                                "%u %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                                " %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                                " %.17g %u [%s] [%s]\n",
                                ev.kind, ev.time, ev.id, ev.id2, ev.prev_tid, ev.next_tid,
                                ev.value, ev.state, weft_reader_get_string (reader, ev.name),
                                weft_reader_get_string (reader, ev.args));
    }
  return g_string_free (s, FALSE);
}

/* A STREAM chunk payload: header + events. */
static inline GByteArray *
util_stream_payload (guint64 stream_id, guint32 pid, guint32 tid, guint64 base_time, guint32 seq,
                     WeftClockDomain clock, guint32 lost)
{
  GByteArray *a = g_byte_array_new ();
  WeftStreamChunkHeader h = { .stream_id = stream_id, .pid = pid, .tid = tid,
                              .base_time = base_time, .seq = seq, .clock = (uint16_t) clock,
                              .kind = WEFT_STREAM_THREAD, .lost = lost };

  g_byte_array_append (a, (const guint8 *) &h, sizeof h);
  return a;
}

static inline void
util_put_varint (GByteArray *a, guint64 v)
{
  guint8 buf[WEFT_VARINT_MAX];
  g_byte_array_append (a, buf, (guint) (weft_varint_put (buf, v) - buf));
}

static inline void
util_put_bytes (GByteArray *a, const void *p, gsize n)
{
  g_byte_array_append (a, p, (guint) n);
}

/* Recomputes the CRC and header check of the chunk at pos (tests that
 * forge payloads want the reader to decode them, not reject them). */
static inline void
util_fix_chunk (guint8 *data, gsize pos)
{
  WeftChunkHeader h;

  memcpy (&h, data + pos, sizeof h);
  h.crc32 = weft_crc32 (0, data + pos + sizeof h, h.payload_size);
  h.flags = weft_chunk_header_check (&h);
  memcpy (data + pos, &h, sizeof h);
}

/* Offsets of the chunks of a well-formed file, in file order (stops at the
 * trailer or at anything odd). */
static inline GArray *
util_chunk_offsets (const guint8 *data, gsize size)
{
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize pos = sizeof (WeftFileHeader);

  while (pos + sizeof (WeftChunkHeader) <= size)
    {
      WeftChunkHeader h;
      memcpy (&h, data + pos, sizeof h);
      if (h.tag != WEFT_CHUNK_TAG)
        break;
      g_array_append_val (offsets, pos);
      pos += weft_chunk_total_size (h.payload_size);
    }
  return offsets;
}
