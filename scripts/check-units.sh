#!/bin/sh
# make check-units: the unit files as `make install` writes them, checked offline.
#   systemd-analyze verify    must print nothing (no warning at all)
#   systemd-analyze security  prints the exposure level of stepd.service (README records it;
#                             fails at MAX_EXPOSURE or above, default 1.5: a little above what the unit rates now, so that
#                             a lost hardening line fails)
# ExecStart= must name an executable that exists, so the units are checked with BINDIR set
# to a folder that holds the built stepd (BIN_DIR, default: the debug build's).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$(cd "$ROOT" && swift build --show-bin-path)}
MAX_EXPOSURE=${MAX_EXPOSURE:-1.5}
command -v systemd-analyze >/dev/null || { echo "check-units: systemd-analyze is missing (Debian package systemd)" >&2; exit 2; }
[ -x "$BIN/stepd" ] || { echo "check-units: $BIN/stepd is missing: build first" >&2; exit 2; }
BIN=$(cd "$BIN" && pwd)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stepd-check-units.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
for unit in stepd.socket stepd.service; do
    sed "s|/usr/local/bin/|$BIN/|g" "$ROOT/systemd/$unit" > "$WORK/$unit"
done

status=0
# --man=no: the units name no man page to look for.
if systemd-analyze verify --man=no "$WORK/stepd.socket" "$WORK/stepd.service" > "$WORK/verify.log" 2>&1 && [ ! -s "$WORK/verify.log" ]; then
    echo "check-units: verify: no warnings"
else
    echo "check-units: verify FAILED:"; sed 's/^/  /' "$WORK/verify.log"; status=1
fi

systemd-analyze security --offline=true --no-pager "$WORK/stepd.service" > "$WORK/security.log" 2>&1 || true
line=$(grep 'Overall exposure level' "$WORK/security.log" || true)
exposure=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) .*/\1/p')
verdict=$(echo "$line" | sed -n 's/.*: [0-9.]* \([A-Z_]*\).*/\1/p')
if [ -z "$exposure" ]; then
    echo "check-units: security FAILED: no exposure level in systemd-analyze's output:"; sed 's/^/  /' "$WORK/security.log"; status=1
elif awk -v e="$exposure" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e < m) }'; then
    echo "check-units: security: stepd.service exposure level $exposure $verdict (must be below $MAX_EXPOSURE)"
else
    echo "check-units: security FAILED: exposure $exposure, not below $MAX_EXPOSURE:"
    grep '✗' "$WORK/security.log" | sed 's/^/  /'; status=1
fi
exit $status
