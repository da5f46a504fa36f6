import GRDB

extension RuleRecord {
    /// Every rule, by name.
    public static func allByName(in db: Database) throws -> [RuleRecord] {
        try RuleRecord.order(Column("name")).fetchAll(db)
    }

    /// The rules whose state is ENABLED, by name: the ones events are matched against.
    public static func enabled(in db: Database) throws -> [RuleRecord] {
        try RuleRecord.filter(Column("state") == "ENABLED").order(Column("name")).fetchAll(db)
    }
}

extension RuleTargetRecord {
    /// The targets of rule `rule`, by id.
    public static func targets(rule: String, in db: Database) throws -> [RuleTargetRecord] {
        try RuleTargetRecord.filter(Column("ruleName") == rule).order(Column("id")).fetchAll(db)
    }

    /// Every target, grouped by the name of its rule.
    public static func byRule(in db: Database) throws -> [String: [RuleTargetRecord]] {
        Dictionary(grouping: try RuleTargetRecord.fetchAll(db), by: \.ruleName)
    }

    /// How many targets rule `rule` has.
    public static func count(rule: String, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ruleTarget WHERE ruleName = ?", arguments: [rule]) ?? 0
    }

    /// Deletes target `id` of rule `rule`; true when there was one.
    @discardableResult
    public static func delete(rule: String, id: String, in db: Database) throws -> Bool {
        try RuleTargetRecord.deleteOne(db, key: ["ruleName": rule, "id": id])
    }

    /// Deletes every target of rule `rule`.
    public static func deleteAll(rule: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM ruleTarget WHERE ruleName = ?", arguments: [rule])
    }
}
