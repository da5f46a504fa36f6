import GRDB

extension JobRecord {
    /// The jobs recorded and not spawned yet.
    public static func pendingIds(in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT id FROM job WHERE status = 'pending'")
    }

    /// The jobs spawned and not yet seen to end.
    public static func running(in db: Database) throws -> [JobRecord] {
        try JobRecord.filter(Column("status") == Status.running.rawValue).fetchAll(db)
    }

    /// How many jobs run; the partial index jobByStatus covers it.
    public static func runningCount(in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job WHERE status = 'running'") ?? 0
    }

    /// Records that job `id` was spawned as process `pid`, started at `pidStartTime` (the
    /// kernel's start time, which tells the process from a later one with the same pid).
    /// A job that ended before its start was recorded (a short one, on a busy daemon) stays
    /// ended: only a pending job becomes running.
    public static func markStarted(id: String, pid: Int32, pidStartTime: Int64, at startedAt: Double, in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE job SET status = CASE status WHEN 'pending' THEN 'running' ELSE status END, pid = ?, pidStartTime = ?, startedAt = ?
                WHERE id = ?
                """,
            arguments: [pid, pidStartTime, startedAt, id])
    }

    /// Records that an event reporting on job `id` arrived; no job has that id, nothing changes.
    public static func markReported(id: String, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE job SET reported = 1 WHERE id = ?").run([id.databaseValue])
    }
}

extension JobDefinitionRecord {
    /// Every job definition, by name.
    public static func allByName(in db: Database) throws -> [JobDefinitionRecord] {
        try JobDefinitionRecord.order(Column("name")).fetchAll(db)
    }
}
