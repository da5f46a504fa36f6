import GRDB

extension Database {
    /// Runs `body` in a savepoint of the current transaction: kept when it returns, rolled
    /// back when it throws (and the error rethrown).
    ///
    /// GRDB's `inSavepoint` prepares its three statements at every call; a group commit opens
    /// a savepoint for each write, each execution it drives and each task, so these are
    /// prepared once per connection instead.
    public func withSavepoint<T>(_ body: () throws -> T) throws -> T {
        guard isInsideTransaction else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "a savepoint needs a transaction around it")
        }
        try cachedStatement(sql: "SAVEPOINT stepd").execute()
        let value: T
        do {
            value = try body()
        } catch {
            // A failing disk may have ended the whole transaction already, savepoints and all.
            if isInsideTransaction {
                try? cachedStatement(sql: "ROLLBACK TO SAVEPOINT stepd").execute()
                try? cachedStatement(sql: "RELEASE SAVEPOINT stepd").execute()
            }
            throw error
        }
        try cachedStatement(sql: "RELEASE SAVEPOINT stepd").execute()
        return value
    }
}
