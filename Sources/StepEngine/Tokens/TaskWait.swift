import Foundation
import GRDB
import StepStore

/// The end of a task's wait for its token, however it ends (answered, timed out, the
/// execution over): the token is kept as resolved, so a late answer hears `TaskTimedOut`,
/// and the task's timers go.
enum TaskWait {
    static func close(executionId: Int64, branchId: Int64, db: Database, now: Date, effects: inout TransitionEffects) throws {
        effects.tokenWaitsClosed += try TaskTokenRecord.resolve(
            executionId: executionId, branchId: branchId, at: now.timeIntervalSince1970, in: db)
        try TimerRecord.deleteTaskTimers(executionId: executionId, branchId: branchId, in: db)
    }

    /// The token half alone, for every cursor of an execution that ends: its timers all go anyway.
    static func resolveToken(executionId: Int64, db: Database, now: Date, effects: inout TransitionEffects) throws {
        effects.tokenWaitsClosed += try TaskTokenRecord.resolveAll(executionId: executionId, at: now.timeIntervalSince1970, in: db)
    }
}
