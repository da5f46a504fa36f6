import GRDB

/// A moment an execution waits for: the end of a Wait state, a task's time limit.
public struct TimerRecord: Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "timer"

    public enum Kind: String, Codable, Sendable {
        /// The end of a Wait state, or the delay before a retry.
        case wait
        /// A waiting task's `TimeoutSeconds`.
        case taskTimeout
        /// A waiting task's `HeartbeatSeconds`: pushed back by every SendTaskHeartbeat.
        case heartbeatTimeout
        /// The state machine's `TimeoutSeconds`.
        case executionTimeout
    }

    public var executionId: Int64
    /// The branch whose cursor the timer wakes; `BranchRecord.topLevel` for the execution's own.
    public var branchId: Int64
    public var kind: Kind
    public var dueAt: Double

    public init(executionId: Int64, branchId: Int64 = BranchRecord.topLevel, kind: Kind, dueAt: Double) {
        self.executionId = executionId
        self.branchId = branchId
        self.kind = kind
        self.dueAt = dueAt
    }
}

extension TimerRecord: PositionalRecord {
    public static let columns: [RecordColumn<Self>] = [
        .key("executionId", \.executionId),
        .key("branchId", \.branchId),
        .key("kind", \.kind),
        .updated("dueAt", \.dueAt),
    ]
    public static let insertSQL = insertStatement()
    private static let setSQL = upsertStatement()

    public init(columns: some PositionalColumns) throws {
        executionId = try columns.decode(0)
        branchId = try columns.decode(1)
        kind = try columns.decode(2)
        dueAt = try columns.decode(3)
    }

    /// Sets the timer, replacing the cursor's timer of the same kind.
    public func set(_ db: Database) throws {
        try db.cachedStatement(sql: Self.setSQL).execute(arguments: StatementArguments(columnValues))
    }
}
