import Foundation
import GRDB
import StepStore
import TestSupport
import Testing

@Suite struct StepDatabaseTests {
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    /// Every execution's data and task tokens are in it: its owner alone may read it.
    @Test func theDatabaseAndItsLogAreTheOwnersAlone() throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let pool = try StepDatabase.open(path: scratch.path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        #expect(Self.mode(scratch.path) == 0o600)
        #expect(Self.mode(scratch.path + "-wal") == 0o600)
        try pool.close()
    }

    @Test func anOlderDatabaseOthersCouldReadIsMadePrivate() throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        try StepDatabase.open(path: scratch.path).close()
        for path in [scratch.path, scratch.path + "-wal", scratch.path + "-shm"] where Self.mode(path) != nil {
            try #require(chmod(path, 0o644) == 0)
        }
        let pool = try StepDatabase.open(path: scratch.path)
        #expect(Self.mode(scratch.path) == 0o600)
        for path in [scratch.path + "-wal", scratch.path + "-shm"] where Self.mode(path) != nil {
            #expect(Self.mode(path) == 0o600, "\(path)")
        }
        try pool.close()
    }

    /// Commits must survive a power cut: WAL with synchronous=FULL (2) on the writer, the
    /// connection that commits.
    @Test func commitsAreDurable() throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let pool = try StepDatabase.open(path: scratch.path)
        let (mode, synchronous) = try pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2)
    }

    /// A database opened as stepd opens it, with a checkpointer that reports each checkpoint.
    private struct Checkpointed {
        let scratch: ScratchDatabase
        let pool: DatabasePool
        let checkpointer: WALCheckpointer
        private let copies: AsyncStream<Int>

        init() throws {
            scratch = try ScratchDatabase()
            pool = try StepDatabase.open(path: scratch.path)
            let (copies, copied) = AsyncStream.makeStream(of: Int.self)
            self.copies = copies
            checkpointer = try WALCheckpointer(database: pool, onError: { _ in }, onCheckpoint: { copied.yield($0) })
        }

        /// The frames the checkpointer's first checkpoint copied; nil when none came within 10 s.
        func firstCheckpoint() async -> Int? {
            let copies = self.copies
            return (try? await bounded(seconds: 10, "the first checkpoint") { await copies.first { _ in true } }) ?? nil
        }

        func close() {
            checkpointer.close()
            scratch.remove()
        }
    }

    /// The writer only counts commits; the checkpointer's thread copies the log back after
    /// `commitsPerCheckpoint` of them, and SQLite's own checkpoint waits for a bigger log.
    @Test func theLogIsCheckpointedOffTheWritersPath() async throws {
        let database = try Checkpointed()
        defer { database.close() }
        let (pool, checkpointer) = (database.pool, database.checkpointer)
        #expect(try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } == 8_000)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        for index in 1..<WALCheckpointer.commitsPerCheckpoint {
            try await pool.write { db in try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [index]) }
            checkpointer.committed()
        }
        try await pool.write { db in try db.execute(sql: "INSERT INTO t VALUES (0)") }
        checkpointer.committed()
        let first = await database.firstCheckpoint()
        #expect((first ?? 0) > 0, "no checkpoint within 10 s of the 64th commit")
    }

    /// Commits that come while the thread copies keep the log from being wholly copied; the
    /// writer copies them afterwards, and the next commit starts the log over instead of
    /// growing the file.
    @Test func theWriterFinishesTheCheckpointSoTheLogStartsOver() async throws {
        let database = try Checkpointed()
        defer { database.close() }
        let (pool, checkpointer) = (database.pool, database.checkpointer)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        // A reader's snapshot from halfway stops the thread's checkpoint there, as commits
        // made during the checkpoint would.
        var readerConfiguration = Configuration()
        readerConfiguration.allowsUnsafeTransactions = true
        let reader = try DatabaseQueue(path: pool.path, configuration: readerConfiguration)
        for index in 0..<WALCheckpointer.commitsPerCheckpoint {
            if index == WALCheckpointer.commitsPerCheckpoint / 2 {
                try reader.inDatabase { db in try db.execute(sql: "BEGIN; SELECT COUNT(*) FROM t") }
            }
            try await pool.write { db in try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [index]) }
            checkpointer.committed()
        }
        #expect(await database.firstCheckpoint() != nil, "no checkpoint within 10 s of the 64th commit")
        try reader.inDatabase { db in try db.execute(sql: "COMMIT") }
        let logPath = pool.path + "-wal"
        let logBytes = { (try FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? -1 }
        let bytesBefore = try logBytes()

        checkpointer.finishCheckpointIfDue(on: pool)
        for index in 0..<20 {
            try await pool.write { db in try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [index]) }
        }
        #expect(try logBytes() == bytesBefore, "the commits after the writer's checkpoint rewrite the log from its start")
    }

    /// v3 moves the history into a table in writing order: every event stays, found by its
    /// execution and id.
    @Test func theHistoryKeepsEveryEventAcrossMigrationV3() throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let queue = try DatabaseQueue(path: scratch.path)
        try StepMigrations.migrator.migrate(queue, upTo: "v2: a waiting task's HeartbeatSeconds on its token")
        struct Event: Equatable {
            var executionId: Int64, id: Int64, type: String, timestamp: Double, previousEventId: Int64, details: String?
        }
        let events = [
            Event(executionId: 1, id: 1, type: "ExecutionStarted", timestamp: 1, previousEventId: 0, details: "{\"a\":1}"),
            Event(executionId: 2, id: 1, type: "ExecutionStarted", timestamp: 2, previousEventId: 0, details: nil),
            Event(executionId: 1, id: 2, type: "PassStateEntered", timestamp: 3, previousEventId: 1, details: "{}"),
            Event(executionId: 2, id: 2, type: "ExecutionSucceeded", timestamp: 4, previousEventId: 1, details: nil),
        ]
        try queue.write { db in
            try db.execute(sql: "INSERT INTO stateMachineVersion (id, stateMachineName, definition, createdAt) VALUES (1, 'm', '{}', 0)")
            for id in [1, 2] {
                try db.execute(
                    sql: "INSERT INTO execution (id, arn, name, stateMachineName, versionId, status, input, startDate, phase) VALUES (?, ?, ?, 'm', 1, 'RUNNING', '{}', 0, 'enter')",
                    arguments: [id, "arn:\(id)", "e\(id)"])
            }
            for event in events {
                try db.execute(
                    sql: "INSERT INTO historyEvent (executionId, id, type, timestamp, previousEventId, details) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [event.executionId, event.id, event.type, event.timestamp, event.previousEventId, event.details])
            }
        }
        try StepMigrations.migrator.migrate(queue)
        let read = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT executionId, id, type, timestamp, previousEventId, details FROM historyEvent ORDER BY executionId, id")
                .map { row in Event(executionId: row[0], id: row[1], type: row[2], timestamp: row[3], previousEventId: row[4], details: row[5]) }
        }
        #expect(read == events.sorted { ($0.executionId, $0.id) < ($1.executionId, $1.id) })
        let plan = try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT * FROM historyEvent WHERE executionId = 1 ORDER BY id")
                .map { $0["detail"] as String? ?? "" }.joined(separator: "; ")
        }
        #expect(plan.contains("historyEventByExecution"), "\(plan)")
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(sql: "INSERT INTO historyEvent (executionId, id, type, timestamp, previousEventId) VALUES (1, 2, 'Again', 5, 1)")
            }
        }
    }

    /// v4 rebuilds the execution table without AUTOINCREMENT and receivedEvent without a
    /// rowid: rows stay, ids go on from the last one, the references still hold.
    @Test func executionsAndEventsStayAcrossMigrationV4() throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let queue = try DatabaseQueue(path: scratch.path)
        try StepMigrations.migrator.migrate(queue, upTo: "v3: history events stored in the order they are written, found by an index")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO stateMachineVersion (id, stateMachineName, definition, createdAt) VALUES (1, 'm', '{}', 0)")
            for id in [3, 7] {
                try db.execute(
                    sql: "INSERT INTO execution (id, arn, name, stateMachineName, versionId, status, input, startDate, phase, lastEventId) VALUES (?, ?, ?, 'm', 1, 'RUNNING', '{}', 0, 'awaitingToken', 2)",
                    arguments: [id, "arn:\(id)", "e\(id)"])
            }
            try db.execute(sql: "INSERT INTO taskToken (token, executionId, stateName, resourceType, resource, createdAt) VALUES ('t', 7, 'S', 'r', 'r', 0)")
            try db.execute(sql: "INSERT INTO receivedEvent VALUES ('ev-1', 1.5, '{}', 2)")
        }
        try StepMigrations.migrator.migrate(queue)
        try queue.write { db in
            #expect(try String.fetchAll(db, sql: "SELECT arn FROM execution ORDER BY id") == ["arn:3", "arn:7"])
            #expect(try Int.fetchOne(db, sql: "SELECT lastEventId FROM execution WHERE id = 7") == 2)
            try db.execute(
                sql: "INSERT INTO execution (arn, name, stateMachineName, versionId, status, input, startDate, phase) VALUES ('arn:new', 'new', 'm', 1, 'RUNNING', '{}', 0, 'enter')")
            #expect(db.lastInsertedRowID == 8)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM execution WHERE phase IN ('enter', 'resume')") == 1)
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(try Int.fetchOne(db, sql: "SELECT matchedRules FROM receivedEvent WHERE id = 'ev-1'") == 2)
            #expect(throws: DatabaseError.self) { try db.execute(sql: "INSERT INTO receivedEvent VALUES ('ev-1', 2, '{}', 0)") }
            let schema = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_schema WHERE name IN ('execution', 'receivedEvent')").joined()
            #expect(!schema.contains("AUTOINCREMENT"))
            #expect(schema.contains("WITHOUT ROWID"))
        }
    }
}
