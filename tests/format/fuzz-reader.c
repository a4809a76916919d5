/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * fuzz-reader.c: one input through everything the reader does: open,
 * metadata, every stream's events, strings, damage and clock conversion.
 * Built as a libFuzzer target when the compiler is clang
 * (`_build/tests/format/fuzz-reader CORPUS_DIR`), and run by test-fuzz
 * over a corpus of mutated traces in every build.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "weft-reader.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (WeftReader) reader = weft_reader_new_from_bytes (bytes, &error);
  const char *const *keys;
  gsize touched = 0;

  if (reader == NULL)
    {
      /* Errors are one line. */
      if (error == NULL || strchr (error->message, '\n') != NULL)
        __builtin_trap ();
      return 0;
    }
  for (keys = weft_reader_get_metadata_keys (reader); *keys != NULL; keys++)
    touched += strlen (weft_reader_get_metadata (reader, *keys));
  for (guint i = 0; i < weft_reader_get_n_streams (reader); i++)
    {
      WeftStreamIter iter;
      WeftEvent ev;
      guint64 last = 0;

      weft_stream_iter_init (&iter, reader, i);
      while (weft_stream_iter_next (&iter, &ev))
        {
          /* Times never go back; every returned string id resolves. */
          if (ev.time < last)
            __builtin_trap ();
          last = ev.time;
          touched += strlen (weft_reader_get_string (reader, ev.name));
          touched += strlen (weft_reader_get_string (reader, ev.args));
        }
    }
  if (weft_reader_get_damage (reader) != NULL)
    touched += strlen (weft_reader_get_damage (reader));
  touched += (gsize) weft_reader_tsc_to_ns (reader, touched);
  (void) touched;
  return 0;
}
