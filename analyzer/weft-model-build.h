/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-model-build.h: the state of one model build, shared by the pass over
 * the streams (weft-model-build.c) and what follows it (weft-model-post.c).
 */
#pragma once

#include "weft-model-private.h"

G_BEGIN_DECLS

/* A task transition, kept until every stream is read: a task may move
 * between threads, so its transitions come from several streams. */
typedef struct
{
  guint64 time;
  guint32 key;       /* index in task_key_* */
  guint32 kind_name; /* WeftTaskOp << 30 | name id */
} WeftTaskEvent;

typedef enum
{
  WEFT_TASK_OP_BEGIN,
  WEFT_TASK_OP_SUSPEND,
  WEFT_TASK_OP_RESUME,
  WEFT_TASK_OP_END,
} WeftTaskOp;

#define WEFT_TASK_NAME_MASK 0x3fffffffu

typedef struct
{
  guint64 time;
  guint32 key;         /* index of the flow id */
  guint32 thread_kind; /* thread index << 1 | 1 for an end */
} WeftFlowEvent;

WEFT_VEC_DEFINE (WeftVecTaskEvent, WeftTaskEvent)
WEFT_VEC_DEFINE (WeftVecFlowEvent, WeftFlowEvent)

/* A (u64, u32) hash key: (address or id, pid). */
typedef struct
{
  guint64 a;
  guint32 b;
  guint32 c;
} WeftKey;

/* Keys to dense indices, the keys kept in the table (open addressing,
 * linear probing, at most half full): one probe a lookup, no allocation
 * a key, where a GHashTable took a malloc'd copy of each. */
typedef struct
{
  WeftKey *keys;
  guint32 *values; /* index + 1, 0 for an empty slot */
  gsize mask;      /* slots - 1; slots a power of two, 0 before the first */
  gsize len;
} WeftKeyMap;

typedef struct
{
  WeftModel *model;
  WeftReader *reader;
  /* Spans go to sink rather than into the model (NULL: kept); a thread
   * whose spans all went hands its emptied array to the next one, whose
   * pages are then there already. */
  const WeftModelSpanSink *sink;
  /* Shown the build's scheduler sweep (NULL: nobody). */
  const WeftModelSweepSink *sweep;
  WeftVecSpan spare;

  /* Reader string id → model name id + 1 (0: not seen yet). */
  WeftVecU32 remap;

  /* tid → thread index + 1 for the scheduler lanes, direct-mapped in
   * front of model->thread_by_tid. */
  guint32 tid_cache_tid[1024];
  guint32 tid_cache_index[1024];

  WeftKeyMap task_keys; /* (id, pid) → key index */
  /* Recent task keys, direct-mapped by id in front of task_keys: a task's
   * few transitions come close together. */
  guint64 task_cache_id[256];
  guint32 task_cache_pid[256];
  guint32 task_cache_key[256]; /* key index + 1, 0 when empty */
  WeftVecU64 task_key_ids;
  WeftVecU32 task_key_pids;
  WeftVecTaskEvent task_events;

  WeftKeyMap flow_keys; /* (id) → key index */
  WeftVecFlowEvent flow_events;

  WeftKeyMap counter_keys; /* (name, pid) → counter index */
  guint counters_cap;

  WeftKeyMap lock_keys;      /* (address, pid, cond) → lock index */
  GHashTable *lock_names;    /* WeftKey (address, pid) → name id */
  GHashTable *process_names; /* pid → name id (PROCESS_NAME) */
  GHashTable *process_execs; /* pid → name id (PROCESS_EXEC) */
} WeftBuild;

guint weft_key_hash (gconstpointer key);
gboolean weft_key_equal (gconstpointer a, gconstpointer b);

/* weft-model-keys.c. The index of key (a, b, c) in map; a new key gets
 * next. */
guint32 _weft_key_lookup (WeftKeyMap *map, guint64 a, guint32 b, guint32 c, guint32 next);
void _weft_key_map_clear (WeftKeyMap *map);
/* A task event (name: the model's name id, for BEGIN; else 0). */
void _weft_build_task_event (WeftBuild *b, guint32 pid, guint64 id, guint32 name, guint64 time,
                             WeftTaskOp op);
void _weft_build_flow_event (WeftBuild *b, guint32 thread, guint64 id, guint64 time,
                             gboolean end);
/* The model's counter of name in process pid, made on first sight. */
guint32 _weft_build_counter_for (WeftBuild *b, guint32 pid, guint32 name);

/* In open_spans: a span already handed to the sink. */
#define WEFT_BUILD_SPAN_FOLDED G_MAXUINT32

/* weft-model-fold.c (with a sink only). Hands the sink the spans of
 * thread index that start before `before` and drops them. */
void _weft_build_fold_spans (WeftBuild *b, guint32 index, guint64 before);
/* Moves an emptied span array to the spare, or the spare to an empty one. */
void _weft_build_spans_recycle (WeftBuild *b, WeftVecSpan *spans);

/* weft-model-post.c */
void _weft_model_post_tasks (WeftBuild *b);
void _weft_model_post_flows (WeftBuild *b);
void _weft_model_post_counters (WeftBuild *b);
void _weft_model_post_locks (WeftBuild *b);
void _weft_model_post_processes (WeftBuild *b);
void _weft_model_post_threads (WeftBuild *b);

G_END_DECLS
