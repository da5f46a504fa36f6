import StepEngine

/// The STATUS= line `systemctl status` shows, in one fixed wording that scripts and tests
/// may match: `3 executions running, 1 waiting on task tokens, 1 jobs running, 42 events processed`.
struct ServiceStatus: Sendable, Equatable {
    let figures: EngineFigures

    var line: String {
        "\(figures.executionsRunning) executions running, \(figures.executionsWaitingOnTokens) waiting on task tokens, "
            + "\(figures.jobsRunning) jobs running, \(figures.eventsStored) events processed"
    }
}
