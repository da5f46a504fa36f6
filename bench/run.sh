#!/bin/sh
# make bench [QUICK=1]: stepd (release build) against the physical limits and a peer, in one run.
# Prints a progress line per row on stderr, the table on stdout, and writes
# bench/results/latest.json.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
QUICK=${QUICK:-}
SCRATCH="$ROOT/.build-release"
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
# The scratch folder must be on the disk stepd's database would use, not a tmpfs: the
# commit figures depend on it.
WORK=$(mktemp -d "$ROOT/.build-bench-work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
RAW="$WORK/rows.jsonl"
: > "$RAW"

say() { echo "bench: $*" >&2; }

say "building release binaries"
swift build -c release --scratch-path "$SCRATCH" >&2
BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)
sh bench/limits/build.sh "$ROOT/.build/bench/limits" >&2
PYTHON=$(sh bench/peer/setup.sh "$ROOT/.build/bench-venv")

if [ -n "$QUICK" ]; then
    LIMIT_ARGS="--samples 1000 --sqlite-samples 200"
    PEER_ARGS="--executions 200 --concurrency 4 --samples 30"
    BASELINE_ARGS="--samples 5"
    BENCH_ARGS="--quick"
else
    LIMIT_ARGS="--samples 10000 --sqlite-samples 2000"
    PEER_ARGS="--executions 2000 --concurrency 4 --samples 200"
    BASELINE_ARGS="--samples 50"
    BENCH_ARGS=""
fi

say "row limits (inotify rename-to-read, SQLite WAL commit with synchronous=FULL, Unix socket request)"
mkdir -p "$WORK/limits"
"$ROOT/.build/bench/limits/limits" all --dir "$WORK/limits" $LIMIT_ARGS >> "$RAW"

"$BIN/stepd-bench" --bin-dir "$BIN" --repo "$ROOT" --instant-job "$ROOT/.build/bench/limits/instant-report" \
    --work-dir "$WORK/stepd" $BENCH_ARGS >> "$RAW"

say "row peer (moto's Step Functions interpreter)"
"$PYTHON" bench/peer/moto_bench.py all $PEER_ARGS >> "$RAW"

say "row polling baseline (a 1-second loop)"
mkdir -p "$WORK/baseline"
python3 bench/peer/polling_baseline.py --dir "$WORK/baseline" $BASELINE_ARGS >> "$RAW"

python3 bench/report.py "$RAW" "$RESULTS/latest.json" ${QUICK:+--quick}
