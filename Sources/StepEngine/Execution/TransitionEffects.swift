/// What a committed transaction asks the engine to do once it is durable: run executions
/// that became ready, answer waiters, re-arm the timer, spawn jobs.
struct TransitionEffects: Sendable {
    var readyExecutions: [Int64] = []
    var endedExecutions: [Int64] = []
    var timersChanged = false
    var jobsToStart: [String] = []

    mutating func merge(_ other: TransitionEffects) {
        readyExecutions += other.readyExecutions
        endedExecutions += other.endedExecutions
        timersChanged = timersChanged || other.timersChanged
        jobsToStart += other.jobsToStart
    }
}
