#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds a small program outside the project against the uninstalled
# weft.pc, as a user would, runs it with WEFT_TRACE and checks the trace.
# Usage: test-pkgconfig.sh CC BUILDDIR WEFT
set -eu
cc=$1 builddir=$2 weft=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/weft-pkgconfig-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/prog.c" <<'PROG'
#include <weft.h>

int
main (void)
{
  weft_span_begin ("pkg-config");
  weft_counter ("answer", 42);
  weft_span_end ();
  return 0;
}
PROG

flags=$(PKG_CONFIG_PATH="$builddir/meson-uninstalled" pkg-config --cflags --libs weft)
echo "pkg-config --cflags --libs weft: $flags"
# shellcheck disable=SC2086
"$cc" -o "$tmp/prog" "$tmp/prog.c" $flags
LD_LIBRARY_PATH="$builddir/recorder" WEFT_TRACE="$tmp/t.weft" "$tmp/prog"
"$weft" dump "$tmp/t.weft" > "$tmp/dump.txt"
cat "$tmp/dump.txt"
grep -q 'span-begin *name="pkg-config"' "$tmp/dump.txt"
grep -q 'counter *name="answer" value=42' "$tmp/dump.txt"
grep -q 'span-end' "$tmp/dump.txt"
echo "ok"
