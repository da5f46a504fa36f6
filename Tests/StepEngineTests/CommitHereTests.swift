import Foundation
import GRDB
import JSON
import StepEngine
import Testing

/// Spool events commit on the caller's thread when the writer sleeps, and queue behind it
/// when it does not: with both kinds of callers at once, every write lands exactly once.
@Suite struct CommitHereTests {
    @Test func eventsCommittedOnTheirOwnThreadAndWritesQueuedForTheWriterAllLand() async throws {
        let test = try TestEngine()
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
}
