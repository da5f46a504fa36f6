import GRDB

/// A registered state machine; its definitions live in `StateMachineVersionRecord`.
public struct StateMachineRecord: Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "stateMachine"
    public var name: String
    public var arn: String
    public var type: String
    public var roleArn: String
    public var currentVersionId: Int64
    public var creationDate: Double
    public var updateDate: Double

    public init(name: String, arn: String, type: String, roleArn: String, currentVersionId: Int64, creationDate: Double, updateDate: Double) {
        self.name = name
        self.arn = arn
        self.type = type
        self.roleArn = roleArn
        self.currentVersionId = currentVersionId
        self.creationDate = creationDate
        self.updateDate = updateDate
    }
}

/// One definition text of a state machine, kept for as long as an execution may run it.
public struct StateMachineVersionRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "stateMachineVersion"
    public var id: Int64?
    public var stateMachineName: String
    public var definition: String
    public var createdAt: Double

    public init(stateMachineName: String, definition: String, createdAt: Double) {
        self.stateMachineName = stateMachineName
        self.definition = definition
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
