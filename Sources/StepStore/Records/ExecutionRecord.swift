import GRDB

/// An execution and its cursor: the state it is in and what it waits for.
public struct ExecutionRecord: Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "execution"

    /// What the engine does next with an execution.
    public enum Phase: String, Codable, Sendable {
        /// Ready: enter `currentState` with `stateInput`.
        case enter
        /// Ready: continue `currentState` with `resumeValue` (a task result, a fired timer).
        case resume
        /// Suspended until its task token is answered (or a task timer fires).
        case awaitingToken
        /// Suspended until its timer fires.
        case awaitingTimer
        /// In a Parallel or Map state, until its branches (`BranchRecord`) end.
        case awaitingBranches
        /// A Map iteration not started yet: it starts when a running one ends
        /// (`MaxConcurrency`).
        case queued
        /// Ended; `status` says how.
        case done
    }

    /// AWS's execution statuses.
    public enum Status: String, Codable, Sendable {
        case running = "RUNNING"
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"
        case timedOut = "TIMED_OUT"
        case aborted = "ABORTED"
    }

    public var id: Int64?
    public var arn: String
    public var name: String
    public var stateMachineName: String
    public var versionId: Int64
    public var status: Status
    public var input: String
    public var output: String?
    public var error: String?
    public var cause: String?
    public var startDate: Double
    public var stopDate: Double?
    public var startedByUid: Int64?
    public var parentExecutionArn: String?
    public var currentState: String?
    public var stateInput: String?
    public var stateEnteredDate: Double?
    public var phase: Phase
    public var resumeValue: String?
    public var retryCounts: String?
    public var lastEventId: Int64
    /// For a child started by `states:startExecution.sync`: the token its parent's task waits
    /// on, answered when the child ends.
    public var parentTaskToken: String?
    /// The workflow variables of the top level's scope, as a JSON object; nil when none is set.
    public var variables: String?

    public init(
        arn: String, name: String, stateMachineName: String, versionId: Int64, input: String, startDate: Double,
        startedByUid: Int64?, parentExecutionArn: String?, startAt: String, parentTaskToken: String? = nil
    ) {
        self.parentTaskToken = parentTaskToken
        self.arn = arn
        self.name = name
        self.stateMachineName = stateMachineName
        self.versionId = versionId
        self.status = .running
        self.input = input
        self.startDate = startDate
        self.startedByUid = startedByUid
        self.parentExecutionArn = parentExecutionArn
        self.currentState = startAt
        self.stateInput = input
        self.phase = .enter
        self.lastEventId = 0
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public var isReady: Bool { phase == .enter || phase == .resume }
}

extension ExecutionRecord: PositionalRecord {
    public static let columns: [RecordColumn<Self>] = [
        .key("id", \.id),
        .column("arn", \.arn),
        .column("name", \.name),
        .column("stateMachineName", \.stateMachineName),
        .column("versionId", \.versionId),
        .updated("status", \.status),
        .column("input", \.input),
        .updated("output", \.output),
        .updated("error", \.error),
        .updated("cause", \.cause),
        .column("startDate", \.startDate),
        .updated("stopDate", \.stopDate),
        .column("startedByUid", \.startedByUid),
        .column("parentExecutionArn", \.parentExecutionArn),
        .updated("currentState", \.currentState),
        .updated("stateInput", \.stateInput),
        .updated("stateEnteredDate", \.stateEnteredDate),
        .updated("phase", \.phase),
        .updated("resumeValue", \.resumeValue),
        .updated("retryCounts", \.retryCounts),
        .updated("lastEventId", \.lastEventId),
        .column("parentTaskToken", \.parentTaskToken),
        .updated("variables", \.variables),
    ]
    public static let insertSQL = insertStatement()
    private static let update = RecordUpdate<Self>()

    public init(columns: some PositionalColumns) throws {
        id = try columns.decode(0)
        arn = try columns.decode(1)
        name = try columns.decode(2)
        stateMachineName = try columns.decode(3)
        versionId = try columns.decode(4)
        status = try columns.decode(5)
        input = try columns.decode(6)
        output = try columns.decode(7)
        error = try columns.decode(8)
        cause = try columns.decode(9)
        startDate = try columns.decode(10)
        stopDate = try columns.decode(11)
        startedByUid = try columns.decode(12)
        parentExecutionArn = try columns.decode(13)
        currentState = try columns.decode(14)
        stateInput = try columns.decode(15)
        stateEnteredDate = try columns.decode(16)
        phase = try columns.decode(17)
        resumeValue = try columns.decode(18)
        retryCounts = try columns.decode(19)
        lastEventId = try columns.decode(20)
        parentTaskToken = try columns.decode(21)
        variables = try columns.decode(22)
    }

    /// Inserts a new execution (its `id` nil) and takes the id SQLite gave it.
    public mutating func insertAssigningId(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).run(columnValues)
        id = db.lastInsertedRowID
    }

    /// Writes the `updated` columns with one cached statement: the engine updates an execution
    /// at each transition, and the generic Codable path costs more than the SQL itself.
    public func updateChanges(_ db: Database) throws {
        try Self.update.run(self, in: db)
    }
}
