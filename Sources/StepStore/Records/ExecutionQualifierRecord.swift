import GRDB

/// The version, and the alias when there was one, an execution was started through; none for
/// a start by the state machine's own ARN.
public struct ExecutionQualifierRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "executionQualifier"

    public var executionId: Int64
    public var versionNumber: Int64
    public var aliasName: String?

    public init(executionId: Int64, versionNumber: Int64, aliasName: String?) {
        self.executionId = executionId
        self.versionNumber = versionNumber
        self.aliasName = aliasName
    }

    public static func find(executionId: Int64, in db: Database) throws -> ExecutionQualifierRecord? {
        try fetchOne(db.cachedStatement(sql: "SELECT * FROM executionQualifier WHERE executionId = ?"), arguments: [executionId])
    }

    /// The qualifiers of those of `executionIds` that have one, by execution id.
    public static func all(executionIds: [Int64], in db: Database) throws -> [Int64: ExecutionQualifierRecord] {
        guard !executionIds.isEmpty else { return [:] }
        let records = try fetchAll(
            db, sql: "SELECT * FROM executionQualifier WHERE executionId IN (\(executionIds.map { _ in "?" }.joined(separator: ",")))",
            arguments: StatementArguments(executionIds))
        return Dictionary(records.map { ($0.executionId, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
