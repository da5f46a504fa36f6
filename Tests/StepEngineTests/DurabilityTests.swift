import Foundation
import GRDB
import JSON
import StepEngine
import TestSupport
import Testing

/// A restarted daemon (a new Engine on the same file) picks up suspended executions.
@Suite struct DurabilityTests {
    @Test func tokenAnsweredAfterRestart() async throws {
        let first = try await TaskTokenTests.parkingEngine()
        let (arn, token) = try await TaskTokenTests.park(first)
        let path = first.path

        let restarted = try TestEngine.open(path: path)
        let recovery = try await restarted.recover()
        #expect(recovery.executionsWaitingOnTokens == 1)
        #expect(recovery.readyExecutions == 0)
        #expect(try await restarted.describeExecution(arn: arn).status.rawValue == "RUNNING")
        try await restarted.sendTask(token: token, answer: .success(output: #"{"after": "restart"}"#))
        let description = try await restarted.waitForExecution(arn: arn)
        #expect(description.status.rawValue == "SUCCEEDED")
        #expect(parsed(description.output) == ["id": "job-1", "answer": ["after": "restart"]])
    }

    /// The first engine's clock never moves, so its own timer does not fire: only the
    /// restarted engine's re-armed timer can end the Wait.
    @Test func waitTimerFiresAfterRestart() async throws {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let first = try TestEngine(clock: ManualClock(now: start))
        let definition: JSONValue = [
            "StartAt": "Pause",
            "States": ["Pause": ["Type": "Wait", "TimestampPath": "$.until", "Next": "Done"], "Done": ["Type": "Succeed"]],
        ]
        try await first.machine("wait", definition.text)
        let until = start.addingTimeInterval(2).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
        let arn = try await first.start("wait", input: ["until": .string(until)])
        await first.engine.waitUntilIdle()
        #expect(try await first.history(arn).types == ["ExecutionStarted", "WaitStateEntered"])

        let clock = ManualClock(now: start)
        let restarted = try TestEngine.open(path: first.path, clock: clock)
        _ = try await restarted.recover()
        try await clock.advance(by: 2, settling: restarted)
        let description = try await restarted.waitForExecution(arn: arn)
        #expect(description.status.rawValue == "SUCCEEDED")
        let events = try await restarted.getExecutionHistory(arn: arn, maxResults: nil, reverseOrder: false, nextToken: nil)
        #expect(events.items.map(\.json).types == [
            "ExecutionStarted", "WaitStateEntered", "WaitStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
        ])
    }

    /// A retry waiting on its interval survives a restart too. The first engine's clock never
    /// moves, so its own timer never finds the retry due.
    @Test func retryIntervalAfterRestart() async throws {
        let frozen = Date(timeIntervalSince1970: 1_700_000_000)
        let first = try TestEngine(clock: ManualClock(now: frozen))
        try await first.machine("retry", TaskFlowTests.retrying(maxAttempts: 1).text)
        let arn = try await first.start("retry", input: ["a": 1])
        await first.engine.waitUntilIdle()
        #expect(try await first.engine.describeExecution(arn: arn).status.rawValue == "RUNNING")

        // The restarted engine starts a day later: the retry timer (due a day before + 1 s) is overdue.
        let restarted = try TestEngine.open(path: first.path, clock: ManualClock(now: frozen.addingTimeInterval(86_400)))
        _ = try await restarted.recover()
        let description = try await restarted.waitForExecution(arn: arn)
        #expect(description.status.rawValue == "SUCCEEDED")
        #expect(parsed(description.output)?["error"]?["Error"] == "DynamoDB.ResourceNotFoundException")
    }

    /// An execution whose definition version is gone (a damaged file) fails with
    /// States.Runtime at its next step, and that end is written: row and history.
    @Test func anExecutionWhoseDefinitionIsGoneFailsAndStaysFailed() async throws {
        let first = try TestEngine()
        try await first.machine("wait", #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}"#)
        let arn = try await first.start("wait")
        await first.engine.waitUntilIdle()
        var damaging = Configuration()
        damaging.foreignKeysEnabled = false
        let database = try DatabaseQueue(path: first.path, configuration: damaging)
        try await database.write { db in
            try db.execute(sql: "UPDATE execution SET versionId = 999, phase = 'resume', resumeValue = NULL WHERE arn = ?", arguments: [arn])
        }

        let restarted = try TestEngine.open(path: first.path)
        #expect(try await restarted.recover().readyExecutions == 1)
        let description = try await bounded(seconds: 10, "the execution's end") { try await restarted.waitForExecution(arn: arn) }
        #expect(description.status.rawValue == "FAILED")
        #expect(description.error == "States.Runtime")
        let history = try await TestEngine.history(of: arn, in: restarted)
        #expect(history.types.last == "ExecutionFailed")
        let stored = try await database.read { db in try String.fetchOne(db, sql: "SELECT status FROM execution WHERE arn = ?", arguments: [arn]) }
        #expect(stored == "FAILED")
    }
}
