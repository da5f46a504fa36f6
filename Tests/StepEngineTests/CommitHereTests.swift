import Foundation
import GRDB
import JSON
import Logging
@testable import StepEngine
import StepStore
import TestSupport
import Testing

/// Spool events commit on the caller's thread when the writer sleeps, and queue behind it
/// when it does not: with both kinds of callers at once, every write lands exactly once.
/// With the speed tricks off (`plain`) every write queues for the writer, which sleeps after
/// each commit; the same holds.
@Suite struct CommitHereTests {
    @Test(arguments: [false, true])
    func eventsCommittedOnTheirOwnThreadAndWritesQueuedForTheWriterAllLand(plain: Bool) async throws {
        let test = try TestEngine(plain: plain)
        try await test.machine("pass", #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#)
        _ = try await test.engine.putRule(name: "r", eventPattern: #"{"source": ["test"]}"#, state: nil, description: nil)
        _ = try await test.engine.putTargets(rule: "r", targets: [["Id": "t", "Arn": "pass"]])
        let count = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let event: JSONValue = ["source": "test", "detail-type": "Test", "detail": ["n": .number(Double(index))]]
                    _ = try await test.engine.ingestSpoolEvent(event.jsonData, fileName: "e-\(index).json")
                }
                group.addTask { _ = try await test.start("pass", name: "api-\(index)") }
            }
            try await group.waitForAll()
        }
        await test.engine.waitUntilIdle()
        let database = try DatabaseQueue(path: test.path)
        let (events, executions, running) = try await database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receivedEvent") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM execution") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM execution WHERE status != 'SUCCEEDED'") ?? -1
            )
        }
        #expect(events == count)
        #expect(executions == 2 * count, "one per API start and one per event")
        #expect(running == 0)
    }

    /// While the writer sleeps, an event's write runs on the thread that submits it; with
    /// the switch off, on the writer's thread like any other write, and the caller waits.
    @Test(arguments: [true, false])
    func theThreadThatCommitsAnEventWhileTheWriterSleeps(commitsOnCallingThread: Bool) async throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let writer = CommitWriter(
            database: try StepDatabase.open(path: scratch.path), definitions: DefinitionCache(), rules: RuleCache(), clock: { Date() },
            logger: Logger(label: "stepd.tests"), trace: nil, checkpointer: nil, commitsOnCallingThread: commitsOnCallingThread)
        let observer = AwakeWriterTests.IgnoringObserver()
        // Never awake after a commit, and nothing queued yet: the writer counts as asleep.
        writer.start(observer: observer, awakeAfterCommit: nil)
        defer { writer.close() }
        var caller: pthread_t?
        let committer = try await withCheckedThrowingContinuation { continuation in
            caller = pthread_self()
            writer.submitCommittingHere(PendingWrite(body: { _, _, _ in pthread_self() }, continuation: continuation))
        }
        #expect(((committer as? pthread_t) == caller) == commitsOnCallingThread)
    }
}

extension TestEngine {
    /// `plain`: an engine without the speed tricks (no log write buffer, no awake writer, no
    /// commits on the caller's thread), as `STEPD_PLAIN=1` makes stepd's.
    init(plain: Bool) throws {
        directory = try ScratchFolder.make("stepd-engine")
        let path = directory + "/db.sqlite"
        clock = SystemClock()
        if plain {
            database = try StepDatabase.open(path: path, logWriteBuffer: false)
            engine = Engine(database: database, logger: Logger(label: "stepd.tests"), awakeWriter: false, commitsOnCallingThread: false)
        } else {
            (engine, database) = try Self.openWithDatabase(path: path)
        }
    }
}
