#!/usr/bin/env python3
"""Merges the rows of one `make bench` run into bench/results/latest.json and prints the table.

Usage: report.py ROWS.jsonl OUT.json [--quick]
Each line of ROWS.jsonl is one row's JSON object (stepd-bench, limits, peer, baseline).
"""
import datetime
import json
import platform
import sys

TARGETS = {
    "resume p50": ("<=", 0.5), "resume p99": ("<=", 2.0),
    "reference p50": ("<=", 5.0),
    "transitions/s": (">=", 20000),
    "StartExecution p50": ("<=", 0.3),
    "idle wakeups": ("<=", 0),
    "RSS at largest size (MiB)": ("<=", 64), "READY at largest size (ms)": ("<=", 1000),
    "Map items/s": (">=", 20000),
}


def dist(d):
    if not d:
        return "n/a"
    return f"p50 {d['p50']:.3f}  p99 {d['p99']:.3f}  max {d['max']:.3f}  (n={int(d['samples'])})"


def verdict(name, value):
    if name not in TARGETS or value is None:
        return ""
    op, target = TARGETS[name]
    ok = value <= target if op == "<=" else value >= target
    return f"target {op} {target}: {'met' if ok else 'NOT met'}"


def main():
    rows_path, out_path = sys.argv[1], sys.argv[2]
    quick = "--quick" in sys.argv[3:]
    rows = {}
    with open(rows_path) as handle:
        for line in handle:
            line = line.strip()
            if line:
                row = json.loads(line)
                rows[row.get("row", "?")] = row

    lines = []

    def add(label, text, check=None, value=None):
        lines.append((label, text, verdict(check, value) if check else ""))

    limits = rows.get("limits", {})
    resume = rows.get("resume_latency", {})
    ref = rows.get("reference_scenario", {})
    thr = rows.get("throughput", {})
    api = rows.get("api_latency", {})
    idle = rows.get("idle_cost", {})
    scale = rows.get("scale", {})
    peer = rows.get("peer", {})
    imap = rows.get("inline_map", {})
    dmap = rows.get("distributed_map", {})
    base = rows.get("polling_baseline", {})

    add("limit: inotify rename→read (ms)", dist(limits.get("inotify_rename_to_read_ms")))
    add("limit: that rename after 5 ms idle (ms)", dist(limits.get("inotify_rename_to_read_after_idle_ms")))
    add("limit: SQLite WAL commit, FULL (ms)", dist(limits.get("sqlite_wal_commit_ms")))
    add("limit: that commit after 5 ms idle (ms)", dist(limits.get("sqlite_wal_commit_after_idle_ms")))
    add("limit: Unix socket request→answer (ms)", dist(limits.get("unix_socket_round_trip_ms")))
    add("limit: socket request + one commit (ms)", dist(limits.get("unix_socket_request_with_commit_ms")))
    add("limit: 20k random reads in 4 MiB (ms)", dist(limits.get("memory_walk_ms")))
    add("limit: the same after 5 ms idle (ms)", dist(limits.get("memory_walk_after_idle_ms")))
    # The row's measure: rename → the resume's commit durable (stepd --trace-commits); the
    # client-observed end and the transaction's begin bound it.
    r = resume.get("rename_to_resume_committed_ms") or resume.get("rename_to_resumed_execution_ended_ms")
    add("1 resume: rename→resume committed (ms)", dist(r), "resume p50", r and r["p50"])
    if r:
        add("", "", "resume p99", r["p99"])
    add("1 resume: rename→client sees SUCCEEDED (ms)", dist(resume.get("rename_to_resumed_execution_ended_ms")))
    add("1 resume: rename→its transaction began (ms)", dist(resume.get("rename_to_task_succeeded_timestamp_ms")))
    add("1 resume: the transaction's work (ms)", dist(resume.get("resume_transaction_work_ms")))
    add("1 resume: its commit, COMMIT→durable (ms)", dist(resume.get("resume_commit_ms")))
    m = ref.get("main_started_to_succeeded_ms")
    add("2 reference scenario: main start→SUCCEEDED (ms)", dist(m), "reference p50", m and m["p50"])
    if thr:
        add("3 throughput: 10-Pass chain",
            f"{thr['executions_per_s']:.0f} executions/s, {thr['transitions_per_s']:.0f} transitions/s "
            f"({int(thr['executions'])} executions, {int(thr['concurrency'])} clients)",
            "transitions/s", thr["transitions_per_s"])
    s = api.get("start_execution_ms")
    add("4 API: StartExecution round trip (ms)", dist(s), "StartExecution p50", s and s["p50"])
    add("4 API: DescribeExecution round trip (ms)", dist(api.get("describe_execution_ms")))
    if idle:
        add("5 idle cost",
            f"{int(idle['context_switches'])} context switches ({int(idle.get('threads_ended_in_window', 0))} threads ended), "
            f"{idle['cpu_ms']:.0f} ms CPU in {int(idle['seconds'])} s with {int(idle['suspended_executions'])} suspended",
            "idle wakeups", idle["context_switches"])
    for size in scale.get("sizes", []):
        add(f"6 scale: {int(size['suspended_executions'])} suspended",
            f"RSS {size['rss_mib_after_creating']:.1f} MiB (after restart {size['rss_mib_after_restart']:.1f}), "
            f"db {size['database_mib']:.1f} MiB, start→READY {size['start_to_ready_ms']:.0f} ms, "
            f"created {size['created_per_s']:.0f}/s")
    if scale.get("sizes"):
        largest = scale["sizes"][-1]
        add("", "", "RSS at largest size (MiB)", max(largest["rss_mib_after_creating"], largest["rss_mib_after_restart"]))
        add("", "", "READY at largest size (ms)", largest["start_to_ready_ms"])
    if imap:
        rate = imap["items_per_s"]
        add(f"6 inline Map: {int(imap['items'])} items, a Pass each",
            f"items/s p50 {rate['p50']:.0f} (n={int(rate['samples'])}), RSS growth {imap['rss_growth_mib']:.1f} MiB "
            f"(input {imap['input_kib']:.0f} KiB)",
            "Map items/s", rate["p50"])
    if dmap:
        add(f"6 distributed Map: {int(dmap['items'])}-line JSON Lines, a child each",
            f"items/s {dmap['items_per_s']:.0f} ({dmap['seconds']:.1f} s), peak RSS {dmap['peak_rss_mib']:.1f} MiB "
            f"(before {dmap['rss_before_mib']:.1f}; file {dmap['file_kib']:.0f} KiB), longest commit {dmap['longest_commit_ms']:.0f} ms")
    pthr = peer.get("throughput") or {}
    if pthr.get("transitions_per_s"):
        add("7 peer (moto): 10-Pass chain",
            f"{pthr['executions_per_s']:.1f} executions/s, {pthr['transitions_per_s']:.0f} transitions/s")
        if thr:
            add("7 ratio stepd/moto throughput", f"{thr['transitions_per_s'] / pthr['transitions_per_s']:.1f}x")
    add("7 peer (moto): callback latency (ms)", dist(peer.get("callback_ms")))
    if peer.get("callback_ms") and r:
        add("7 ratio moto/stepd callback p50", f"{peer['callback_ms']['p50'] / r['p50']:.1f}x")
    if peer.get("error"):
        add("7 peer error", peer["error"])
    bl = base.get("latency_ms")
    add("7 baseline: 1 s polling loop (ms)", dist(bl))
    if bl and r:
        add("7 ratio polling/stepd resume p50", f"{bl['p50'] / r['p50']:.0f}x")
    if limits.get("sqlite_wal_commit_ms") and r:
        add("8 resume p50 as a multiple of one commit", f"{r['p50'] / limits['sqlite_wal_commit_ms']['p50']:.1f}x")
    if limits.get("unix_socket_request_with_commit_ms") and s:
        add("8 StartExecution p50 / request + commit",
            f"{s['p50'] / limits['unix_socket_request_with_commit_ms']['p50']:.1f}x")

    width = max(len(label) for label, _, _ in lines)
    print(f"stepd benchmark, {datetime.date.today().isoformat()}, {'QUICK' if quick else 'full'} run, "
          f"{platform.machine()} {platform.processor() or ''}".rstrip())
    for label, text, check in lines:
        if not label and not text:
            print(f"{'':{width}}  {check}")
        else:
            print(f"{label:{width}}  {text}" + (f"   [{check}]" if check else ""))

    document = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "quick": quick,
        "machine": {"arch": platform.machine(), "cpus": __import__("os").cpu_count()},
        "rows": rows,
    }
    with open(out_path, "w") as handle:
        json.dump(document, handle, indent=2, sort_keys=True)
        handle.write("\n")
    print(f"written: {out_path}")


if __name__ == "__main__":
    main()
