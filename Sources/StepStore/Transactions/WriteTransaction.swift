import GRDB

extension DatabaseWriter {
    /// Runs `body` in an immediate transaction on the writer's connection: committed when it
    /// returns, rolled back when it or the commit throws (and the error rethrown).
    ///
    /// GRDB's `write` prepares `BEGIN IMMEDIATE TRANSACTION` and `COMMIT TRANSACTION` at every
    /// call; the group commit's writer runs one transaction per commit, so these are prepared
    /// once per connection instead.
    public func writeWithPreparedTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try writeWithoutTransaction { db in
            try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
            do {
                let value = try body(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return value
            } catch {
                // A failed statement or commit may have ended the transaction already
                // (SQLITE_FULL, SQLITE_IOERR); GRDB's rollback checks before it rolls back.
                try? db.rollback()
                throw error
            }
        }
    }
}
