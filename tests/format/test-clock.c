/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TSC streams: ticks converted through CLOCK pairs by piecewise-linear
 * interpolation, chunk order by seq, lost counts, missing sync.
 */
#include "format-util.h"
#include "weft-model.h"

static void
put_flow (GByteArray *a, guint64 delta, guint64 id)
{
  guint8 kind = WEFT_EV_FLOW_BEGIN;
  util_put_bytes (a, &kind, 1);
  util_put_varint (a, delta);
  util_put_varint (a, id);
}

static void
add_clock_chunk (WeftBuilder *b, const WeftClockSync *pairs, guint32 n)
{
  g_autoptr (GByteArray) a = g_byte_array_new ();
  WeftClockChunkHeader h = { n, 0 };

  util_put_bytes (a, &h, sizeof h);
  util_put_bytes (a, pairs, n * sizeof *pairs);
  weft_builder_raw_chunk (b, WEFT_CHUNK_CLOCK, a->data, a->len);
}

static GArray *
read_stream (WeftReader *reader, guint i)
{
  GArray *events = g_array_new (FALSE, FALSE, sizeof (WeftEvent));
  WeftStreamIter iter;
  WeftEvent ev;

  weft_stream_iter_init (&iter, reader, i);
  while (weft_stream_iter_next (&iter, &ev))
    g_array_append_val (events, ev);
  return events;
}

static void
test_interpolation (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) events = NULL;
  g_autoptr (GByteArray) c0 = util_stream_payload (0x100000001ull, 1, 1, 400, 0, WEFT_CLOCK_TSC, 0);
  g_autoptr (GByteArray) c1 = util_stream_payload (0x100000001ull, 1, 1, 4000, 1, WEFT_CLOCK_TSC, 5);
  g_autoptr (GByteArray) dup = util_stream_payload (0x100000001ull, 1, 1, 4000, 1, WEFT_CLOCK_TSC, 0);
  /* Unsorted, split over two chunks, one pair going backwards in ns. */
  const WeftClockSync pairs1[] = { { 10000, 7000 }, { 1000, 5000 } };
  const WeftClockSync pairs2[] = { { 4000, 6000 }, { 5000, 5500 } };
  const guint64 want[] = { 4800, 5000, 5500, 6000, 6000, 6500, 7000, 8000 };

  /* tsc 400, 1000, 2500, 4000 in seq 0; seq 1 after (written first). */
  put_flow (c0, 0, 1);
  put_flow (c0, 600, 2);
  put_flow (c0, 1500, 3);
  put_flow (c0, 1500, 4);
  put_flow (c1, 3000, 6); /* tsc 7000 */
  put_flow (c1, 3000, 7); /* tsc 10000 */
  put_flow (c1, 6000, 8); /* tsc 16000: extrapolated */
  put_flow (dup, 1, 99);  /* a second seq 1: ignored */
  weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, c1->data, c1->len);
  add_clock_chunk (b, pairs1, 2);
  weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, c0->data, c0->len);
  weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, dup->data, dup->len);
  add_clock_chunk (b, pairs2, 2);
  bytes = util_finish (b);

  reader = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_nonnull (reader);
  g_assert_null (weft_reader_get_damage (reader));
  g_assert_cmpuint (weft_reader_get_n_streams (reader), ==, 1);
  const WeftStreamInfo *info = weft_reader_get_stream (reader, 0);
  g_assert_cmpuint (info->n_chunks, ==, 2);
  g_assert_cmpuint (info->lost_in_chunks, ==, 5);
  g_assert_cmpuint (info->stream_id, ==, 0x100000001ull);

  events = read_stream (reader, 0);
  g_assert_cmpuint (events->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < events->len; i++)
    {
      const WeftEvent *ev = &g_array_index (events, WeftEvent, i);
      g_assert_cmpuint (ev->time, ==, want[i]);
      if (i == 4)
        {
          /* seq 1's lost count, at its base time (tsc 4000). */
          g_assert_cmpuint (ev->kind, ==, WEFT_EV_LOST);
          g_assert_cmpuint (ev->id, ==, 5);
        }
      else
        {
          g_assert_cmpuint (ev->kind, ==, WEFT_EV_FLOW_BEGIN);
          g_assert_cmpuint (ev->id, ==, i + 1); /* flow 5 does not exist: LOST is 5th */
        }
    }
  g_assert_cmpuint (weft_reader_tsc_to_ns (reader, 1000), ==, 5000);
  g_assert_cmpuint (weft_reader_tsc_to_ns (reader, 2500), ==, 5500);
  g_assert_cmpuint (weft_reader_tsc_to_ns (reader, 5000), ==, 6167); /* 6000 + 1000/6 */
  g_assert_cmpuint (weft_reader_tsc_to_ns (reader, 0), ==, 4667);    /* 5000 - 1000/3 */
  g_assert_cmpuint (weft_reader_tsc_to_ns (reader, 22000), ==, 9000);
}

/* A realistic rate: 2.9 GHz, pairs every 100 ms, times within 1 ns. */
static void
test_realistic_rate (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) reader = NULL;
  WeftClockSync pairs[11];

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      pairs[i].monotonic_ns = 1000000000000ull + i * 100000000ull;
      pairs[i].tsc = 77777777777ull + i * 290000000ull + (i % 3) * 1000; /* jitter */
    }
  add_clock_chunk (b, pairs, G_N_ELEMENTS (pairs));
  bytes = util_finish (b);
  reader = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_nonnull (reader);
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    g_assert_cmpuint (weft_reader_tsc_to_ns (reader, pairs[i].tsc), ==, pairs[i].monotonic_ns);
  /* Half way between pairs 1 and 2: 145 M ticks of 290,001,000 is 50,000,000 - 172 ns. */
  g_assert_cmpuint (weft_reader_tsc_to_ns (reader, pairs[1].tsc + 145000000ull), ==,
                    pairs[1].monotonic_ns + 49999828ull);
}

static void
test_no_sync (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) events = NULL;
  g_autoptr (GByteArray) c0 = util_stream_payload (7, 1, 1, 123456, 0, WEFT_CLOCK_TSC, 0);
  const WeftClockSync one[] = { { 1000, 5000 } };

  put_flow (c0, 0, 1);
  put_flow (c0, 10, 2);
  weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, c0->data, c0->len);
  add_clock_chunk (b, one, 1);
  bytes = util_finish (b);
  reader = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_nonnull (reader);
  g_assert_nonnull (strstr (weft_reader_get_damage (reader), "no clock sync"));
  events = read_stream (reader, 0);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpuint (g_array_index (events, WeftEvent, 0).time, ==, 123456);
  g_assert_cmpuint (g_array_index (events, WeftEvent, 1).time, ==, 123466);
  g_assert_cmpuint (weft_reader_tsc_to_ns (reader, 99), ==, 99);
}

/* A chunk whose base_time lies before its predecessor's last event: times
 * never go back within a stream. */
static void
test_monotonic_clamp (void)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (GArray) events = NULL;
  g_autoptr (GByteArray) c0 = util_stream_payload (9, 1, 1, 5000, 0, WEFT_CLOCK_MONOTONIC, 0);
  g_autoptr (GByteArray) c1 = util_stream_payload (9, 1, 1, 1000, 1, WEFT_CLOCK_MONOTONIC, 0);

  put_flow (c0, 0, 1);
  put_flow (c0, G_MAXUINT64, 2); /* saturates */
  put_flow (c1, 5, 3);
  weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, c0->data, c0->len);
  weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, c1->data, c1->len);
  bytes = util_finish (b);
  reader = weft_reader_new_from_bytes (bytes, NULL);
  events = read_stream (reader, 0);
  g_assert_cmpuint (events->len, ==, 3);
  g_assert_cmpuint (g_array_index (events, WeftEvent, 0).time, ==, 5000);
  g_assert_cmpuint (g_array_index (events, WeftEvent, 1).time, ==, G_MAXUINT64);
  g_assert_cmpuint (g_array_index (events, WeftEvent, 2).time, ==, G_MAXUINT64);
}

static void
put_lock (GByteArray *a, guint8 kind, guint64 delta, guint64 lock)
{
  util_put_bytes (a, &kind, 1);
  util_put_varint (a, delta);
  util_put_varint (a, lock);
}

/* Waits from ticks[0] to ticks[1], ticks[2] to ticks[3], ... (rising) in
 * one TSC chunk, read by the model, whose loop keeps the decoder's clock
 * segment from one event to the next: each time must be what
 * weft_reader_tsc_to_ns() gives for its tick alone. Returns the first
 * and last ticks' times. */
static void
assert_waits_convert (const WeftClockSync *pairs, guint n_pairs, const guint64 *ticks, guint n,
                      guint64 *first_ns, guint64 *last_ns)
{
  WeftBuilder *b = weft_builder_new_memory ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) reader = NULL;
  g_autoptr (WeftModel) model = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) c0 = util_stream_payload (3, 1, 1, ticks[0], 0, WEFT_CLOCK_TSC, 0);
  const WeftModelThread *t;

  for (guint i = 0; i + 1 < n; i += 2)
    {
      put_lock (c0, WEFT_EV_LOCK_WAIT, ticks[i] - (i > 0 ? ticks[i - 1] : ticks[0]), 0x10);
      put_lock (c0, WEFT_EV_LOCK_ACQUIRED, ticks[i + 1] - ticks[i], 0x10);
    }
  weft_builder_raw_chunk (b, WEFT_CHUNK_STREAM, c0->data, c0->len);
  add_clock_chunk (b, pairs, n_pairs);
  bytes = util_finish (b);
  reader = weft_reader_new_from_bytes (bytes, NULL);
  g_assert_nonnull (reader);
  g_assert_null (weft_reader_get_damage (reader));
  model = weft_model_new (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  t = weft_model_get_thread (model, 0);
  g_assert_cmpuint (t->n_waits, ==, n / 2);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint ((i % 2 ? t->waits[i / 2].end : t->waits[i / 2].start)
                        + weft_model_get_time_zero (model),
                      ==, weft_reader_tsc_to_ns (reader, ticks[i]));
  *first_ns = weft_reader_tsc_to_ns (reader, ticks[0]);
  *last_ns = weft_reader_tsc_to_ns (reader, ticks[n - 1]);
}

/* Over twenty segments of different rates, and past the last pair
 * (extrapolated). */
static void
test_segments_in_one_read (void)
{
  WeftClockSync pairs[20];
  guint64 ticks[500], tsc = 300, first, last;

  for (guint k = 0; k < G_N_ELEMENTS (pairs); k++)
    pairs[k] = (WeftClockSync) { 1000 * (k + 1), 50000 + 10000 * k + k * k * 37 };
  for (guint i = 0; i < G_N_ELEMENTS (ticks); i += 2)
    {
      ticks[i] = tsc += i == 0 ? 0 : 57;
      ticks[i + 1] = tsc += 40 + i / 2 % 5;
    }
  assert_waits_convert (pairs, G_N_ELEMENTS (pairs), ticks, G_N_ELEMENTS (ticks), &first, &last);
  g_assert_cmpuint (tsc, >, pairs[19].tsc);
  g_assert_cmpuint (last, >, pairs[19].monotonic_ns);
}

/* Before the first pair (extrapolated back) and past the tick where ns
 * saturate: the checked path, with the same results. */
static void
test_edges_in_one_read (void)
{
  const WeftClockSync pairs[] = { { 1000, G_MAXUINT64 - 1000 }, { 2000, G_MAXUINT64 - 500 } };
  /* 2998 converts one ns short of saturation: a wrapped sum at 5000
   * would not be lifted to the maximum by the monotonic clamp. */
  const guint64 ticks[] = { 500, 900, 1000, 1999, 2000, 2600, 2998, 5000 };
  guint64 first, last;

  assert_waits_convert (pairs, G_N_ELEMENTS (pairs), ticks, G_N_ELEMENTS (ticks), &first, &last);
  g_assert_cmpuint (first, ==, G_MAXUINT64 - 1250);
  g_assert_cmpuint (last, ==, G_MAXUINT64);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/format/clock/interpolation", test_interpolation);
  g_test_add_func ("/weft/format/clock/realistic-rate", test_realistic_rate);
  g_test_add_func ("/weft/format/clock/no-sync", test_no_sync);
  g_test_add_func ("/weft/format/clock/monotonic-clamp", test_monotonic_clamp);
  g_test_add_func ("/weft/format/clock/segments-in-one-read", test_segments_in_one_read);
  g_test_add_func ("/weft/format/clock/edges-in-one-read", test_edges_in_one_read);
  return g_test_run ();
}
