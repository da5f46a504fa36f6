import Foundation
import GRDB
import StepStore
import Testing

/// Records read by position must list their table's columns in the schema's own order, and
/// read back what they wrote.
@Suite struct RecordColumnsTests {
    static let records: [(table: String, columns: [String])] = [
        (ExecutionRecord.databaseTableName, ExecutionRecord.columnNames),
        (StateMachineRecord.databaseTableName, StateMachineRecord.columnNames),
        (TaskTokenRecord.databaseTableName, TaskTokenRecord.columnNames),
        (ReceivedEventRecord.databaseTableName, ReceivedEventRecord.columnNames),
        (LocalTableRecord.databaseTableName, LocalTableRecord.columnNames),
        (LocalItemRecord.databaseTableName, LocalItemRecord.columnNames),
        (TimerRecord.databaseTableName, TimerRecord.columnNames),
    ]

    private static func withDatabase<T>(_ body: (DatabasePool) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stepd-columns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(try StepDatabase.open(path: folder.appendingPathComponent("db.sqlite").path))
    }

    @Test(arguments: records.map(\.table))
    func columnNamesFollowTheSchema(table: String) throws {
        let expected = try #require(Self.records.first { $0.table == table }).columns
        let actual = try Self.withDatabase { pool in
            try pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table]) }
        }
        #expect(actual == expected)
    }

    @Test func rowsReadBackWhatWasWritten() throws {
        try Self.withDatabase { pool in
            try pool.write { db in
                try StateMachineRecord(name: "m", arn: "arn:m", type: "STANDARD", roleArn: "arn:role", currentVersionId: 7, creationDate: 1.5, updateDate: 2.5)
                    .insertRow(db)
                try db.execute(sql: "INSERT INTO stateMachineVersion (id, stateMachineName, definition, createdAt) VALUES (7, 'm', '{}', 1)")
                var execution = ExecutionRecord(
                    arn: "arn:e", name: "e", stateMachineName: "m", versionId: 7, input: "{\"a\":1}", startDate: 3.25, startedByUid: 1000,
                    parentExecutionArn: "arn:parent", startAt: "First")
                execution.output = "out"
                execution.retryCounts = "{}"
                execution.lastEventId = 4
                try execution.insertAssigningId(db)
                let id = try #require(execution.id)
                let token = TaskTokenRecord(
                    token: "t", executionId: id, stateName: "First", resourceType: "dynamodb", resource: "putItem.waitForTaskToken",
                    createdAt: 4.5, heartbeatSeconds: 30)
                try token.insertRow(db)
                let event = ReceivedEventRecord(id: "ev", receivedAt: 5.5, envelope: "{}", matchedRules: 2)
                try event.insertRow(db)
                try LocalTableRecord(name: "tbl", keySchema: "[]", attributeDefinitions: "[]", createdAt: 6).insertRow(db)
                try LocalItemRecord(tableName: "tbl", key: "k", item: "{\"v\":1}").upsert(db)
                try LocalItemRecord(tableName: "tbl", key: "k", item: "{\"v\":2}").upsert(db)
                try TimerRecord(executionId: id, kind: .wait, dueAt: 9).set(db)
                try TimerRecord(executionId: id, kind: .wait, dueAt: 10).set(db)

                let readExecution = try #require(try ExecutionRecord.find(db, arn: "arn:e"))
                #expect(readExecution.columnValues.map { $0?.databaseValue } == execution.columnValues.map { $0?.databaseValue })
                #expect(try StateMachineRecord.find(db, key: "m")?.currentVersionId == 7)
                #expect(try TaskTokenRecord.find(db, key: "t")?.columnValues.map { $0?.databaseValue } == token.columnValues.map { $0?.databaseValue })
                #expect(try ReceivedEventRecord.find(db, key: "ev")?.matchedRules == 2)
                #expect(try LocalItemRecord.find(db, table: "tbl", key: "k")?.item == "{\"v\":2}")
                let timers = try TimerRecord.fetchAll(db)
                #expect(timers.count == 1)
                #expect(timers.first?.dueAt == 10)
                #expect(timers.first?.kind == .wait)
            }
        }
    }

    @Test func aRowReadStraightFromTheStatement() throws {
        try Self.withDatabase { pool in
            try pool.write { db in
                try db.execute(sql: "CREATE TABLE sample (id INTEGER PRIMARY KEY, name TEXT, score REAL)")
                try db.execute(sql: "INSERT INTO sample VALUES (1, 'one', 1.5), (2, NULL, NULL)")
                let statement = try db.cachedStatement(sql: "SELECT name, score FROM sample WHERE id = ?")
                let first = try statement.first(arguments: [1]) { columns -> (String, Double) in (try columns.decode(0), try columns.decode(1)) }
                #expect(first?.0 == "one")
                #expect(first?.1 == 1.5)
                #expect(try statement.first(arguments: [3]) { _ in true } == nil)
                let nulls = try statement.first(arguments: [2]) { columns -> String? in try columns.decode(0) }
                #expect(nulls == .some(nil))
                #expect(throws: DatabaseError.self) {
                    _ = try statement.first(arguments: [2]) { columns -> String in try columns.decode(0) }
                }
                // The statement is left reset: it runs again with other arguments.
                #expect(try statement.first(arguments: [1]) { columns -> String in try columns.decode(0) } == "one")
            }
        }
    }

    @Test func anUnknownEnumerationValueIsAnError() throws {
        try Self.withDatabase { pool in
            try pool.write { db in
                try db.execute(sql: "CREATE TABLE sample (status TEXT)")
                try db.execute(sql: "INSERT INTO sample VALUES ('SLEEPING')")
                #expect(throws: DatabaseError.self) {
                    _ = try db.cachedStatement(sql: "SELECT status FROM sample").first(arguments: []) { columns -> ExecutionRecord.Status in
                        try columns.decode(0)
                    }
                }
            }
        }
    }

    @Test func aWriteBindsEachKindOfValueAndReportsSQLiteErrors() throws {
        try Self.withDatabase { pool in
            try pool.write { db in
                try db.execute(sql: "CREATE TABLE sample (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, note TEXT)")
                let insert = try db.cachedStatement(sql: "INSERT INTO sample VALUES (?, ?, ?, ?, ?)")
                try insert.run([1.databaseValue, "é ✓".databaseValue, 2.5.databaseValue, Data([1, 2]).databaseValue, .null])
                let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM sample"))
                #expect(row["id"] == 1)
                #expect(row["name"] == "é ✓")
                #expect(row["score"] == 2.5)
                #expect(row["data"] == Data([1, 2]))
                #expect(row["note"] == nil as String?)
                let duplicate = #expect(throws: DatabaseError.self) {
                    try insert.run([1.databaseValue, "again".databaseValue, .null, .null, .null])
                }
                #expect(duplicate?.resultCode == .SQLITE_CONSTRAINT)
                #expect(throws: DatabaseError.self) { try insert.run([2.databaseValue]) }
                // The statement still runs after its errors.
                try insert.run([2.databaseValue, "two".databaseValue, .null, .null, .null])
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sample") == 2)
            }
        }
    }
}
