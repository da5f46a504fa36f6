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
    /// Events stored since the engine recovered (spool files and PutEvents entries; a
    /// duplicate stores nothing).
    public let eventsStored: Int
}

extension Engine {
    /// The figures as of the last commit. Executions are counted once by `recover()` and
    /// kept by every commit since; before that (an engine that has not recovered) they are
    /// counted in one read. Jobs are counted from their partial index.
    public func figures() throws -> EngineFigures {
        let kept = runningFigures.withLock { $0 }
        return try database.read { db in
            let jobs = try JobRecord.runningCount(in: db)
            if let kept {
                return EngineFigures(
                    executionsRunning: kept.running, executionsWaitingOnTokens: kept.waitingOnTokens, jobsRunning: jobs,
                    eventsStored: kept.eventsStored)
            }
            let executions = try ExecutionRecord.runningCounts(in: db)
            return EngineFigures(
                executionsRunning: executions.running, executionsWaitingOnTokens: executions.waitingOnTokens, jobsRunning: jobs,
                eventsStored: 0)
        }
    }

    /// `listener` is called on the committing thread after each commit, once ``figures()``
    /// includes it; it must return at once.
    public func onCommit(_ listener: @escaping @Sendable () -> Void) {
        commitListener.withLock { $0 = listener }
    }

    /// False while one commit has been running for longer than `limit` (a hung disk, a
    /// runaway transition): the watchdog then stops pinging and systemd restarts stepd.
    public func isWriterResponsive(limit: Duration) -> Bool {
        writer.currentCommitDuration() <= limit
    }
}
