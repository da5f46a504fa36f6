import GRDB

/// How to run a job: the single-host counterpart of an AppFlow flow.
public struct JobDefinitionRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "jobDefinition"
    public var name: String
    /// JSON array of strings: argv.
    public var command: String
    /// JSON object of strings.
    public var environment: String
    public var workingDirectory: String?
    public var timeoutSeconds: Int?
    public var updatedAt: Double

    public init(name: String, command: String, environment: String, workingDirectory: String?, timeoutSeconds: Int?, updatedAt: Double) {
        self.name = name
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeoutSeconds = timeoutSeconds
        self.updatedAt = updatedAt
    }
}

/// One run of a job definition, from intent to exit.
public struct JobRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job"

    public enum Status: String, Codable, Sendable {
        /// Recorded by the transition that asked for it; not spawned yet.
        case pending
        case running
        case exited
    }

    public var id: String
    public var jobName: String
    public var executionArn: String
    public var stateName: String
    public var status: Status
    public var pid: Int32?
    public var pidStartTime: Int64?
    public var createdAt: Double
    public var startedAt: Double?
    public var endedAt: Double?
    public var exitDescription: String?
    /// Whether an event naming this job's id as `execution-id` has been received.
    public var reported: Bool

    public init(id: String, jobName: String, executionArn: String, stateName: String, createdAt: Double) {
        self.id = id
        self.jobName = jobName
        self.executionArn = executionArn
        self.stateName = stateName
        self.status = .pending
        self.createdAt = createdAt
        self.reported = false
    }
}
