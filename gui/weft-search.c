/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-search.h"

#include <string.h>

/* A stored match: 16 bytes, so a million of them is 16 MB. */
typedef struct
{
  guint64 start;
  guint32 thread;
  guint32 span;
} Stored;

struct _WeftSearchResult
{
  WeftModel *model;
  guint8 *mask;
  gsize n_bytes;
  guint64 count;
  Stored *stored; /* sorted; NULL past the limit */
  gsize n_stored;
};

static guint max_stored = WEFT_SEARCH_MAX_STORED;

void
_weft_search_set_max_stored (guint max)
{
  max_stored = max;
}

char *
weft_search_fold (const char *text)
{
  if (text == NULL || *text == '\0')
    return NULL;
  return g_utf8_casefold (text, -1);
}

static gboolean
is_ascii (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s >= 0x80)
      return FALSE;
  return TRUE;
}

gboolean
weft_search_name_matches (const char *name, const char *needle)
{
  g_autofree char *folded = NULL;

  if (name == NULL || needle == NULL)
    return FALSE;
  /* The common case, without allocating: both ASCII. */
  if (is_ascii (needle) && is_ascii (name))
    {
      gsize n = strlen (needle), len = strlen (name);

      for (gsize i = 0; i + n <= len; i++)
        {
          gsize k = 0;

          while (k < n && g_ascii_tolower (name[i + k]) == needle[k])
            k++;
          if (k == n)
            return TRUE;
        }
      return FALSE;
    }
  folded = g_utf8_casefold (name, -1);
  return strstr (folded, needle) != NULL;
}

guint8 *
weft_search_name_mask (WeftModel *model, const char *text, gsize *n_bytes)
{
  g_autofree char *needle = weft_search_fold (text);
  guint n = model != NULL ? weft_model_get_n_names (model) : 0;
  guint8 *mask;
  gboolean any = FALSE;

  *n_bytes = 0;
  if (needle == NULL || n == 0)
    return NULL;
  mask = g_new0 (guint8, (n + 7) / 8);
  /* id 0 is "": it never holds a non-empty needle */
  for (guint id = 1; id < n; id++)
    if (weft_search_name_matches (weft_model_get_name (model, id), needle))
      {
        mask[id / 8] |= (guint8) (1u << (id & 7));
        any = TRUE;
      }
  if (!any)
    {
      g_free (mask);
      return NULL;
    }
  *n_bytes = (n + 7) / 8;
  return mask;
}

static inline gboolean
in_mask (const WeftSearchResult *r, guint32 name)
{
  return name / 8 < r->n_bytes && (r->mask[name / 8] >> (name & 7)) & 1;
}

static int
stored_cmp (gconstpointer a, gconstpointer b)
{
  const Stored *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->thread != y->thread)
    return x->thread < y->thread ? -1 : 1;
  return x->span < y->span ? -1 : x->span > y->span;
}

WeftSearchResult *
weft_search_result_new (WeftModel *model, const guint8 *mask, gsize n_bytes,
                        GCancellable *cancellable)
{
  g_autoptr (WeftSearchResult) r = g_new0 (WeftSearchResult, 1);
  g_autoptr (GArray) stored = g_array_new (FALSE, FALSE, sizeof (Stored));
  gboolean storing = TRUE;
  guint64 checked = 0;

  g_return_val_if_fail (model != NULL, NULL);

  r->model = weft_model_ref (model);
  r->mask = mask != NULL ? g_memdup2 (mask, n_bytes) : NULL;
  r->n_bytes = mask != NULL ? n_bytes : 0;
  if (r->n_bytes == 0)
    return g_steal_pointer (&r);

  for (guint t = 0; t < weft_model_get_n_threads (model); t++)
    {
      const WeftModelThread *thread = weft_model_get_thread (model, t);

      for (guint64 i = 0; i < thread->n_spans; i++)
        {
          if ((++checked & 0xfffff) == 0 && g_cancellable_is_cancelled (cancellable))
            return NULL;
          if (!in_mask (r, thread->spans[i].name))
            continue;
          r->count++;
          if (storing && (stored->len >= max_stored || i > G_MAXUINT32))
            {
              storing = FALSE;
              g_array_set_size (stored, 0);
            }
          if (storing)
            {
              Stored s = { thread->spans[i].start, t, (guint32) i };

              g_array_append_val (stored, s);
            }
        }
    }
  if (storing)
    {
      g_array_sort (stored, stored_cmp);
      r->n_stored = stored->len;
      r->stored = (Stored *) (gpointer) g_array_free (g_steal_pointer (&stored), FALSE);
    }
  return g_steal_pointer (&r);
}

void
weft_search_result_free (WeftSearchResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->model, weft_model_unref);
  g_free (result->mask);
  g_free (result->stored);
  g_free (result);
}

guint64
weft_search_result_get_count (WeftSearchResult *result)
{
  g_return_val_if_fail (result != NULL, 0);
  return result->count;
}

gboolean
weft_search_result_is_indexed (WeftSearchResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return result->stored != NULL || result->count == 0;
}

static void
fill (WeftSearchResult *r, guint32 thread, guint64 span, WeftSearchMatch *out)
{
  const WeftModelSpan *s = &weft_model_get_thread (r->model, thread)->spans[span];

  out->start = s->start;
  out->end = s->end;
  out->span = span;
  out->thread = thread;
  out->depth = WEFT_MODEL_SPAN_DEPTH (s);
}

/* (start, thread, span) of a against b. */
static int
key_cmp (guint64 start, guint32 thread, guint64 span, const WeftSearchMatch *b)
{
  if (start != b->start)
    return start < b->start ? -1 : 1;
  if (thread != b->thread)
    return thread < b->thread ? -1 : 1;
  return span < b->span ? -1 : span > b->span;
}

/* The first index of thread's spans starting at or after t (n_spans if
 * none): spans are sorted by start. */
static guint64
lower_bound (const WeftModelThread *thread, guint64 t)
{
  guint64 lo = 0, hi = thread->n_spans;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (thread->spans[mid].start < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Without stored matches: every thread from the key on, each scan
 * stopping where it cannot beat the best found so far. inclusive: a match
 * equal to key counts. */
static gboolean
scan_next (WeftSearchResult *r, const WeftSearchMatch *key, gboolean inclusive,
           WeftSearchMatch *out)
{
  gboolean found = FALSE;

  for (guint t = 0; t < weft_model_get_n_threads (r->model); t++)
    {
      const WeftModelThread *thread = weft_model_get_thread (r->model, t);

      for (guint64 i = lower_bound (thread, key->start); i < thread->n_spans; i++)
        {
          const WeftModelSpan *s = &thread->spans[i];
          int c = key_cmp (s->start, t, i, key);

          if (found && key_cmp (s->start, t, i, out) >= 0)
            break;
          if (c < 0 || (c == 0 && !inclusive) || !in_mask (r, s->name))
            continue;
          fill (r, t, i, out);
          found = TRUE;
          break;
        }
    }
  return found;
}

static gboolean
scan_previous (WeftSearchResult *r, const WeftSearchMatch *key, WeftSearchMatch *out)
{
  gboolean found = FALSE;

  for (guint t = 0; t < weft_model_get_n_threads (r->model); t++)
    {
      const WeftModelThread *thread = weft_model_get_thread (r->model, t);
      guint64 i = key->start == G_MAXUINT64 ? thread->n_spans : lower_bound (thread, key->start + 1);

      while (i-- > 0)
        {
          const WeftModelSpan *s = &thread->spans[i];

          if (found && key_cmp (s->start, t, i, out) <= 0)
            break;
          if (key_cmp (s->start, t, i, key) >= 0 || !in_mask (r, s->name))
            continue;
          fill (r, t, i, out);
          found = TRUE;
          break;
        }
    }
  return found;
}

/* The first stored index whose key is > key (or >= when inclusive). */
static gsize
stored_upper (WeftSearchResult *r, const WeftSearchMatch *key, gboolean inclusive)
{
  gsize lo = 0, hi = r->n_stored;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      const Stored *s = &r->stored[mid];
      int c = key_cmp (s->start, s->thread, s->span, key);

      if (c < 0 || (c == 0 && !inclusive))
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static gboolean
next_from (WeftSearchResult *r, const WeftSearchMatch *key, gboolean inclusive,
           WeftSearchMatch *out)
{
  gsize i;

  if (r->count == 0)
    return FALSE;
  if (r->stored == NULL)
    return scan_next (r, key, inclusive, out);
  i = stored_upper (r, key, inclusive);
  if (i >= r->n_stored)
    return FALSE;
  fill (r, r->stored[i].thread, r->stored[i].span, out);
  return TRUE;
}

gboolean
weft_search_result_next (WeftSearchResult *result, const WeftSearchMatch *after,
                         WeftSearchMatch *out)
{
  WeftSearchMatch first = { 0 };

  g_return_val_if_fail (result != NULL && out != NULL, FALSE);
  if (after == NULL)
    return next_from (result, &first, TRUE, out);
  return next_from (result, after, FALSE, out);
}

gboolean
weft_search_result_first_from (WeftSearchResult *result, guint64 t, WeftSearchMatch *out)
{
  WeftSearchMatch key = { .start = t };

  g_return_val_if_fail (result != NULL && out != NULL, FALSE);
  return next_from (result, &key, TRUE, out);
}

gboolean
weft_search_result_previous (WeftSearchResult *result, const WeftSearchMatch *before,
                             WeftSearchMatch *out)
{
  WeftSearchMatch last = { G_MAXUINT64, G_MAXUINT64, G_MAXUINT64, G_MAXUINT32, 0 };
  gsize i;

  g_return_val_if_fail (result != NULL && out != NULL, FALSE);
  if (result->count == 0)
    return FALSE;
  if (before == NULL)
    before = &last;
  if (result->stored == NULL)
    return scan_previous (result, before, out);
  /* the last stored key < before */
  i = stored_upper (result, before, TRUE);
  if (i == 0)
    return FALSE;
  fill (result, result->stored[i - 1].thread, result->stored[i - 1].span, out);
  return TRUE;
}

gboolean
weft_search_result_rank (WeftSearchResult *result, const WeftSearchMatch *match, guint64 *rank)
{
  gsize i;

  g_return_val_if_fail (result != NULL && match != NULL, FALSE);
  if (result->stored == NULL)
    return FALSE;
  i = stored_upper (result, match, TRUE);
  if (i >= result->n_stored
      || key_cmp (result->stored[i].start, result->stored[i].thread, result->stored[i].span, match)
             != 0)
    return FALSE;
  *rank = i;
  return TRUE;
}
