import Foundation
import JSON
import StepClient

extension DaemonUnderTest {
    func createStateMachine(_ name: String, _ definition: String) async throws {
        _ = try await call("AWSStepFunctions.CreateStateMachine", ["name": .string(name), "definition": .string(definition)])
    }

    func start(_ stateMachine: String, name: String, input: String = "{}") async throws -> String {
        let started = try await call(
            "AWSStepFunctions.StartExecution",
            ["stateMachineArn": .string(stateMachine), "name": .string(name), "input": .string(input)])
        guard let arn = started["executionArn"]?.stringValue else { throw BenchError("StartExecution answered \(started.serialized())") }
        return arn
    }

    func waitForExecution(_ arn: String) async throws -> JSONValue {
        let ended = try await call("Stepd.WaitForExecution", ["executionArn": .string(arn)])
        guard ended["status"]?.stringValue == "SUCCEEDED" else { throw BenchError("execution did not succeed: \(ended.serialized())") }
        return ended
    }

    func waitUntilIdle() async throws {
        _ = try await call("Stepd.WaitUntilIdle", [:])
    }

    /// Starts `count` executions of `stateMachine` from `concurrency` clients.
    func startMany(_ stateMachine: String, count: Int, concurrency: Int, prefix: String) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var index = worker
                    while index < count {
                        _ = try await self.start(stateMachine, name: "\(prefix)-\(index)")
                        index += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Row 1: a suspended execution (its task token stored in a table, as in the reference
/// scenario) → an event file renamed into the spool → the execution resumed.
struct ResumeLatencyRow {
    let context: BenchContext

    func run() async throws -> JSONValue {
        let daemon = try DaemonUnderTest(context: context, name: "resume", traceCommits: true)
        try await daemon.start()
        defer { daemon.stop() }
        _ = try await daemon.call("DynamoDB_20120810.CreateTable", BenchDefinitions.tokenTable)
        try await daemon.createStateMachine("hold", BenchDefinitions.hold)
        try await daemon.createStateMachine("resume", BenchDefinitions.resume)
        _ = try await daemon.call("AWSEvents.PutRule", BenchDefinitions.resumeRule)
        _ = try await daemon.call("AWSEvents.PutTargets", ["Rule": "bench-resume", "Targets": [["Id": "resume", "Arn": "resume"]]])

        let spool = daemon.stateDirectory + "/events"
        var toEnd = Distribution()
        var toRecorded = Distribution()
        var toDurable = Distribution()
        var transactionWork = Distribution()
        var committing = Distribution()
        for index in 0..<(context.sizes.resumeSamples + 10) {
            let name = "r-\(index)"
            let arn = try await daemon.start("hold", name: name)
            try await daemon.waitUntilIdle()
            let event = #"{"source": "stepd.bench", "detail-type": "Bench Resume", "detail": {"id": "\#(name)"}}"#
            let temporary = "\(spool)/tmp/\(name).json"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(event.utf8)) else {
                throw BenchError("cannot write \(temporary)")
            }
            // The client waits before the event comes, as a script waits while its job runs,
            // and the event comes a moment later (a real job takes seconds): the request is
            // parked in stepd by then (it takes about 0.1 ms to get there), instead of arriving
            // in the middle of the resume's commit, which it slowed by about 0.05 ms. Should it
            // come late, the sample is still right, only taken as before.
            async let ended = daemon.waitForExecution(arn)
            try await Task.sleep(for: .milliseconds(1))
            let renamedAt = Date().timeIntervalSince1970
            let before = monotonicMilliseconds()
            guard rename(temporary, "\(spool)/new/\(name).json") == 0 else { throw BenchError("rename failed: errno \(errno)") }
            _ = try await ended
            let after = monotonicMilliseconds()
            if index < 10 { continue }
            toEnd.add(after - before)
            let history = try await daemon.call("AWSStepFunctions.GetExecutionHistory", ["executionArn": .string(arn)])
            if let resumed = history["events"]?.arrayValue?.first(where: { $0["type"]?.stringValue == "TaskSucceeded" }),
                let timestamp = resumed["timestamp"]?.numberValue
            {
                toRecorded.add((timestamp - renamedAt) * 1000)
                // The commit that began with this event's transaction, and when it was durable.
                if let commit = try Self.commit(beganAt: timestamp, in: daemon) {
                    toDurable.add((commit.durable - renamedAt) * 1000)
                    transactionWork.add((commit.committing - timestamp) * 1000)
                    committing.add((commit.durable - commit.committing) * 1000)
                }
            }
        }
        return [
            "row": "resume_latency",
            "rename_to_resumed_execution_ended_ms": toEnd.json,
            "rename_to_task_succeeded_timestamp_ms": toRecorded.json,
            "rename_to_resume_committed_ms": toDurable.json,
            "resume_transaction_work_ms": transactionWork.json,
            "resume_commit_ms": committing.json,
            "note": "rename_to_resume_committed is the row's measure: rename() into new/ until the commit holding the resumed execution's next transition is durable (fdatasync returned), from stepd's --trace-commits, which notes each commit's begin, COMMIT and durable times (the transaction's work is begin to COMMIT, the commit itself COMMIT to durable). Around it: the TaskSucceeded history timestamp is taken when that transaction begins (a lower bound), and the client, whose Stepd.WaitForExecution was sent 1 ms before the rename and waits in stepd, sees it answer SUCCEEDED after the commit and the answer on the socket (an upper bound).",
        ]
    }

    /// When the traced commit whose transaction began at `began` issued COMMIT, and when it
    /// was durable.
    private static func commit(beganAt began: Double, in daemon: DaemonUnderTest) throws -> (committing: Double, durable: Double)? {
        guard let path = daemon.commitTracePath else { return nil }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in text.split(separator: "\n").reversed() {
            guard let entry = try? JSONValue(parsing: String(line)), let lineBegan = entry["began"]?.numberValue else { continue }
            if abs(lineBegan - began) < 0.000_001, let committing = entry["committing"]?.numberValue, let durable = entry["durable"]?.numberValue {
                return (committing, durable)
            }
        }
        return nil
    }
}

/// Row 2: `main` of examples/async-job with a job that reports at once, start to SUCCEEDED.
struct ReferenceScenarioRow {
    let context: BenchContext

    func run() async throws -> JSONValue {
        let daemon = try DaemonUnderTest(context: context, name: "reference")
        try await daemon.start()
        defer { daemon.stop() }
        let example = context.workDirectory + "/reference/async-job"
        try? FileManager.default.removeItem(atPath: example)
        try FileManager.default.copyItem(atPath: context.repository + "/examples/async-job", toPath: example)
        try runStepctl(context, socket: daemon.socketPath, ["apply", "-f", example])
        _ = try await daemon.call(
            "Stepd.PutJobDefinition", ["Name": "example-flow", "Command": [.string(context.instantJob)]])
        var latency = Distribution()
        for index in 0..<(context.sizes.referenceSamples + 5) {
            let before = monotonicMilliseconds()
            let arn = try await daemon.start("main", name: "ref-\(index)")
            _ = try await daemon.waitForExecution(arn)
            if index >= 5 { latency.add(monotonicMilliseconds() - before) }
        }
        return [
            "row": "reference_scenario",
            "main_started_to_succeeded_ms": latency.json,
            "note": "StartExecution of main until Stepd.WaitForExecution answers SUCCEEDED; the scenario's three executions (main, call-job, success-callback), the rule match, and a job (a small C program) that writes its report at once.",
        ]
    }
}

/// Row 3: a chain of ten Pass states, many executions from concurrent clients, to completion.
struct ThroughputRow {
    let context: BenchContext

    func run() async throws -> JSONValue {
        let daemon = try DaemonUnderTest(context: context, name: "throughput")
        try await daemon.start()
        defer { daemon.stop() }
        try await daemon.createStateMachine("chain", BenchDefinitions.passChain)
        let count = context.sizes.throughputExecutions
        let concurrency = context.sizes.throughputConcurrency
        let before = monotonicMilliseconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var index = worker
                    while index < count {
                        let arn = try await daemon.start("chain", name: "t-\(index)")
                        _ = try await daemon.waitForExecution(arn)
                        index += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = (monotonicMilliseconds() - before) / 1000
        return [
            "row": "throughput",
            "executions": .number(Double(count)),
            "concurrency": .number(Double(concurrency)),
            "seconds": .number(Distribution.rounded(seconds)),
            "executions_per_s": .number(Distribution.rounded(Double(count) / seconds)),
            "transitions_per_s": .number(Distribution.rounded(Double(count * 10) / seconds)),
            "note": "Each client starts an execution and waits for it to end, then starts the next. A transition is one state (10 per execution).",
        ]
    }
}

/// Row 4: StartExecution and DescribeExecution round trips over the socket.
struct APILatencyRow {
    let context: BenchContext

    func run() async throws -> JSONValue {
        let daemon = try DaemonUnderTest(context: context, name: "api")
        try await daemon.start()
        defer { daemon.stop() }
        try await daemon.createStateMachine("single", BenchDefinitions.single)
        var start = Distribution()
        var describe = Distribution()
        var lastArn = ""
        for index in 0..<(context.sizes.apiSamples + 20) {
            let before = monotonicMilliseconds()
            lastArn = try await daemon.start("single", name: "a-\(index)")
            if index >= 20 { start.add(monotonicMilliseconds() - before) }
        }
        try await daemon.waitUntilIdle()
        for index in 0..<(context.sizes.apiSamples + 20) {
            let before = monotonicMilliseconds()
            _ = try await daemon.call("AWSStepFunctions.DescribeExecution", ["executionArn": .string(lastArn)])
            if index >= 20 { describe.add(monotonicMilliseconds() - before) }
        }
        return [
            "row": "api_latency",
            "start_execution_ms": start.json,
            "describe_execution_ms": describe.json,
            "note": "One StepClient, one request at a time, on a connection it keeps open between calls (stepctl, one call per process, pays a connect on top).",
        ]
    }
}

/// Row 5: what the daemon costs while executions wait on tokens.
struct IdleCostRow {
    let context: BenchContext

    func run() async throws -> JSONValue {
        // The connections' idle deadline is cancelled when they close, but NIO's loop still
        // wakes once when it would have passed (its timer stays armed): with the default
        // minute that falls in the window. A short one puts it in the settling time.
        let daemon = try DaemonUnderTest(context: context, name: "idle", extraArguments: ["--idle-timeout", "2"])
        try await daemon.start()
        defer { daemon.stop() }
        _ = try await daemon.call("DynamoDB_20120810.CreateTable", BenchDefinitions.tokenTable)
        try await daemon.createStateMachine("hold", BenchDefinitions.hold)
        let count = context.sizes.idleExecutions
        try await daemon.startMany("hold", count: count, concurrency: 64, prefix: "i")
        try await daemon.waitUntilIdle()
        // Thread pools retire idle threads a few seconds after the work: let that pass first.
        try await Task.sleep(for: .seconds(context.sizes.idleSettleSeconds))
        let switchesBefore = ProcStatus.contextSwitches(pid: daemon.pid)
        let ticksBefore = ProcStatus.cpuTicks(pid: daemon.pid)
        try await Task.sleep(for: .seconds(context.sizes.idleSeconds))
        let switchesAfter = ProcStatus.contextSwitches(pid: daemon.pid)
        let ticks = ProcStatus.cpuTicks(pid: daemon.pid) - ticksBefore
        // Per thread: a thread that ended in the window woke at least once to end.
        let ended = switchesBefore.keys.filter { switchesAfter[$0] == nil }.count
        let switches = switchesAfter.reduce(0) { $0 + $1.value - (switchesBefore[$1.key] ?? 0) } + ended
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return [
            "row": "idle_cost",
            "suspended_executions": .number(Double(count)),
            "seconds": .number(Double(context.sizes.idleSeconds)),
            "context_switches": .number(Double(switches)),
            "threads_ended_in_window": .number(Double(ended)),
            "threads": .number(Double(switchesAfter.count)),
            "cpu_ms": .number(Distribution.rounded(Double(ticks) / ticksPerSecond * 1000)),
            "note": "Context switches summed over the daemon's threads (/proc/PID/task/*/status; a thread that ended in the window counts one) and utime+stime (/proc/PID/stat) over the interval, which starts a few seconds after the last request; the daemon runs without a watchdog, with --idle-timeout 2 so that the one wake-up at its connections' (cancelled) idle deadline falls before the interval.",
        ]
    }
}

/// Row 6: memory and disk with many suspended executions, and the time to READY at that size.
struct ScaleRow {
    let context: BenchContext

    func run() async throws -> JSONValue {
        var sizes: [JSONValue] = []
        for count in context.sizes.scaleSizes {
            progress("scale: \(count) suspended executions")
            let daemon = try DaemonUnderTest(context: context, name: "scale")
            try await daemon.start()
            _ = try await daemon.call("DynamoDB_20120810.CreateTable", BenchDefinitions.tokenTable)
            try await daemon.createStateMachine("hold", BenchDefinitions.hold)
            let before = monotonicMilliseconds()
            try await daemon.startMany("hold", count: count, concurrency: 64, prefix: "s")
            try await daemon.waitUntilIdle()
            let creationSeconds = (monotonicMilliseconds() - before) / 1000
            let residentAfterCreation = daemon.residentKiB()
            daemon.stop()
            let restarted = try DaemonUnderTest(context: context, name: "scale", reuseState: true)
            let readyMilliseconds = try await restarted.start()
            try await restarted.waitUntilIdle()
            let residentAfterRestart = restarted.residentKiB()
            let bytes = restarted.databaseBytes()
            restarted.stop()
            sizes.append([
                "suspended_executions": .number(Double(count)),
                "created_per_s": .number(Distribution.rounded(Double(count) / creationSeconds)),
                "rss_mib_after_creating": .number(Distribution.rounded(Double(residentAfterCreation) / 1024)),
                "rss_mib_after_restart": .number(Distribution.rounded(Double(residentAfterRestart) / 1024)),
                "database_mib": .number(Distribution.rounded(Double(bytes) / 1_048_576)),
                "start_to_ready_ms": .number(Distribution.rounded(readyMilliseconds)),
            ])
        }
        try? FileManager.default.removeItem(atPath: context.workDirectory + "/scale")
        return ["row": "scale", "sizes": .array(sizes)]
    }
}

/// Row 7: an inline Map of many items, one Pass state each, from StartExecution to SUCCEEDED,
/// and what it costs in memory.
struct InlineMapRow {
    let context: BenchContext

    func run() async throws -> JSONValue {
        let daemon = try DaemonUnderTest(context: context, name: "map")
        try await daemon.start()
        defer { daemon.stop() }
        try await daemon.createStateMachine("each", BenchDefinitions.inlineMap)
        let items = context.sizes.mapItems
        let input = JSONValue.object(["items": .array((0..<items).map { .number(Double($0)) })]).serialized()
        let residentBefore = daemon.residentKiB()
        var rates = Distribution()
        var peakGrowthKiB = 0
        for run in 0..<context.sizes.mapRuns {
            let before = monotonicMilliseconds()
            let arn = try await daemon.start("each", name: "map-\(run)", input: input)
            let ended = try await daemon.waitForExecution(arn)
            guard ended["status"]?.stringValue == "SUCCEEDED" else { throw BenchError("the Map ended \(ended.serialized())") }
            rates.add(Double(items) / ((monotonicMilliseconds() - before) / 1000))
            peakGrowthKiB = max(peakGrowthKiB, daemon.residentKiB() - residentBefore)
        }
        return [
            "row": "inline_map",
            "items": .number(Double(items)),
            "input_kib": .number(Distribution.rounded(Double(input.utf8.count) / 1024)),
            "items_per_s": rates.json,
            "rss_growth_mib": .number(Distribution.rounded(Double(peakGrowthKiB) / 1024)),
            "note": "One execution at a time: StartExecution of a Map over the items (MaxConcurrency 0, a Pass state each) until Stepd.WaitForExecution answers SUCCEEDED; RSS growth is VmRSS after a run minus before the first.",
        ]
    }
}

/// Row 8: a distributed Map over a JSON Lines file of many lines, a child execution each,
/// its results written to the bucket: items/s, peak memory, and the longest commit (reading
/// the file and storing the items, or writing the results, holds the writer that long).
struct DistributedMapRow {
    let context: BenchContext

    func run() async throws -> JSONValue {
        let folder = context.workDirectory + "/distributed-map-buckets"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder + "/bench", withIntermediateDirectories: true)
        let items = context.sizes.distributedMapItems
        let lines = (0..<items).map { #"{"id":\#($0),"name":"item-\#($0)"}"# }.joined(separator: "\n")
        try lines.write(toFile: folder + "/bench/items.jsonl", atomically: true, encoding: .utf8)
        let daemon = try DaemonUnderTest(
            context: context, name: "distributed-map", traceCommits: true, extraArguments: ["--buckets-dir", folder])
        try await daemon.start()
        defer { daemon.stop() }
        try await daemon.createStateMachine("each", BenchDefinitions.distributedMap)
        let residentBefore = daemon.residentKiB()
        let before = monotonicMilliseconds()
        let arn = try await daemon.start("each", name: "distributed", input: "{}")
        let ended = try await daemon.waitForExecution(arn)
        guard ended["status"]?.stringValue == "SUCCEEDED" else { throw BenchError("the Map ended \(ended.serialized())") }
        let seconds = (monotonicMilliseconds() - before) / 1000
        var longestCommitMilliseconds = 0.0
        if let path = daemon.commitTracePath, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                guard let commit = try? JSONValue(parsing: String(line)), let began = commit["began"]?.numberValue,
                    let durable = commit["durable"]?.numberValue
                else { continue }
                longestCommitMilliseconds = max(longestCommitMilliseconds, (durable - began) * 1000)
            }
        }
        try? FileManager.default.removeItem(atPath: folder)
        return [
            "row": "distributed_map",
            "items": .number(Double(items)),
            "file_kib": .number(Distribution.rounded(Double(lines.utf8.count) / 1024)),
            "items_per_s": .number(Distribution.rounded(Double(items) / seconds)),
            "seconds": .number(Distribution.rounded(seconds)),
            "rss_before_mib": .number(Distribution.rounded(Double(residentBefore) / 1024)),
            "peak_rss_mib": .number(Distribution.rounded(Double(daemon.peakResidentKiB()) / 1024)),
            "longest_commit_ms": .number(Distribution.rounded(longestCommitMilliseconds)),
            "note": "One execution: a distributed Map (STANDARD children, MaxConcurrency 0 = 10,000) over a JSON Lines object, a Pass per item, a ResultWriter; from StartExecution to SUCCEEDED; peak RSS is VmHWM.",
        ]
    }
}

/// Runs stepctl and fails on a non-zero exit.
func runStepctl(_ context: BenchContext, socket: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: context.binDirectory + "/stepctl")
    process.arguments = ["--socket", socket] + arguments
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BenchError("stepctl \(arguments.joined(separator: " ")) exited \(process.terminationStatus)") }
}
