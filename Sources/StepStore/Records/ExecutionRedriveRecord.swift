import GRDB

/// How often an execution was redriven, when last, and the client tokens of its latest
/// redrives (RedriveExecution answers a repeated token idempotently).
public struct ExecutionRedriveRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "executionRedrive"

    public var executionId: Int64
    public var count: Int64
    public var lastDate: Double
    /// `[{"token": T, "date": D}]` as JSON text, newest last.
    public var clientTokens: String

    public init(executionId: Int64, count: Int64, lastDate: Double, clientTokens: String) {
        self.executionId = executionId
        self.count = count
        self.lastDate = lastDate
        self.clientTokens = clientTokens
    }

    public static func find(executionId: Int64, in db: Database) throws -> ExecutionRedriveRecord? {
        try fetchOne(db.cachedStatement(sql: "SELECT * FROM executionRedrive WHERE executionId = ?"), arguments: [executionId])
    }

    /// The records of those of `executionIds` that were redriven, by execution id.
    public static func all(executionIds: [Int64], in db: Database) throws -> [Int64: ExecutionRedriveRecord] {
        guard !executionIds.isEmpty else { return [:] }
        let records = try fetchAll(
            db, sql: "SELECT * FROM executionRedrive WHERE executionId IN (\(executionIds.map { _ in "?" }.joined(separator: ",")))",
            arguments: StatementArguments(executionIds))
        return Dictionary(records.map { ($0.executionId, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
