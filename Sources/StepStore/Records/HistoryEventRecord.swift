import GRDB

/// One history event, with AWS's type name and its details object stored as JSON text
/// under the AWS member name (for example `stateEnteredEventDetails`).
public struct HistoryEventRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "historyEvent"
    public var executionId: Int64
    public var id: Int64
    public var type: String
    public var timestamp: Double
    public var previousEventId: Int64
    /// `{"<detailsMember>": {...}}` or nil for events without details.
    public var details: String?

    public init(executionId: Int64, id: Int64, type: String, timestamp: Double, previousEventId: Int64, details: String?) {
        self.executionId = executionId
        self.id = id
        self.type = type
        self.timestamp = timestamp
        self.previousEventId = previousEventId
        self.details = details
    }
}
