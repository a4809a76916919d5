/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-reader-private.h: what weft-reader.c (open, chunk walk, metadata,
 * damage) and weft-reader-iter.c (event decoding, strings, clocks) share.
 */
#pragma once

#include <pthread.h>

#include <gio/gio.h>

#include "weft-reader.h"

G_BEGIN_DECLS

/* One intact STREAM chunk. */
typedef struct
{
  const guint8 *events; /* after the stream chunk header */
  gsize size;           /* event bytes */
  guint64 offset;       /* of the chunk header in the file */
  guint64 base_time;    /* stream clock */
  guint32 seq;
  guint32 lost;
  guint16 clock;        /* WeftClockDomain */
} ReaderChunk;

/* A stream's string ids mapped to global ids. Replaced, never resized in
 * place, so an iterator on another thread never reads freed memory. */
typedef struct
{
  guint32 len;
  guint32 ids[]; /* global id + 1; 0: not defined */
} DenseMap;

typedef struct
{
  WeftStreamInfo info;
  GArray *chunks;     /* ReaderChunk, ordered by seq */
  DenseMap *dense;    /* atomic pointer; written under the reader lock */
  GHashTable *sparse; /* large local ids -> global ids, under the lock */
  guint32 n_defs;     /* STRING_DEFs seen: bounds the dense map's size */
} ReaderStream;

/* One piece of the TSC -> ns mapping:
 * ns = ns0 + (tsc - tsc0) * mult >> CLOCK_SHIFT. */
#define CLOCK_SHIFT 40
#define CLOCK_HALF ((unsigned __int128) 1 << (CLOCK_SHIFT - 1))
typedef struct
{
  guint64 tsc0, ns0;
  guint64 mult; /* ns per tick, 24.40 fixed point */
} ClockSeg;

#define STRING_BLOCK_BITS 12
#define STRING_BLOCK (1u << STRING_BLOCK_BITS)

/* A global string: valid UTF-8 without NUL (the reader repairs the file's
 * bytes), NUL-terminated, with its length so that a STRING_DEF's bytes
 * can be looked up where they lie. The key of string_ids. */
typedef struct
{
  const char *str;
  gsize len;
} ReaderString;

struct _WeftReader
{
  GBytes *bytes;
  const guint8 *data;
  gsize size;
  /* Strings, string maps, damage. A pthread mutex rather than GMutex so
   * ThreadSanitizer can follow it (GLib's is a bare futex). */
  pthread_mutex_t lock;

  GHashTable *meta;    /* key -> value, owned */
  GPtrArray *meta_keys; /* NULL-terminated, first-seen order */

  ReaderStream *streams;
  guint n_streams;

  ClockSeg *segs;
  guint n_segs; /* 0: no usable sync (ticks read as ns) */

  /* Global strings: id -> string, in blocks that never move so
   * weft_reader_get_string() needs no lock. */
  ReaderString **blocks;
  guint n_blocks_max;
  guint32 n_strings;
  GHashTable *string_ids; /* ReaderString * (content) -> id */
  GStringChunk *string_data;
  guint32 unknown_string; /* "?": ids that were never defined */
  GPtrArray *retired;     /* replaced DenseMaps */

  GArray *damage;          /* WeftReaderDamage */
  GHashTable *damaged_at;  /* offsets already recorded */
  char *damage_text;
  GPtrArray *old_texts;    /* earlier damage_text values stay valid */
  guint64 damaged_bytes;
  guint n_chunks;          /* intact chunks */
};

/* weft_reader_open() that gives up with G_IO_ERROR_CANCELLED soon after
 * cancellable is cancelled (weft_trace_file_open() passes its own). */
WeftReader *_weft_reader_open_cancellable (const char *path, GCancellable *cancellable,
                                           GError **error);

/* zlib's crc32_z (the chunks' CRC-32), with carry-less multiplies where
 * the CPU has them (weft-reader-crc.c). */
guint32 _weft_reader_crc32 (guint32 crc, const guint8 *data, gsize len);

/* One place the reader could not read. */
typedef struct
{
  guint64 offset, bytes;
  gboolean chunk; /* a lost chunk or region, counted as such */
  char *reason;
} WeftReaderDamage;

/* Rebuilds the one-line summary of reader->damage; the lock is held. */
void _weft_reader_damage_summarise (WeftReader *reader);

/* Records damage (thread-safe). chunk: it stands for a lost chunk or
 * region; offset dedupes repeated reports of one place. */
void _weft_reader_add_damage (WeftReader *reader, guint64 offset, guint64 bytes, gboolean chunk,
                              const char *format, ...) G_GNUC_PRINTF (5, 6);

/* Interns len bytes as a global string (made valid UTF-8); the id. */
guint32 _weft_reader_intern (WeftReader *reader, const char *str, gsize len);
void _weft_reader_strings_init (WeftReader *reader);
void _weft_reader_strings_free (WeftReader *reader);

/* Builds the clock segments from merged pairs (sorted in place). */
void _weft_reader_clock_init (WeftReader *reader, WeftClockSync *pairs, guint n);

G_END_DECLS
