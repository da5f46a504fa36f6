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

extension ReceivedEventRecord: PositionalRecord {
    public static let columns: [RecordColumn<Self>] = [
        .key("id", \.id),
        .column("receivedAt", \.receivedAt),
        .column("envelope", \.envelope),
        .column("matchedRules", \.matchedRules),
    ]
    public static let insertSQL = insertStatement()
    private static let insertIfNewSQL = insertIfNewStatement()

    public init(columns: some PositionalColumns) throws {
        id = try columns.decode(0)
        receivedAt = try columns.decode(1)
        envelope = try columns.decode(2)
        matchedRules = try columns.decode(3)
    }

    /// Stores the event unless one with its id is stored already; true when it was new. One
    /// descent of the table's tree, where a lookup and then an insert took two.
    public func insertIfNew(_ db: Database) throws -> Bool {
        try db.cachedStatement(sql: Self.insertIfNewSQL).run(columnValues)
        return db.changesCount == 1
    }
}
