/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-vec.h: the model's growable arrays. One realloc per doubling and an
 * inlined append, so building a 100 M-event model makes a few hundred
 * allocations rather than one per event.
 *
 * Big arrays also fault their pages in ahead of the appends, 256 KiB at a
 * time (MADV_POPULATE_WRITE): one page fault per 4 KiB was a quarter of a
 * 100 M-event load, and the kernel fills a range for about 60 % of that
 * (the zeroed lines are still in cache when the appends reach them).
 * Pages are prepared at most WEFT_VEC_AHEAD bytes past the length, so the
 * resident memory stays the length's. Private to the analyzer.
 */
#pragma once

#include <glib.h>
#include <string.h>
#include <sys/mman.h>

/* Arrays smaller than this fault as usual: the system call would cost more
 * than it saves. */
#define WEFT_VEC_AHEAD_MIN ((gsize) 256 << 10)
/* Bytes prepared ahead of an array's length. */
#define WEFT_VEC_AHEAD ((gsize) 256 << 10)

/* Faults in the pages of data's bytes [from, to) that are not yet there
 * (the kernel fills them without a trap per page). Harmless when it
 * fails: the pages then fault as usual. */
static inline G_GNUC_UNUSED void
weft_vec_populate (gpointer data, gsize from, gsize to)
{
#ifdef MADV_POPULATE_WRITE
  const guintptr page = 4096;
  guintptr start = ((guintptr) data + from) & ~(page - 1);
  guintptr end = ((guintptr) data + to + page - 1) & ~(page - 1);

  /* Only whole pages of the array: the first and last may be shared with
   * the allocator's other memory, which populating would not harm, but
   * staying inside keeps the call's range obviously ours. */
  if (start < (guintptr) data)
    start += page;
  if (end > (guintptr) data + to)
    end -= page;
  if (end > start)
    madvise ((void *) start, end - start, MADV_POPULATE_WRITE);
#endif
}

/* The number of elements (of size bytes) of an array of cap elements that
 * may be written without a page fault once len are: prepares the next
 * WEFT_VEC_AHEAD bytes. */
static inline G_GNUC_UNUSED gsize
weft_vec_prepare (gpointer data, gsize len, gsize cap, gsize size)
{
  gsize ready;

  if (cap * size < WEFT_VEC_AHEAD_MIN)
    return cap;
  ready = MIN (cap, len + MAX (WEFT_VEC_AHEAD / size, 1));
  weft_vec_populate (data, len * size, ready * size);
  return ready;
}

/* g_malloc_n for a big array that is written whole right away: its pages
 * are faulted in with one system call. */
static inline G_GNUC_UNUSED gpointer
weft_vec_alloc (gsize n, gsize size)
{
  gpointer data = g_malloc_n (n, size);

  if (n * size >= WEFT_VEC_AHEAD_MIN)
    weft_vec_populate (data, 0, n * size);
  return data;
}

/* Declares a vector type NAME of elements TYPE. Zero-initialised is
 * empty. */
#define WEFT_VEC_DEFINE(NAME, TYPE)                                                    \
  typedef struct                                                                       \
  {                                                                                    \
    TYPE *data;                                                                        \
    gsize len;                                                                         \
    gsize cap;                                                                         \
    gsize ready; /* len <= ready <= cap: elements whose pages are there */             \
  } NAME;                                                                              \
                                                                                       \
  static G_NO_INLINE G_GNUC_UNUSED void NAME##_grow (NAME *v)                          \
  {                                                                                    \
    if (v->len == v->cap)                                                              \
      {                                                                                \
        gsize cap = v->cap < 16 ? 16 : v->cap * 2;                                     \
        v->data = g_realloc_n (v->data, cap, sizeof (TYPE));                           \
        v->cap = cap;                                                                  \
      }                                                                                \
    v->ready = weft_vec_prepare (v->data, v->len, v->cap, sizeof (TYPE));              \
  }                                                                                    \
                                                                                       \
  static inline G_GNUC_UNUSED TYPE *NAME##_push (NAME *v)                              \
  {                                                                                    \
    if (G_UNLIKELY (v->len >= v->ready))                                               \
      NAME##_grow (v);                                                                 \
    return &v->data[v->len++];                                                         \
  }                                                                                    \
                                                                                       \
  static inline G_GNUC_UNUSED void NAME##_append (NAME *v, TYPE value)                 \
  {                                                                                    \
    *NAME##_push (v) = value;                                                          \
  }                                                                                    \
                                                                                       \
  /* Room for n elements in all, allocated once (a count known ahead). */              \
  static G_GNUC_UNUSED void NAME##_reserve (NAME *v, gsize n)                          \
  {                                                                                    \
    if (n <= v->cap)                                                                   \
      return;                                                                          \
    v->data = g_realloc_n (v->data, n, sizeof (TYPE));                                 \
    v->cap = n;                                                                        \
    v->ready = MIN (v->ready, v->len);                                                 \
  }                                                                                    \
                                                                                       \
  /* Gives back the unused tail once the array is complete. */                         \
  static inline G_GNUC_UNUSED void NAME##_shrink (NAME *v)                             \
  {                                                                                    \
    if (v->len == 0)                                                                   \
      g_clear_pointer (&v->data, g_free);                                              \
    else if (v->cap > v->len)                                                          \
      v->data = g_realloc_n (v->data, v->len, sizeof (TYPE));                          \
    v->cap = v->ready = v->len;                                                        \
  }                                                                                    \
                                                                                       \
  static inline G_GNUC_UNUSED void NAME##_clear (NAME *v)                              \
  {                                                                                    \
    g_clear_pointer (&v->data, g_free);                                                \
    v->len = v->cap = v->ready = 0;                                                    \
  }

WEFT_VEC_DEFINE (WeftVecU64, guint64)
WEFT_VEC_DEFINE (WeftVecU32, guint32)
WEFT_VEC_DEFINE (WeftVecF64, double)
