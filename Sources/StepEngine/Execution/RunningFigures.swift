/// How many executions run (suspended ones included), how many of them wait on a task
/// token, and how many events were stored since the start: counted once by the engine's
/// recovery, then changed by what each commit reports, so reading them costs nothing.
struct RunningFigures: Sendable, Equatable {
    var running: Int
    var waitingOnTokens: Int
    var eventsStored = 0

    mutating func apply(_ effects: TransitionEffects) {
        running += effects.executionsStarted - effects.endedExecutions.count
        waitingOnTokens += effects.tokenWaitsOpened - effects.tokenWaitsClosed
        eventsStored += effects.eventsStored
    }
}
