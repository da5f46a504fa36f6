import Foundation
import GRDB
import JSON
import StepEngine
import TestSupport
import Testing

/// A commit that fails as a whole (a full disk) is tried again after a backoff on the
/// engine's clock, and what it was doing then happens.
@Suite struct CommitRetryTests {
    /// The Wait's end writes the large input twice more (WaitStateExited, ExecutionSucceeded):
    /// with the file unable to grow, the timer's commit fails with SQLITE_FULL.
    @Test func aTimerWhoseCommitFailedFiresAgainAfterTheBackoff() async throws {
        let test = try TestEngine(clock: ManualClock())
        let definition: JSONValue = ["StartAt": "Pause", "States": ["Pause": ["Type": "Wait", "Seconds": 10, "End": true]]]
        try await test.machine("wait", definition.text)
        let large = String(repeating: "x", count: 100_000)
        let arn = try await test.start("wait", input: ["large": .string(large)])
        await test.engine.waitUntilIdle()
        // SQLite raises a limit below the file's size to that size: the file stays as it is.
        try await test.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1") }

        try await test.advance(by: 10)
        #expect(try await test.engine.describeExecution(arn: arn).status.rawValue == "RUNNING")
        #expect(try await test.history(arn).types == ["ExecutionStarted", "WaitStateEntered"])

        try await test.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        // The first retry comes 0.5 s after the failure, not before.
        try await test.advance(by: 0.4)
        #expect(try await test.history(arn).types == ["ExecutionStarted", "WaitStateEntered"])
        try await test.advance(by: 0.1)
        let execution = try await test.finish(arn)
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output?["large"]?.stringValue == large)
        // Ended by the retry, at 10.5 s.
        #expect(execution.duration == 10.5)
        #expect(try await test.history(arn).types == ["ExecutionStarted", "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"])
    }
}
