import GRDB

extension MapRunRecord {
    public static func find(arn: String, in db: Database) throws -> MapRunRecord? {
        try fetchOne(db.cachedStatement(sql: "SELECT * FROM mapRun WHERE arn = ?"), arguments: [arn])
    }

    /// The running map run the cursor `branchId` of execution `executionId` waits on.
    public static func running(executionId: Int64, branchId: Int64, in db: Database) throws -> MapRunRecord? {
        try fetchOne(
            db.cachedStatement(sql: "SELECT * FROM mapRun WHERE executionId = ? AND branchId = ? AND status = 'RUNNING' ORDER BY id DESC LIMIT 1"),
            arguments: [executionId, branchId])
    }

    /// The latest map run of the cursor `branchId` of execution `executionId`, whatever its status.
    public static func latest(executionId: Int64, branchId: Int64, in db: Database) throws -> MapRunRecord? {
        try fetchOne(
            db.cachedStatement(sql: "SELECT * FROM mapRun WHERE executionId = ? AND branchId = ? ORDER BY id DESC LIMIT 1"),
            arguments: [executionId, branchId])
    }

    /// The running map runs of execution `executionId`; of the cursors `branchIds` only, when given.
    public static func allRunning(executionId: Int64, branchIds: [Int64]? = nil, in db: Database) throws -> [MapRunRecord] {
        let runs = try fetchAll(
            db.cachedStatement(sql: "SELECT * FROM mapRun WHERE executionId = ? AND status = 'RUNNING' ORDER BY id"),
            arguments: [executionId])
        guard let branchIds else { return runs }
        let wanted = Set(branchIds)
        return runs.filter { wanted.contains($0.branchId) }
    }

    /// A page of execution `executionId`'s map runs, oldest first, after id `afterId`.
    public static func page(executionId: Int64, after afterId: Int64?, limit: Int, in db: Database) throws -> [MapRunRecord] {
        try fetchAll(
            db.cachedStatement(sql: "SELECT * FROM mapRun WHERE executionId = ? AND id > ? ORDER BY id LIMIT ?"),
            arguments: [executionId, afterId ?? 0, limit])
    }

    /// The ids of the running children of map run `id`.
    public static func runningChildren(of id: Int64, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(
            db.cachedStatement(sql: """
                SELECT c.executionId FROM mapRunChild c JOIN execution e ON e.id = c.executionId
                WHERE c.mapRunId = ? AND e.status = 'RUNNING' ORDER BY c.position
                """), arguments: [id])
    }

    /// The children of map run `id` in item order, with their status and output (JSON
    /// text); `afterPosition` and `limit` page through them.
    public static func children(
        of id: Int64, afterPosition: Int64 = -1, limit: Int = Int.max, in db: Database
    ) throws -> [(position: Int64, execution: ExecutionRecord)] {
        // The execution's columns first: its record reads them by position.
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT e.*, c.position FROM mapRunChild c JOIN execution e ON e.id = c.executionId
                WHERE c.mapRunId = ? AND c.position > ? ORDER BY c.position LIMIT ?
                """), arguments: [id, afterPosition, Int64(clamping: limit)])
        let positionIndex = ExecutionRecord.columns.count
        return try rows.map { row in (row[positionIndex], try ExecutionRecord(row: row)) }
    }

    /// How many children of map run `id`, and how many items they run, by status; with
    /// `pendingRedriveOf`, only those waiting to be redriven in that redrive.
    public static func childCounts(
        of id: Int64, pendingRedriveOf redriveCount: Int64? = nil, in db: Database
    ) throws -> [ExecutionRecord.Status: (children: Int64, items: Int64)] {
        let rows =
            if let redriveCount {
                try Row.fetchAll(
                    db.cachedStatement(sql: """
                        SELECT e.status, COUNT(*), SUM(c.itemCount) FROM mapRunChild c JOIN execution e ON e.id = c.executionId
                        LEFT JOIN executionRedrive r ON r.executionId = e.id
                        WHERE c.mapRunId = ? AND e.status IN ('FAILED', 'TIMED_OUT', 'ABORTED') AND COALESCE(r.count, 0) < ?
                        GROUP BY e.status
                        """), arguments: [id, redriveCount])
            } else {
                try Row.fetchAll(
                    db.cachedStatement(sql: """
                        SELECT e.status, COUNT(*), SUM(c.itemCount) FROM mapRunChild c JOIN execution e ON e.id = c.executionId
                        WHERE c.mapRunId = ? GROUP BY e.status
                        """), arguments: [id])
            }
        var counts: [ExecutionRecord.Status: (children: Int64, items: Int64)] = [:]
        for row in rows {
            guard let status = ExecutionRecord.Status(rawValue: row[0]) else { continue }
            counts[status] = (row[1], row[2])
        }
        return counts
    }

    /// Up to `limit` children of map run `id` that ended without succeeding and were not
    /// redriven in its redrive `redriveCount`, in item order.
    public static func childrenPendingRedrive(of id: Int64, redriveCount: Int64, limit: Int, in db: Database) throws -> [ExecutionRecord] {
        try ExecutionRecord.fetchAll(
            db.cachedStatement(sql: """
                SELECT e.* FROM mapRunChild c JOIN execution e ON e.id = c.executionId
                LEFT JOIN executionRedrive r ON r.executionId = e.id
                WHERE c.mapRunId = ? AND e.status IN ('FAILED', 'TIMED_OUT', 'ABORTED') AND COALESCE(r.count, 0) < ?
                ORDER BY c.position LIMIT ?
                """), arguments: [id, redriveCount, limit])
    }

    /// Deletes the map runs of execution `executionId`, with their waiting items.
    public static func deleteAll(executionId: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM mapRunItem WHERE mapRunId IN (SELECT id FROM mapRun WHERE executionId = ?)")
            .execute(arguments: [executionId])
        try db.cachedStatement(sql: "DELETE FROM mapRun WHERE executionId = ?").execute(arguments: [executionId])
    }
}

extension MapRunItemRecord {
    /// The item at `position` of map run `mapRunId`, taken: its row goes.
    public static func take(mapRunId: Int64, position: Int64, in db: Database) throws -> MapRunItemRecord? {
        guard
            let item = try MapRunItemRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM mapRunItem WHERE mapRunId = ? AND position = ?"), arguments: [mapRunId, position])
        else { return nil }
        try db.cachedStatement(sql: "DELETE FROM mapRunItem WHERE mapRunId = ? AND position = ?").execute(arguments: [mapRunId, position])
        return item
    }

    /// How many items wait in map run `mapRunId`.
    public static func pendingItems(mapRunId: Int64, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(SUM(itemCount), 0) FROM mapRunItem WHERE mapRunId = ?"), arguments: [mapRunId]) ?? 0
    }

    /// Deletes the waiting items of map run `mapRunId`.
    public static func deleteAll(mapRunId: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM mapRunItem WHERE mapRunId = ?").execute(arguments: [mapRunId])
    }
}
