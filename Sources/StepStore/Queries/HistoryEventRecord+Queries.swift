import GRDB

extension HistoryEventRecord {
    /// Up to `limit` events of execution `executionId` in the order of their ids (from the
    /// last when `reverse`), those past event `after` in that order when given.
    public static func page(executionId: Int64, after: Int64?, reverse: Bool, limit: Int, in db: Database) throws -> [HistoryEventRecord] {
        var request = HistoryEventRecord.filter(Column("executionId") == executionId)
        if let after { request = request.filter(reverse ? Column("id") < after : Column("id") > after) }
        return try request.order(reverse ? Column("id").desc : Column("id").asc).limit(limit).fetchAll(db)
    }

    /// Writes `events`, up to `rowsPerStatement` with each statement: a transition's events go
    /// together, and one statement for several rows costs little more than one for one row.
    public static func insert(_ events: [HistoryEventRecord], in db: Database) throws {
        var rest = events[...]
        while !rest.isEmpty {
            let chunk = rest.prefix(rowsPerStatement)
            rest = rest.dropFirst(chunk.count)
            // Cached: one statement per chunk size.
            let statement = try db.cachedStatement(sql: insertSQL[chunk.count])
            var values: [DatabaseValue] = []
            values.reserveCapacity(6 * chunk.count)
            for event in chunk {
                values.append(event.executionId.databaseValue)
                values.append(event.id.databaseValue)
                values.append(event.type.databaseValue)
                values.append(event.timestamp.databaseValue)
                values.append(event.previousEventId.databaseValue)
                values.append(event.details.databaseValue)
            }
            try statement.run(values)
        }
    }

    public static let rowsPerStatement = 16

    /// The INSERT for 1 to `rowsPerStatement` rows, at the index of its row count.
    private static let insertSQL = (0...rowsPerStatement).map { rows in
        "INSERT INTO historyEvent (executionId, id, type, timestamp, previousEventId, details) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }
}
