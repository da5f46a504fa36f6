import GRDB

/// One branch of a Parallel state while the state runs: a cursor of its own inside its
/// execution (the state it is in and what it waits for, as the execution row holds for the
/// top level), and once it ends, how it ended. The rows go when their state is over.
public struct BranchRecord: Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "branch"
    /// The `parentBranchId` (and timers' and tokens' `branchId`) of the execution's own cursor.
    public static let topLevel: Int64 = 0

    public var id: Int64?
    public var executionId: Int64
    /// The cursor whose Parallel state runs this branch: another branch, or `topLevel`.
    public var parentBranchId: Int64
    /// The Parallel state that runs it.
    public var stateName: String
    /// Its index in the state's `Branches`.
    public var position: Int64
    /// RUNNING until it ends; then SUCCEEDED (with `output`), FAILED (with `error` and
    /// `cause`) or ABORTED (stopped because another branch failed).
    public var status: ExecutionRecord.Status
    public var output: String?
    public var error: String?
    public var cause: String?
    public var currentState: String?
    public var stateInput: String?
    public var stateEnteredDate: Double?
    public var phase: ExecutionRecord.Phase
    public var resumeValue: String?
    public var retryCounts: String?
    /// The workflow variables of the branch's own scope, as a JSON object; nil when none is set.
    public var variables: String?

    public init(executionId: Int64, parentBranchId: Int64, stateName: String, position: Int64, startAt: String, input: String) {
        self.executionId = executionId
        self.parentBranchId = parentBranchId
        self.stateName = stateName
        self.position = position
        status = .running
        currentState = startAt
        stateInput = input
        phase = .enter
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public var isReady: Bool { phase == .enter || phase == .resume }
}

extension BranchRecord: PositionalRecord {
    public static let columns: [RecordColumn<Self>] = [
        .key("id", \.id),
        .column("executionId", \.executionId),
        .column("parentBranchId", \.parentBranchId),
        .column("stateName", \.stateName),
        .column("position", \.position),
        .updated("status", \.status),
        .updated("output", \.output),
        .updated("error", \.error),
        .updated("cause", \.cause),
        .updated("currentState", \.currentState),
        .updated("stateInput", \.stateInput),
        .updated("stateEnteredDate", \.stateEnteredDate),
        .updated("phase", \.phase),
        .updated("resumeValue", \.resumeValue),
        .updated("retryCounts", \.retryCounts),
        .updated("variables", \.variables),
    ]
    public static let insertSQL = insertStatement()
    private static let update = RecordUpdate<Self>()

    public init(columns: some PositionalColumns) throws {
        id = try columns.decode(0)
        executionId = try columns.decode(1)
        parentBranchId = try columns.decode(2)
        stateName = try columns.decode(3)
        position = try columns.decode(4)
        status = try columns.decode(5)
        output = try columns.decode(6)
        error = try columns.decode(7)
        cause = try columns.decode(8)
        currentState = try columns.decode(9)
        stateInput = try columns.decode(10)
        stateEnteredDate = try columns.decode(11)
        phase = try columns.decode(12)
        resumeValue = try columns.decode(13)
        retryCounts = try columns.decode(14)
        variables = try columns.decode(15)
    }

    /// Inserts a new branch (its `id` nil) and takes the id SQLite gave it.
    public mutating func insertAssigningId(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).run(columnValues)
        id = db.lastInsertedRowID
    }

    /// Writes the `updated` columns with one cached statement.
    public func updateChanges(_ db: Database) throws {
        try Self.update.run(self, in: db)
    }
}
