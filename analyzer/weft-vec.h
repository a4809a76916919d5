/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-vec.h: the model's growable arrays. One realloc per doubling and an
 * inlined append, so building a 100 M-event model makes a few hundred
 * allocations rather than one per event. Private to the analyzer.
 */
#pragma once

#include <glib.h>
#include <string.h>

/* Declares a vector type NAME of elements TYPE. */
#define WEFT_VEC_DEFINE(NAME, TYPE)                                                    \
  typedef struct                                                                       \
  {                                                                                    \
    TYPE *data;                                                                        \
    gsize len;                                                                         \
    gsize cap;                                                                         \
  } NAME;                                                                              \
                                                                                       \
  static inline G_GNUC_UNUSED TYPE *NAME##_push (NAME *v)                              \
  {                                                                                    \
    if (G_UNLIKELY (v->len == v->cap))                                                 \
      {                                                                                \
        gsize cap = v->cap < 16 ? 16 : v->cap * 2;                                     \
        v->data = g_realloc_n (v->data, cap, sizeof (TYPE));                           \
        v->cap = cap;                                                                  \
      }                                                                                \
    return &v->data[v->len++];                                                         \
  }                                                                                    \
                                                                                       \
  static inline G_GNUC_UNUSED void NAME##_append (NAME *v, TYPE value)                 \
  {                                                                                    \
    *NAME##_push (v) = value;                                                          \
  }                                                                                    \
                                                                                       \
  /* Gives back the unused tail once the array is complete. */                         \
  static inline G_GNUC_UNUSED void NAME##_shrink (NAME *v)                             \
  {                                                                                    \
    if (v->len == 0)                                                                   \
      g_clear_pointer (&v->data, g_free);                                              \
    else if (v->cap > v->len)                                                          \
      v->data = g_realloc_n (v->data, v->len, sizeof (TYPE));                          \
    v->cap = v->len;                                                                   \
  }                                                                                    \
                                                                                       \
  static inline G_GNUC_UNUSED void NAME##_clear (NAME *v)                              \
  {                                                                                    \
    g_clear_pointer (&v->data, g_free);                                                \
    v->len = v->cap = 0;                                                               \
  }

WEFT_VEC_DEFINE (WeftVecU64, guint64)
WEFT_VEC_DEFINE (WeftVecU32, guint32)
WEFT_VEC_DEFINE (WeftVecF64, double)
