import Foundation
import JSON
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The reference scenario (examples/async-job) against the real daemon: the success and
/// failure paths, and suspension across a crash of stepd.
@Suite("async-job example against the real stepd")
struct AsyncJobTests {
    @Test("success: main SUCCEEDED with the flow's report, nested executions SUCCEEDED, output written, AWS history", arguments: StepdMode.allCases)
    func success(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            let copy = try await stepd.applyExample()
            let main = try await stepd.startExecution("main")
            let ended = try await stepd.waitForExecution(main)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
            let outputText = try #require(ended["output"]?.stringValue)
            let output = try JSONValue(parsing: outputText)
            #expect(output["status"] == "Execution Successful", "output: \(outputText)")
            #expect(output["flow-name"] == "example-flow")

            // The nested executions: call-job started the job, success-callback sent the token back.
            let callJobs = try await stepd.executions(of: "call-job")
            try #require(callJobs.count == 1, "call-job executions: \(callJobs)")
            let callJob = try await stepd.waitForExecution(try #require(callJobs[0]["executionArn"]?.stringValue))
            #expect(callJob["status"] == "SUCCEEDED")
            let callJobOutput = try JSONValue(parsing: try #require(callJob["output"]?.stringValue))
            let jobId = try #require(callJobOutput["Flow"]?["ExecutionId"]?.stringValue)
            #expect(output["execution-id"] == .string(jobId), "the report is the started job's")

            let callbacks = try await stepd.executions(of: "success-callback")
            try #require(callbacks.count == 1, "success-callback executions: \(callbacks)")
            let callback = try await stepd.waitForExecution(try #require(callbacks[0]["executionArn"]?.stringValue))
            #expect(callback["status"] == "SUCCEEDED")
            #expect(try await stepd.executions(of: "failure-callback").isEmpty)

            // The job mapped input/example.json into output/ of the applied copy.
            let written = try JSONValue(parsing: Data(contentsOf: URL(fileURLWithPath: copy + "/output/example.json")))
            #expect(written == ["hello": "world"])

            // The job reports before it exits: main may end first.
            try await stepd.waitForLogLine(containing: ["job ended", jobId])
            let job = try await stepd.call("Stepd.DescribeJob", ["JobId": .string(jobId)])
            #expect(job["Reported"] == true)
            #expect(job["Status"] == "EXITED")

            // main's history: AWS event types, in order, chained by previousEventId.
            let history = try await stepd.call("AWSStepFunctions.GetExecutionHistory", ["executionArn": .string(main)])
            let events = try #require(history["events"]?.arrayValue)
            #expect(events.compactMap { $0["type"]?.stringValue } == [
                "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
                "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded",
            ])
            #expect(events.first?["id"] == 1)
            #expect(events.first?["previousEventId"] == 0)
            #expect(events.compactMap { $0["id"]?.intValue } == Array(1...events.count))
        }
    }

    @Test("failure: a malformed input file fails the flow; main FAILED with FlowFailed naming the file", arguments: StepdMode.allCases)
    func malformedInputFailsMain(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            try await stepd.applyExample { copy in
                try Data(#"{"hello": "#.utf8).write(to: URL(fileURLWithPath: copy + "/input/zz-broken.json"))
            }
            let main = try await stepd.startExecution("main")
            let ended = try await stepd.waitForExecution(main)
            #expect(ended["status"] == "FAILED", "\(ended.serialized())")
            #expect(ended["error"] == "FlowFailed")
            let cause = try #require(ended["cause"]?.stringValue, "\(ended.serialized())")
            #expect(cause.contains("zz-broken.json"), "cause: \(cause)")
            #expect(cause.contains("Execution Failed"), "cause: \(cause)")

            let callbacks = try await stepd.executions(of: "failure-callback")
            try #require(callbacks.count == 1)
            let callback = try await stepd.waitForExecution(try #require(callbacks[0]["executionArn"]?.stringValue))
            #expect(callback["status"] == "SUCCEEDED")
            #expect(try await stepd.executions(of: "success-callback").isEmpty)
        }
    }

    @Test("failure: a job that exits without reporting gets a failure report from stepd; main FAILED", arguments: StepdMode.allCases)
    func silentExitFailsMain(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            try await stepd.applyExample()
            try await stepd.putJob(["/bin/sh", "-c", "exit 3"])
            let main = try await stepd.startExecution("main")
            let ended = try await stepd.waitForExecution(main)
            #expect(ended["status"] == "FAILED", "\(ended.serialized())")
            #expect(ended["error"] == "FlowFailed")
            let cause = try #require(ended["cause"]?.stringValue, "\(ended.serialized())")
            #expect(cause.contains("exited with status 3"), "cause: \(cause)")
            #expect(cause.contains("without reporting"), "cause: \(cause)")
        }
    }

    @Test("kill -9 while main is suspended; the job keeps running, is re-adopted; its report resumes main", arguments: StepdMode.allCases)
    func crashWhileSuspended(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            let suspended = try await suspendMainOnSleepingJob(stepd)
            try await stepd.kill9()
            try await stepd.launch()

            #expect(try await stepd.describeExecution(suspended.main)["status"] == "RUNNING")
            let job = try await stepd.call("Stepd.DescribeJob", ["JobId": .string(suspended.jobId)])
            #expect(job["Status"] == "RUNNING", "the job outlived stepd and was adopted: \(job.serialized())")

            try stepd.dropEvent(StepdProcess.report(jobId: suspended.jobId, status: "Execution Successful"))
            let ended = try await stepd.waitForExecution(suspended.main)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
            let output = try JSONValue(parsing: try #require(ended["output"]?.stringValue))
            #expect(output["execution-id"] == .string(suspended.jobId))
            #expect(try await stepd.executions(of: "failure-callback").isEmpty)
            killJobs(stepd)
        }
    }

    /// A job's report has an `aws.appflow` source, which only the spool may emit: a caller of
    /// the socket who could send one would resume a workflow whose job never ended. PutEvents
    /// with a source of its own still reaches the same rules and workflows.
    @Test("PutEvents refuses a forged aws.* job report; a report under the caller's own source resumes main", arguments: StepdMode.allCases)
    func reportThroughPutEvents(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            let suspended = try await suspendMainOnSleepingJob(stepd)
            let detail: JSONValue = ["flow-name": "example-flow", "execution-id": .string(suspended.jobId), "status": "Execution Successful"]
            let forged = try await stepd.call("AWSEvents.PutEvents", [
                "Entries": [["Source": "aws.appflow", "DetailType": "AppFlow End Flow Run Report", "Detail": .string(detail.serialized())]],
            ])
            #expect(forged["FailedEntryCount"] == 1, "\(forged.serialized())")
            #expect(forged["Entries"]?.arrayValue?.first?["ErrorCode"] == "NotAuthorizedForSourceException", "\(forged.serialized())")
            #expect(forged["Entries"]?.arrayValue?.first?["EventId"] == nil)

            _ = try await stepd.call("AWSEvents.PutRule", [
                "Name": "operator-report",
                "EventPattern": .string(#"{"source": ["operator.report"], "detail": {"status": ["Execution Successful"]}}"#),
            ])
            _ = try await stepd.call("AWSEvents.PutTargets", [
                "Rule": "operator-report",
                "Targets": [["Id": "success", "Arn": "arn:aws:states:local:000000000000:stateMachine:success-callback"]],
            ])
            #expect(try await stepd.describeExecution(suspended.main)["status"] == "RUNNING", "the forged report resumed nothing")
            let answer = try await stepd.call("AWSEvents.PutEvents", [
                "Entries": [["Source": "operator.report", "DetailType": "Report", "Detail": .string(detail.serialized())]],
            ])
            #expect(answer["FailedEntryCount"] == 0, "\(answer.serialized())")
            let ended = try await stepd.waitForExecution(suspended.main)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
            killJobs(stepd)
        }
    }

    /// The job's 5 s limit spans the restart: the restarted stepd must still stop it then,
    /// and main fails (a report is written for the killed job). Should the suspension take
    /// longer than 5 s the job is stopped before the crash and the test passes trivially.
    @Test(
        "a re-adopted job is still stopped at its time limit; main FAILED", arguments: StepdMode.allCases)
    func adoptedJobKeepsTimeLimit(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            let suspended = try await suspendMainOnSleepingJob(stepd, timeoutSeconds: 5)
            try await stepd.kill9()
            try await stepd.launch()
            let ended = try await stepd.waitForExecution(suspended.main, seconds: 30)
            #expect(ended["status"] == "FAILED", "\(ended.serialized())")
            #expect(ended["error"] == "FlowFailed")
            killJobs(stepd)
        }
    }

    @Test("kill -9 while suspended, the job dies while stepd is down: at restart stepd reports the failure; main FAILED", arguments: StepdMode.allCases)
    func jobDiesWhileDown(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            let suspended = try await suspendMainOnSleepingJob(stepd)
            try await stepd.kill9()
            killJobs(stepd)
            try await stepd.launch()

            let ended = try await stepd.waitForExecution(suspended.main)
            #expect(ended["status"] == "FAILED", "\(ended.serialized())")
            #expect(ended["error"] == "FlowFailed")
            let cause = try #require(ended["cause"]?.stringValue)
            #expect(cause.contains("without reporting"), "cause: \(cause)")
        }
    }

    /// Report names that sort before and after stepd's own `stepd-job-<id>.json`: the order
    /// of ingestion must not decide whether a failure report is invented.
    @Test(
        "the job reports and exits while stepd is down: at restart its report counts, no failure is invented; main SUCCEEDED",
        arguments: ["0-report.json", "zz-report.json"], StepdMode.allCases)
    func jobReportsAndExitsWhileDown(reportName: String, mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            let suspended = try await suspendMainOnSleepingJob(stepd)
            try await stepd.kill9()
            try stepd.dropEvent(StepdProcess.report(jobId: suspended.jobId, status: "Execution Successful"), name: reportName)
            killJobs(stepd)
            try await stepd.launch()

            let ended = try await stepd.waitForExecution(suspended.main)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
            let job = try await stepd.call("Stepd.DescribeJob", ["JobId": .string(suspended.jobId)])
            #expect(job["Reported"] == true, "\(job.serialized())")
            let failureCallbacks = try await stepd.executions(of: "failure-callback")
            #expect(failureCallbacks.isEmpty, "no failure report was written for a job that reported: \(failureCallbacks)")
        }
    }

    @Test("an event dropped while stepd is down is processed at start; new/ ends empty", arguments: StepdMode.allCases)
    func eventWhileDown(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            let suspended = try await suspendMainOnSleepingJob(stepd)
            let status = try await stepd.terminate()
            #expect(status == 0, "stepd's exit status after SIGTERM")
            try stepd.dropEvent(StepdProcess.report(jobId: suspended.jobId, status: "Execution Successful"))
            try await stepd.launch()

            let ended = try await stepd.waitForExecution(suspended.main)
            #expect(ended["status"] == "SUCCEEDED", "\(ended.serialized())")
            let newDirectory = stepd.spool + "/new"
            try await waitForDirectory(newDirectory, seconds: 10, "new/ to be empty") { Spool.names(in: newDirectory).isEmpty }
            #expect(Spool.names(in: stepd.spool + "/failed").isEmpty)
            killJobs(stepd)
        }
    }
}

struct SuspendedMain {
    var main: String
    var jobId: String
}

/// The marker file each sleeping job appends "<job id> <pid>" to.
private func markerPath(_ stepd: StepdProcess) -> String { stepd.root + "/job-ids" }

/// The (job id, pid) lines the sleeping jobs wrote.
private func markerLines(_ stepd: StepdProcess) -> [(jobId: String, pid: Int32)] {
    guard let text = try? String(contentsOfFile: markerPath(stepd), encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
        let parts = line.split(separator: " ")
        guard parts.count == 2, let pid = Int32(parts[1]) else { return nil }
        return (String(parts[0]), pid)
    }
}

/// Kills every sleeping job (its process group) now.
private func killJobs(_ stepd: StepdProcess) {
    for line in markerLines(stepd) where line.pid > 1 {
        if kill(-line.pid, SIGKILL) != 0 { kill(line.pid, SIGKILL) }
    }
}

/// Applies the example with a job that reports nothing and sleeps; starts main; waits until
/// the job runs (its marker line, through inotify) and call-job has stored the token
/// (call-job SUCCEEDED). main is then RUNNING, suspended on its task token.
private func suspendMainOnSleepingJob(_ stepd: StepdProcess, timeoutSeconds: Int = 3600) async throws -> SuspendedMain {
    try await stepd.applyExample()
    let marker = markerPath(stepd)
    try await stepd.putJob(
        ["/bin/sh", "-c", #"echo "$STEPD_JOB_ID $$" >> "$MARKER"; exec sleep 600"#], environment: ["MARKER": marker],
        timeoutSeconds: timeoutSeconds)
    let main = try await stepd.startExecution("main")
    try await waitForDirectory(stepd.root, seconds: 30, "the job's marker line") { [stepd] in !markerLines(stepd).isEmpty }
    for line in markerLines(stepd) { stepd.killAtEnd(line.pid) }
    let jobId = try #require(markerLines(stepd).first?.jobId)

    let callJobs = try await stepd.executions(of: "call-job")
    try #require(callJobs.count == 1, "call-job executions: \(callJobs)")
    let callJob = try await stepd.waitForExecution(try #require(callJobs[0]["executionArn"]?.stringValue))
    try #require(callJob["status"] == "SUCCEEDED", "\(callJob.serialized())")
    let callJobOutput = try JSONValue(parsing: try #require(callJob["output"]?.stringValue))
    #expect(callJobOutput["Flow"]?["ExecutionId"] == .string(jobId))
    try #require(try await stepd.describeExecution(main)["status"] == "RUNNING")
    return SuspendedMain(main: main, jobId: jobId)
}
