import GRDB

extension ExecutionRecord.Status: DatabaseValueConvertible, ColumnValue {}
extension ExecutionRecord.Phase: DatabaseValueConvertible, ColumnValue {}
extension TimerRecord.Kind: DatabaseValueConvertible, ColumnValue {}

/// A record read by column position and inserted through one cached statement.
///
/// The records a transition touches are read and written this way: GRDB's generic paths find
/// each column by a lowercased name and build each INSERT anew, which cost more than the SQL
/// itself. `SELECT *` yields a table's columns in the order the migrations created them.
///
/// `columns` declares them once, in that order: each column's name, the property it holds
/// and its part in the row's life. The INSERT, the UPDATE, the upserts, their arguments and
/// GRDB's own writes are derived from it. `init(columns:)` reads the same positions by hand:
/// a decode derived from the declaration (a key path written per column) cost more than the
/// reading itself. A test holds the declaration to the schema, the record's stored properties
/// to the declaration, and the decode to the declaration.
public protocol PositionalRecord: FetchableRecord, TableRecord {
    /// The table's columns in the schema's order.
    static var columns: [RecordColumn<Self>] { get }
    /// `INSERT INTO <table> (<columns>) VALUES (?, ...)`, built once (`insertStatement()`).
    static var insertSQL: String { get }
    init(columns: some PositionalColumns) throws
    /// The values of `columns`, in order: an INSERT's arguments. A requirement, so that each
    /// record's conformance gets the default specialized for it.
    var columnValues: [DatabaseValue] { get }
}

/// One column of a positional record: its name, the property it holds, and what writes it.
public struct RecordColumn<Record>: Sendable {
    public enum Role: Sendable {
        /// Part of the primary key: finds the row an UPDATE or an upsert changes.
        case key
        /// Changed after the INSERT, by an UPDATE or an upsert.
        case updated
        /// Written by the INSERT alone.
        case fixed
    }

    public let name: String
    public let role: Role
    /// The schema's declared type for the property's Swift type (`TEXT`, `INTEGER`, `REAL`).
    public let declaredType: String
    /// Whether the property can hold NULL (an optional).
    public let isNullable: Bool
    /// Reads the column's value from the record at the pointer. By pointer: a record passed
    /// to a function stored in a generic type goes by address, and each call copied the whole
    /// record to a new one; callers take the record's address once for all its columns.
    let read: @Sendable (UnsafePointer<Record>) -> DatabaseValue

    public init<Value: ColumnValue>(_ name: String, _ property: @escaping @Sendable (Record) -> Value, role: Role) {
        self.name = name
        self.role = role
        declaredType = Value.declaredType
        isNullable = Value.isNullable
        read = { property($0.pointee).columnValue }
    }

    /// The column's value in `record`.
    public func value(in record: Record) -> DatabaseValue {
        withUnsafePointer(to: record) { read($0) }
    }

    public static func key<Value: ColumnValue>(_ name: String, _ property: @escaping @Sendable (Record) -> Value) -> Self {
        Self(name, property, role: .key)
    }

    public static func updated<Value: ColumnValue>(_ name: String, _ property: @escaping @Sendable (Record) -> Value) -> Self {
        Self(name, property, role: .updated)
    }

    public static func column<Value: ColumnValue>(_ name: String, _ property: @escaping @Sendable (Record) -> Value) -> Self {
        Self(name, property, role: .fixed)
    }
}

/// A Swift type a positional record's column holds, with the column type that stores it.
public protocol ColumnValue: DatabaseValueConvertible, Sendable {
    /// The declared type of the column in the schema: `TEXT`, `INTEGER` or `REAL`.
    static var declaredType: String { get }
    static var isNullable: Bool { get }
    /// `databaseValue`, specialized here: GRDB's conversion of an optional is generic code
    /// that copies the value through its type's metadata.
    var columnValue: DatabaseValue { get }
}

extension ColumnValue {
    public static var isNullable: Bool { false }
    public var columnValue: DatabaseValue { databaseValue }
}

extension ColumnValue where Self: RawRepresentable, RawValue == String {
    public static var declaredType: String { "TEXT" }
    public var columnValue: DatabaseValue { rawValue.databaseValue }
}

extension String: ColumnValue { public static var declaredType: String { "TEXT" } }
extension Int64: ColumnValue { public static var declaredType: String { "INTEGER" } }
extension Int: ColumnValue { public static var declaredType: String { "INTEGER" } }
extension Int32: ColumnValue { public static var declaredType: String { "INTEGER" } }
extension Bool: ColumnValue { public static var declaredType: String { "INTEGER" } }
extension Double: ColumnValue { public static var declaredType: String { "REAL" } }

extension Optional: ColumnValue where Wrapped: ColumnValue {
    public static var declaredType: String { Wrapped.declaredType }
    public static var isNullable: Bool { true }
    public var columnValue: DatabaseValue {
        switch self {
        case .none: .null
        case .some(let value): value.columnValue
        }
    }
}

extension PositionalRecord {
    public static var columnNames: [String] { columns.map(\.name) }

    static func insertStatement() -> String {
        "INSERT INTO \(databaseTableName) (\(columnNames.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    }

    /// The INSERT that, when a row with the same key is there, sets its `updated` columns instead.
    static func upsertStatement() -> String {
        let updated = columns.filter { $0.role == .updated }.map { "\($0.name) = excluded.\($0.name)" }
        return insertStatement() + " ON CONFLICT (\(keyNames.joined(separator: ", "))) DO UPDATE SET \(updated.joined(separator: ", "))"
    }

    /// The INSERT that leaves a row with the same key as it is and inserts nothing.
    static func insertIfNewStatement() -> String {
        insertStatement() + " ON CONFLICT (\(keyNames.joined(separator: ", "))) DO NOTHING"
    }

    private static var keyNames: [String] { columns.filter { $0.role == .key }.map(\.name) }

    public var columnValues: [DatabaseValue] {
        withUnsafePointer(to: self) { record in Self.columns.map { $0.read(record) } }
    }

    public init(row: Row) throws { try self.init(columns: row) }

    /// GRDB's own writes (save, update, delete) see the same columns.
    public func encode(to container: inout PersistenceContainer) throws {
        for column in Self.columns { container[column.name] = column.value(in: self) }
    }

    /// The row whose `column` equals `value`, read with a statement prepared once per connection.
    public static func find(_ db: Database, where column: String, is value: some DatabaseValueConvertible) throws -> Self? {
        try db.cachedStatement(sql: "SELECT * FROM \(databaseTableName) WHERE \(column) = ?").first(arguments: [value]) {
            try Self(columns: $0)
        }
    }

    /// Inserts the row with a statement prepared once per connection.
    public func insertRow(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).run(columnValues)
    }
}

/// The UPDATE of a record's `updated` columns in the row its `key` columns find, derived
/// from the declaration once.
struct RecordUpdate<Record: PositionalRecord>: Sendable {
    let sql: String
    /// The readers of the `updated` columns, then of the `key` columns: the statement's
    /// arguments in order.
    private let arguments: [@Sendable (UnsafePointer<Record>) -> DatabaseValue]
    private let keyCount: Int

    init() {
        let updated = Record.columns.filter { $0.role == .updated }
        let key = Record.columns.filter { $0.role == .key }
        sql = "UPDATE \(Record.databaseTableName) SET \(updated.map { "\($0.name) = ?" }.joined(separator: ", ")) WHERE "
            + key.map { "\($0.name) = ?" }.joined(separator: " AND ")
        arguments = (updated + key).map(\.read)
        keyCount = key.count
    }

    /// Writes `record`'s updated columns with a statement prepared once per connection; a
    /// record whose key is not known yet (never inserted) changes nothing.
    func run(_ record: Record, in db: Database) throws {
        guard let values = values(of: record) else { return }
        try db.cachedStatement(sql: sql).run(values)
    }

    /// The statement's arguments for `record`; nil when its key is not known.
    private func values(of record: Record) -> [DatabaseValue]? {
        let values = withUnsafePointer(to: record) { record in arguments.map { $0(record) } }
        for index in values.count - keyCount..<values.count where values[index].isNull { return nil }
        return values
    }
}
