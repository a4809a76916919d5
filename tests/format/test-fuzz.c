/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The fuzz entry point (fuzz-reader.c) over a deterministic corpus of
 * mutated traces: bit flips, interesting bytes, cuts, shifted ranges,
 * spliced files, and payload edits with the checksums fixed up so that
 * hostile events reach the decoder. Set WEFT_FUZZ_ITERATIONS for longer
 * runs, WEFT_FUZZ_DIR to also replay every file of a directory (a
 * libFuzzer corpus or crash files). The corpus is fuzz-corpus.h's, shared
 * with test-fuzz-analyzer.
 */
#include "fuzz-corpus.h"

#include "fuzz-reader.c"

static void
test_mutated_corpus (void)
{
  GPtrArray *corpus = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  fuzz_corpus_add_reader_seeds (corpus);
  fuzz_corpus_run (corpus, 0x5eed, fuzz_corpus_iterations (100000), LLVMFuzzerTestOneInput);
}

static void
test_replay_dir (void)
{
  fuzz_corpus_replay_dir (LLVMFuzzerTestOneInput);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weft/format/fuzz/mutated-corpus", test_mutated_corpus);
  g_test_add_func ("/weft/format/fuzz/replay-dir", test_replay_dir);
  return g_test_run ();
}
