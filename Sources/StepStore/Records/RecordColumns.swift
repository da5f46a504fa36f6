import GRDB

extension ExecutionRecord.Status: DatabaseValueConvertible {}
extension ExecutionRecord.Phase: DatabaseValueConvertible {}
extension TimerRecord.Kind: DatabaseValueConvertible {}

/// A record read by column position and inserted through one cached statement.
///
/// The records a transition touches are read and written this way: GRDB's generic paths find
/// each column by a lowercased name and build each INSERT anew, which cost more than the SQL
/// itself. `SELECT *` yields a table's columns in the order the migrations created them;
/// `columnNames` lists that order, and a test holds it to the schema. `find` reads one row
/// straight from the statement.
public protocol PositionalRecord: FetchableRecord, TableRecord {
    static var columnNames: [String] { get }
    /// `INSERT INTO <table> (<columnNames>) VALUES (?, ...)`, built once (`insertStatement()`).
    static var insertSQL: String { get }
    init(columns: some PositionalColumns) throws
    /// The values of `columnNames`, in order, for an INSERT.
    var columnValues: [(any DatabaseValueConvertible)?] { get }
}

extension PositionalRecord {
    static func insertStatement() -> String {
        "INSERT INTO \(databaseTableName) (\(columnNames.joined(separator: ", "))) VALUES (\(columnNames.map { _ in "?" }.joined(separator: ", ")))"
    }

    public init(row: Row) throws { try self.init(columns: row) }

    /// GRDB's own writes (save, update, delete) see the same columns.
    public func encode(to container: inout PersistenceContainer) throws {
        for (name, value) in zip(Self.columnNames, columnValues) { container[name] = value }
    }

    /// The row whose `column` equals `value`, read with a statement prepared once per connection.
    public static func find(_ db: Database, where column: String, is value: some DatabaseValueConvertible) throws -> Self? {
        try db.cachedStatement(sql: "SELECT * FROM \(databaseTableName) WHERE \(column) = ?").first(arguments: [value]) {
            try Self(columns: $0)
        }
    }

    /// Inserts the row with a statement prepared once per connection.
    public func insertRow(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).run(insertValues)
    }

    /// `columnValues` as the arguments of an INSERT of `columnNames`.
    var insertValues: [DatabaseValue] { columnValues.map { $0?.databaseValue ?? .null } }
}

extension ExecutionRecord: PositionalRecord {
    public static let insertSQL = insertStatement()
    public static let columnNames = [
        "id", "arn", "name", "stateMachineName", "versionId", "status", "input", "output", "error", "cause", "startDate", "stopDate",
        "startedByUid", "parentExecutionArn", "currentState", "stateInput", "stateEnteredDate", "phase", "resumeValue", "retryCounts",
        "lastEventId",
    ]

    public var columnValues: [(any DatabaseValueConvertible)?] {
        [
            id, arn, name, stateMachineName, versionId, status.rawValue, input, output, error, cause, startDate, stopDate, startedByUid,
            parentExecutionArn, currentState, stateInput, stateEnteredDate, phase.rawValue, resumeValue, retryCounts, lastEventId,
        ]
    }

    public init(columns: some PositionalColumns) throws {
        id = try columns.decode(0)
        arn = try columns.decode(1)
        name = try columns.decode(2)
        stateMachineName = try columns.decode(3)
        versionId = try columns.decode(4)
        status = try columns.decode(5)
        input = try columns.decode(6)
        output = try columns.decode(7)
        error = try columns.decode(8)
        cause = try columns.decode(9)
        startDate = try columns.decode(10)
        stopDate = try columns.decode(11)
        startedByUid = try columns.decode(12)
        parentExecutionArn = try columns.decode(13)
        currentState = try columns.decode(14)
        stateInput = try columns.decode(15)
        stateEnteredDate = try columns.decode(16)
        phase = try columns.decode(17)
        resumeValue = try columns.decode(18)
        retryCounts = try columns.decode(19)
        lastEventId = try columns.decode(20)
    }


    /// Inserts a new execution (its `id` nil) and takes the id SQLite gave it.
    public mutating func insertAssigningId(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).run(insertValues)
        id = db.lastInsertedRowID
    }
}

extension StateMachineRecord: PositionalRecord {
    public static let insertSQL = insertStatement()
    public static let columnNames = ["name", "arn", "type", "roleArn", "currentVersionId", "creationDate", "updateDate"]

    public var columnValues: [(any DatabaseValueConvertible)?] { [name, arn, type, roleArn, currentVersionId, creationDate, updateDate] }

    public init(columns: some PositionalColumns) throws {
        name = try columns.decode(0)
        arn = try columns.decode(1)
        type = try columns.decode(2)
        roleArn = try columns.decode(3)
        currentVersionId = try columns.decode(4)
        creationDate = try columns.decode(5)
        updateDate = try columns.decode(6)
    }

}

extension TaskTokenRecord: PositionalRecord {
    public static let insertSQL = insertStatement()
    public static let columnNames = [
        "token", "executionId", "stateName", "resourceType", "resource", "createdAt", "resolvedAt", "heartbeatSeconds",
    ]

    public var columnValues: [(any DatabaseValueConvertible)?] {
        [token, executionId, stateName, resourceType, resource, createdAt, resolvedAt, heartbeatSeconds]
    }

    public init(columns: some PositionalColumns) throws {
        token = try columns.decode(0)
        executionId = try columns.decode(1)
        stateName = try columns.decode(2)
        resourceType = try columns.decode(3)
        resource = try columns.decode(4)
        createdAt = try columns.decode(5)
        resolvedAt = try columns.decode(6)
        heartbeatSeconds = try columns.decode(7)
    }

}

extension ReceivedEventRecord: PositionalRecord {
    public static let insertSQL = insertStatement()
    public static let columnNames = ["id", "receivedAt", "envelope", "matchedRules"]

    public var columnValues: [(any DatabaseValueConvertible)?] { [id, receivedAt, envelope, matchedRules] }

    public init(columns: some PositionalColumns) throws {
        id = try columns.decode(0)
        receivedAt = try columns.decode(1)
        envelope = try columns.decode(2)
        matchedRules = try columns.decode(3)
    }

}

extension LocalTableRecord: PositionalRecord {
    public static let insertSQL = insertStatement()
    public static let columnNames = ["name", "keySchema", "attributeDefinitions", "createdAt"]

    public var columnValues: [(any DatabaseValueConvertible)?] { [name, keySchema, attributeDefinitions, createdAt] }

    public init(columns: some PositionalColumns) throws {
        name = try columns.decode(0)
        keySchema = try columns.decode(1)
        attributeDefinitions = try columns.decode(2)
        createdAt = try columns.decode(3)
    }

}

extension LocalItemRecord: PositionalRecord {
    public static let insertSQL = insertStatement()
    public static let columnNames = ["tableName", "key", "item"]

    public var columnValues: [(any DatabaseValueConvertible)?] { [tableName, key, item] }

    public init(columns: some PositionalColumns) throws {
        tableName = try columns.decode(0)
        key = try columns.decode(1)
        item = try columns.decode(2)
    }


    /// Puts the item in place of any item with the same key, as PutItem does.
    public func upsert(_ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO localItem (tableName, key, item) VALUES (?, ?, ?) ON CONFLICT (tableName, key) DO UPDATE SET item = excluded.item")
            .execute(arguments: [tableName, key, item])
    }
}

extension TimerRecord: PositionalRecord {
    public static let insertSQL = insertStatement()
    public static let columnNames = ["executionId", "kind", "dueAt"]

    public var columnValues: [(any DatabaseValueConvertible)?] { [executionId, kind.rawValue, dueAt] }

    public init(columns: some PositionalColumns) throws {
        executionId = try columns.decode(0)
        kind = try columns.decode(1)
        dueAt = try columns.decode(2)
    }


    /// Sets the timer, replacing the execution's timer of the same kind.
    public func set(_ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO timer (executionId, kind, dueAt) VALUES (?, ?, ?) ON CONFLICT (executionId, kind) DO UPDATE SET dueAt = excluded.dueAt")
            .execute(arguments: [executionId, kind.rawValue, dueAt])
    }
}
