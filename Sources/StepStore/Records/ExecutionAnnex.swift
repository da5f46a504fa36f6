import GRDB

/// A table beside `execution` with at most one row per execution, keyed by `executionId`,
/// for what only some executions have (a version they came through, their redrives): the
/// execution row, written at every transition, keeps its width.
public protocol ExecutionAnnex: FetchableRecord, TableRecord {
    var executionId: Int64 { get }
}

extension ExecutionAnnex {
    public static func find(executionId: Int64, in db: Database) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: "SELECT * FROM \(databaseTableName) WHERE executionId = ?"), arguments: [executionId])
    }

    /// The rows of those of `executionIds` that have one, by execution id.
    public static func all(executionIds: [Int64], in db: Database) throws -> [Int64: Self] {
        guard !executionIds.isEmpty else { return [:] }
        let records = try fetchAll(
            db, sql: "SELECT * FROM \(databaseTableName) WHERE executionId IN (\(executionIds.map { _ in "?" }.joined(separator: ",")))",
            arguments: StatementArguments(executionIds))
        return Dictionary(records.map { ($0.executionId, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
