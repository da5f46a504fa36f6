import Foundation
import GRDB
import StepStore
import Testing

/// Records read by position must declare their table's columns as the schema has them (names
/// in order, types, NULLs, primary key), declare every stored property, and read back what
/// they wrote.
@Suite struct RecordColumnsTests {
    /// A column as a record declares it or as the schema has it.
    struct ColumnShape: Equatable, CustomStringConvertible {
        let name: String
        let type: String
        let nullable: Bool
        /// The column's place in the primary key, from 1; 0 outside it.
        let keyPosition: Int

        var description: String { "\(name) \(type)\(nullable ? "" : " NOT NULL")\(keyPosition > 0 ? " key \(keyPosition)" : "")" }
    }

    static let records: [any PositionalRecord.Type] = [
        ExecutionRecord.self, StateMachineRecord.self, TaskTokenRecord.self, ReceivedEventRecord.self, LocalTableRecord.self,
        LocalItemRecord.self, TimerRecord.self,
    ]

    static func declared<Record: PositionalRecord>(_ record: Record.Type) -> [ColumnShape] {
        var keys = 0
        return Record.columns.map { column in
            if column.role == .key { keys += 1 }
            return ColumnShape(
                name: column.name, type: column.declaredType, nullable: column.isNullable, keyPosition: column.role == .key ? keys : 0)
        }
    }

    static func schema(of table: String, in db: Database) throws -> [ColumnShape] {
        try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid", arguments: [table]).map {
            ColumnShape(name: $0[0], type: $0[1], nullable: $0[2] == 0, keyPosition: $0[3])
        }
    }

    private static func withDatabase<T>(_ body: (DatabasePool) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stepd-columns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(try StepDatabase.open(path: folder.appendingPathComponent("db.sqlite").path))
    }

    @Test(arguments: records.map { $0.databaseTableName })
    func declarationsFollowTheSchema(table: String) throws {
        let record = try #require(Self.records.first { $0.databaseTableName == table })
        let actual = try Self.withDatabase { pool in try pool.read { db in try Self.schema(of: table, in: db) } }
        #expect(Self.declared(record) == actual)
    }

    /// Each way a declaration can disagree with the schema fails the comparison above.
    @Test func aDeclarationThatDisagreesWithTheSchemaIsCaught() throws {
        let timer = try Self.withDatabase { pool in try pool.read { db in try Self.schema(of: "timer", in: db) } }
        #expect(Self.declared(TimerRecord.self) == timer)
        #expect(Self.declared(MisdeclaredTimers.ColumnsOutOfOrder.self) != timer)
        #expect(Self.declared(MisdeclaredTimers.MisspelledColumn.self) != timer)
        #expect(Self.declared(MisdeclaredTimers.WrongType.self) != timer)
        #expect(Self.declared(MisdeclaredTimers.OptionalForNotNull.self) != timer)
        #expect(Self.declared(MisdeclaredTimers.KeyNotDeclared.self) != timer)
        #expect(Self.declared(MisdeclaredTimers.ColumnMissing.self) != timer)
    }

    /// A stored property left out of the declaration would be neither written nor compared.
    @Test func everyStoredPropertyIsDeclaredInOrder() throws {
        for sample in Self.samples() {
            let properties = Mirror(reflecting: sample).children.map { $0.label ?? "" }
            #expect(properties == type(of: sample).columnNames, "\(type(of: sample))")
        }
        #expect(Mirror(reflecting: MisdeclaredTimers.ColumnMissing.sample).children.count != MisdeclaredTimers.ColumnMissing.columns.count)
    }

    /// A row written from the declaration reads back the same through both decoders (a
    /// statement's columns, GRDB's `Row`): the hand-written decode reads each column at the
    /// declared position. Every column holds a value no other column of its type holds.
    @Test func everyRecordReadsBackWhatItWrote() throws {
        for sample in Self.samples() {
            let (fromStatement, fromRow) = try Self.withDatabase { pool in try pool.write { db in try Self.roundTrip(sample, in: db) } }
            #expect(fromStatement == sample.columnValues, "\(type(of: sample)) read from a statement")
            #expect(fromRow == sample.columnValues, "\(type(of: sample)) read from a Row")
        }
    }

    private static func roundTrip<Record: PositionalRecord>(_ record: Record, in db: Database) throws -> ([DatabaseValue]?, [DatabaseValue]) {
        try record.insertRow(db)
        let fromStatement = try db.cachedStatement(sql: "SELECT * FROM \(Record.databaseTableName)").first(arguments: []) {
            try Record(columns: $0).columnValues
        }
        return (fromStatement, try Record.fetchAll(db).flatMap(\.columnValues))
    }

    /// One record of each kind, every optional set and no two columns of a type alike.
    static func samples() -> [any PositionalRecord] {
        var execution = ExecutionRecord(
            arn: "arn:e", name: "e", stateMachineName: "m", versionId: 7, input: "{\"in\":1}", startDate: 3.25, startedByUid: 1000,
            parentExecutionArn: "arn:parent", startAt: "First")
        execution.id = 11
        execution.status = .failed
        execution.output = "{\"out\":1}"
        execution.error = "E"
        execution.cause = "C"
        execution.stopDate = 4.5
        execution.currentState = "Second"
        execution.stateInput = "{\"state\":1}"
        execution.stateEnteredDate = 5.75
        execution.phase = .done
        execution.resumeValue = "{\"resume\":1}"
        execution.retryCounts = "[1]"
        execution.lastEventId = 9
        var token = TaskTokenRecord(
            token: "t", executionId: 11, stateName: "Second", resourceType: "dynamodb", resource: "putItem.waitForTaskToken",
            createdAt: 4.5, heartbeatSeconds: 30)
        token.resolvedAt = 6.5
        return [
            execution,
            StateMachineRecord(name: "m", arn: "arn:m", type: "STANDARD", roleArn: "arn:role", currentVersionId: 7, creationDate: 1.5, updateDate: 2.5),
            token,
            ReceivedEventRecord(id: "ev", receivedAt: 5.5, envelope: "{}", matchedRules: 2),
            LocalTableRecord(name: "tbl", keySchema: "[1]", attributeDefinitions: "[2]", createdAt: 6),
            LocalItemRecord(tableName: "tbl", key: "k", item: "{\"v\":1}"),
            TimerRecord(executionId: 11, kind: .heartbeatTimeout, dueAt: 9),
        ]
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
                #expect(readExecution.columnValues == execution.columnValues)
                #expect(try StateMachineRecord.find(db, key: "m")?.currentVersionId == 7)
                #expect(try TaskTokenRecord.find(db, key: "t")?.columnValues == token.columnValues)
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

/// Declarations of the timer table that each get one thing wrong.
enum MisdeclaredTimers {
    struct ColumnsOutOfOrder: TimerShaped {
        var executionId: Int64, kind: String, dueAt: Double
        static let columns: [RecordColumn<Self>] = [.key("kind", \.kind), .key("executionId", \.executionId), .updated("dueAt", \.dueAt)]
    }

    struct MisspelledColumn: TimerShaped {
        var executionId: Int64, kind: String, dueAt: Double
        static let columns: [RecordColumn<Self>] = [.key("executionId", \.executionId), .key("kind", \.kind), .updated("due", \.dueAt)]
    }

    struct WrongType: TimerShaped {
        var executionId: Int64, kind: String, dueAt: Double
        static let columns: [RecordColumn<Self>] = [
            .key("executionId", \.executionId), .key("kind", \.kind), .updated("dueAt", { Int64($0.dueAt) }),
        ]
    }

    struct OptionalForNotNull: TimerShaped {
        var executionId: Int64, kind: String, dueAt: Double
        static let columns: [RecordColumn<Self>] = [
            .key("executionId", \.executionId), .key("kind", { Optional($0.kind) }), .updated("dueAt", \.dueAt),
        ]
    }

    struct KeyNotDeclared: TimerShaped {
        var executionId: Int64, kind: String, dueAt: Double
        static let columns: [RecordColumn<Self>] = [.key("executionId", \.executionId), .column("kind", \.kind), .updated("dueAt", \.dueAt)]
    }

    struct ColumnMissing: TimerShaped {
        var executionId: Int64, kind: String, dueAt: Double
        static let columns: [RecordColumn<Self>] = [.key("executionId", \.executionId), .key("kind", \.kind)]
        static let sample = ColumnMissing(executionId: 1, kind: "wait", dueAt: 2)
    }
}

/// A test record stored in the timer table.
protocol TimerShaped: PositionalRecord {
    init(executionId: Int64, kind: String, dueAt: Double)
}

extension TimerShaped {
    static var databaseTableName: String { "timer" }
    static var insertSQL: String { "INSERT INTO timer (executionId, kind, dueAt) VALUES (?, ?, ?)" }

    init(columns: some PositionalColumns) throws {
        self.init(executionId: try columns.decode(0), kind: try columns.decode(1), dueAt: try columns.decode(2))
    }
}
