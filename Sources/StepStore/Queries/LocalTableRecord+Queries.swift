import GRDB

extension LocalTableRecord {
    /// The names of every local table, in order.
    public static func names(in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM localTable ORDER BY name")
    }
}

extension LocalItemRecord {
    /// How many items table `table` holds.
    public static func count(table: String, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM localItem WHERE tableName = ?", arguments: [table]) ?? 0
    }

    /// Deletes every item of table `table`.
    public static func deleteAll(table: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM localItem WHERE tableName = ?", arguments: [table])
    }
}
