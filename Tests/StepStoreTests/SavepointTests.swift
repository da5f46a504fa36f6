import Foundation
import GRDB
import StepStore
import Testing

@Suite struct SavepointTests {
    struct Refused: Error {}

    private static func withTable(_ body: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (x INTEGER)")
            try body(db)
        }
    }

    private static func values(_ db: Database) throws -> [Int] {
        try Int.fetchAll(db, sql: "SELECT x FROM t ORDER BY x")
    }

    @Test func whatTheBodyWroteIsKeptWhenItReturns() throws {
        try Self.withTable { db in
            let answer = try db.withSavepoint {
                try db.execute(sql: "INSERT INTO t VALUES (1)")
                return 42
            }
            #expect(answer == 42)
            #expect(try Self.values(db) == [1])
        }
    }

    @Test func whatTheBodyWroteIsUndoneWhenItThrows() throws {
        try Self.withTable { db in
            try db.execute(sql: "INSERT INTO t VALUES (1)")
            #expect(throws: Refused.self) {
                try db.withSavepoint {
                    try db.execute(sql: "INSERT INTO t VALUES (2)")
                    throw Refused()
                }
            }
            #expect(try Self.values(db) == [1])
            #expect(db.isInsideTransaction)
        }
    }

    @Test func anInnerSavepointRollsBackAloneAndTheOuterOneKeepsTheRest() throws {
        try Self.withTable { db in
            try db.withSavepoint {
                try db.execute(sql: "INSERT INTO t VALUES (1)")
                try? db.withSavepoint {
                    try db.execute(sql: "INSERT INTO t VALUES (2)")
                    throw Refused()
                }
                try db.withSavepoint { try db.execute(sql: "INSERT INTO t VALUES (3)") }
            }
            #expect(try Self.values(db) == [1, 3])
        }
    }

    @Test func outsideATransactionItRefusesToRun() throws {
        let queue = try DatabaseQueue()
        try queue.writeWithoutTransaction { db in
            #expect(throws: DatabaseError.self) { try db.withSavepoint { 1 } }
        }
    }

    @Test func withoutSavepointsABodyThatFailsAfterChangingRowsAsksForThemAgain() throws {
        try Self.withTable { db in
            #expect(throws: SavepointsNeeded.self) {
                try db.withoutSavepoints {
                    try db.execute(sql: "INSERT INTO t VALUES (1)")
                    // Caught, as a task's failure is: without a savepoint its row would stay.
                    try? db.withSavepoint {
                        try db.execute(sql: "INSERT INTO t VALUES (2)")
                        throw Refused()
                    }
                }
            }
        }
    }

    @Test func withoutSavepointsAFailureThatChangedNothingNeedsNone() throws {
        try Self.withTable { db in
            let answer = try db.withoutSavepoints { () throws -> Int in
                try db.execute(sql: "INSERT INTO t VALUES (1)")
                try? db.withSavepoint { throw Refused() }
                try db.withSavepoint { try db.execute(sql: "INSERT INTO t VALUES (3)") }
                return 7
            }
            #expect(answer == 7)
            #expect(try Self.values(db) == [1, 3])
            // Outside the run, savepoints are back.
            try? db.withSavepoint {
                try db.execute(sql: "INSERT INTO t VALUES (4)")
                throw Refused()
            }
            #expect(try Self.values(db) == [1, 3])
        }
    }
}
