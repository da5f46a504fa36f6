import Foundation
import GRDB
import JSON
@testable import StepEngine
import Testing

/// A group commit runs without savepoints first; when a part fails after changing rows, the
/// whole commit runs again with them, so what the part changed is not kept.
@Suite struct OptimisticCommitTests {
    struct Refused: Error {}

    @Test func aWriteThatFailsAfterChangingRowsLeavesNothingAndTheOthersStay() async throws {
        let test = try TestEngine()
        let failing = Task {
            try await test.engine.transact { db, _, _ in
                try db.execute(sql: "INSERT INTO jobDefinition (name, command, environment, updatedAt) VALUES ('failing', '[]', '{}', 0)")
                throw Refused()
            }
        }
        let succeeding = Task {
            try await test.engine.transact { db, _, _ in
                try db.execute(sql: "INSERT INTO jobDefinition (name, command, environment, updatedAt) VALUES ('kept', '[]', '{}', 0)")
            }
        }
        await #expect(throws: Refused.self) { try await failing.value }
        try await succeeding.value
        let names = try await DatabaseQueue(path: test.path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM jobDefinition ORDER BY name")
        }
        #expect(names == ["kept"])
    }
}
