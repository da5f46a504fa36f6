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

    public init(
        arn: String, name: String, stateMachineName: String, versionId: Int64, input: String, startDate: Double,
        startedByUid: Int64?, parentExecutionArn: String?, startAt: String
    ) {
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

extension ExecutionRecord {
    /// Writes every mutable column with one cached statement: the engine updates an execution
    /// at each transition, and the generic Codable path costs more than the SQL itself.
    public func updateChanges(_ db: Database) throws {
        guard let id else { return }
        let statement = try db.cachedStatement(sql: """
            UPDATE execution SET status = ?, output = ?, error = ?, cause = ?, stopDate = ?, currentState = ?,
              stateInput = ?, stateEnteredDate = ?, phase = ?, resumeValue = ?, retryCounts = ?, lastEventId = ?
            WHERE id = ?
            """)
        try statement.run([
            status.rawValue.databaseValue, output.databaseValue, error.databaseValue, cause.databaseValue, stopDate.databaseValue,
            currentState.databaseValue, stateInput.databaseValue, stateEnteredDate.databaseValue, phase.rawValue.databaseValue,
            resumeValue.databaseValue, retryCounts.databaseValue, lastEventId.databaseValue, id.databaseValue,
        ])
    }
}
