/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-builder-private.h: what weft-builder.c (output, streams, strings,
 * chunking) and weft-builder-events.c (the event encoders) share.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "weft-builder.h"

typedef struct
{
  char *str;
  size_t len;
  uint32_t hash;
  uint32_t id;  /* 0 = free slot */
  uint32_t gen; /* the chunk generation that last defined it */
} StringSlot;

typedef struct
{
  WeftStreamChunkHeader head; /* of the chunk being filled */
  uint8_t *buf;
  size_t len, cap;
  uint64_t last;      /* time of the previous event */
  int started;        /* an event was written (last is meaningful) */
  uint32_t gen;       /* bumps with every chunk, so strings get re-defined */
  StringSlot *strings; /* open addressing, power-of-two size */
  uint32_t n_strings, strings_cap;
} Stream;

/* The stream of a handle; NULL (and a sticky EINVAL) for a bad one. */
Stream *_weft_builder_stream_at (WeftBuilder *b, WeftBuilderStream s);

size_t _weft_builder_varint_size (uint64_t v);

/* Makes room for an event at t with fields bytes besides its kind, delta
 * and up to two string ids (new chunk when the cap would be passed,
 * STRING_DEFs this chunk lacks); the ids, or -1 on error. */
int _weft_builder_begin_event (WeftBuilder *b, Stream *s, uint64_t t, size_t fields,
                               const char *str1, const char *str2, uint32_t *id1, uint32_t *id2);
