/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-strings.c: the importer's string table. Names repeat
 * millions of times in a trace, so each is stored once in an arena and
 * found again through an open-addressing hash; invalid UTF-8 is repaired
 * once, when a string is first seen.
 */
#include "weft-chrome-import-private.h"

#include <string.h>

#define BLOCK_SIZE (1024 * 1024)

static guint32
hash_bytes (const char *p, gsize len)
{
  guint64 h = 0x9e3779b97f4a7c15u ^ len;

  while (len >= 8)
    {
      guint64 w;

      memcpy (&w, p, 8);
      h = (h ^ w) * 0xff51afd7ed558ccdu;
      h ^= h >> 29;
      p += 8;
      len -= 8;
    }
  if (len > 0)
    {
      guint64 w = 0;

      memcpy (&w, p, len);
      h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
    }
  h ^= h >> 32;
  return (guint32) h;
}

static void
append_id (WeftChromeStrings *s, const char *str, guint32 len, guint32 hash, gboolean interned)
{
  WeftChromeString entry = { str, len, hash, interned };

  g_array_append_val (s->strs, entry);
  if (interned)
    s->n_interned++;
}

void
_weft_chrome_strings_init (WeftChromeStrings *s)
{
  static const char empty[] = "";

  memset (s, 0, sizeof *s);
  s->blocks = g_ptr_array_new_with_free_func (g_free);
  s->strs = g_array_new (FALSE, FALSE, sizeof (WeftChromeString));
  s->mask = 1023;
  s->slots = g_new0 (WeftChromeSlot, s->mask + 1);
  append_id (s, empty, 0, hash_bytes ("", 0), FALSE);
}

void
_weft_chrome_strings_clear (WeftChromeStrings *s)
{
  g_clear_pointer (&s->blocks, g_ptr_array_unref);
  g_clear_pointer (&s->strs, g_array_unref);
  g_clear_pointer (&s->slots, g_free);
}

static char *
arena_copy (WeftChromeStrings *s, const char *str, gsize len)
{
  char *out;

  if (len + 1 > s->cur_left)
    {
      gsize size = MAX (BLOCK_SIZE, len + 1);

      s->cur = g_malloc (size);
      s->cur_left = size;
      g_ptr_array_add (s->blocks, s->cur);
    }
  out = s->cur;
  memcpy (out, str, len);
  out[len] = '\0';
  s->cur += len + 1;
  s->cur_left -= len + 1;
  s->bytes += len + 1;
  return out;
}

static void
grow (WeftChromeStrings *s)
{
  guint32 mask = s->mask * 2 + 1;
  WeftChromeSlot *slots = g_new0 (WeftChromeSlot, (gsize) mask + 1);

  for (guint32 id = 1; id < s->strs->len; id++)
    {
      const WeftChromeString *e = &g_array_index (s->strs, WeftChromeString, id);
      guint32 hash = e->hash, i = hash & mask;

      if (!e->interned)
        continue;

      while (slots[i].id != 0)
        i = (i + 1) & mask;
      slots[i].hash = hash;
      slots[i].id = id;
    }
  g_free (s->slots);
  s->slots = slots;
  s->mask = mask;
}

static gboolean
is_ascii (const char *p, gsize len)
{
  guint64 bits = 0;
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 w;

      memcpy (&w, p + i, 8);
      bits |= w;
    }
  for (; i < len; i++)
    bits |= (guchar) p[i];
  return (bits & G_GUINT64_CONSTANT (0x8080808080808080)) == 0;
}

/* Cuts str to max_len on a character boundary and repairs its UTF-8;
 * *fixed holds the repaired copy when one was needed. */
static const char *
clean (const char *str, gsize *len, gsize max_len, char **fixed)
{
  if (*len > max_len)
    {
      const char *cut = str + max_len;

      while (cut > str && ((guchar) *cut & 0xc0) == 0x80)
        cut--;
      *len = (gsize) (cut - str);
    }
  if (!is_ascii (str, *len) && !g_utf8_validate_len (str, *len, NULL))
    {
      *fixed = g_utf8_make_valid (str, (gssize) *len);
      *len = strlen (*fixed);
      return *fixed;
    }
  return str;
}

guint32
_weft_chrome_strings_add (WeftChromeStrings *s, const char *str, gsize len, gsize max_len)
{
  g_autofree char *fixed = NULL;
  guint32 id;

  str = clean (str, &len, max_len, &fixed);
  if (len == 0)
    return 0;
  id = s->strs->len;
  append_id (s, arena_copy (s, str, len), (guint32) len, 0, FALSE);
  return id;
}

guint32
_weft_chrome_strings_intern (WeftChromeStrings *s, const char *str, gsize len, gsize max_len)
{
  g_autofree char *fixed = NULL;
  guint32 hash, i, id;

  str = clean (str, &len, max_len, &fixed);
  if (len == 0)
    return 0;
  hash = hash_bytes (str, len);
  for (i = hash & s->mask; (id = s->slots[i].id) != 0; i = (i + 1) & s->mask)
    if (s->slots[i].hash == hash)
      {
        const WeftChromeString *e = &g_array_index (s->strs, WeftChromeString, id);

        if (e->len == len && memcmp (e->str, str, len) == 0)
          return id;
      }

  id = s->strs->len;
  append_id (s, arena_copy (s, str, len), (guint32) len, hash, TRUE);
  s->slots[i].hash = hash;
  s->slots[i].id = id;
  if ((gsize) s->n_interned * 2 > s->mask)
    grow (s);
  return id;
}
