import GRDB

/// A published version of a state machine: a number (its ARN's suffix) naming one revision,
/// immutable (PublishStateMachineVersion, or `publish` on Create/UpdateStateMachine).
public struct PublishedVersionRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "publishedVersion"

    public var stateMachineName: String
    public var number: Int64
    /// The `StateMachineVersionRecord` (revision) it runs.
    public var definitionId: Int64
    public var description: String?
    public var creationDate: Double

    public init(stateMachineName: String, number: Int64, definitionId: Int64, description: String?, creationDate: Double) {
        self.stateMachineName = stateMachineName
        self.number = number
        self.definitionId = definitionId
        self.description = description
        self.creationDate = creationDate
    }

    public static func find(stateMachine: String, number: Int64, in db: Database) throws -> PublishedVersionRecord? {
        try fetchOne(db, sql: "SELECT * FROM publishedVersion WHERE stateMachineName = ? AND number = ?", arguments: [stateMachine, number])
    }

    /// The version that already publishes revision `definitionId`, if one does.
    public static func find(definitionId: Int64, in db: Database) throws -> PublishedVersionRecord? {
        try fetchOne(db, sql: "SELECT * FROM publishedVersion WHERE definitionId = ? ORDER BY number DESC LIMIT 1", arguments: [definitionId])
    }

    /// Up to `limit` versions of `stateMachine`, newest first, those older than `before` when given.
    public static func page(stateMachine: String, before: Int64?, limit: Int, in db: Database) throws -> [PublishedVersionRecord] {
        try fetchAll(
            db,
            sql: """
                SELECT * FROM publishedVersion WHERE stateMachineName = ? AND number < ? ORDER BY number DESC LIMIT ?
                """, arguments: [stateMachine, before ?? Int64.max, limit])
    }

    public static func count(stateMachine: String, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM publishedVersion WHERE stateMachineName = ?", arguments: [stateMachine]) ?? 0
    }

    public static func deleteAll(stateMachine: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM publishedVersion WHERE stateMachineName = ?", arguments: [stateMachine])
    }
}
