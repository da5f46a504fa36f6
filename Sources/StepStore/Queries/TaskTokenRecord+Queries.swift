import GRDB

extension TaskTokenRecord {
    /// The token the cursor `branchId` of execution `executionId` waits on: the one not
    /// resolved yet, if any.
    public static func unresolved(executionId: Int64, branchId: Int64, in db: Database) throws -> TaskTokenRecord? {
        try TaskTokenRecord.filter(Column("executionId") == executionId && Column("branchId") == branchId && Column("resolvedAt") == nil)
            .fetchOne(db)
    }

    /// Resolves at `resolvedAt` the token the cursor `branchId` of execution `executionId`
    /// waits on, if any; returns how many there were.
    @discardableResult
    public static func resolve(executionId: Int64, branchId: Int64, at resolvedAt: Double, in db: Database) throws -> Int {
        try db.cachedStatement(sql: "UPDATE taskToken SET resolvedAt = ? WHERE executionId = ? AND branchId = ? AND resolvedAt IS NULL")
            .run([resolvedAt.databaseValue, executionId.databaseValue, branchId.databaseValue])
        return db.changesCount
    }

    /// The unresolved tokens of execution `executionId` (of its cursor `branchId` alone when
    /// given) whose task waits on a child execution (`startExecution.sync`).
    public static func unresolvedChildWaits(executionId: Int64, branchId: Int64?, in db: Database) throws -> [String] {
        if let branchId {
            return try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT token FROM taskToken WHERE executionId = ? AND branchId = ? AND resolvedAt IS NULL AND resource LIKE 'startExecution.sync%'"),
                arguments: [executionId, branchId])
        }
        return try String.fetchAll(
            db.cachedStatement(
                sql: "SELECT token FROM taskToken WHERE executionId = ? AND resolvedAt IS NULL AND resource LIKE 'startExecution.sync%'"),
            arguments: [executionId])
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
