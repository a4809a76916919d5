/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-runtime-private.h: what the parts of libweft share: the per-thread
 * recording state, the process-wide runtime, and the inline encoders of
 * the hot path.
 */
#pragma once

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "weft-clock.h"
#include "weft-drain.h"
#include "weft-format.h"
#include "weft-pool.h"
#include "weft-varint.h"

#define WEFT_LIKELY(x) __builtin_expect (!!(x), 1)
#define WEFT_UNLIKELY(x) __builtin_expect (!!(x), 0)
#define WEFT_PUBLIC __attribute__ ((visibility ("default")))

/* Room kept free at the end of a block: the largest fixed-layout event is
 * kind + 3 varints (31 bytes), so the fast path checks once and writes. */
#define WEFT_EVENT_MAX 32
/* Longer names are cut (to a UTF-8 boundary) when defined. */
#define WEFT_NAME_MAX 1024
#define WEFT_NAME_CACHE 256  /* direct-mapped, per thread */
#define WEFT_NAME_TABLE 1024 /* behind it: every name of the stream */

/* Special values of the TLS pointer (all below WEFT_TLS_SPECIAL). */
#define WEFT_TLS_BUSY ((WeftThread *) 1) /* being set up or torn down */
#define WEFT_TLS_DEAD ((WeftThread *) 2) /* its thread has exited */
#define WEFT_TLS_SPECIAL 16

/* Slot of a static name: literals sit next to each other in .rodata, so
 * the low address bits spread them; the next byte breaks 256-byte strides. */
#define WEFT_NAME_SLOT(p) ((((uintptr_t) (p)) ^ ((uintptr_t) (p) >> 8)) & (WEFT_NAME_CACHE - 1))

typedef struct
{
  const char *ptr;
  uint64_t id;
} WeftNameSlot;

typedef struct
{
  uint64_t hash;
  uint32_t len;
  uint32_t id;
} WeftCopySlot;

typedef struct
{
  uint64_t key; /* address (static) or content hash (copied) */
  uint32_t tag; /* 0 empty, 1 static, 2 + length copied */
  uint32_t id;
} WeftNameEntry;

typedef struct WeftThread WeftThread;
struct WeftThread
{
  /* Hot: the fast path touches this cache line and one name slot. */
  uint8_t *base;         /* events of the current block */
  uint32_t *committed;   /* the block descriptor's committed count */
  uint32_t off;          /* write offset, == *committed between events */
  uint32_t limit;        /* block_size - WEFT_EVENT_MAX; 0: every event takes the slow path
                          * (no block, a pending lost count, or no usable TSC) */
  uint64_t last;         /* time of the previous event (stream clock) */
  volatile uint8_t busy; /* an event is being written: a signal handler must not */
  uint8_t clock;         /* WeftClockDomain */
  uint8_t fresh;         /* needs a new stream (first event, or after fork) */
  uint8_t in_use;        /* owned by a live thread (under threads_lock) */
  uint32_t pad0;
  uint64_t pad1[3];

  /* Cold */
  uint32_t block;  /* current block, or WEFT_POOL_NONE */
  uint32_t stream; /* stream slot, or WEFT_POOL_NONE */
  uint32_t tid;
  uint32_t next_id; /* the next string id of the stream */
  uint32_t table_used;
  uint32_t dummy_committed; /* committed points here while there is no block */
  WeftThread *next_thread;  /* every WeftThread ever made (under threads_lock) */
  WeftNameSlot names[WEFT_NAME_CACHE];
  WeftCopySlot copies[WEFT_NAME_CACHE];
  WeftNameEntry table[WEFT_NAME_TABLE];
};

/* The process-wide state. */
typedef struct
{
  int enabled; /* recording (WEFT_TRACE was set and set-up worked) */
  WeftClockDomain clock;
  WeftPool *pool;
  uint64_t region_size;
  uint32_t pid;
  uint32_t generation; /* exec generation within this pid (stream ids) */
  int fd;
  const char *path;
  char comm[16];     /* the process name (comm) */
  int process_named; /* PROCESS_NAME written in this process (atomic) */
  pthread_key_t key; /* its destructor ends a thread's stream */
  pthread_mutex_t threads_lock;
  WeftThread *threads;
  pthread_mutex_t drain_lock;
  uint32_t drain_owner; /* tid holding drain_lock, 0 */
  WeftDrainer drainer;
  int drain_thread; /* 0 none, 1 starting/running, -1 failed (atomic) */
  int exiting;      /* the final drain ran: the drain thread stops */
  int shared;       /* the pool is weft record's to drain (WEFT_SESSION) */
  int session_fd;   /* the connection to weft record, or -1 */
} WeftRuntime;

extern WeftRuntime _weft_rt;
extern __thread WeftThread *_weft_tls __attribute__ ((tls_model ("initial-exec")));

/* What the slow path writes: every public call reduces to one of these. */
enum
{
  WEFT_NAME_NONE,
  WEFT_NAME_STATIC, /* cached by address */
  WEFT_NAME_COPY,   /* hashed by content */
};

typedef struct
{
  uint8_t kind;
  uint8_t name_mode;
  uint8_t n_ids;     /* varints after the name (a, b) */
  uint8_t has_value; /* f64 value after them */
  const char *name;
  uint64_t a, b;
  double value;
  uint8_t ids_first; /* a before the name (task begin, lock name) */
} WeftEv;

/* Writes ev on the calling thread, starting its stream, a new block and
 * name definitions as needed. Called with th->busy set by the fast path
 * (clears it), or with th special (no thread state yet). */
void
_weft_slow (WeftThread *th, const WeftEv *ev);
/* A signal handler found th->busy set: counts the event lost. */
void
_weft_nested (WeftThread *th);

/* Thread lifetime (weft-thread.c) */
void
_weft_thread_exit (void *th);
void
_weft_threads_after_fork (void);

/* Session (weft-session.c) */
void
_weft_session_block_filled (void);
void
_weft_session_lock_drain (void);
void
_weft_session_unlock_drain (void);
uint32_t
_weft_gettid (void);

/* Under weft record (weft-session-shared.c): the socket to send pools to
 * (0, or -1 when the path does not fit), then a pool made and sent: 0, or
 * -1 with errno. After fork: the child's own pool instead of the parent's. */
int
_weft_session_shared_set_address (const char *path);
int
_weft_session_shared_start (uint64_t cap);
int
_weft_session_shared_after_fork (void);

/* Metadata (weft-metadata.c): fills buf with a METADATA payload. */
size_t
_weft_metadata_build (uint8_t *buf, size_t size, const char *comm);

/* --- inline encoders of the fast path --- */

static inline __attribute__ ((always_inline)) uint8_t *
_weft_put_varint (uint8_t *p, uint64_t v)
{
  if (WEFT_LIKELY (v < 0x80))
    {
      *p = (uint8_t) v;
      return p + 1;
    }
  return weft_varint_put (p, v);
}

/* The event time: clamped so a stream never goes backwards (TSC readings
 * on different cores can disagree by a few ticks). The fast path reads
 * only the TSC: with the CLOCK_MONOTONIC fallback, limit stays 0 and every
 * event takes the slow path. */
static inline __attribute__ ((always_inline)) uint64_t
_weft_delta_at (WeftThread *th, uint64_t now)
{
  uint64_t last = th->last;

  now = now < last ? last : now;
  th->last = now;
  return now - last;
}

static inline __attribute__ ((always_inline)) uint64_t
_weft_delta (WeftThread *th)
{
  return _weft_delta_at (th, __rdtsc ());
}

/* Publishes the event that ends at p and leaves the busy section. */
static inline __attribute__ ((always_inline)) void
_weft_commit (WeftThread *th, uint8_t *p)
{
  uint32_t off = (uint32_t) (p - th->base);

  th->off = off;
  __atomic_store_n (th->committed, off, __ATOMIC_RELEASE);
  __atomic_signal_fence (__ATOMIC_SEQ_CST);
  th->busy = 0;
}
