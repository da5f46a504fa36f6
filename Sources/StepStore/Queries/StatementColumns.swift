import GRDB
import GRDBSQLite

/// The columns of the row a statement stands on, read by position.
///
/// Records on a transition's path decode from here: GRDB's fetch builds a map of lowercased
/// column names for every row it hands out, which cost more than the query. `Row` reads the
/// same way (see `PositionalColumns`), so one decoder serves both paths.
public protocol PositionalColumns {
    func decode<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) throws -> Value
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
    public func decode<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) throws -> Value {
        try decode(Value.self, atIndex: index)
    }
}

public struct StatementColumns: PositionalColumns {
    let statement: SQLiteStatement

    public func decode<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ index: Int) throws -> Value {
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
