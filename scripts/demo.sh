#!/bin/sh
# make demo: start a private stepd, apply examples/async-job, run `main`, print its result.
set -eu
BIN=${1:?usage: demo.sh BIN_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stepd-demo.XXXXXX")
SOCKET="$WORK/stepd.sock"
export STEPD_SOCKET="$SOCKET"

"$BIN/stepd" --state-dir "$WORK/state" --socket "$SOCKET" --config "$WORK/no-config" 2>"$WORK/stepd.log" &
STEPD_PID=$!
cleanup() {
    kill "$STEPD_PID" 2>/dev/null || true
    wait "$STEPD_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# Wait for the daemon's "ready" line (tail -f follows the log through inotify).
if ! timeout 30 sh -c "tail -n +1 -f '$WORK/stepd.log' | grep -q -m1 ' ready'"; then
    echo "stepd did not become ready; its log:" >&2
    cat "$WORK/stepd.log" >&2
    exit 1
fi

echo "== stepctl apply -f examples/async-job" >&2
"$BIN/stepctl" apply -f "$ROOT/examples/async-job" >&2
echo "== stepctl start-execution --state-machine main --wait" >&2
status=0
"$BIN/stepctl" start-execution --state-machine main --input '{}' --wait || status=$?
if [ "$status" -ne 0 ]; then
    echo "main did not succeed; stepd's log:" >&2
    cat "$WORK/stepd.log" >&2
fi
exit "$status"
