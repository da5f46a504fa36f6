import GRDB

extension TimerRecord {
    /// When the next timer is due; nil when none is set.
    public static func earliestDue(in db: Database) throws -> Double? {
        try Double.fetchOne(db.cachedStatement(sql: "SELECT MIN(dueAt) FROM timer"))
    }

    /// The timers due at `now` or before it.
    public static func due(at now: Double, in db: Database) throws -> [TimerRecord] {
        try TimerRecord.filter(Column("dueAt") <= now).fetchAll(db)
    }

    /// Deletes every timer of execution `executionId`.
    public static func deleteAll(executionId: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM timer WHERE executionId = ?").run([executionId.databaseValue])
    }

    /// Deletes the timers of the task the cursor `branchId` of execution `executionId` waits
    /// in (its TimeoutSeconds and HeartbeatSeconds), keeping its other timers.
    public static func deleteTaskTimers(executionId: Int64, branchId: Int64, in db: Database) throws {
        try db.cachedStatement(
            sql: "DELETE FROM timer WHERE executionId = ? AND branchId = ? AND kind IN ('taskTimeout', 'heartbeatTimeout')"
        ).run([executionId.databaseValue, branchId.databaseValue])
    }

    /// Deletes every timer of the cursors `branchIds` of execution `executionId`.
    public static func deleteAll(executionId: Int64, branchIds: [Int64], in db: Database) throws {
        for branchId in branchIds {
            try db.cachedStatement(sql: "DELETE FROM timer WHERE executionId = ? AND branchId = ?")
                .run([executionId.databaseValue, branchId.databaseValue])
        }
    }
}
