/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * stats-util.h: synthetic traces for the analyzer tests. Events are given
 * in trace-relative ns; T0 is added so that time zero is not zero on disk.
 */
#pragma once

#include <stdlib.h>

#include "weft-builder.h"
#include "weft-model.h"
#include "weft-reader.h"
#include "weft-stats.h"

#define T0 G_GUINT64_CONSTANT (5000000000)

static inline WeftReader *
stats_util_open (WeftBuilder *b)
{
  g_autoptr (GError) error = NULL;
  uint8_t *data;
  size_t size;
  g_autoptr (GBytes) bytes = NULL;
  WeftReader *reader;

  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);
  bytes = g_bytes_new_with_free_func (data, size, free, data);
  reader = weft_reader_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reader);
  return reader;
}

/* Finishes b and builds its model. */
static inline WeftModel *
stats_util_model (WeftBuilder *b)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = stats_util_open (b);
  WeftModel *model = weft_model_new (reader, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static inline const WeftStatsThread *
stats_util_thread (const WeftStats *st, guint32 tid)
{
  for (guint i = 0; i < st->n_threads; i++)
    if (st->threads[i].tid == tid)
      return &st->threads[i];
  g_error ("no thread %u in the statistics", tid);
  return NULL;
}

static inline const WeftStatsSpan *
stats_util_span (const WeftStats *st, const char *name)
{
  for (guint i = 0; i < st->n_spans; i++)
    if (g_strcmp0 (st->spans[i].name, name) == 0)
      return &st->spans[i];
  g_error ("no span %s in the statistics", name);
  return NULL;
}

static inline const WeftStatsTask *
stats_util_task (const WeftStats *st, const char *name)
{
  for (guint i = 0; i < st->n_tasks; i++)
    if (g_strcmp0 (st->tasks[i].name, name) == 0)
      return &st->tasks[i];
  g_error ("no task %s in the statistics", name);
  return NULL;
}

static inline guint
stats_util_model_thread (WeftModel *model, guint32 tid)
{
  for (guint i = 0; i < weft_model_get_n_threads (model); i++)
    if (weft_model_get_thread (model, i)->tid == tid)
      return i;
  g_error ("no thread %u in the model", tid);
  return 0;
}

/* Switch on CPU stream c at relative time t. */
#define SW(c, t, prev, state, next) \
  weft_builder_switch (b, (c), T0 + (t), (prev), WEFT_SWITCH_##state, (next))
