/// Why a state machine definition is invalid (AWS `InvalidDefinition`).
///
/// Validation collects every problem it finds. `message` joins them with "; " and `problems`
/// lists them one by one; `statePath` locates the first one (for example `/States/Wait1/Seconds`).
public struct DefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let statePath: String?
    /// Each problem on its own, in the order found. Holds at least `message` itself.
    public let problems: [String]

    public init(message: String, statePath: String? = nil) {
        self.message = message
        self.statePath = statePath
        self.problems = [message]
    }

    /// One error for several problems. `problems` must not be empty.
    public init(problems: [DefinitionError]) {
        self.message = problems.map(\.message).joined(separator: "; ")
        self.statePath = problems.first?.statePath
        self.problems = problems.flatMap(\.problems)
    }

    public var description: String { message }
}
