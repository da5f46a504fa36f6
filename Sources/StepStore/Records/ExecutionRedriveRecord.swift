import GRDB

/// How often an execution was redriven, when last, and the client tokens of its latest
/// redrives (RedriveExecution answers a repeated token idempotently).
public struct ExecutionRedriveRecord: Codable, Sendable, FetchableRecord, PersistableRecord, ExecutionAnnex {
    public static let databaseTableName = "executionRedrive"

    public var executionId: Int64
    public var count: Int64
    public var lastDate: Double
    /// `[{"token": T, "date": D}]` as JSON text, newest last.
    public var clientTokens: String

    public init(executionId: Int64, count: Int64, lastDate: Double, clientTokens: String) {
        self.executionId = executionId
        self.count = count
        self.lastDate = lastDate
        self.clientTokens = clientTokens
    }
}
