import GRDB

/// One tag of a resource (a state machine), as TagResource sets it.
public struct TagRecord: Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "tag"

    public var resourceArn: String
    public var key: String
    public var value: String

    public init(resourceArn: String, key: String, value: String) {
        self.resourceArn = resourceArn
        self.key = key
        self.value = value
    }
}

extension TagRecord: PositionalRecord {
    public static let columns: [RecordColumn<Self>] = [
        .key("resourceArn", \.resourceArn),
        .key("key", \.key),
        .updated("value", \.value),
    ]
    public static let insertSQL = insertStatement()
    private static let setSQL = upsertStatement()

    public init(columns: some PositionalColumns) throws {
        resourceArn = try columns.decode(0)
        key = try columns.decode(1)
        value = try columns.decode(2)
    }

    /// Sets the tag, replacing the value of one with the same key.
    public func set(_ db: Database) throws {
        try db.cachedStatement(sql: Self.setSQL).run(columnValues)
    }

    /// The tags of `resourceArn`, by key.
    public static func all(of resourceArn: String, in db: Database) throws -> [TagRecord] {
        try TagRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM tag WHERE resourceArn = ? ORDER BY key"), arguments: [resourceArn])
    }

    /// Deletes the tag `key` of `resourceArn`, if any.
    public static func delete(resourceArn: String, key: String, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM tag WHERE resourceArn = ? AND key = ?").run([resourceArn.databaseValue, key.databaseValue])
    }

    /// Deletes every tag of `resourceArn`.
    public static func deleteAll(of resourceArn: String, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM tag WHERE resourceArn = ?").run([resourceArn.databaseValue])
    }
}
