/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-import-private.h: what the importer's parts share. The JSON
 * walk (weft-chrome-import.c, weft-chrome-ftrace.c) collects every event
 * as a compact record per thread; weft-chrome-resolve.c pairs async events
 * and flows in time order across threads; weft-chrome-emit.c sorts each
 * thread, resolves overlaps as Perfetto does and writes the .weft trace
 * with the builder. docs/CHROME-JSON.md is the prose version.
 */
#pragma once

#include <gio/gio.h>

#include "weft-builder.h"
#include "weft-chrome-json-private.h"

G_BEGIN_DECLS

/* ---- strings: interned once, NUL-terminated, valid UTF-8 ---- */

typedef struct
{
  const char *str;
  guint32 len;
  guint32 hash;
  gboolean interned;   /* in the hash table (added strings are not) */
} WeftChromeString;

typedef struct
{
  guint32 hash;        /* checked before touching the string */
  guint32 id;          /* 0 = empty slot */
} WeftChromeSlot;

typedef struct
{
  GPtrArray *blocks;   /* arena blocks (strings never move) */
  char *cur;           /* free space in the last block */
  gsize cur_left;
  GArray *strs;        /* WeftChromeString by id; id 0 is "" */
  WeftChromeSlot *slots; /* open addressing */
  guint32 mask;
  guint32 n_interned;
  gsize bytes;         /* arena bytes in use */
} WeftChromeStrings;

void _weft_chrome_strings_init (WeftChromeStrings *s);
void _weft_chrome_strings_clear (WeftChromeStrings *s);
/* Interns len bytes (invalid UTF-8 is repaired, long names are cut at
 * max_len on a character boundary); returns the id. */
guint32 _weft_chrome_strings_intern (WeftChromeStrings *s, const char *str, gsize len,
                                     gsize max_len);
/* Stores a string without looking for an equal one: for args objects,
 * which rarely repeat. */
guint32 _weft_chrome_strings_add (WeftChromeStrings *s, const char *str, gsize len,
                                  gsize max_len);
static inline const char *
_weft_chrome_strings_get (const WeftChromeStrings *s, guint32 id)
{
  return g_array_index (s->strs, WeftChromeString, id).str;
}

/* ---- records ---- */

typedef enum
{
  /* on a thread, straight from the file */
  REC_X = 1,        /* v: dur (ns); aux: args string */
  REC_B,            /* aux: args string; flags: REC_F_LOCK/COND; v: lock address */
  REC_E,            /* name/extra: the name and category to match (0 = any) */
  REC_INSTANT,
  REC_COUNTER,      /* name: series prefix; aux: args key; v: the double's bits */
  REC_WEFT,         /* Weft's process-tree events: extra = WeftEventKind, v, name */
  /* resolved across threads (weft-chrome-resolve.c) */
  REC_TASK_BEGIN,   /* v: task id */
  REC_TASK_END,
  REC_TASK_SUSPEND,
  REC_TASK_RESUME,
  REC_FLOW_BEGIN,   /* v: flow id */
  REC_FLOW_END,     /* flags: REC_F_BIND_NEXT */
  /* global lists, before resolution */
  REC_ASYNC_BEGIN,  /* aux: key; thread set */
  REC_ASYNC_END,
  REC_ASYNC_INSTANT,
  REC_FLOW_START,   /* aux: key */
  REC_FLOW_STEP,
  REC_FLOW_FINISH,  /* flags: REC_F_BIND_NEXT unless bp = "e" */
  REC_SCHED,        /* thread: cpu; name: prev tid; v: next tid; extra: WeftSwitchState */
  REC_SCOPED_INSTANT, /* i/I with "s": "p" or "g": aux: pid; extra: the scope */
} WeftChromeRecKind;

enum
{
  REC_F_LOCK = 1 << 0,       /* B of category weft.lock: a lock wait */
  REC_F_COND = 1 << 1,       /* B of category weft.cond: a condition wait */
  REC_F_BIND_NEXT = 1 << 2,  /* flow end bound to the next slice (bp != "e") */
  REC_F_SUSPENDED = 1 << 3,  /* async slice of Weft's "suspended" convention */
  REC_F_NAMED_LOCK = 1 << 4, /* the lock's name is not the default mutex@0x… */
};

typedef struct
{
  gint64 ts;      /* ns, before the final shift */
  gint64 v;
  guint32 name;
  guint32 aux;
  guint32 seq;    /* input order: the sort is stable on it */
  guint32 thread; /* index into threads (cpu for REC_SCHED) */
  guint32 extra;
  guint8 kind;
  guint8 flags;
} WeftChromeRec;

typedef struct
{
  guint32 pid, tid;    /* as written to the .weft trace */
  guint32 name;        /* M thread_name, else the string tid, else 0 */
  gboolean named;      /* name came from M thread_name */
  gboolean real_tid;   /* tid is the file's own number (sched lines match it) */
  GArray *recs;        /* WeftChromeRec */
} WeftChromeThread;

typedef struct
{
  guint32 pid;
  guint32 name;        /* M process_name, else the string pid */
  gboolean named;
} WeftChromeProcess;

/* Why an event was left out; each has a line in import_notes. */
typedef enum
{
  SKIP_NOT_OBJECT,
  SKIP_NO_PHASE,
  SKIP_NO_TS,
  SKIP_BAD_TS,
  SKIP_BAD_DUR,
  SKIP_X_OVERLAP,
  SKIP_E_WITHOUT_B,
  SKIP_ASYNC_NO_ID,
  SKIP_ASYNC_END_WITHOUT_BEGIN,
  SKIP_FLOW_NO_ID,
  SKIP_FLOW_WITHOUT_START,
  SKIP_COUNTER_VALUE,
  SKIP_UNSUPPORTED_PHASE,
  SKIP_FTRACE_LINE,
  SKIP_SYSTEM_OBJECT,
  SKIP_TRUNCATED_TAIL,
  SKIP_N_REASONS,
} WeftChromeSkip;

/* Things repaired rather than dropped: noted, not counted as skipped. */
typedef enum
{
  NOTE_B_NEVER_ENDED,
  NOTE_TRUNCATED,         /* children cut at their parent's end */
  NOTE_TASK_NEVER_ENDED,
  NOTE_NESTED_ASYNC,      /* nested async slices folded into their task */
  NOTE_DUPLICATE_METADATA,
  NOTE_TRAILING_COMMA,
  NOTE_UNCLOSED_ARRAY,
  NOTE_SHIFTED,           /* negative timestamps moved to start at 0 */
  NOTE_FTRACE_OTHER,      /* ftrace lines of other events, ignored */
  NOTE_DISPLAY_TIME_UNIT,
  NOTE_BIG_ARGS,          /* args over the size cap, left out */
  NOTE_N,
} WeftChromeNote;

typedef struct
{
  WeftChromeStrings strings;
  GPtrArray *threads;       /* WeftChromeThread */
  GHashTable *thread_index; /* (pid << 32 | tid) -> index + 1 */
  guint64 last_thread_key;
  guint32 last_thread;
  GHashTable *processes;    /* pid -> WeftChromeProcess */
  GHashTable *synthetic;    /* original pid/tid string id -> synthetic number */
  guint32 next_synthetic;
  GArray *async;            /* WeftChromeRec, all threads */
  GArray *flows;
  GArray *sched;
  GArray *scoped;           /* process and global instants, placed on a thread at the end */
  GHashTable *counter_keys; /* series prefix id -> key id, or G_MAXUINT32 for several */
  GHashTable *sched_comm;   /* tid -> comm string id */
  GHashTable *sched_tgid;   /* tid -> tgid */
  GHashTable *named_locks;  /* lock address -> name id */
  GPtrArray *metadata;      /* key, value, key, value… from otherData / metadata */
  guint32 seq;
  gint64 min_ts, max_ts;
  gboolean have_ts;
  int max_cpu;
  guint64 skipped[SKIP_N_REASONS];
  guint64 notes[NOTE_N];
  guint64 events;           /* events collected */
  guint64 next_task_id, next_flow_id;
  guint32 unsupported_phases[8]; /* bitset of the ph characters skipped */
  /* pre-interned names of Weft's own conventions (docs/CHROME-JSON.md) */
  guint32 s_weft, s_weft_lock, s_weft_cond, s_weft_task, s_suspended, s_no_name;
} WeftChromeImport;

void _weft_chrome_import_init (WeftChromeImport *im);
void _weft_chrome_import_clear (WeftChromeImport *im);

/* Thread index for a (pid, tid) already mapped to trace numbers. */
guint32 _weft_chrome_import_thread (WeftChromeImport *im, guint32 pid, guint32 tid);
WeftChromeProcess *_weft_chrome_import_process (WeftChromeImport *im, guint32 pid);
void _weft_chrome_import_see_ts (WeftChromeImport *im, gint64 ts);
/* Appends a record to a thread (or a global list when list != NULL). */
WeftChromeRec *_weft_chrome_import_add (WeftChromeImport *im, GArray *list, guint32 thread,
                                        WeftChromeRecKind kind, gint64 ts);

typedef struct _WeftChromeFtrace WeftChromeFtrace;

/* ---- one event while its object is read (weft-chrome-import.c) and
 * turned into records (weft-chrome-events.c) ---- */

#define WEFT_CHROME_NAME_MAX 4096
#define WEFT_CHROME_ARGS_MAX (64 * 1024)
/* pids/tids from here up are Weft's stand-ins for strings and huge numbers */
#define WEFT_CHROME_SYNTHETIC_BASE 0xf0000000u

typedef enum
{
  ID_NONE,
  ID_NUM,
  ID_STR, /* str: the interned text */
} WeftChromeIdType;

typedef struct
{
  WeftChromeIdType type;
  guint64 num;
  guint32 str;
} WeftChromeId;

typedef struct
{
  char ph;
  char s;          /* instant scope */
  guint32 name, cat, scope;
  gboolean has_ts, ts_ok, has_dur, dur_ok;
  gint64 ts, dur;
  WeftChromeId pid, tid, id, id2_local, id2_global, bind_id;
  gboolean flow_in, flow_out, bp_e;
  gboolean has_args, args_truncated;
} WeftChromeEvent;

typedef struct
{
  WeftChromeImport *im;
  WeftJson *j;
  WeftJson *args_j; /* re-reads a captured args object */
  GString *args;
  GString *key;     /* scratch for async and flow keys */
  GCancellable *cancellable;
  WeftChromeFtrace *ftrace;
  guint64 n_objects;
} WeftChromeParser;

static inline guint32
_weft_chrome_intern (WeftChromeImport *im, const char *s, gsize len)
{
  return _weft_chrome_strings_intern (&im->strings, s, len, WEFT_CHROME_NAME_MAX);
}

/* Records one event read from the file (or counts why it is skipped). */
void _weft_chrome_commit_event (WeftChromeParser *p, WeftChromeEvent *ev);

/* systemTraceEvents: ftrace text, streamed line by line. */
WeftChromeFtrace *_weft_chrome_ftrace_new (WeftChromeImport *im, GCancellable *cancellable);
/* A WeftJsonSink: FALSE once the import is cancelled. */
gboolean _weft_chrome_ftrace_feed (const char *data, gsize len, gpointer ftrace);
void _weft_chrome_ftrace_free (WeftChromeFtrace *ft); /* parses a last unterminated line */
/* One line, without its newline (exposed for tests). */
void _weft_chrome_ftrace_line (WeftChromeImport *im, const char *line, gsize len);

/* Sorts records by (ts, seq), skipping the sort when already in order. */
void _weft_chrome_sort_by_time (GArray *list);

/* Pairs async events into tasks and flow events into flows. */
void _weft_chrome_resolve (WeftChromeImport *im);
/* Puts process and global instants on threads (after every thread is
 * made, sched-only ones too). */
void _weft_chrome_resolve_scoped (WeftChromeImport *im);

/* Writes everything into the builder (its errors are sticky: the caller
 * sees them at weft_builder_finish_memory()). */
void _weft_chrome_emit (WeftChromeImport *im, WeftBuilder *b);

G_END_DECLS
