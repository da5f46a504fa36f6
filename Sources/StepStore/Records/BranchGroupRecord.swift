import GRDB

/// The branches of one running Parallel or Map state, counted: how many there are, how many
/// have been started (a Map runs at most `MaxConcurrency` at once) and how many have ended.
/// Keyed by the cursor whose state runs them; gone when the state is over.
public struct BranchGroupRecord: Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "branchGroup"

    public var executionId: Int64
    public var parentBranchId: Int64
    public var total: Int64
    public var started: Int64
    public var ended: Int64

    public init(executionId: Int64, parentBranchId: Int64, total: Int64, started: Int64) {
        self.executionId = executionId
        self.parentBranchId = parentBranchId
        self.total = total
        self.started = started
        ended = 0
    }
}

extension BranchGroupRecord: PositionalRecord {
    public static let columns: [RecordColumn<Self>] = [
        .key("executionId", \.executionId),
        .key("parentBranchId", \.parentBranchId),
        .column("total", \.total),
        .updated("started", \.started),
        .updated("ended", \.ended),
    ]
    public static let insertSQL = insertStatement()
    private static let setSQL = upsertStatement()
    private static let update = RecordUpdate<Self>()

    public init(columns: some PositionalColumns) throws {
        executionId = try columns.decode(0)
        parentBranchId = try columns.decode(1)
        total = try columns.decode(2)
        started = try columns.decode(3)
        ended = try columns.decode(4)
    }

    /// Inserts the group, replacing one left by an earlier attempt of the same cursor's state.
    public func set(_ db: Database) throws {
        try db.cachedStatement(sql: Self.setSQL).run(columnValues)
    }

    public func updateChanges(_ db: Database) throws {
        try Self.update.run(self, in: db)
    }

    /// The group the cursor `parentBranchId` of execution `executionId` runs; nil when none.
    public static func find(_ db: Database, executionId: Int64, parentBranchId: Int64) throws -> BranchGroupRecord? {
        try db.cachedStatement(sql: "SELECT * FROM branchGroup WHERE executionId = ? AND parentBranchId = ?")
            .first(arguments: [executionId, parentBranchId]) { try BranchGroupRecord(columns: $0) }
    }

    /// Deletes the group the cursor `parentBranchId` runs.
    public static func delete(executionId: Int64, parentBranchId: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM branchGroup WHERE executionId = ? AND parentBranchId = ?")
            .run([executionId.databaseValue, parentBranchId.databaseValue])
    }

    /// Deletes every group of execution `executionId`.
    public static func deleteAll(executionId: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM branchGroup WHERE executionId = ?").run([executionId.databaseValue])
    }
}
