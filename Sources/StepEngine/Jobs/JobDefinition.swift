import StepStore

/// A program stepd may run as a job (the counterpart of an AppFlow flow or a Batch job
/// definition): `command` is its argv.
public struct JobDefinition: Sendable, Equatable {
    public let name: String
    public let command: [String]
    public let environment: [String: String]
    public let workingDirectory: String?
    public let timeoutSeconds: Int?

    public init(name: String, command: [String], environment: [String: String], workingDirectory: String?, timeoutSeconds: Int?) {
        self.name = name
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeoutSeconds = timeoutSeconds
    }
}

/// One run of a job definition. Dates are seconds since 1970.
public struct JobDescription: Sendable, Equatable {
    public typealias Status = JobRecord.Status

    public let jobId: String
    public let jobName: String
    public let executionArn: String
    public let status: Status
    /// Whether its report event arrived.
    public let reported: Bool
    public let createdAt: Double
    public let pid: Int32?
    public let startedAt: Double?
    public let endedAt: Double?
    /// How it ended: `exited with status 0`, `killed by signal 9`, ...
    public let exitDescription: String?
}
