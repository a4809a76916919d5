/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-reader.h: opens a .weft trace (mmap), validates it as hostile input
 * and decodes its streams into events with absolute CLOCK_MONOTONIC ns.
 *
 * Damage never fails an open that found at least one intact chunk: the
 * reader keeps every intact chunk and describes what it lost
 * (weft_reader_get_damage()). Only a file with no usable content (empty,
 * not a trace, a newer major version) is an error.
 */
#pragma once

#include <glib.h>

#include "weft-format.h"

G_BEGIN_DECLS

#define WEFT_READER_ERROR (weft_reader_error_quark ())
GQuark weft_reader_error_quark (void);

typedef enum
{
  WEFT_READER_ERROR_IO,          /* open/stat/mmap failed */
  WEFT_READER_ERROR_EMPTY,       /* zero bytes */
  WEFT_READER_ERROR_NOT_A_TRACE, /* no Weft magic */
  WEFT_READER_ERROR_VERSION,     /* newer major version */
  WEFT_READER_ERROR_CORRUPT,     /* a header but not one intact chunk */
} WeftReaderError;

typedef struct _WeftReader WeftReader;

/* Error messages are one line, without the path (the caller prefixes it):
 * "not a Weft trace (no Weft header)", "truncated: no intact chunk", … */
WeftReader *weft_reader_open (const char *path, GError **error);

/* Reads a trace held in memory (the importer's transcoded output, tests,
 * the fuzzer). Takes a reference on bytes. */
WeftReader *weft_reader_new_from_bytes (GBytes *bytes, GError **error);

void weft_reader_free (WeftReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeftReader, weft_reader_free)

/* Metadata (later chunks override earlier keys); NULL when absent. */
const char *weft_reader_get_metadata (WeftReader *reader, const char *key);
/* Keys in first-seen order, NULL-terminated; owned by the reader. */
const char *const *weft_reader_get_metadata_keys (WeftReader *reader);

typedef struct
{
  guint64 stream_id;
  guint32 pid;
  guint32 tid;           /* the CPU number for WEFT_STREAM_CPU */
  WeftStreamKind kind;
  guint n_chunks;        /* intact chunks */
  guint64 encoded_bytes; /* event bytes in those chunks */
  guint64 lost_in_chunks; /* sum of the chunk headers' lost fields */
} WeftStreamInfo;

guint weft_reader_get_n_streams (WeftReader *reader);
const WeftStreamInfo *weft_reader_get_stream (WeftReader *reader, guint index);

/* NULL when the file is intact; otherwise one line such as
 * "2 of 40 chunks damaged (65,536 bytes): checksum mismatch at offset 4096". */
const char *weft_reader_get_damage (WeftReader *reader);
/* Bytes of the file that could not be used (0 when intact). */
guint64 weft_reader_get_damaged_bytes (WeftReader *reader);

/* One decoded event. STRING_DEF records are consumed by the iterator and
 * never returned; string ids are global to the reader (equal strings have
 * equal ids). Fields a kind does not use are 0. */
typedef struct
{
  guint64 time;     /* CLOCK_MONOTONIC ns */
  guint64 id;       /* task/flow id, lock/cond address, lost count, child pid,
                     * creator tid, by kind */
  guint64 id2;      /* COND_WAIT: the mutex address */
  gint64 prev_tid;  /* SCHED_SWITCH; PROCESS_EXIT: the wait status */
  gint64 next_tid;  /* SCHED_SWITCH */
  double value;     /* COUNTER */
  guint32 name;     /* string id (0 = none): span, instant, counter, task,
                     * lock, thread/process name, exec'd program */
  guint32 args;     /* SPAN_BEGIN_ARGS: string id of the arguments */
  guint8 kind;      /* WeftEventKind; extended kinds are skipped, not returned */
  guint8 state;     /* SCHED_SWITCH: WeftSwitchState */
} WeftEvent;

/* Iterates one stream's events in time order across its chunks. Lives on
 * the stack; different streams may be iterated from different threads at
 * once. A chunk that fails to decode midway ends early: its events so far
 * are kept and the damage is recorded on the reader. */
typedef struct
{
  /*< private >*/
  WeftReader *reader;
  guint stream;
  guint chunk;            /* next chunk index in the stream */
  const guint8 *p, *end;  /* cursor in the current chunk */
  guint64 last;           /* previous event time, stream clock */
  gpointer clock_state;   /* TSC conversion segment cursor */
  guint clock;            /* WeftClockDomain of the current chunk */
  guint64 pending_lost;   /* a chunk's lost count, returned as a LOST event */
  guint64 pending_time;
  guint64 last_ns;        /* previous returned time: times never go back */
  gpointer reserved[4];
} WeftStreamIter;

/* Iterates stream from its first event. Known limit: the reader's string
 * table is shared by its iterators, so an event that uses a string id
 * before the stream defines it reads "?" on the stream's first decode,
 * and the later definition on any decode after (FORMAT §6 says "?"). A
 * trace read twice the same way must use a reader of its own each time
 * (weft_stats_new_from_reader does). */
void weft_stream_iter_init (WeftStreamIter *iter, WeftReader *reader, guint stream);
gboolean weft_stream_iter_next (WeftStreamIter *iter, WeftEvent *event);

/* The string for an id: "" for 0, never NULL for an id the iterator
 * returned. Valid while the reader lives. */
const char *weft_reader_get_string (WeftReader *reader, guint32 id);

/* Time conversion for stream clocks (exposed for the recorder's tools and
 * tests): TSC ticks to CLOCK_MONOTONIC ns using the CLOCK chunks. */
guint64 weft_reader_tsc_to_ns (WeftReader *reader, guint64 tsc);

G_END_DECLS
