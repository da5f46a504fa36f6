import GRDB
import StepStore

/// What the daemon tells the service manager about the engine's work (systemd's STATUS=).
public struct EngineFigures: Sendable, Equatable {
    /// Executions whose status is RUNNING, as ListExecutions counts them (suspended ones too).
    public let executionsRunning: Int
    /// Of those, the ones suspended until a task token is answered.
    public let executionsWaitingOnTokens: Int
    /// Job processes started and not yet seen to end.
    public let jobsRunning: Int
}

extension Engine {
    /// Counts the figures in one read, on the calling thread.
    ///
    /// The running executions are counted in one pass over the execution table; an index such
    /// as `execution(phase) WHERE status = 'RUNNING'` would make it a pass over the running
    /// ones only (the constants are written out in the SQL so that a partial index can serve
    /// it). The caller asks at most once a second, and only after a commit.
    public func figures() throws -> EngineFigures {
        try database.read { db in
            let executions = try Row.fetchOne(
                db, sql: "SELECT COUNT(*), COALESCE(SUM(phase = 'awaitingToken'), 0) FROM execution WHERE status = 'RUNNING'")
            // jobByStatus covers this one.
            let jobs = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job WHERE status = 'running'")
            return EngineFigures(
                executionsRunning: executions?[0] ?? 0, executionsWaitingOnTokens: executions?[1] ?? 0, jobsRunning: jobs ?? 0)
        }
    }

    /// False while one commit has been running for longer than `limit` (a hung disk, a
    /// runaway transition): the watchdog then stops pinging and systemd restarts stepd.
    public func isWriterResponsive(limit: Duration) -> Bool {
        writer.currentCommitDuration() <= limit
    }
}
