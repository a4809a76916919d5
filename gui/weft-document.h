/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-document.h: one opened trace, as the viewer holds it: the file,
 * its model (analyzer/weft-model.h) and level-of-detail index, the statistics of the whole trace,
 * the recording's metadata and what the file lost. Loading runs in a
 * worker thread, reports its progress on the caller's main context and
 * can be cancelled.
 *
 * A damaged file that still has intact chunks loads: the document keeps
 * what could be read and weft_document_get_damage() says what was lost.
 * The reader is closed once the model is built (the model holds what the
 * views need), so an imported JSON trace is not kept twice.
 */
#pragma once

#include <gio/gio.h>

#include "weft-lod.h"
#include "weft-model.h"
#include "weft-stats.h"

G_BEGIN_DECLS

#define WEFT_TYPE_DOCUMENT (weft_document_get_type ())
G_DECLARE_FINAL_TYPE (WeftDocument, weft_document, WEFT, DOCUMENT, GObject)

typedef struct
{
  guint64 time_zero;   /* the first event, CLOCK_MONOTONIC ns */
  guint64 duration;    /* from the first event to the last, ns */
  guint64 n_events;    /* as SPEC §5 counts them */
  guint64 lost_events; /* events the recorder counted as lost */
  guint n_processes;
  guint n_threads;
  guint n_cpu_lanes;   /* CPUs with scheduler data */
  int cpu_count;       /* the recording machine's CPUs, -1 when unknown */
  gboolean sched;      /* scheduler data was recorded */
} WeftDocumentFacts;

typedef struct
{
  guint32 pid;
  const char *name;   /* "" when the trace never named it */
  guint n_threads;
  guint64 on_cpu_ns;  /* summed over its threads; estimated without sched */
} WeftDocumentProcess;

/* Called on the main context of the caller of weft_document_load_async()
 * with the fraction done, 0–1, never after the load's callback. */
typedef void (*WeftDocumentProgress) (double fraction, gpointer user_data);

void weft_document_load_async (GFile *file,
                               GCancellable *cancellable,
                               WeftDocumentProgress progress,
                               gpointer progress_data,
                               GDestroyNotify progress_data_free,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
WeftDocument *weft_document_load_finish (GAsyncResult *result, GError **error);

/* The same, blocking the calling thread (which receives the progress).
 * Errors are one line, without the path. */
WeftDocument *weft_document_load (GFile *file,
                                  GCancellable *cancellable,
                                  WeftDocumentProgress progress,
                                  gpointer progress_data,
                                  GError **error);

GFile *weft_document_get_file (WeftDocument *self);
/* The file's name for titles (its display name). */
const char *weft_document_get_title (WeftDocument *self);
WeftModel *weft_document_get_model (WeftDocument *self);
/* The model's level-of-detail index (analyzer/weft-lod.h), built while
 * loading: what the timeline and the minimap draw from. Borrowed. */
WeftLod *weft_document_get_lod (WeftDocument *self);
/* The statistics of the whole trace (SPEC §5), verdict included. */
const WeftStats *weft_document_get_stats (WeftDocument *self);
const WeftDocumentFacts *weft_document_get_facts (WeftDocument *self);

/* The recording's metadata, keys in the file's order (NULL-terminated). */
const char *const *weft_document_get_metadata_keys (WeftDocument *self);
const char *weft_document_get_metadata (WeftDocument *self, const char *key);

/* Processes by pid. */
guint weft_document_get_n_processes (WeftDocument *self);
const WeftDocumentProcess *weft_document_get_process (WeftDocument *self, guint index);

/* NULL when intact; otherwise one line saying what could not be read. */
const char *weft_document_get_damage (WeftDocument *self);

G_END_DECLS
