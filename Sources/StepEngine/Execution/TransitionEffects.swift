/// What a committed transaction asks the engine to do once it is durable: run executions
/// that became ready, answer waiters, re-arm the timer, spawn jobs.
struct TransitionEffects: Sendable {
    var readyExecutions: [Int64] = []
    var endedExecutions: [Int64] = []
    var timersChanged = false
    var jobsToStart: [String] = []
    /// For the running figures (systemd's STATUS=): executions started, task-token waits
    /// opened and closed. Ended executions are `endedExecutions`.
    var executionsStarted = 0
    var tokenWaitsOpened = 0
    var tokenWaitsClosed = 0
    /// Events stored (a duplicate stores nothing).
    var eventsStored = 0
    /// Log lines (execution starts and ends, events routed), written once the commit is durable.
    var logLines: [DeferredLogLine] = []

    /// Holds `line` for after the commit (nothing when its logger would drop it).
    mutating func log(_ line: DeferredLogLine?) {
        if let line { logLines.append(line) }
    }

    mutating func merge(_ other: TransitionEffects) {
        readyExecutions += other.readyExecutions
        endedExecutions += other.endedExecutions
        timersChanged = timersChanged || other.timersChanged
        jobsToStart += other.jobsToStart
        executionsStarted += other.executionsStarted
        tokenWaitsOpened += other.tokenWaitsOpened
        tokenWaitsClosed += other.tokenWaitsClosed
        eventsStored += other.eventsStored
        logLines += other.logLines
    }
}
