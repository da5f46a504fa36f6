"""The baseline the mission replaces: a loop that checks for a completion every second.

    python polling_baseline.py --samples N [--interval 1.0] [--dir D]

Each sample is one waiter and one producer, all samples running at once in threads:
the waiter loops `sleep(interval); SELECT the completion row` on a SQLite table (WAL,
synchronous=FULL) -- the shape of "poll DescribeExecution / the token table every
second". The producer commits the completion row at a random moment, uniform over two
polling intervals after the waiter starts (so it falls at a random phase of the loop).
Latency = producer's COMMIT started -> waiter's SELECT found the row (CLOCK_MONOTONIC).
Expected about interval/2 on average, up to one interval.

Prints ONE JSON object on stdout (progress on stderr):
    {"row": "polling_baseline", "latency_ms": {"samples","p50","p99","max"},
     "wakeups_per_minute": 60, ...}
"""

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from stats import summary  # noqa: E402


def connect(path):
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA synchronous=FULL")
    return db


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--interval", type=float, default=1.0, help="polling period, seconds")
    ap.add_argument("--dir", help="folder for the SQLite file (default: a temporary one)")
    ap.add_argument("--seed", type=int, help="random seed for the producers' moments")
    args = ap.parse_args()

    tmp = None
    folder = args.dir
    if folder is None:
        tmp = tempfile.TemporaryDirectory(prefix="polling-baseline-")
        folder = tmp.name
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "polling-baseline.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    setup = connect(path)
    if setup.execute("PRAGMA journal_mode=WAL").fetchone()[0] != "wal":
        raise SystemExit("polling_baseline: could not enable WAL")
    setup.execute("CREATE TABLE completions (id INTEGER PRIMARY KEY, produced_ns INTEGER NOT NULL)")
    setup.close()

    rng = random.Random(args.seed)
    delays = [rng.uniform(0.0, 2.0 * args.interval) for _ in range(args.samples)]
    latencies = [None] * args.samples
    errors = []
    lock = threading.Lock()

    def producer(i, start_ns):
        try:
            db = connect(path)
            time.sleep(max(0.0, start_ns / 1e9 + delays[i] - time.monotonic()))
            db.execute("BEGIN IMMEDIATE")
            # "Produced" = the moment the completion is committed (COMMIT starts); stored
            # in the row itself, so the waiter can never see the row without its time.
            db.execute("INSERT INTO completions (id, produced_ns) VALUES (?, ?)",
                       (i, time.monotonic_ns()))
            db.execute("COMMIT")
            db.close()
        except Exception as exc:
            with lock:
                errors.append(f"producer {i}: {type(exc).__name__}: {exc}")

    def waiter(i, start_ns):
        try:
            db = connect(path)
            deadline = start_ns / 1e9 + 2.0 * args.interval + 10.0
            while time.monotonic() < deadline:
                time.sleep(args.interval)
                if db.execute("SELECT 1 FROM completions WHERE id = ?", (i,)).fetchone():
                    noticed = time.monotonic_ns()
                    break
            else:
                raise TimeoutError("completion never seen")
            db.close()
            return noticed
        except Exception as exc:
            with lock:
                errors.append(f"waiter {i}: {type(exc).__name__}: {exc}")
            return None

    def sample(i):
        start_ns = time.monotonic_ns()
        p = threading.Thread(target=producer, args=(i, start_ns))
        p.start()
        noticed = waiter(i, start_ns)
        p.join()
        if noticed is None:
            return
        db = connect(path)
        row = db.execute("SELECT produced_ns FROM completions WHERE id = ?", (i,)).fetchone()
        db.close()
        if row:
            latencies[i] = (noticed - row[0]) / 1e6

    print(f"polling_baseline: {args.samples} samples at once, {args.interval} s polling "
          f"loop, SQLite WAL in {folder}", file=sys.stderr, flush=True)
    t0 = time.monotonic()
    threads = [threading.Thread(target=sample, args=(i,)) for i in range(args.samples)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0

    measured = [x for x in latencies if x is not None]
    out = {
        "row": "polling_baseline",
        "latency_ms": summary(measured),
        "wakeups_per_minute": round(60.0 / args.interval),
        "interval_s": args.interval,
        "wall_seconds": round(wall, 1),
        "note": ("a waiter sleeps interval, then SELECTs its completion row (SQLite WAL, "
                 "synchronous=FULL); the row is committed at a uniformly random moment "
                 "within two intervals of the waiter's start; latency = COMMIT started -> "
                 "row seen. Samples run concurrently in threads."),
    }
    if errors or len(measured) != args.samples:
        out["error"] = (f"{len(measured)} of {args.samples} samples measured; "
                        + "; ".join(errors[:5]))
    print(json.dumps(out), flush=True)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
