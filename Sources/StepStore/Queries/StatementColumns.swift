import GRDB
import GRDBSQLite

/// The columns of the row a statement stands on, read by position.
///
/// Records on a transition's path decode from here: GRDB's fetch builds a map of lowercased
/// column names for every row it hands out, which cost more than the query. `Row` reads the
/// same way (see `PositionalColumns`), so one decoder serves both paths.
///
/// One requirement per column type the records hold, not one generic `decode<Value>`: a
/// record's initializer is generic over its columns, and there a generic decode asked the
/// runtime for each column's type metadata (`Optional<String>` and the like, looked up under a
/// lock), about a sixth of a row's read. `Row` and `StatementColumns` each list them for that
/// reason: one shared generic implementation would bring the lookups back.
public protocol PositionalColumns {
    func decode(_ index: Int) throws -> String
    func decode(_ index: Int) throws -> String?
    func decode(_ index: Int) throws -> Int64
    func decode(_ index: Int) throws -> Int64?
    func decode(_ index: Int) throws -> Int
    func decode(_ index: Int) throws -> Int?
    func decode(_ index: Int) throws -> Int32?
    func decode(_ index: Int) throws -> Double
    func decode(_ index: Int) throws -> Double?
    func decode(_ index: Int) throws -> Bool
}

extension PositionalColumns {
    /// A text column holding one of an enumeration's raw values.
    public func decode<Value: RawRepresentable>(_ index: Int) throws -> Value where Value.RawValue == String {
        let raw: String = try decode(index)
        guard let value = Value(rawValue: raw) else {
            throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "column \(index) holds '\(raw)', not a \(Value.self)")
        }
        return value
    }
}

extension Row: PositionalColumns {
    public func decode(_ index: Int) throws -> String { try column(index) }
    public func decode(_ index: Int) throws -> String? { try column(index) }
    public func decode(_ index: Int) throws -> Int64 { try column(index) }
    public func decode(_ index: Int) throws -> Int64? { try column(index) }
    public func decode(_ index: Int) throws -> Int { try column(index) }
    public func decode(_ index: Int) throws -> Int? { try column(index) }
    public func decode(_ index: Int) throws -> Int32? { try column(index) }
    public func decode(_ index: Int) throws -> Double { try column(index) }
    public func decode(_ index: Int) throws -> Double? { try column(index) }
    public func decode(_ index: Int) throws -> Bool { try column(index) }

    private func column<Value: DatabaseValueConvertible>(_ index: Int) throws -> Value {
        try decode(Value.self, atIndex: index)
    }
}

public struct StatementColumns: PositionalColumns {
    let statement: SQLiteStatement

    public func decode(_ index: Int) throws -> String { try column(index) }
    public func decode(_ index: Int) throws -> String? { try column(index) }
    public func decode(_ index: Int) throws -> Int64 { try column(index) }
    public func decode(_ index: Int) throws -> Int64? { try column(index) }
    public func decode(_ index: Int) throws -> Int { try column(index) }
    public func decode(_ index: Int) throws -> Int? { try column(index) }
    public func decode(_ index: Int) throws -> Int32? { try column(index) }
    public func decode(_ index: Int) throws -> Double { try column(index) }
    public func decode(_ index: Int) throws -> Double? { try column(index) }
    public func decode(_ index: Int) throws -> Bool { try column(index) }

    private func column<Value: StatementColumnConvertible>(_ index: Int) throws -> Value {
        guard let value = Value.fromStatement(statement, atUncheckedIndex: CInt(index)) else {
            throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "column \(index) does not hold a \(Value.self)")
        }
        return value
    }
}

extension Statement {
    /// The first row `arguments` select, decoded by `decode`; nil when there is none.
    public func first<T>(arguments: StatementArguments, _ decode: (StatementColumns) throws -> T) throws -> T? {
        try setArguments(arguments)
        defer { sqlite3_reset(sqliteStatement) }
        switch sqlite3_step(sqliteStatement) {
        case SQLITE_ROW:
            return try decode(StatementColumns(statement: sqliteStatement))
        case SQLITE_DONE:
            return nil
        case let code:
            throw error(code)
        }
    }
}
