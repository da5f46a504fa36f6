/// Why a state machine could not be created, changed, read or started.
public enum StateMachineError: Error, Sendable, Equatable, CustomStringConvertible {
    case doesNotExist(arn: String)
    /// CreateStateMachine with a name taken by a different definition or role.
    case alreadyExists(arn: String)
    /// The definition does not parse or validate; `reason` says where and why.
    case invalidDefinition(reason: String)
    /// The definition is larger than `Limits.maximumDefinitionBytes`.
    case definitionTooLarge
    /// A type other than STANDARD and EXPRESS.
    case unsupportedType(String)
    /// The call does not serve the state machine's type (ListExecutions on EXPRESS,
    /// StartSyncExecution on STANDARD).
    case typeNotSupported
    /// The stored definition of an existing state machine could not be read back.
    case definitionUnreadable(name: String, reason: String)

    public var description: String {
        switch self {
        case .doesNotExist(let arn): "State Machine Does Not Exist: '\(arn)'"
        case .alreadyExists(let arn): "State Machine Already Exists: '\(arn)'"
        case .invalidDefinition(let reason): "Invalid State Machine Definition: '\(reason)'"
        case .definitionTooLarge:
            "Invalid State Machine Definition: the definition is larger than \(Limits.maximumDefinitionBytes) bytes"
        case .unsupportedType(let type): "stepd runs STANDARD and EXPRESS state machines; type '\(type)' is not supported"
        case .typeNotSupported: "This operation is not supported by this type of state machine"
        case .definitionUnreadable(let name, let reason): "the definition of '\(name)' is missing or unreadable: \(reason)"
        }
    }
}
