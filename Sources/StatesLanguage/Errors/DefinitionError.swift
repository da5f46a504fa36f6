/// Why a state machine definition is invalid (AWS `InvalidDefinition`).
///
/// Validation collects every problem it finds. `message` joins them with "; " and `problems`
/// lists them one by one; `statePath` locates the first one (for example `/States/Wait1/Seconds`)
/// and `located` each of them, for ValidateStateMachineDefinition's diagnostics.
public struct DefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// AWS's diagnostic codes (ValidateStateMachineDefinitionDiagnostic `code`) that stepd
    /// gives; AWS also prints them at the head of each problem of an InvalidDefinition.
    public enum Code: String, Sendable, Equatable {
        /// The definition is JSON but not a valid state machine.
        case schemaValidationFailed = "SCHEMA_VALIDATION_FAILED"
        /// The definition is not JSON.
        case invalidJSON = "INVALID_JSON_DESCRIPTION"
    }

    /// One problem, where it is and its code.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let message: String
        /// Where in the definition: `/States/Wait1/Seconds`, `/` for the top level; nil when
        /// there is no such place (the text is not JSON).
        public let path: String?
        public let code: Code

        public init(message: String, path: String?, code: Code) {
            self.message = message
            self.path = path
            self.code = code
        }

        /// As AWS prints a problem inside an InvalidDefinition message:
        /// `SCHEMA_VALIDATION_FAILED: <message> at /States/X/Resource`.
        public var description: String {
            "\(code.rawValue): \(message)" + (path.map { " at \($0)" } ?? "")
        }
    }

    public let message: String
    public let statePath: String?
    /// Each problem on its own, in the order found. Holds at least `message` itself.
    public let problems: [String]
    /// `problems` with the path and code of each, in the same order.
    public let located: [Problem]

    public init(message: String, statePath: String? = nil, code: Code = .schemaValidationFailed) {
        self.message = message
        self.statePath = statePath
        self.problems = [message]
        self.located = [Problem(message: message, path: statePath, code: code)]
    }

    /// One error for several problems. `problems` must not be empty.
    public init(problems: [DefinitionError]) {
        self.message = problems.map(\.message).joined(separator: "; ")
        self.statePath = problems.first?.statePath
        self.problems = problems.flatMap(\.problems)
        self.located = problems.flatMap(\.located)
    }

    public var description: String { message }
}
