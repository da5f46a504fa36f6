import GRDB

/// An EventBridge rule on the local bus.
public struct RuleRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rule"
    public var name: String
    public var arn: String
    public var eventPattern: String
    public var state: String
    public var description: String?
    public var createdAt: Double

    public init(name: String, arn: String, eventPattern: String, state: String, description: String?, createdAt: Double) {
        self.name = name
        self.arn = arn
        self.eventPattern = eventPattern
        self.state = state
        self.description = description
        self.createdAt = createdAt
    }
}

/// A rule's target: a state machine started with the event (or `input`) as its input.
public struct RuleTargetRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ruleTarget"
    public var ruleName: String
    public var id: String
    public var arn: String
    public var input: String?
    public var inputPath: String?

    public init(ruleName: String, id: String, arn: String, input: String?, inputPath: String?) {
        self.ruleName = ruleName
        self.id = id
        self.arn = arn
        self.input = input
        self.inputPath = inputPath
    }
}
