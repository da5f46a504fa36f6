import GRDB

extension StateMachineRecord {
    /// Up to `limit` state machines by name, those after `after` when given.
    public static func page(after: String?, limit: Int, in db: Database) throws -> [StateMachineRecord] {
        var request = StateMachineRecord.order(Column("name"))
        if let after { request = request.filter(Column("name") > after) }
        return try request.limit(limit).fetchAll(db)
    }
}
