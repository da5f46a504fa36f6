import JSON

/// Why a suspended cursor is ready again, stored in its `resumeValue` so that the
/// resumption survives a restart between the answer and the next transition.
enum ResumeValue: Sendable, Equatable {
    case taskSucceeded(output: JSONValue)
    case taskFailed(error: String, cause: String)
    case waitElapsed
    case retryDue
    /// Every branch of the cursor's Parallel state has ended, or one failed.
    case branchesEnded

    var json: JSONValue {
        switch self {
        case .taskSucceeded(let output): ["kind": "taskSucceeded", "output": output]
        case .taskFailed(let error, let cause): ["kind": "taskFailed", "error": .string(error), "cause": .string(cause)]
        case .waitElapsed: ["kind": "waitElapsed"]
        case .retryDue: ["kind": "retryDue"]
        case .branchesEnded: ["kind": "branchesEnded"]
        }
    }

    init?(json: JSONValue) {
        switch json["kind"]?.stringValue {
        case "taskSucceeded": self = .taskSucceeded(output: json["output"] ?? .null)
        case "taskFailed":
            self = .taskFailed(error: json["error"]?.stringValue ?? "States.TaskFailed", cause: json["cause"]?.stringValue ?? "")
        case "waitElapsed": self = .waitElapsed
        case "retryDue": self = .retryDue
        case "branchesEnded": self = .branchesEnded
        default: return nil
        }
    }

    var text: String { json.serialized() }

    init?(text: String?) {
        guard let text, let json = try? JSONValue(parsing: text) else { return nil }
        self.init(json: json)
    }
}
