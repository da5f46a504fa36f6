import GRDB

extension TaskTokenRecord {
    /// The token execution `executionId` waits on: the one not resolved yet, if any.
    public static func unresolved(executionId: Int64, in db: Database) throws -> TaskTokenRecord? {
        try TaskTokenRecord.filter(Column("executionId") == executionId && Column("resolvedAt") == nil).fetchOne(db)
    }

    /// Resolves at `resolvedAt` the tokens of execution `executionId` not resolved yet;
    /// returns how many there were.
    @discardableResult
    public static func resolveAll(executionId: Int64, at resolvedAt: Double, in db: Database) throws -> Int {
        try db.cachedStatement(sql: "UPDATE taskToken SET resolvedAt = ? WHERE executionId = ? AND resolvedAt IS NULL")
            .run([resolvedAt.databaseValue, executionId.databaseValue])
        return db.changesCount
    }
}
