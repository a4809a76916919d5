/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-reader-damage.c: what a reader could not read, recorded as it is
 * found (by the chunk walk, the chunk contents and iterators, on any
 * thread) and summed up in the one line weft_reader_get_damage() gives.
 */
#include "weft-reader-private.h"

#include <string.h>

static char *
format_bytes (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *s = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

void
_weft_reader_damage_summarise (WeftReader *reader)
{
  GString *s = g_string_new (NULL);
  guint n_chunk = 0;
  const WeftReaderDamage *first_chunk = NULL;

  for (guint i = 0; i < reader->damage->len; i++)
    {
      const WeftReaderDamage *d = &g_array_index (reader->damage, WeftReaderDamage, i);
      if (d->chunk)
        {
          n_chunk++;
          if (first_chunk == NULL)
            first_chunk = d;
        }
    }
  if (first_chunk != NULL)
    {
      g_autofree char *bytes = format_bytes (reader->damaged_bytes);
      g_string_append_printf (s, "%u of %u chunks damaged (%s bytes): %s", n_chunk,
                              n_chunk + reader->n_chunks, bytes, first_chunk->reason);
      if (n_chunk > 1)
        g_string_append_printf (s, " (and %u more)", n_chunk - 1);
    }
  for (guint i = 0; i < reader->damage->len; i++)
    {
      const WeftReaderDamage *d = &g_array_index (reader->damage, WeftReaderDamage, i);
      if (d->chunk)
        continue;
      if (s->len > 0)
        g_string_append (s, "; ");
      g_string_append (s, d->reason);
    }
  if (reader->damage_text != NULL)
    g_ptr_array_add (reader->old_texts, reader->damage_text);
  reader->damage_text = g_string_free (s, FALSE);
}

void
_weft_reader_add_damage (WeftReader *reader, guint64 offset, guint64 bytes, gboolean chunk,
                         const char *format, ...)
{
  WeftReaderDamage d = { offset, bytes, chunk, NULL };
  va_list args;

  pthread_mutex_lock (&reader->lock);
  /* An iterator run twice over one bad chunk reports it once. Walk damage
   * has distinct offsets; only iteration passes a repeatable offset. */
  if (g_hash_table_contains (reader->damaged_at, &d.offset)
      || reader->damage->len >= 1000 /* enough to say what happened */)
    {
      pthread_mutex_unlock (&reader->lock);
      return;
    }
  g_hash_table_add (reader->damaged_at, g_memdup2 (&d.offset, sizeof d.offset));
  va_start (args, format);
  d.reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (reader->damage, d);
  reader->damaged_bytes += bytes;
  _weft_reader_damage_summarise (reader);
  pthread_mutex_unlock (&reader->lock);
}

const char *
weft_reader_get_damage (WeftReader *reader)
{
  const char *text;

  g_return_val_if_fail (reader != NULL, NULL);
  pthread_mutex_lock (&reader->lock);
  text = reader->damage_text;
  pthread_mutex_unlock (&reader->lock);
  return text;
}

guint64
weft_reader_get_damaged_bytes (WeftReader *reader)
{
  guint64 n;

  g_return_val_if_fail (reader != NULL, 0);
  pthread_mutex_lock (&reader->lock);
  n = reader->damaged_bytes;
  pthread_mutex_unlock (&reader->lock);
  return n;
}
