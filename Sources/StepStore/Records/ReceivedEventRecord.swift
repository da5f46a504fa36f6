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

extension ReceivedEventRecord {
    /// Stores the event unless one with its id is stored already; true when it was new. One
    /// descent of the table's tree, where a lookup and then an insert took two.
    public func insertIfNew(_ db: Database) throws -> Bool {
        try db.cachedStatement(sql: Self.insertIfNewSQL).run(insertValues)
        return db.changesCount == 1
    }

    private static let insertIfNewSQL = insertSQL + " ON CONFLICT (id) DO NOTHING"
}
