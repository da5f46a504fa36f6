import GRDB
import StepStore
import TestSupport
import Testing

@Suite struct WriteTransactionTests {
    struct Refused: Error {}

    /// A pool on a file of its own: WAL, a writer and readers, as stepd opens its database.
    private static func withPool(_ body: (DatabasePool) throws -> Void) throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let pool = try DatabasePool(path: scratch.path, configuration: configuration)
        try pool.writeWithoutTransaction { db in
            try db.execute(
                sql: """
                    CREATE TABLE parent (id INTEGER PRIMARY KEY);
                    CREATE TABLE child (parentId INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                    """)
        }
        try body(pool)
    }

    private static func parents(_ pool: DatabasePool) throws -> [Int] {
        try pool.read { db in try Int.fetchAll(db, sql: "SELECT id FROM parent ORDER BY id") }
    }

    @Test func whatTheBodyWroteIsCommittedAndSeenByReaders() throws {
        try Self.withPool { pool in
            let answer = try pool.writeWithPreparedTransaction { db in
                #expect(db.isInsideTransaction)
                try db.execute(sql: "INSERT INTO parent VALUES (1)")
                return 42
            }
            #expect(answer == 42)
            #expect(try Self.parents(pool) == [1])
            try pool.writeWithoutTransaction { db in #expect(!db.isInsideTransaction) }
        }
    }

    @Test func whatTheBodyWroteIsRolledBackWhenItThrows() throws {
        try Self.withPool { pool in
            try pool.writeWithPreparedTransaction { db in try db.execute(sql: "INSERT INTO parent VALUES (1)") }
            #expect(throws: Refused.self) {
                try pool.writeWithPreparedTransaction { db in
                    try db.execute(sql: "INSERT INTO parent VALUES (2)")
                    throw Refused()
                }
            }
            #expect(try Self.parents(pool) == [1])
            try pool.writeWithoutTransaction { db in #expect(!db.isInsideTransaction) }
        }
    }

    @Test func aCommitThatFailsRollsBackAndTheNextTransactionRuns() throws {
        try Self.withPool { pool in
            // A deferred foreign key is checked by COMMIT: the statement that fails is the commit.
            #expect(throws: DatabaseError.self) {
                try pool.writeWithPreparedTransaction { db in
                    try db.execute(sql: "INSERT INTO parent VALUES (1)")
                    try db.execute(sql: "INSERT INTO child VALUES (99)")
                }
            }
            try pool.writeWithoutTransaction { db in #expect(!db.isInsideTransaction) }
            #expect(try Self.parents(pool) == [])
            try pool.writeWithPreparedTransaction { db in try db.execute(sql: "INSERT INTO parent VALUES (2)") }
            #expect(try Self.parents(pool) == [2])
        }
    }
}
