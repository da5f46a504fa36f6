/// What to run for one job: the resolved job definition plus the ids of this run.
public struct JobLaunch: Sendable {
    /// Unique id of this run (the flow execution id). Passed to the job as `STEPD_JOB_ID`.
    public var jobId: String
    /// The job definition's name. Passed to the job as `STEPD_JOB_NAME`.
    public var jobName: String
    /// argv. `argv[0]` without a `/` is searched in `PATH` (of the job's environment), then in
    /// the runner's `fallbackSearchDirectory`; with a `/` it is taken as it is (relative to
    /// `workingDirectory` when not absolute).
    public var command: [String]
    /// Added to the daemon's environment (and overriding `STEPD_JOB_ID` / `STEPD_JOB_NAME`).
    public var environment: [String: String]
    /// The job's current directory; the daemon's when `nil`. Must exist.
    public var workingDirectory: String?
    /// Time limit in seconds; at the deadline the job's process group gets SIGKILL and the
    /// exit is reported as `.timedOut`.
    public var timeoutSeconds: Int?
    /// Where stdout and stderr go.
    public var output: JobOutput

    public init(
        jobId: String,
        jobName: String,
        command: [String],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        timeoutSeconds: Int? = nil,
        output: JobOutput
    ) {
        self.jobId = jobId
        self.jobName = jobName
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeoutSeconds = timeoutSeconds
        self.output = output
    }
}

/// A job's process as the daemon records it, enough to find it again after a restart.
public struct RunningJob: Sendable, Equatable, Hashable {
    public let jobId: String
    public let pid: Int32
    /// Field 22 of `/proc/<pid>/stat` (clock ticks since boot): with the pid it names one
    /// process, so a reused pid is not mistaken for the job.
    public let startTime: UInt64

    public init(jobId: String, pid: Int32, startTime: UInt64) {
        self.jobId = jobId
        self.pid = pid
        self.startTime = startTime
    }
}

/// How a job ended.
public enum JobExit: Sendable, Equatable, Hashable {
    /// The process called `exit(code)`.
    case exited(code: Int32)
    /// The process was ended by a signal (`stop` gives SIGTERM, or SIGKILL after the grace period).
    case signaled(signal: Int32)
    /// The runner killed the job at its time limit.
    case timedOut
    /// An adopted process (not a child of this daemon) ended; its status cannot be known.
    case unknown
}

/// Why a job could not be started, in words for the operator.
public struct JobLaunchError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(_ message: String) { self.message = message }
}
