/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-format.h: the on-disk layout of a .weft trace, shared by every writer
 * (libweft, the trace builder, `weft record`) and the reader. docs/FORMAT.md
 * is the prose version of this file; keep them in step.
 *
 * Everything is little-endian. A file is a header followed by chunks; a
 * chunk is self-describing (tag, type, length, CRC) so a reader can skip
 * what it does not know and resynchronise after damage.
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "\x89WEFT\r\n\x1a": binary marker, catches text-mode and 7-bit damage
 * the way PNG's signature does. */
#define WEFT_FILE_MAGIC "\x89WEFT\r\n\x1a"
#define WEFT_FILE_MAGIC_LEN 8
#define WEFT_FORMAT_MAJOR 1 /* a reader refuses a newer major */
#define WEFT_FORMAT_MINOR 0 /* minors only add chunk types and kinds >= 0x40 */

typedef struct
{
  char magic[WEFT_FILE_MAGIC_LEN]; /* WEFT_FILE_MAGIC */
  uint16_t major;                  /* WEFT_FORMAT_MAJOR */
  uint16_t minor;                  /* WEFT_FORMAT_MINOR */
  uint32_t header_size;            /* sizeof (WeftFileHeader); chunks start here */
  uint64_t flags;                  /* reserved, 0 */
  uint64_t reserved;               /* 0 */
} WeftFileHeader;
_Static_assert (sizeof (WeftFileHeader) == 32, "file header is 32 bytes");

/* Every chunk starts with this tag: a reader that lost its place scans for
 * it at 8-byte boundaries ("WCHK" read as a little-endian u32). */
#define WEFT_CHUNK_TAG 0x4b484357u
#define WEFT_CHUNK_ALIGN 8
/* No chunk payload may exceed this: bounds what a reader trusts. */
#define WEFT_CHUNK_MAX_PAYLOAD (64u * 1024 * 1024)

typedef enum
{
  WEFT_CHUNK_METADATA = 1, /* key/value strings (WeftMetadata pairs) */
  WEFT_CHUNK_STREAM = 2,   /* WeftStreamChunkHeader + encoded events */
  WEFT_CHUNK_CLOCK = 3,    /* WeftClockChunkHeader + WeftClockSync[] */
  WEFT_CHUNK_INDEX = 4,    /* WeftIndexEntry[]; last chunk, before the trailer */
} WeftChunkType;

typedef struct
{
  uint32_t tag;          /* WEFT_CHUNK_TAG */
  uint16_t type;         /* WeftChunkType; unknown types are skipped */
  uint16_t flags;        /* WEFT_CHUNK_FLAG_HEADER_CHECK | check, or 0 */
  uint32_t payload_size; /* bytes after this header, before padding */
  uint32_t crc32;        /* CRC-32 (zlib's polynomial) of the payload */
} WeftChunkHeader;
_Static_assert (sizeof (WeftChunkHeader) == 16, "chunk header is 16 bytes");

/* The payload CRC does not cover the header, so flags carries a check of
 * it: with bit 15 set, bits 0-14 are the low 15 bits of the CRC-32 of the
 * header's other 14 bytes (tag, type, payload_size, crc32, in file order).
 * A flipped type or size is then caught instead of misreading the chunk.
 * Readers verify it when bit 15 is set; flags 0 means unchecked. */
#define WEFT_CHUNK_FLAG_HEADER_CHECK 0x8000u
/* The payload is followed by zero padding up to WEFT_CHUNK_ALIGN. */

/* Metadata payload: repeated { varint key_len, key, varint value_len, value }.
 * Later chunks add keys or override earlier values. Well-known keys:
 * "command", "hostname", "start_time" (ISO 8601 wall clock), "kernel",
 * "cpu_model", "cpu_count", "weft_version", "sched" ("true"/"false"),
 * "sched_reason" (why not), "system_wide" ("true": the CPU streams show
 * untraced processes as WEFT_TID_OTHER and idle as WEFT_TID_IDLE, `-a`),
 * "source". */

typedef enum
{
  WEFT_CLOCK_TSC = 0,       /* event times are TSC ticks; convert via CLOCK chunks */
  WEFT_CLOCK_MONOTONIC = 1, /* event times are CLOCK_MONOTONIC nanoseconds */
} WeftClockDomain;

typedef enum
{
  WEFT_STREAM_THREAD = 0, /* one thread: pid, tid */
  WEFT_STREAM_CPU = 1,    /* one CPU's scheduler switches: tid holds the CPU number */
} WeftStreamKind;

/* A stream is one thread's (or one CPU's) event sequence, split into
 * chunks numbered by seq. Each chunk decodes on its own: deltas restart
 * from base_time (the time of the stream's previous event), so losing one
 * chunk loses only its events. Readers group chunks by stream_id, order
 * them by seq and keep the first of two with one seq. */
typedef struct
{
  uint64_t stream_id; /* unique in the trace: (pid << 32) | per-process counter */
  uint32_t pid;
  uint32_t tid;       /* CPU number for WEFT_STREAM_CPU */
  uint64_t base_time; /* the first event's delta is from this */
  uint32_t seq;       /* 0, 1, 2, … within the stream */
  uint16_t clock;     /* WeftClockDomain */
  uint16_t kind;      /* WeftStreamKind */
  uint32_t lost;      /* events the writer dropped just before this chunk */
  uint32_t reserved;  /* 0 */
} WeftStreamChunkHeader;
_Static_assert (sizeof (WeftStreamChunkHeader) == 40, "stream header is 40 bytes");

/* A CLOCK chunk pairs TSC readings with CLOCK_MONOTONIC: the reader maps
 * ticks to ns by interpolating between consecutive pairs (and extrapolating
 * with the nearest pair's slope). Pairs from several chunks are merged. */
typedef struct
{
  uint32_t count;    /* WeftClockSync entries that follow */
  uint32_t reserved; /* 0 */
} WeftClockChunkHeader;
_Static_assert (sizeof (WeftClockChunkHeader) == 8, "clock header is 8 bytes");

typedef struct
{
  uint64_t tsc;
  uint64_t monotonic_ns;
} WeftClockSync;
_Static_assert (sizeof (WeftClockSync) == 16, "clock pair is 16 bytes");

/* INDEX: where every earlier chunk is, so an open need not walk the file.
 * Optional (files written by several processes at once have none). Valid
 * only when the trailer ends the file, the INDEX chunk ends where the
 * trailer starts, and its entries list contiguous intact chunks from
 * header_size up to it; a reader that finds it invalid walks the chunks
 * instead (docs/FORMAT.md §3). */
typedef struct
{
  uint64_t offset;    /* of the chunk header, from the start of the file */
  uint64_t stream_id; /* 0 for non-stream chunks */
  uint32_t type;      /* WeftChunkType */
  uint32_t size;      /* payload size */
} WeftIndexEntry;
_Static_assert (sizeof (WeftIndexEntry) == 24, "index entry is 24 bytes");

#define WEFT_TRAILER_MAGIC "WEFTEND\0"
typedef struct
{
  uint64_t index_offset; /* of the INDEX chunk header */
  char magic[8];         /* WEFT_TRAILER_MAGIC */
} WeftTrailer;
_Static_assert (sizeof (WeftTrailer) == 16, "trailer is 16 bytes");

/* Events inside a STREAM chunk: one kind byte, a varint time delta (in the
 * stream's clock, from the previous event or base_time), then the kind's
 * fields. Varints are unsigned LEB128 (at most 10 bytes); "svarint" is
 * zigzag-encoded signed. Name and string ids are per stream, defined by a
 * STRING_DEF earlier in the same stream (valid across its later chunks; a
 * new STRING_DEF of an id replaces it); id 0 is never defined and means
 * none. Writers should re-define in each chunk the strings it uses, so a
 * chunk keeps its names when earlier chunks are lost; a reader names an
 * undefined id "?".
 *
 * Kinds below 0x40 have the fixed layouts listed; a reader that meets an
 * unknown one cannot continue that chunk. Kinds from 0x40 up are followed
 * by a varint payload length and can be skipped. */
typedef enum
{
  WEFT_EV_SPAN_BEGIN = 0x01,    /* name */
  WEFT_EV_SPAN_END = 0x02,      /* (nothing) */
  WEFT_EV_INSTANT = 0x03,       /* name */
  WEFT_EV_COUNTER = 0x04,       /* name, f64 value (8 bytes LE) */
  WEFT_EV_TASK_BEGIN = 0x05,    /* varint task id, name */
  WEFT_EV_TASK_SUSPEND = 0x06,  /* varint task id */
  WEFT_EV_TASK_RESUME = 0x07,   /* varint task id */
  WEFT_EV_TASK_END = 0x08,      /* varint task id */
  WEFT_EV_FLOW_BEGIN = 0x09,    /* varint flow id */
  WEFT_EV_FLOW_END = 0x0a,      /* varint flow id */
  WEFT_EV_LOCK_WAIT = 0x0b,     /* varint lock address */
  WEFT_EV_LOCK_ACQUIRED = 0x0c, /* varint lock address */
  WEFT_EV_LOCK_RELEASED = 0x0d, /* varint lock address */
  WEFT_EV_COND_WAIT = 0x0e,     /* varint condvar address, varint mutex address */
  WEFT_EV_COND_WOKEN = 0x0f,    /* varint condvar address */
  WEFT_EV_STRING_DEF = 0x10,    /* varint id, varint length, bytes (no NUL) */
  WEFT_EV_LOCK_NAME = 0x11,     /* varint lock address, name */
  WEFT_EV_THREAD_NAME = 0x12,   /* name */
  WEFT_EV_PROCESS_NAME = 0x13,  /* name */
  WEFT_EV_LOST = 0x14,          /* varint count of events dropped here */
  WEFT_EV_SCHED_SWITCH = 0x15,  /* CPU streams: svarint prev_tid, u8 prev_state,
                                 * svarint next_tid (WEFT_TID_*) */
  WEFT_EV_THREAD_START = 0x16,  /* varint creator tid (0 unknown) */
  WEFT_EV_THREAD_EXIT = 0x17,   /* (nothing) */
  WEFT_EV_PROCESS_FORK = 0x18,  /* varint child pid */
  WEFT_EV_PROCESS_EXEC = 0x19,  /* name (the new program) */
  WEFT_EV_PROCESS_EXIT = 0x1a,  /* svarint wait status as waitpid reports it
                                 * (-1: unknown, the process was not the recorder's child) */
  WEFT_EV_SPAN_BEGIN_ARGS = 0x1b, /* name, string id of the arguments text */
  WEFT_EV_CPU_MIGRATE = 0x1c,   /* reserved for #3: no layout yet, so readers
                                 * treat it as unknown (it ends the chunk) */
  WEFT_EV_EXTENDED_FIRST = 0x40,
} WeftEventKind;

/* prev_state of a SCHED_SWITCH: why the previous thread left the CPU. */
typedef enum
{
  WEFT_SWITCH_PREEMPTED = 0, /* still runnable */
  WEFT_SWITCH_BLOCKED = 1,   /* slept, waited for I/O or a lock */
  WEFT_SWITCH_EXITED = 2,    /* the thread ended */
  WEFT_SWITCH_UNKNOWN = 3,
} WeftSwitchState;

/* Special thread ids on a CPU stream. */
#define WEFT_TID_IDLE 0     /* the CPU was idle */
#define WEFT_TID_OTHER (-1) /* an untraced thread (its tid unrecorded) */

#define WEFT_VARINT_MAX 10

#ifdef __cplusplus
}
#endif
