import GRDB
import GRDBSQLite

extension Statement {
    /// Binds `values` to the statement's parameters in order, runs it to its end and resets it.
    ///
    /// For the writes a transition repeats (history events, the execution row): GRDB's
    /// `execute(arguments:)` validates and converts its arguments through generic layers that
    /// cost more than SQLite's own work. Only for statements that change rows inside a
    /// transaction: no transaction control, no observers.
    public func run(_ values: [DatabaseValue]) throws {
        let statement = sqliteStatement
        sqlite3_reset(statement)
        guard values.count == Int(sqlite3_bind_parameter_count(statement)) else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE, message: "\(values.count) values for \(sqlite3_bind_parameter_count(statement)) parameters",
                sql: sql)
        }
        for (offset, value) in values.enumerated() {
            let index = CInt(offset + 1)
            let code: CInt
            switch value.storage {
            case .null: code = sqlite3_bind_null(statement, index)
            case .int64(let integer): code = sqlite3_bind_int64(statement, index, integer)
            case .double(let real): code = sqlite3_bind_double(statement, index, real)
            case .string(let text):
                // As C text, the way GRDB binds and reads strings, so both paths store the same.
                code = text.withCString { sqlite3_bind_text(statement, index, $0, -1, Self.transient) }
            case .blob(let data):
                code = data.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(statement, index, bytes.baseAddress, CInt(bytes.count), Self.transient)
                }
            }
            guard code == SQLITE_OK else { throw error(code) }
        }
        defer { sqlite3_reset(statement) }
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_DONE: return
            case SQLITE_ROW: continue
            case let code: throw error(code)
            }
        }
    }

    /// SQLite copies what is bound this way before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// SQLite's error for `code`, with its message and this statement's SQL.
    func error(_ code: CInt) -> DatabaseError {
        let connection = sqlite3_db_handle(sqliteStatement)
        return DatabaseError(
            resultCode: ResultCode(rawValue: code), message: connection.map { String(cString: sqlite3_errmsg($0)) }, sql: sql)
    }
}
