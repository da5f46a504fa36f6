import GRDB

/// A task token handed out by a `.waitForTaskToken` task; answered once, then kept resolved
/// so that a late answer gets `TaskTimedOut` rather than `TaskDoesNotExist`.
public struct TaskTokenRecord: Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "taskToken"
    public var token: String
    public var executionId: Int64
    public var stateName: String
    public var resourceType: String
    public var resource: String
    public var createdAt: Double
    public var resolvedAt: Double?
    /// The task's HeartbeatSeconds: each SendTaskHeartbeat pushes its deadline that far.
    public var heartbeatSeconds: Int?
    /// The branch whose cursor waits on the token; `BranchRecord.topLevel` for the execution's own.
    public var branchId: Int64

    public init(
        token: String, executionId: Int64, branchId: Int64 = BranchRecord.topLevel, stateName: String, resourceType: String,
        resource: String, createdAt: Double, heartbeatSeconds: Int?
    ) {
        self.branchId = branchId
        self.token = token
        self.executionId = executionId
        self.stateName = stateName
        self.resourceType = resourceType
        self.resource = resource
        self.createdAt = createdAt
        self.heartbeatSeconds = heartbeatSeconds
    }
}

extension TaskTokenRecord: PositionalRecord {
    public static let columns: [RecordColumn<Self>] = [
        .key("token", \.token),
        .column("executionId", \.executionId),
        .column("stateName", \.stateName),
        .column("resourceType", \.resourceType),
        .column("resource", \.resource),
        .column("createdAt", \.createdAt),
        .updated("resolvedAt", \.resolvedAt),
        .column("heartbeatSeconds", \.heartbeatSeconds),
        .column("branchId", \.branchId),
    ]
    public static let insertSQL = insertStatement()

    public init(columns: some PositionalColumns) throws {
        token = try columns.decode(0)
        executionId = try columns.decode(1)
        stateName = try columns.decode(2)
        resourceType = try columns.decode(3)
        resource = try columns.decode(4)
        createdAt = try columns.decode(5)
        resolvedAt = try columns.decode(6)
        heartbeatSeconds = try columns.decode(7)
        branchId = try columns.decode(8)
    }
}
