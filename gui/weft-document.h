/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-document.h: one opened trace, as the viewer holds it: the file,
 * its reader, and the facts worked out while loading (bounds, counts,
 * processes, what was lost). Loading runs in a worker thread, reports its
 * progress on the caller's main context and can be cancelled.
 *
 * A damaged file that still has intact chunks loads: the document keeps
 * what could be read and weft_document_get_damage() says what was lost.
 */
#pragma once

#include <gio/gio.h>

#include "weft-reader.h"

G_BEGIN_DECLS

#define WEFT_TYPE_DOCUMENT (weft_document_get_type ())
G_DECLARE_FINAL_TYPE (WeftDocument, weft_document, WEFT, DOCUMENT, GObject)

typedef struct
{
  guint64 time_zero;    /* the first event, CLOCK_MONOTONIC ns */
  guint64 duration;     /* from the first event to the last, ns */
  guint64 n_events;     /* events, not counting names and lost-event notes */
  guint64 lost_events;  /* events the recorder counted as lost */
  guint n_processes;
  guint n_threads;
  guint n_cpu_streams;  /* streams of scheduler switches, one per CPU */
} WeftDocumentFacts;

typedef struct
{
  guint32 pid;
  const char *name;     /* "" when the trace never named it */
  guint n_threads;
  guint64 n_events;
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

/* The same, blocking the calling thread (which receives the progress). */
WeftDocument *weft_document_load (GFile *file,
                                  GCancellable *cancellable,
                                  WeftDocumentProgress progress,
                                  gpointer progress_data,
                                  GError **error);

GFile *weft_document_get_file (WeftDocument *self);
/* The file's name for titles (its display name). */
const char *weft_document_get_title (WeftDocument *self);
WeftReader *weft_document_get_reader (WeftDocument *self);
const WeftDocumentFacts *weft_document_get_facts (WeftDocument *self);

/* Processes by pid. */
guint weft_document_get_n_processes (WeftDocument *self);
const WeftDocumentProcess *weft_document_get_process (WeftDocument *self, guint index);

/* NULL when intact; otherwise one line saying what could not be read. */
const char *weft_document_get_damage (WeftDocument *self);

G_END_DECLS
