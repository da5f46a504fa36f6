import GRDB

/// A local table reached through DynamoDB's API shapes.
public struct LocalTableRecord: Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "localTable"
    public var name: String
    /// JSON: DynamoDB `KeySchema`.
    public var keySchema: String
    /// JSON: DynamoDB `AttributeDefinitions`.
    public var attributeDefinitions: String
    public var createdAt: Double

    public init(name: String, keySchema: String, attributeDefinitions: String, createdAt: Double) {
        self.name = name
        self.keySchema = keySchema
        self.attributeDefinitions = attributeDefinitions
        self.createdAt = createdAt
    }
}

/// An item of a local table, keyed by the canonical JSON text of its key attributes.
public struct LocalItemRecord: Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "localItem"
    public var tableName: String
    public var key: String
    /// JSON: the item in DynamoDB attribute-value form.
    public var item: String

    public init(tableName: String, key: String, item: String) {
        self.tableName = tableName
        self.key = key
        self.item = item
    }
}

extension LocalTableRecord: PositionalRecord {
    public static let columns: [RecordColumn<Self>] = [
        .key("name", \.name),
        .column("keySchema", \.keySchema),
        .column("attributeDefinitions", \.attributeDefinitions),
        .column("createdAt", \.createdAt),
    ]
    public static let insertSQL = insertStatement()

    public init(columns: some PositionalColumns) throws {
        name = try columns.decode(0)
        keySchema = try columns.decode(1)
        attributeDefinitions = try columns.decode(2)
        createdAt = try columns.decode(3)
    }
}

extension LocalItemRecord: PositionalRecord {
    public static let columns: [RecordColumn<Self>] = [
        .key("tableName", \.tableName),
        .key("key", \.key),
        .updated("item", \.item),
    ]
    public static let insertSQL = insertStatement()
    private static let upsertSQL = upsertStatement()

    public init(columns: some PositionalColumns) throws {
        tableName = try columns.decode(0)
        key = try columns.decode(1)
        item = try columns.decode(2)
    }

    /// Puts the item in place of any item with the same key, as PutItem does.
    public func upsert(_ db: Database) throws {
        try db.cachedStatement(sql: Self.upsertSQL).execute(arguments: StatementArguments(columnValues))
    }
}
