import Foundation

/// A job the engine wants started: its definition resolved, its id chosen.
public struct PendingJob: Sendable, Equatable {
    public let jobId: String
    public let jobName: String
    public let command: [String]
    public let environment: [String: String]
    public let workingDirectory: String?
    public let timeoutSeconds: Int?
    public let executionArn: String
}

/// A job that was running when the daemon last stopped.
public struct RunningJobRow: Sendable, Equatable {
    public let jobId: String
    public let jobName: String
    public let pid: Int32
    public let pidStartTime: UInt64
    /// When its time limit runs out: its start plus its definition's TimeoutSeconds.
    public let deadline: Date?

    public init(jobId: String, jobName: String, pid: Int32, pidStartTime: UInt64, deadline: Date?) {
        self.jobId = jobId
        self.jobName = jobName
        self.pid = pid
        self.pidStartTime = pidStartTime
        self.deadline = deadline
    }
}

/// The daemon's side of jobs: spawning processes is outside the engine's world.
public protocol JobLauncher: Sendable {
    /// Starts `job`; reports back with `Engine.recordJobStarted` / `recordJobExit`.
    func launch(_ job: PendingJob) async
}

/// What the engine knows about a job that has ended.
public struct EndedJob: Sendable, Equatable {
    public let jobId: String
    public let jobName: String
    public let executionArn: String
    /// Whether its report event (an event whose `detail.execution-id` is the job id) arrived.
    public let reported: Bool
}
