import Foundation
import GRDB

/// The end of a task's wait for its token, however it ends (answered, timed out, the
/// execution over): the token is kept as resolved, so a late answer hears `TaskTimedOut`,
/// and the task's timers go.
enum TaskWait {
    static func close(executionId: Int64, db: Database, now: Date, effects: inout TransitionEffects) throws {
        try resolveToken(executionId: executionId, db: db, now: now, effects: &effects)
        try db.cachedStatement(sql: "DELETE FROM timer WHERE executionId = ? AND kind IN ('taskTimeout', 'heartbeatTimeout')")
            .run([executionId.databaseValue])
    }

    /// The token half alone, for an execution that ends: its timers all go anyway.
    static func resolveToken(executionId: Int64, db: Database, now: Date, effects: inout TransitionEffects) throws {
        try db.cachedStatement(sql: "UPDATE taskToken SET resolvedAt = ? WHERE executionId = ? AND resolvedAt IS NULL")
            .run([now.timeIntervalSince1970.databaseValue, executionId.databaseValue])
        effects.tokenWaitsClosed += db.changesCount
    }
}
