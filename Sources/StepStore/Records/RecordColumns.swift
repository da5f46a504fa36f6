import GRDB

extension ExecutionRecord.Status: DatabaseValueConvertible {}
extension ExecutionRecord.Phase: DatabaseValueConvertible {}
extension TimerRecord.Kind: DatabaseValueConvertible {}

/// A record read by column position and inserted through one cached statement.
///
/// The records a transition touches are read and written this way: GRDB's generic paths find
/// each column by a lowercased name and build each INSERT anew, which cost more than the SQL
/// itself. `SELECT *` yields a table's columns in the order the migrations created them;
/// `columnNames` lists that order, and a test holds it to the schema.
public protocol PositionalRecord: FetchableRecord, TableRecord {
    static var columnNames: [String] { get }
    /// The values of `columnNames`, in order, for an INSERT.
    var columnValues: [(any DatabaseValueConvertible)?] { get }
}

extension PositionalRecord {
    static var insertSQL: String {
        "INSERT INTO \(databaseTableName) (\(columnNames.joined(separator: ", "))) VALUES (\(columnNames.map { _ in "?" }.joined(separator: ", ")))"
    }

    /// Inserts the row with a statement prepared once per connection.
    public func insertRow(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).execute(arguments: StatementArguments(columnValues))
    }
}

extension ExecutionRecord: PositionalRecord {
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

    public init(row: Row) throws {
        id = try row.decode(atIndex: 0)
        arn = try row.decode(atIndex: 1)
        name = try row.decode(atIndex: 2)
        stateMachineName = try row.decode(atIndex: 3)
        versionId = try row.decode(atIndex: 4)
        status = try row.decode(atIndex: 5)
        input = try row.decode(atIndex: 6)
        output = try row.decode(atIndex: 7)
        error = try row.decode(atIndex: 8)
        cause = try row.decode(atIndex: 9)
        startDate = try row.decode(atIndex: 10)
        stopDate = try row.decode(atIndex: 11)
        startedByUid = try row.decode(atIndex: 12)
        parentExecutionArn = try row.decode(atIndex: 13)
        currentState = try row.decode(atIndex: 14)
        stateInput = try row.decode(atIndex: 15)
        stateEnteredDate = try row.decode(atIndex: 16)
        phase = try row.decode(atIndex: 17)
        resumeValue = try row.decode(atIndex: 18)
        retryCounts = try row.decode(atIndex: 19)
        lastEventId = try row.decode(atIndex: 20)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        for (name, value) in zip(Self.columnNames, columnValues) { container[name] = value }
    }

    /// Inserts a new execution (its `id` nil) and takes the id SQLite gave it.
    public mutating func insertAssigningId(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).execute(arguments: StatementArguments(columnValues))
        id = db.lastInsertedRowID
    }
}

extension StateMachineRecord: PositionalRecord {
    public static let columnNames = ["name", "arn", "type", "roleArn", "currentVersionId", "creationDate", "updateDate"]

    public var columnValues: [(any DatabaseValueConvertible)?] { [name, arn, type, roleArn, currentVersionId, creationDate, updateDate] }

    public init(row: Row) throws {
        name = try row.decode(atIndex: 0)
        arn = try row.decode(atIndex: 1)
        type = try row.decode(atIndex: 2)
        roleArn = try row.decode(atIndex: 3)
        currentVersionId = try row.decode(atIndex: 4)
        creationDate = try row.decode(atIndex: 5)
        updateDate = try row.decode(atIndex: 6)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        for (name, value) in zip(Self.columnNames, columnValues) { container[name] = value }
    }
}

extension TaskTokenRecord: PositionalRecord {
    public static let columnNames = [
        "token", "executionId", "stateName", "resourceType", "resource", "createdAt", "resolvedAt", "heartbeatSeconds",
    ]

    public var columnValues: [(any DatabaseValueConvertible)?] {
        [token, executionId, stateName, resourceType, resource, createdAt, resolvedAt, heartbeatSeconds]
    }

    public init(row: Row) throws {
        token = try row.decode(atIndex: 0)
        executionId = try row.decode(atIndex: 1)
        stateName = try row.decode(atIndex: 2)
        resourceType = try row.decode(atIndex: 3)
        resource = try row.decode(atIndex: 4)
        createdAt = try row.decode(atIndex: 5)
        resolvedAt = try row.decode(atIndex: 6)
        heartbeatSeconds = try row.decode(atIndex: 7)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        for (name, value) in zip(Self.columnNames, columnValues) { container[name] = value }
    }
}

extension ReceivedEventRecord: PositionalRecord {
    public static let columnNames = ["id", "receivedAt", "envelope", "matchedRules"]

    public var columnValues: [(any DatabaseValueConvertible)?] { [id, receivedAt, envelope, matchedRules] }

    public init(row: Row) throws {
        id = try row.decode(atIndex: 0)
        receivedAt = try row.decode(atIndex: 1)
        envelope = try row.decode(atIndex: 2)
        matchedRules = try row.decode(atIndex: 3)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        for (name, value) in zip(Self.columnNames, columnValues) { container[name] = value }
    }
}

extension LocalTableRecord: PositionalRecord {
    public static let columnNames = ["name", "keySchema", "attributeDefinitions", "createdAt"]

    public var columnValues: [(any DatabaseValueConvertible)?] { [name, keySchema, attributeDefinitions, createdAt] }

    public init(row: Row) throws {
        name = try row.decode(atIndex: 0)
        keySchema = try row.decode(atIndex: 1)
        attributeDefinitions = try row.decode(atIndex: 2)
        createdAt = try row.decode(atIndex: 3)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        for (name, value) in zip(Self.columnNames, columnValues) { container[name] = value }
    }
}

extension LocalItemRecord: PositionalRecord {
    public static let columnNames = ["tableName", "key", "item"]

    public var columnValues: [(any DatabaseValueConvertible)?] { [tableName, key, item] }

    public init(row: Row) throws {
        tableName = try row.decode(atIndex: 0)
        key = try row.decode(atIndex: 1)
        item = try row.decode(atIndex: 2)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        for (name, value) in zip(Self.columnNames, columnValues) { container[name] = value }
    }

    /// Puts the item in place of any item with the same key, as PutItem does.
    public func upsert(_ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO localItem (tableName, key, item) VALUES (?, ?, ?) ON CONFLICT (tableName, key) DO UPDATE SET item = excluded.item")
            .execute(arguments: [tableName, key, item])
    }
}

extension TimerRecord: PositionalRecord {
    public static let columnNames = ["executionId", "kind", "dueAt"]

    public var columnValues: [(any DatabaseValueConvertible)?] { [executionId, kind.rawValue, dueAt] }

    public init(row: Row) throws {
        executionId = try row.decode(atIndex: 0)
        kind = try row.decode(atIndex: 1)
        dueAt = try row.decode(atIndex: 2)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        for (name, value) in zip(Self.columnNames, columnValues) { container[name] = value }
    }

    /// Sets the timer, replacing the execution's timer of the same kind.
    public func set(_ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO timer (executionId, kind, dueAt) VALUES (?, ?, ?) ON CONFLICT (executionId, kind) DO UPDATE SET dueAt = excluded.dueAt")
            .execute(arguments: [executionId, kind.rawValue, dueAt])
    }
}
