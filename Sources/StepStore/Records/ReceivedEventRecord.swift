import GRDB

/// An event accepted by the bus; its id makes a second sighting of the same event harmless.
public struct ReceivedEventRecord: Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "receivedEvent"
    public var id: String
    public var receivedAt: Double
    public var envelope: String
    public var matchedRules: Int

    public init(id: String, receivedAt: Double, envelope: String, matchedRules: Int) {
        self.id = id
        self.receivedAt = receivedAt
        self.envelope = envelope
        self.matchedRules = matchedRules
    }
}
