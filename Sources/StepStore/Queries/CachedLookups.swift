import GRDB

/// A record found by its one-column primary key.
public protocol KeyedRecord: FetchableRecord, TableRecord {
    static var keyColumn: String { get }
}

extension KeyedRecord {
    /// The row with primary key `key`, through a statement prepared once per connection.
    /// The query interface (`fetchOne(db, key:)`) prepares a new statement at every call, and
    /// that preparation was most of what a transition cost.
    public static func find(_ db: Database, key: some DatabaseValueConvertible) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: "SELECT * FROM \(databaseTableName) WHERE \(keyColumn) = ?"), arguments: [key])
    }

    public static func exists(_ db: Database, key: some DatabaseValueConvertible) throws -> Bool {
        try db.cachedStatement(sql: "SELECT 1 FROM \(databaseTableName) WHERE \(keyColumn) = ?").first(arguments: [key]) { _ in true } ?? false
    }
}

extension KeyedRecord where Self: PositionalRecord {
    /// The row with primary key `key`, read straight from the statement.
    public static func find(_ db: Database, key: some DatabaseValueConvertible) throws -> Self? {
        try find(db, where: keyColumn, is: key)
    }
}

extension ExecutionRecord: KeyedRecord {
    public static let keyColumn = "id"

    public static func find(_ db: Database, arn: String) throws -> ExecutionRecord? {
        try find(db, where: "arn", is: arn)
    }
}

extension StateMachineRecord: KeyedRecord { public static let keyColumn = "name" }
extension StateMachineVersionRecord: KeyedRecord { public static let keyColumn = "id" }
extension TaskTokenRecord: KeyedRecord { public static let keyColumn = "token" }
extension JobRecord: KeyedRecord { public static let keyColumn = "id" }
extension JobDefinitionRecord: KeyedRecord { public static let keyColumn = "name" }
extension LocalTableRecord: KeyedRecord { public static let keyColumn = "name" }
extension RuleRecord: KeyedRecord { public static let keyColumn = "name" }
extension ReceivedEventRecord: KeyedRecord { public static let keyColumn = "id" }

extension LocalItemRecord {
    public static func find(_ db: Database, table: String, key: String) throws -> LocalItemRecord? {
        try db.cachedStatement(sql: "SELECT * FROM localItem WHERE tableName = ? AND key = ?").first(arguments: [table, key]) {
            try LocalItemRecord(columns: $0)
        }
    }
}
