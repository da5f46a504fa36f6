import JSON

/// Local tables: DynamoDB's table and item actions, each a read or a write of its own.
extension Engine {
    public func createTable(_ request: CreateTableRequest) async throws -> LocalTableDescription {
        try await transact { db, now, _ in try LocalTables.createTable(request, in: db, now: now) }
    }

    public func describeTable(named name: String) async throws -> LocalTableDescription {
        try await read { db in try LocalTables.describeTable(named: name, in: db) }
    }

    public func deleteTable(named name: String) async throws -> LocalTableDescription {
        try await transact { db, _, _ in try LocalTables.deleteTable(named: name, in: db) }
    }

    public func listTables() async throws -> [String] {
        try await read { db in try LocalTables.tableNames(in: db) }
    }

    /// Stores the item; returns the one it replaced when the request asks for it (ALL_OLD).
    public func putItem(_ request: TableItemRequest) async throws -> [String: JSONValue]? {
        try await transact { db, _, _ in try LocalTables.putItem(request, in: db) }
    }

    /// The item with the request's key, or nil when there is none.
    public func getItem(_ request: TableItemRequest) async throws -> [String: JSONValue]? {
        try await read { db in try LocalTables.getItem(request, in: db) }
    }

    /// Deletes the item with the request's key; returns it when the request asks for it (ALL_OLD).
    public func deleteItem(_ request: TableItemRequest) async throws -> [String: JSONValue]? {
        try await transact { db, _, _ in try LocalTables.deleteItem(request, in: db) }
    }
}
