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
    /// The number the last published version took (0 before the first): numbers are never
    /// used twice, even after their version is deleted.
    public var lastVersionNumber: Int64 = 0

    /// AWS's two types; EXPRESS executions have ARNs of their own and no API shows their history.
    public static let standard = "STANDARD"
    public static let express = "EXPRESS"
    public var isExpress: Bool { type == Self.express }

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

/// One revision of a state machine (AWS's word): a definition and role it had, kept for as
/// long as an execution or a published version may run it. (The table's name is older than
/// AWS's versions: a published version is a `PublishedVersionRecord` naming one of these.)
public struct StateMachineVersionRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "stateMachineVersion"
    public var id: Int64?
    public var stateMachineName: String
    public var definition: String
    public var createdAt: Double
    /// AWS's `revisionId`: nil for the revision CreateStateMachine made, a UUID for each later one.
    public var revisionId: String?
    /// The role of this revision; nil in revisions stored before roles were kept per revision
    /// (the state machine's role is theirs).
    public var roleArn: String?

    public init(stateMachineName: String, definition: String, createdAt: Double, revisionId: String? = nil, roleArn: String? = nil) {
        self.stateMachineName = stateMachineName
        self.definition = definition
        self.createdAt = createdAt
        self.revisionId = revisionId
        self.roleArn = roleArn
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension StateMachineRecord: PositionalRecord {
    public static let columns: [RecordColumn<Self>] = [
        .key("name", \.name),
        .column("arn", \.arn),
        .column("type", \.type),
        .column("roleArn", \.roleArn),
        .column("currentVersionId", \.currentVersionId),
        .column("creationDate", \.creationDate),
        .updated("updateDate", \.updateDate),
        .updated("lastVersionNumber", \.lastVersionNumber),
    ]
    public static let insertSQL = insertStatement()

    public init(columns: some PositionalColumns) throws {
        name = try columns.decode(0)
        arn = try columns.decode(1)
        type = try columns.decode(2)
        roleArn = try columns.decode(3)
        currentVersionId = try columns.decode(4)
        creationDate = try columns.decode(5)
        updateDate = try columns.decode(6)
        lastVersionNumber = try columns.decode(7)
    }
}
