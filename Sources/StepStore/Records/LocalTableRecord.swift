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
