import GRDB

extension BranchRecord {
    /// Branch `id` of execution `executionId`; nil when there is none.
    public static func find(_ db: Database, id: Int64, executionId: Int64) throws -> BranchRecord? {
        try db.cachedStatement(sql: "SELECT * FROM branch WHERE id = ? AND executionId = ?").first(arguments: [id, executionId]) {
            try BranchRecord(columns: $0)
        }
    }

    /// The ready branch of execution `executionId` made first, if any.
    public static func firstReady(executionId: Int64, in db: Database) throws -> BranchRecord? {
        try db.cachedStatement(sql: "SELECT * FROM branch WHERE executionId = ? AND phase IN ('enter', 'resume') ORDER BY id LIMIT 1")
            .first(arguments: [executionId]) { try BranchRecord(columns: $0) }
    }

    /// The branches the cursor `parentBranchId` of execution `executionId` runs, in order.
    public static func children(executionId: Int64, parentBranchId: Int64, in db: Database) throws -> [BranchRecord] {
        try BranchRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM branch WHERE executionId = ? AND parentBranchId = ? ORDER BY position"),
            arguments: [executionId, parentBranchId])
    }

    /// How many of the branches the cursor `parentBranchId` runs are still RUNNING.
    public static func runningChildren(executionId: Int64, parentBranchId: Int64, in db: Database) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM branch WHERE executionId = ? AND parentBranchId = ? AND status = 'RUNNING'"),
            arguments: [executionId, parentBranchId]) ?? 0
    }

    /// Deletes the branches the cursor `parentBranchId` runs (not theirs: the caller goes down).
    public static func deleteChildren(executionId: Int64, parentBranchId: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM branch WHERE executionId = ? AND parentBranchId = ?").run([executionId.databaseValue, parentBranchId.databaseValue])
    }

    /// Marks the running branches of execution `executionId`, at every depth, ABORTED and done
    /// (the execution stopped or timed out while they ran).
    public static func abortRunning(executionId: Int64, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE branch SET status = 'ABORTED', phase = 'done', resumeValue = NULL WHERE executionId = ? AND status = 'RUNNING'
            """).run([executionId.databaseValue])
    }

    /// Deletes every branch of execution `executionId`.
    public static func deleteAll(executionId: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM branch WHERE executionId = ?").run([executionId.databaseValue])
    }

    /// The ids of the executions with a ready branch, oldest first.
    public static func executionsWithReadyBranches(in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT DISTINCT executionId FROM branch WHERE phase IN ('enter', 'resume') ORDER BY executionId")
    }
}

extension BranchRecord {
    /// The branch at `position` among those the cursor `parentBranchId` runs; nil when none.
    public static func child(executionId: Int64, parentBranchId: Int64, position: Int64, in db: Database) throws -> BranchRecord? {
        try db.cachedStatement(sql: "SELECT * FROM branch WHERE executionId = ? AND parentBranchId = ? AND position = ?")
            .first(arguments: [executionId, parentBranchId, position]) { try BranchRecord(columns: $0) }
    }
}
