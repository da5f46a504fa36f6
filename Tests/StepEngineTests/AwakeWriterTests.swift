import Foundation
import GRDB
import Logging
@testable import StepEngine
import StepStore
import TestSupport
import Testing

/// After a commit the writer stays awake for its window instead of sleeping: work queued
/// meanwhile, which signals nobody, is committed at once, and when the window passes the
/// writer sleeps.
@Suite struct AwakeWriterTests {
    final class IgnoringObserver: CommitObserver {
        func committed(effects: TransitionEffects, nextTimerDue: Double??) {}
        func commitFailed(executions: [Int64], consecutiveFailures: Int) {}
    }

    /// A writer whose window, once learnt, is `window` (its first quiet spell teaches it);
    /// nil: one that never stays awake (the switch turned off).
    final class AwakeWriter: Sendable {
        let scratch: ScratchDatabase
        let database: DatabasePool
        let writer: CommitWriter
        let observer = IgnoringObserver()

        init(window: Duration?) throws {
            scratch = try ScratchDatabase()
            database = try StepDatabase.open(path: scratch.path)
            writer = CommitWriter(
                database: database, definitions: DefinitionCache(), rules: RuleCache(), clock: { Date() },
                logger: Logger(label: "stepd.tests"), trace: nil, checkpointer: nil)
            writer.start(observer: observer, awakeAfterCommit: window.map { AwakeAfterCommit(longest: $0, firstWindow: $0) })
        }

        deinit {
            writer.close()
            scratch.remove()
        }

        func insert(_ name: String) async throws {
            _ = try await withCheckedThrowingContinuation { continuation in
                writer.submit(
                    PendingWrite(
                        body: { db, _, _ in
                            try db.execute(
                                sql: "INSERT INTO jobDefinition (name, command, environment, updatedAt) VALUES (?, '[]', '{}', 0)",
                                arguments: [name])
                            return name
                        }, continuation: continuation))
            }
        }

        func names() throws -> [String] {
            try database.read { db in try String.fetchAll(db, sql: "SELECT name FROM jobDefinition ORDER BY name") }
        }
    }

    @Test func workQueuedWhileTheWriterStaysAwakeIsCommittedWithoutWaitingForTheWindow() async throws {
        let test = try AwakeWriter(window: .seconds(30))
        // The first commit ends a quiet spell of milliseconds: from then on the writer stays
        // awake 30 s after each commit, and nobody signals it while it does.
        try await test.insert("a")
        for name in ["b", "c", "d"] {
            // Not synchronisation: the pause lets the writer get to watching, so that the
            // insert arrives while it stays awake rather than before it has looked.
            try await Task.sleep(for: .milliseconds(20))
            try await bounded(seconds: 10, "the insert of \(name), queued while the writer stays awake") {
                try await test.insert(name)
            }
        }
        #expect(try test.names() == ["a", "b", "c", "d"])
    }

    @Test func theWriterSleepsWhenItsWindowHasPassed() async throws {
        let test = try AwakeWriter(window: .milliseconds(200))
        try await test.insert("a")
        try await test.insert("b")
        // Idle means asleep: waitUntilIdle answers only once the writer has stopped watching.
        try await bounded(seconds: 10, "the writer going back to sleep") { await test.writer.waitUntilIdle() }
        try await test.insert("c")
        #expect(try test.names() == ["a", "b", "c"])
    }

    /// Without its awake window the writer sleeps after every commit, where one with a
    /// window of 30 s would keep `waitUntilIdle` waiting that long; work queued later wakes it.
    @Test func aWriterWithoutAnAwakeWindowSleepsAfterEveryCommit() async throws {
        let test = try AwakeWriter(window: nil)
        for name in ["a", "b", "c"] {
            try await test.insert(name)
            try await bounded(seconds: 10, "the writer going to sleep after the insert of \(name)") { await test.writer.waitUntilIdle() }
        }
        #expect(try test.names() == ["a", "b", "c"])
    }
}
