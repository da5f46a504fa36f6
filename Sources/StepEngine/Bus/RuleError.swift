/// Why a rule or its targets could not be changed or read.
public enum RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    case doesNotExist(name: String)
    /// The event pattern does not compile; `reason` says why.
    case invalidPattern(reason: String)
    /// DeleteRule without `force` on a rule that still has targets.
    case hasTargets
    /// stepd has one event bus, `default`.
    case eventBusDoesNotExist(name: String)

    public var description: String {
        switch self {
        case .doesNotExist(let name): "Rule \(name) does not exist on EventBus default."
        case .invalidPattern(let reason): "Event pattern is not valid. Reason: \(reason)"
        case .hasTargets: "Rule can't be deleted since it has targets."
        case .eventBusDoesNotExist(let name): "Event bus \(name) does not exist."
        }
    }
}
