import GRDB

/// The version, and the alias when there was one, an execution was started through; none for
/// a start by the state machine's own ARN.
public struct ExecutionQualifierRecord: Codable, Sendable, FetchableRecord, PersistableRecord, ExecutionAnnex {
    public static let databaseTableName = "executionQualifier"

    public var executionId: Int64
    public var versionNumber: Int64
    public var aliasName: String?

    public init(executionId: Int64, versionNumber: Int64, aliasName: String?) {
        self.executionId = executionId
        self.versionNumber = versionNumber
        self.aliasName = aliasName
    }
}
