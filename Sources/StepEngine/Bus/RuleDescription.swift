/// A rule as DescribeRule and ListRules show it.
public struct RuleDescription: Sendable, Equatable {
    public let name: String
    public let arn: String
    public let eventPattern: String
    /// `ENABLED` or `DISABLED`.
    public let state: String
    public let description: String?
}

/// Where a rule sends the events it matches: a state machine, started with the event (or
/// `input`, or the part of the event at `inputPath`) as its input.
public struct RuleTarget: Sendable, Equatable {
    public let id: String
    public let arn: String
    public let input: String?
    public let inputPath: String?

    public init(id: String, arn: String, input: String?, inputPath: String?) {
        self.id = id
        self.arn = arn
        self.input = input
        self.inputPath = inputPath
    }
}

/// A target of PutTargets that was not added, and why.
public struct RejectedTarget: Sendable, Equatable {
    /// The target's `Id` as given (empty when it had none).
    public let targetId: String
    public let reason: String

    public init(targetId: String, reason: String) {
        self.targetId = targetId
        self.reason = reason
    }
}

/// One entry of PutEvents: stored (with its id), or refused.
public enum PutEventResult: Sendable, Equatable {
    case stored(eventId: String)
    /// The entry is not a valid event; `reason` says why.
    case malformed(reason: String)
    /// The entry is valid but could not be stored.
    case notStored(reason: String)
    /// The entry names a source the caller may not use (`aws.*`: only the spool emits those).
    case notAuthorizedForSource(reason: String)
}

/// What became of one event from the spool.
public struct IngestedEvent: Sendable, Equatable {
    public let eventId: String
    /// An event with this id was stored before; nothing was done again.
    public let duplicate: Bool
    /// The rules whose pattern matched, in name order.
    public let matchedRules: [String]
}
