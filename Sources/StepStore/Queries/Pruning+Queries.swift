import GRDB

/// Deletes what is kept no longer, oldest first, in batches small enough to ride on a commit.
public enum Pruning {
    /// What one batch deleted, and whether it stopped at its budget with more to go.
    public struct Batch: Sendable, Equatable {
        public var executions = 0
        public var rows = 0
        public var moreRemain = false

        public init(executions: Int = 0, rows: Int = 0, moreRemain: Bool = false) {
            self.executions = executions
            self.rows = rows
            self.moreRemain = moreRemain
        }
    }

    /// Executions that ended before `cutoff` (seconds since 1970), with their history, task
    /// tokens and timers; deletes at most `rowBudget` rows. A long history may take several
    /// batches: its rows go first, the execution's own row last. The execution numbered
    /// highest stays, so that a new one is never given a number an old one had. A map run's
    /// child stays while its parent runs: the run's results and counts read it.
    public static func closedExecutions(endedBefore cutoff: Double, rowBudget: Int, in db: Database) throws -> Batch {
        var batch = Batch()
        let candidates = try Int64.fetchAll(
            db.cachedStatement(sql: """
                SELECT id FROM execution
                WHERE stopDate IS NOT NULL AND stopDate < ? AND status != 'RUNNING' AND id < (SELECT MAX(id) FROM execution)
                AND NOT EXISTS (
                    SELECT 1 FROM mapRunChild c JOIN mapRun r ON r.id = c.mapRunId JOIN execution p ON p.id = r.executionId
                    WHERE c.executionId = execution.id AND p.status = 'RUNNING')
                ORDER BY stopDate LIMIT ?
                """), arguments: [cutoff, rowBudget])
        for id in candidates {
            let budget = rowBudget - batch.rows
            guard budget > 0 else {
                batch.moreRemain = true
                return batch
            }
            try db.cachedStatement(sql: """
                DELETE FROM historyEvent WHERE sequence IN (SELECT sequence FROM historyEvent WHERE executionId = ? LIMIT ?)
                """).execute(arguments: [id, budget])
            let historyRows = db.changesCount
            batch.rows += historyRows
            if historyRows == budget {
                batch.moreRemain = true
                return batch
            }
            try db.cachedStatement(sql: "DELETE FROM taskToken WHERE executionId = ?").execute(arguments: [id])
            batch.rows += db.changesCount
            try db.cachedStatement(sql: "DELETE FROM timer WHERE executionId = ?").execute(arguments: [id])
            batch.rows += db.changesCount
            try db.cachedStatement(sql: "DELETE FROM branch WHERE executionId = ?").execute(arguments: [id])
            batch.rows += db.changesCount
            try db.cachedStatement(sql: "DELETE FROM branchGroup WHERE executionId = ?").execute(arguments: [id])
            batch.rows += db.changesCount
            try db.cachedStatement(sql: "DELETE FROM executionQualifier WHERE executionId = ?").execute(arguments: [id])
            try db.cachedStatement(sql: "DELETE FROM executionRedrive WHERE executionId = ?").execute(arguments: [id])
            try db.cachedStatement(sql: "DELETE FROM mapRunChild WHERE executionId = ?").execute(arguments: [id])
            try MapRunRecord.deleteAll(executionId: id, in: db)
            try db.cachedStatement(sql: "DELETE FROM execution WHERE id = ?").execute(arguments: [id])
            batch.rows += 1
            batch.executions += 1
        }
        batch.moreRemain = candidates.count == rowBudget
        return batch
    }

    /// Received events (kept for their ids, which make a second sighting harmless) stored
    /// before `cutoff`; at most `limit`.
    public static func receivedEvents(before cutoff: Double, limit: Int, in db: Database) throws -> Batch {
        try db.cachedStatement(sql: """
            DELETE FROM receivedEvent WHERE id IN (SELECT id FROM receivedEvent WHERE receivedAt < ? ORDER BY receivedAt LIMIT ?)
            """).execute(arguments: [cutoff, limit])
        let deleted = db.changesCount
        return Batch(rows: deleted, moreRemain: deleted == limit)
    }

    /// Jobs that ended before `cutoff`; at most `limit`.
    public static func endedJobs(before cutoff: Double, limit: Int, in db: Database) throws -> Batch {
        try db.cachedStatement(sql: """
            DELETE FROM job WHERE id IN (
                SELECT id FROM job WHERE endedAt IS NOT NULL AND endedAt < ? AND status NOT IN ('pending', 'running')
                ORDER BY endedAt LIMIT ?)
            """).execute(arguments: [cutoff, limit])
        let deleted = db.changesCount
        return Batch(rows: deleted, moreRemain: deleted == limit)
    }
}
