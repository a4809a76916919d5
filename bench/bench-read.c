/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-read: how fast the reader decodes span begin/end streams, in
 * events per second single-threaded, for a CLOCK_MONOTONIC trace (what the
 * builder writes) and the same trace re-stamped as TSC ticks (what libweft
 * writes, converted through CLOCK pairs). The baseline is a byte-summing
 * pass over the same event bytes: the ratio says how close decoding gets
 * to merely touching the data. The open (checksums, grouping) is timed
 * on its own.
 *
 * Usage: bench-read [MILLION_EVENTS] (default 20)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft-builder.h"
#include "weft-chunk.h"
#include "weft-crc32.h"
#include "weft-reader.h"

#define N_STREAMS 4

static GBytes *
build_trace (guint64 n_events, gboolean tsc)
{
  WeftBuilder *b = weft_builder_new_memory ();
  const char *names[] = { "compute", "io", "lock", "parse", "render", "idle", "net", "db" };
  WeftBuilderStream s[N_STREAMS];
  guint64 t[N_STREAMS];
  uint8_t *data;
  size_t size;

  /* The TSC variant gets its CLOCK chunk appended, after which an index
   * could not be last: leave it out. */
  weft_builder_set_write_index (b, !tsc);
  for (guint i = 0; i < N_STREAMS; i++)
    {
      s[i] = weft_builder_thread (b, 1000, 1000 + i);
      t[i] = 1000000000ull;
    }
  for (guint64 k = 0; k < n_events / 2; k++)
    {
      guint i = k % N_STREAMS;
      weft_builder_span_begin (b, s[i], t[i], names[(k / N_STREAMS) % 8]);
      t[i] += 37 + (k * 7919) % 900; /* a few hundred ns: 1-2 byte deltas */
      weft_builder_span_end (b, s[i], t[i]);
      t[i] += 11 + (k * 104729) % 300;
    }
  if (weft_builder_finish_memory (b, &data, &size) < 0)
    g_error ("builder failed");

  if (tsc)
    {
      /* Re-stamp every stream chunk as TSC (same numbers, now ticks) and
       * add pairs that map 3 ticks to 1 ns, as a 3 GHz TSC would. */
      WeftClockChunkHeader ch = { 2, 0 };
      WeftClockSync pairs[2] = { { 0, 5000 }, { 3000000000000ull, 1000005000ull } };
      gsize pos = sizeof (WeftFileHeader);
      size_t total;

      while (pos + sizeof (WeftChunkHeader) <= size)
        {
          WeftChunkHeader *h = (WeftChunkHeader *) (void *) (data + pos);
          uint8_t *payload = data + pos + sizeof *h;
          if (h->type == WEFT_CHUNK_STREAM)
            {
              ((WeftStreamChunkHeader *) (void *) payload)->clock = WEFT_CLOCK_TSC;
              h->crc32 = weft_crc32 (0, payload, h->payload_size);
              h->flags = weft_chunk_header_check (h);
            }
          pos += weft_chunk_total_size (h->payload_size);
        }
      total = weft_chunk_total_size (sizeof ch + sizeof pairs);
      data = realloc (data, size + total);
      WeftChunkHeader *h = (WeftChunkHeader *) (void *) (data + size);
      weft_chunk_header_init (h, WEFT_CHUNK_CLOCK, &ch, sizeof ch, pairs, sizeof pairs);
      memcpy (data + size + sizeof *h, &ch, sizeof ch);
      memcpy (data + size + sizeof *h + sizeof ch, pairs, sizeof pairs);
      size += total;
    }
  return g_bytes_new_with_free_func (data, size, free, data);
}

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

typedef struct
{
  double open_s, decode_s, baseline_s;
  guint64 events, bytes, checksum;
} Result;

static void
run_once (GBytes *bytes, Result *r)
{
  g_autoptr (GError) error = NULL;
  WeftReader *reader;
  double t0 = now ();
  guint64 events = 0, sum = 0, bytes_in = 0;

  reader = weft_reader_new_from_bytes (bytes, &error);
  if (reader == NULL)
    g_error ("%s", error->message);
  r->open_s = now () - t0;

  t0 = now ();
  for (guint s = 0; s < weft_reader_get_n_streams (reader); s++)
    {
      WeftStreamIter iter;
      WeftEvent ev;

      weft_stream_iter_init (&iter, reader, s);
      while (weft_stream_iter_next (&iter, &ev))
        {
          events++;
          sum += ev.time + ev.name;
        }
      bytes_in += weft_reader_get_stream (reader, s)->encoded_bytes;
    }
  r->decode_s = now () - t0;

  /* Baseline: one pass summing every byte of the file. */
  gsize size;
  const guint8 *p = g_bytes_get_data (bytes, &size);
  guint64 base = 0;
  t0 = now ();
  for (gsize i = 0; i < size; i++)
    base += p[i];
  r->baseline_s = now () - t0;

  r->events = events;
  r->bytes = bytes_in;
  r->checksum = sum + base;
  weft_reader_free (reader);
}

static void
bench (const char *label, guint64 n)
{
  g_autoptr (GBytes) bytes = build_trace (n, g_str_equal (label, "tsc"));
  Result best = { 1e9, 1e9, 1e9, 0, 0, 0 };

  for (int rep = 0; rep < 5; rep++)
    {
      Result r;
      run_once (bytes, &r);
      best.open_s = MIN (best.open_s, r.open_s);
      best.decode_s = MIN (best.decode_s, r.decode_s);
      best.baseline_s = MIN (best.baseline_s, r.baseline_s);
      best.events = r.events;
      best.bytes = r.bytes;
      best.checksum ^= r.checksum;
    }
  if (best.events != n)
    g_error ("%s: read %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " events", label, best.events,
             n);
  printf ("%-9s %" G_GUINT64_FORMAT " events, %.2f bytes/event\n", label, best.events,
          (double) best.bytes / (double) best.events);
  printf ("  decode:   %7.1f M events/s (%.2f ns/event)\n", best.events / best.decode_s / 1e6,
          best.decode_s * 1e9 / best.events);
  printf ("  open:     %7.1f M events/s (checksums and grouping, %.0f MB/s)\n",
          best.events / best.open_s / 1e6, g_bytes_get_size (bytes) / best.open_s / 1e6);
  printf ("  open+decode: %7.1f M events/s\n", best.events / (best.open_s + best.decode_s) / 1e6);
  printf ("  baseline: byte-sum of the file %.0f MB/s; decode %.0f MB/s; ratio %.2f\n",
          g_bytes_get_size (bytes) / best.baseline_s / 1e6, best.bytes / best.decode_s / 1e6,
          best.baseline_s / best.decode_s);
  printf ("  (checksum %" G_GUINT64_FORMAT ")\n", best.checksum);
}

int
main (int argc, char **argv)
{
  guint64 n = (argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 20) * 1000000ull;

  if (n == 0)
    n = 1000000;
  printf ("bench-read: single-threaded decode of span begin/end streams (target >= 100 M "
          "events/s)\n");
  bench ("monotonic", n);
  bench ("tsc", n);
  return 0;
}
