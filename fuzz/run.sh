#!/bin/sh
# Builds and runs the libFuzzer targets of fuzz/Package.swift (docs/reliability.md, "Fuzzing").
#
#   fuzz/run.sh fuzz [TARGET...]   each target for $RUNS inputs (default 1000000), one at a time
#   fuzz/run.sh smoke              each target over its regressions, then $SMOKE_RUNS inputs (seeds first)
#   fuzz/run.sh build              only the build
#
# TARGET is a name of fuzz/corpus/ (json, definition, paths, intrinsics, event-patterns, http,
# engine); none means all. The build is a debug build with ASan, in .build-fuzz;
# CONFIGURATION=release makes an optimized one (with ASan; `assert`s left out, preconditions
# and overflow checks kept), four to five times faster on the http target, for long runs.
#
# `fuzz` keeps what it finds in .build-fuzz/corpus/TARGET (fuzz/corpus/TARGET holds the seeds
# and is only read), so that a later run goes on from there, and writes a crashing input to
# .build-fuzz/found/TARGET/ (not artifacts/, which SwiftPM empties when it resolves). Once the
# crash is fixed, its input goes into fuzz/regressions/TARGET/, which `smoke` replays; one not
# fixed yet waits in fuzz/crashes/TARGET/, which `smoke` leaves alone.
set -eu
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
RUNS=${RUNS:-1000000}
SMOKE_RUNS=${SMOKE_RUNS:-3000}
# JOBS=1 for a build that leaves the other core alone.
JOBS=${JOBS:-}
SCRATCH=.build-fuzz
CONFIGURATION=${CONFIGURATION:-debug}
ALL_TARGETS="json definition paths intrinsics event-patterns http engine"

# Swift's own crash reporter would take over libFuzzer's crash handling (and take minutes to
# symbolicate); a Dictionary's order must not change between a run and its replay.
export SWIFT_BACKTRACE=enable=off SWIFT_DETERMINISTIC_HASHING=1

fuzzer_runtime_missing() {
    probe=$(mktemp -d)
    printf '@_cdecl("LLVMFuzzerTestOneInput") public func f(_ d: UnsafeRawPointer, _ n: Int) -> CInt { 0 }\n' > "$probe/probe.swift"
    if "${SWIFT}c" -sanitize=fuzzer,address -parse-as-library "$probe/probe.swift" -o "$probe/probe" >/dev/null 2>&1; then
        rm -rf "$probe"
        return 1
    fi
    rm -rf "$probe"
    return 0
}

# Prints the build's output but the linker's warnings about ASan's local symbols (one per symbol).
build() {
    mkdir -p "$SCRATCH"
    status=0
    # The fuzz targets' own modules are compiled again whenever stepd's sources changed: the
    # incremental build kept an object of fuzz-definition made against an older layout of
    # DefinitionError (a typed throw's error is laid out by the caller), and that target then
    # overflowed its own stack frame under ASan.
    stamp=$(cat Package.swift $(find Sources -name '*.swift' | sort) | cksum)
    if [ "$stamp" != "$(cat "$SCRATCH/sources.stamp" 2>/dev/null)" ]; then
        rm -rf "$SCRATCH"/*/"$CONFIGURATION"/fuzz_*.build "$SCRATCH"/*/"$CONFIGURATION"/Fuzz*.build
    fi
    # The cached build plan is not made again when a file is added to stepd's own sources (a
    # path dependency here): `--disable-build-manifest-caching` makes it each time (a second).
    # `--sanitize=fuzzer` makes SwiftPM link libFuzzer's main instead of the target's own entry
    # point; `-sanitize=fuzzer,address` in one flag, because swiftc keeps only the last
    # -sanitize= it is given, is what instruments the Swift code for both.
    # `-enable-testing`: the http target imports the daemon's internals, which an optimized
    # build hides otherwise.
    $SWIFT build --package-path fuzz --scratch-path "$SCRATCH" -c "$CONFIGURATION" --disable-build-manifest-caching \
        --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing ${JOBS:+-j "$JOBS"} \
        > "$SCRATCH/build.log" 2>&1 || status=$?
    [ $status -ne 0 ] || echo "$stamp" > "$SCRATCH/sources.stamp"
    grep -v "ld.gold: warning: Cannot export local symbol" "$SCRATCH/build.log" || true
    return $status
}

# Options every run of TARGET gets.
options() {
    case $1 in
        # One input runs the whole engine (commits, timers): slower, and larger. What the engine
        # keeps between inputs (its definition cache) is reachable only through Swift enum
        # payloads whose pointers carry the case in spare bits, which LeakSanitizer cannot
        # follow: it would report them as leaks (docs/reliability.md).
        # (ASan's own check at exit is turned off by `asan_options`.)
        engine | http) echo "-timeout=60 -rss_limit_mb=4096 -detect_leaks=0" ;;
        *) echo "-timeout=10" ;;
    esac
    echo "-dict=fuzz/dictionaries/$1.dict -max_len=4096 -print_final_stats=1"
}

# ASAN_OPTIONS for TARGET (see `options`).
asan_options() {
    case $1 in
        engine | http) echo "detect_leaks=0" ;;
        *) echo "detect_leaks=1" ;;
    esac
}

binary() { echo "$SCRATCH/$CONFIGURATION/fuzz-$1"; }

fuzz() {
    for target in "$@"; do
        mkdir -p "$SCRATCH/corpus/$target" "$SCRATCH/found/$target"
        echo "== fuzz-$target: $RUNS runs"
        # shellcheck disable=SC2046
        ASAN_OPTIONS=$(asan_options "$target") "$(binary "$target")" $(options "$target") -runs="$RUNS" -artifact_prefix="$SCRATCH/found/$target/" \
            "$SCRATCH/corpus/$target" "fuzz/corpus/$target"
    done
}

smoke() {
    failed=""
    for target in $ALL_TARGETS; do
        started=$(date +%s)
        log=$(mktemp)
        status=0
        regressions=$(find "fuzz/regressions/$target" -type f 2>/dev/null | sort)
        if [ -n "$regressions" ]; then
            # shellcheck disable=SC2046,SC2086
            ASAN_OPTIONS=$(asan_options "$target") "$(binary "$target")" $(options "$target") $regressions > "$log" 2>&1 || status=$?
        fi
        if [ $status -eq 0 ]; then
            scratch=$(mktemp -d)
            # shellcheck disable=SC2046
            ASAN_OPTIONS=$(asan_options "$target") "$(binary "$target")" $(options "$target") -runs="$SMOKE_RUNS" -artifact_prefix="$scratch/" \
                "$scratch" "fuzz/corpus/$target" >> "$log" 2>&1 || status=$?
            rm -rf "$scratch"
        fi
        seconds=$(($(date +%s) - started))
        if [ $status -eq 0 ]; then
            runs=$(grep -o "stat::number_of_executed_units: [0-9]*" "$log" | tail -1 | grep -o "[0-9]*$" || true)
            echo "fuzz-smoke: fuzz-$target passed: ${runs:-?} inputs and $(echo "$regressions" | grep -c . || true) saved crashes in ${seconds} s"
        else
            tail -40 "$log"
            echo "fuzz-smoke: fuzz-$target FAILED (exit $status)"
            failed="$failed $target"
        fi
        rm -f "$log"
    done
    [ -z "$failed" ]
}

command=${1:-}
[ $# -gt 0 ] && shift
case $command in
    build)
        build
        ;;
    fuzz)
        build
        # shellcheck disable=SC2086
        fuzz ${*:-$ALL_TARGETS}
        ;;
    smoke)
        if fuzzer_runtime_missing; then
            echo "fuzz-smoke skipped: this Swift toolchain cannot link -sanitize=fuzzer (no libFuzzer runtime)"
            exit 0
        fi
        build > /dev/null || { tail -40 "$SCRATCH/build.log"; echo "fuzz-smoke: the build failed"; exit 1; }
        smoke
        ;;
    *)
        echo "usage: fuzz/run.sh fuzz [TARGET...] | smoke | build" >&2
        exit 2
        ;;
esac
