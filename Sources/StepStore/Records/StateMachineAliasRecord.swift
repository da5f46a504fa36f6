import GRDB

/// An alias of a state machine: a name that routes each start to one of one or two published
/// versions, by weight.
public struct StateMachineAliasRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "stateMachineAlias"

    public var stateMachineName: String
    public var name: String
    public var description: String?
    /// `[{"version": N, "weight": W}]` as JSON text.
    public var routing: String
    public var creationDate: Double
    public var updateDate: Double

    public init(stateMachineName: String, name: String, description: String?, routing: String, creationDate: Double, updateDate: Double) {
        self.stateMachineName = stateMachineName
        self.name = name
        self.description = description
        self.routing = routing
        self.creationDate = creationDate
        self.updateDate = updateDate
    }

    public static func find(stateMachine: String, name: String, in db: Database) throws -> StateMachineAliasRecord? {
        try fetchOne(db, sql: "SELECT * FROM stateMachineAlias WHERE stateMachineName = ? AND name = ?", arguments: [stateMachine, name])
    }

    /// Every alias of `stateMachine`, oldest first (as AWS lists them), then by name.
    public static func all(stateMachine: String, in db: Database) throws -> [StateMachineAliasRecord] {
        try fetchAll(db, sql: "SELECT * FROM stateMachineAlias WHERE stateMachineName = ? ORDER BY creationDate, name", arguments: [stateMachine])
    }

    public static func deleteAll(stateMachine: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM stateMachineAlias WHERE stateMachineName = ?", arguments: [stateMachine])
    }
}
