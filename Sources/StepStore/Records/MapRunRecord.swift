import GRDB

/// A distributed Map state's run: its children (one execution per item or batch) and how
/// many of them have started and ended how. Keyed by the cursor whose Map state runs it
/// (`executionId`, `branchId`); a state entered again (a retry) makes a new run.
public struct MapRunRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "mapRun"

    /// AWS's map run statuses.
    public enum Status: String, Codable, Sendable {
        case running = "RUNNING"
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"
        case aborted = "ABORTED"
    }

    public var id: Int64?
    public var executionId: Int64
    public var branchId: Int64
    public var stateName: String
    public var arn: String
    public var label: String
    /// `STANDARD` or `EXPRESS`: the children's type.
    public var executionType: String
    public var status: Status
    public var startDate: Double
    public var stopDate: Double?
    /// How many children run at once (UpdateMapRun changes it).
    public var maxConcurrency: Int64
    /// `ToleratedFailureCount` and `ToleratedFailurePercentage`; nil when not given.
    public var toleratedFailureCount: Int64?
    public var toleratedFailurePercentage: Double?
    /// How many items (or batches) there are, and how many children have been started: the
    /// next to start is at position `started`.
    public var total: Int64
    public var started: Int64
    public var succeeded: Int64
    public var failed: Int64
    public var timedOut: Int64
    public var aborted: Int64
    public var error: String?
    public var cause: String?
    /// Where the `ResultWriter` writes: `{"Bucket": B, "Prefix": P}` (JSON text); nil when nothing is written.
    public var resultWriter: String?
    /// How often the run was redriven with its parent, and when last.
    public var redriveCount: Int64
    public var redriveDate: Double?
    /// How far the `ResultWriter` has written, across commits (JSON text); nil before it starts.
    public var resultsProgress: String?
    /// After a redrive: how many of its children that did not succeed wait to be redriven
    /// (they are counted neither as running nor as failed until they are).
    public var pendingRedrive: Int64

    public init(
        executionId: Int64, branchId: Int64, stateName: String, arn: String, label: String, executionType: String, startDate: Double,
        maxConcurrency: Int64, toleratedFailureCount: Int64?, toleratedFailurePercentage: Double?, total: Int64, resultWriter: String?
    ) {
        self.executionId = executionId
        self.branchId = branchId
        self.stateName = stateName
        self.arn = arn
        self.label = label
        self.executionType = executionType
        self.status = .running
        self.startDate = startDate
        self.maxConcurrency = maxConcurrency
        self.toleratedFailureCount = toleratedFailureCount
        self.toleratedFailurePercentage = toleratedFailurePercentage
        self.total = total
        self.started = 0
        self.succeeded = 0
        self.failed = 0
        self.timedOut = 0
        self.aborted = 0
        self.resultWriter = resultWriter
        self.redriveCount = 0
        self.pendingRedrive = 0
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// Children started and not yet ended.
    public var running: Int64 { started - succeeded - failed - timedOut - aborted - pendingRedrive }
    /// Items whose child has not started.
    public var pending: Int64 { total - started }
}
