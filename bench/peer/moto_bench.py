"""The peer: the same workloads on moto's Step Functions emulation (in-process).

    python moto_bench.py throughput --executions N --concurrency C
    python moto_bench.py callback --samples N
    python moto_bench.py all --executions N --concurrency C --samples M

Prints ONE JSON object on stdout (progress on stderr):
    {"row": "peer", "throughput": {...}, "callback_ms": {...}, "note": "...", ["error": "..."]}

How moto runs executions (moto 5.2.5, moto/stepfunctions/parser): with
mock_aws(config={"stepfunctions": {"execute_state_machine": True}}) StartExecution
returns at once; the execution runs its ASL interpreter (the one ported from LocalStack)
in a daemon thread of this process (ExecutionWorker.start -> Thread, and Program.eval
runs the states in one more thread), nothing is persisted. A waitForTaskToken task
blocks its thread on a threading.Event that SendTaskSuccess sets (no polling inside
moto). moto has no blocking "wait for execution" call, so completion is detected as a
moto user must: DescribeExecution in a loop (here every 2 ms for throughput, 1 ms for
callbacks). Every call goes through boto3 -> botocore -> moto's in-process HTTP mock,
as a moto user's calls do. Every execution gets a unique `name` (moto builds the
execution ARN from the name; without one, executions would collide).
"""

import argparse
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from stats import summary  # noqa: E402

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/bench"
PASS_STATES = 10

for var, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                   ("AWS_SESSION_TOKEN", "testing"), ("AWS_DEFAULT_REGION", REGION)):
    os.environ.setdefault(var, value)

import boto3  # noqa: E402
import moto  # noqa: E402
from moto import mock_aws  # noqa: E402

logging.basicConfig(level=logging.WARNING)
for noisy in ("moto", "botocore", "boto3"):
    logging.getLogger(noisy).setLevel(logging.WARNING)

MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}}


def log(msg):
    print(f"moto_bench: {msg}", file=sys.stderr, flush=True)


def exc_text(exc):
    return f"{type(exc).__name__}: {exc}"


def client(service):
    # One Session per client: boto3's default session is not thread-safe to create
    # clients from; clients themselves are thread-safe.
    return boto3.session.Session(region_name=REGION).client(service)


def pass_chain_definition(n=PASS_STATES):
    states = {}
    for i in range(1, n + 1):
        state = {"Type": "Pass", "Result": {"step": i}, "ResultPath": f"$.s{i}"}
        if i < n:
            state["Next"] = f"P{i + 1}"
        else:
            state["End"] = True
        states[f"P{i}"] = state
    return {"Comment": f"{n} Pass states", "StartAt": "P1", "States": states}


def wait_until_done(sfn, arn, interval, deadline):
    """DescribeExecution until the status is no longer RUNNING; returns the response."""
    while True:
        desc = sfn.describe_execution(executionArn=arn)
        if desc["status"] != "RUNNING":
            return desc
        if time.monotonic() > deadline:
            raise TimeoutError(f"{arn} still RUNNING at the deadline")
        time.sleep(interval)


def run_throughput(executions, concurrency, timeout):
    result = {"executions": executions, "concurrency": concurrency}
    sfn = client("stepfunctions")
    sm_arn = sfn.create_state_machine(
        name="pass-chain", definition=json.dumps(pass_chain_definition()), roleArn=ROLE
    )["stateMachineArn"]

    # Warm-up (not timed): the first execution pays for parser/import costs.
    warm = sfn.start_execution(stateMachineArn=sm_arn, name="warmup-0", input="{}")
    wait_until_done(sfn, warm["executionArn"], 0.002, time.monotonic() + 60)

    clients = [client("stepfunctions") for _ in range(concurrency)]
    next_index = [0]
    lock = threading.Lock()
    errors = []
    statuses = {}
    start_done = [0.0]
    started_count = [0]

    def worker(c):
        mine = []
        try:
            while True:
                with lock:
                    i = next_index[0]
                    if i >= executions:
                        break
                    next_index[0] += 1
                resp = c.start_execution(stateMachineArn=sm_arn, name=f"run-{i}", input="{}")
                mine.append(resp["executionArn"])
                with lock:
                    started_count[0] += 1
                    if started_count[0] == executions:
                        start_done[0] = time.monotonic()
            for arn in mine:
                desc = wait_until_done(c, arn, 0.002, deadline)
                with lock:
                    statuses[desc["status"]] = statuses.get(desc["status"], 0) + 1
        except Exception as exc:  # reported, never turned into a number
            with lock:
                errors.append(exc_text(exc))

    log(f"throughput: {executions} executions of {PASS_STATES} Pass states, {concurrency} threads")
    t0 = time.monotonic()
    deadline = t0 + timeout
    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0

    succeeded = statuses.get("SUCCEEDED", 0)
    result["statuses"] = statuses
    if errors or succeeded != executions:
        result["error"] = (f"{succeeded} of {executions} executions SUCCEEDED; "
                           + "; ".join(sorted(set(errors))[:5]))
        return result
    result.update({
        "seconds": round(elapsed, 3),
        "start_phase_seconds": round(start_done[0] - t0, 3),
        "executions_per_s": round(executions / elapsed, 2),
        "transitions_per_s": round(executions * PASS_STATES / elapsed, 1),
    })
    log(f"throughput: {result['executions_per_s']} executions/s")
    return result


def run_callback(samples, timeout):
    sfn = client("stepfunctions")
    sqs = client("sqs")
    queue_url = sqs.create_queue(QueueName="bench-task-tokens")["QueueUrl"]
    definition = {
        "StartAt": "WaitForCallback",
        "States": {
            "WaitForCallback": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": queue_url,
                    "MessageBody": {"token.$": "$$.Task.Token", "execution.$": "$$.Execution.Name"},
                },
                "Next": "Done",
            },
            "Done": {"Type": "Pass", "End": True},
        },
    }
    sm_arn = sfn.create_state_machine(
        name="callback", definition=json.dumps(definition), roleArn=ROLE
    )["stateMachineArn"]

    observed = []   # SendTaskSuccess call -> DescribeExecution first shows SUCCEEDED
    stop_dates = []  # SendTaskSuccess call -> moto's stopDate (wall clock, ms resolution)
    warmup = 2
    log(f"callback: {samples} samples (+{warmup} warm-up), sqs:sendMessage.waitForTaskToken")
    for i in range(-warmup, samples):
        deadline = time.monotonic() + timeout
        arn = sfn.start_execution(stateMachineArn=sm_arn, name=f"cb-{i + warmup}",
                                  input="{}")["executionArn"]
        # The token arrives the way a worker gets it: from the SQS message.
        token = None
        while token is None:
            msgs = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1,
                                       WaitTimeSeconds=0).get("Messages", [])
            for m in msgs:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
                token = json.loads(m["Body"])["token"]
            if token is None:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no task token message for {arn}")
                time.sleep(0.001)
        # Make sure the task is parked (TaskSubmitted recorded) before resuming it.
        while not any(e["type"] == "TaskSubmitted"
                      for e in sfn.get_execution_history(executionArn=arn)["events"]):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{arn} never reached TaskSubmitted")
            time.sleep(0.001)
        time.sleep(0.01)

        wall0 = time.time()
        t0 = time.monotonic()
        sfn.send_task_success(taskToken=token, output=json.dumps({"sample": i}))
        desc = wait_until_done(sfn, arn, 0.001, deadline)
        t1 = time.monotonic()
        if desc["status"] != "SUCCEEDED":
            raise RuntimeError(f"{arn} ended {desc['status']}: {desc.get('error')} {desc.get('cause')}")
        if i >= 0:
            observed.append((t1 - t0) * 1000.0)
            stop_dates.append((desc["stopDate"].timestamp() - wall0) * 1000.0)
    return summary(observed), summary(stop_dates)


NOTE_THROUGHPUT = (
    "throughput: a chain of 10 Pass states; N executions, each with a unique name, started "
    "by C threads (each with its own boto3 client) that then DescribeExecution their own "
    "executions every 2 ms until SUCCEEDED; seconds = first StartExecution call -> last "
    "execution observed SUCCEEDED (one untimed warm-up execution before); transitions "
    "counted as 10 states per execution. ")
NOTE_CALLBACK = (
    "callback: Task arn:aws:states:::sqs:sendMessage.waitForTaskToken sends $$.Task.Token "
    "to an SQS queue (moto's interpreter supports this integration), the bench receives "
    "it, waits until the history shows TaskSubmitted (+10 ms), then times SendTaskSuccess "
    "call -> DescribeExecution (polled every 1 ms, as moto has no blocking wait) first "
    "shows SUCCEEDED; the next state is one Pass. callback_stopdate_ms is SendTaskSuccess "
    "call -> moto's own stopDate, without the polling, but stopDate is truncated to whole "
    "milliseconds. ")
NOTE_COMMON = ("moto runs in-process, in memory (no durability), executions in Python "
               "threads; calls go through boto3 -> moto's HTTP mock; each part starts on a "
               "fresh moto backend. ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["throughput", "callback", "all"])
    ap.add_argument("--executions", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--samples", type=int, default=100)
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds before an unfinished part is reported as an error")
    args = ap.parse_args()

    out = {"row": "peer", "moto_version": moto.__version__}
    notes, errors = [NOTE_COMMON], []
    wall = time.monotonic()
    # Each part gets a fresh moto backend (mock_aws resets its state on exit): moto's
    # SendTaskSuccess and DescribeExecution scan every execution it holds, so the callback
    # figures would otherwise grow with the number of throughput executions before them.
    if args.mode in ("throughput", "all"):
        notes.append(NOTE_THROUGHPUT)
        try:
            with mock_aws(config=MOTO_CONFIG):
                tp = run_throughput(args.executions, args.concurrency, args.timeout)
            if "error" in tp:
                errors.append("throughput: " + tp.pop("error"))
            out["throughput"] = tp
        except Exception as exc:
            log(traceback.format_exc())
            errors.append("throughput: " + exc_text(exc))
    if args.mode in ("callback", "all"):
        notes.append(NOTE_CALLBACK)
        try:
            with mock_aws(config=MOTO_CONFIG):
                out["callback_ms"], out["callback_stopdate_ms"] = run_callback(args.samples, 60.0)
        except Exception as exc:
            log(traceback.format_exc())
            errors.append("callback: " + exc_text(exc))
    out["note"] = "".join(notes).strip()
    out["wall_seconds"] = round(time.monotonic() - wall, 1)
    if errors:
        out["error"] = "; ".join(errors)
    print(json.dumps(out), flush=True)
    # moto's execution threads are daemons; leave without waiting for them.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
