/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-export-private.h: what the exporter's two passes share: the
 * buffered output, JSON string quoting, and a merge of several streams
 * into one time order (the events pass over threads, the ftrace pass over
 * CPUs).
 */
#pragma once

#include "weft-chrome-export.h"

G_BEGIN_DECLS

typedef struct
{
  WeftChromeWriteFunc write;
  gpointer user_data;
  GString *buf;
  GError *error; /* sticky: the first write failure */
} WeftChromeOut;

/* Hands the buffer to the sink when it is big (or always with force). */
gboolean _weft_chrome_out_flush (WeftChromeOut *out, gboolean force);
/* Appends s as a JSON string literal, repairing invalid UTF-8. */
void _weft_chrome_out_quote (GString *buf, const char *s);
/* Appends ns as microseconds with exactly three decimals. */
void _weft_chrome_out_us (GString *buf, guint64 ns);

typedef struct
{
  WeftReader *reader;
  guint n;               /* streams merged */
  guint *stream;         /* reader stream index, per merged stream */
  WeftStreamIter *iters;
  WeftEvent *head;       /* the next event of each */
  guint *heap;           /* merged stream numbers, earliest head first */
  guint heap_len;
} WeftChromeMerge;

void _weft_chrome_merge_init (WeftChromeMerge *m, WeftReader *reader, WeftStreamKind kind);
/* The next event in time order (ties: lower stream first); *which is the
 * merged stream number. FALSE when all are done. */
gboolean _weft_chrome_merge_next (WeftChromeMerge *m, guint *which, WeftEvent *event);
void _weft_chrome_merge_clear (WeftChromeMerge *m);

/* systemTraceEvents: the CPU streams as ftrace sched_switch text. names
 * maps tid to its thread name. Appends `,"systemTraceEvents":"…"` when
 * the trace has scheduler data. */
gboolean _weft_chrome_export_sched (WeftReader *reader, WeftChromeOut *out, GHashTable *names,
                                    guint64 start, guint64 end, GCancellable *cancellable);

G_END_DECLS
