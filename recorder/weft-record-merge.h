/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-merge.h: brings what libweft wrote in the traced processes
 * into `weft record`'s output.
 *
 * The traced processes send their pools to `weft record`
 * (weft-record-pools.h); one that cannot reach the session socket runs
 * libweft standalone on WEFT_TRACE, a private file that every such
 * process appends whole chunks to, and this copies every intact chunk of
 * it (streams, clock pairs, metadata) into the output when the command
 * is over.
 */
#pragma once

#include <stdint.h>

#include "weft-builder.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct
{
  uint64_t chunks;        /* copied */
  uint64_t stream_chunks; /* of which STREAM chunks */
  uint64_t damaged_bytes; /* skipped: bad framing or checksum */
} WeftMergeStats;

/* Copies the intact chunks of the trace file at path (a missing or empty
 * file is no error: nothing was recorded there). Returns 0, or -1 with
 * errno when the file cannot be read. */
int weft_record_merge_file (WeftBuilder *builder, const char *path, WeftMergeStats *stats);

#ifdef __cplusplus
}
#endif
