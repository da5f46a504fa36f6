#!/bin/sh
# Builds the benchmark's C helpers into OUT_DIR (default .build/bench/limits):
#   OUT_DIR/limits          inotify rename-to-read and SQLite WAL commit floors (-lsqlite3)
#   OUT_DIR/instant-report  a stepd job that writes its success report at once
#                           (linked statically when the toolchain allows, else dynamically)
# Usage: bench/limits/build.sh [OUT_DIR]
set -eu
SRC="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-.build/bench/limits}"
CC="${CC:-gcc}"
CFLAGS="-O2 -Wall -Wextra -Wno-format-truncation"
mkdir -p "$OUT"
"$CC" $CFLAGS -pthread -o "$OUT/limits" "$SRC/limits.c" -lsqlite3 -lm
if ! "$CC" $CFLAGS -static -o "$OUT/instant-report" "$SRC/instant-report.c" 2>/dev/null; then
    "$CC" $CFLAGS -o "$OUT/instant-report" "$SRC/instant-report.c"
fi
echo "build: $OUT/limits $OUT/instant-report" >&2
