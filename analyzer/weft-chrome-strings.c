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
append_id (WeftChromeStrings *s, const char *str, guint32 len, guint32 hash)
{
  g_array_append_val (s->strs, str);
  g_array_append_val (s->lens, len);
  g_array_append_val (s->hashes, hash);
}

void
_weft_chrome_strings_init (WeftChromeStrings *s)
{
  static const char empty[] = "";

  memset (s, 0, sizeof *s);
  s->blocks = g_ptr_array_new_with_free_func (g_free);
  s->strs = g_array_new (FALSE, FALSE, sizeof (const char *));
  s->lens = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->hashes = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->mask = 1023;
  s->slots = g_new0 (guint32, s->mask + 1);
  append_id (s, empty, 0, hash_bytes ("", 0));
}

void
_weft_chrome_strings_clear (WeftChromeStrings *s)
{
  g_clear_pointer (&s->blocks, g_ptr_array_unref);
  if (s->strs != NULL)
    g_array_unref (s->strs);
  if (s->lens != NULL)
    g_array_unref (s->lens);
  if (s->hashes != NULL)
    g_array_unref (s->hashes);
  s->strs = s->lens = s->hashes = NULL;
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
  guint32 *slots = g_new0 (guint32, (gsize) mask + 1);

  for (guint32 id = 1; id < s->strs->len; id++)
    {
      guint32 i = g_array_index (s->hashes, guint32, id) & mask;

      while (slots[i] != 0)
        i = (i + 1) & mask;
      slots[i] = id;
    }
  g_free (s->slots);
  s->slots = slots;
  s->mask = mask;
}

static gboolean
is_ascii (const char *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) p[i] >= 0x80)
      return FALSE;
  return TRUE;
}

guint32
_weft_chrome_strings_intern (WeftChromeStrings *s, const char *str, gsize len, gsize max_len)
{
  g_autofree char *fixed = NULL;
  guint32 hash, i, id;

  if (len > max_len)
    {
      const char *cut = str + max_len;

      /* back up to a character boundary so the cut stays valid UTF-8 */
      while (cut > str && ((guchar) *cut & 0xc0) == 0x80)
        cut--;
      len = (gsize) (cut - str);
    }
  if (!is_ascii (str, len) && !g_utf8_validate_len (str, len, NULL))
    {
      fixed = g_utf8_make_valid (str, (gssize) len);
      str = fixed;
      len = strlen (fixed);
    }
  if (len == 0)
    return 0;
  hash = hash_bytes (str, len);
  for (i = hash & s->mask; (id = s->slots[i]) != 0; i = (i + 1) & s->mask)
    if (g_array_index (s->hashes, guint32, id) == hash
        && g_array_index (s->lens, guint32, id) == len
        && memcmp (g_array_index (s->strs, const char *, id), str, len) == 0)
      return id;

  id = s->strs->len;
  append_id (s, arena_copy (s, str, len), (guint32) len, hash);
  s->slots[i] = id;
  if ((gsize) id * 2 > s->mask)
    grow (s);
  return id;
}
