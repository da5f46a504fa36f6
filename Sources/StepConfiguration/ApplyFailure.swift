import JSON
import StepAPI

/// Why one file of a configuration folder was not applied. Each case keeps what `stepctl
/// apply` reports about it, so that the command's messages and exit codes stay as they are.
public enum ApplyFailure: Error, Sendable, CustomStringConvertible {
    /// The file cannot be read, is not JSON, or is not the JSON object it must be.
    case invalidFile(message: String)
    /// An action that creates or updates what the file describes was refused or unanswered.
    case actionFailed(file: String, target: String, failure: APICallFailure)
    /// Looking up what exists already failed.
    case lookupFailed(file: String, failure: APICallFailure)
    /// The rule was stored but some of its targets were refused.
    case targetsRefused(file: String, count: Int, entries: String)

    /// The action's name without its service prefix, as the AWS CLI names it in errors.
    public static func operation(of target: String) -> String {
        target.split(separator: ".").last.map(String.init) ?? target
    }

    public var description: String {
        switch self {
        case .invalidFile(let message):
            message
        case .actionFailed(let file, let target, .api(let error)):
            "\(file): \(Self.operation(of: target)) refused: \(error.type): \(error.message)"
        case .actionFailed(let file, let target, .transport(let message)):
            "\(file): \(Self.operation(of: target)) got no answer: \(message)"
        case .lookupFailed(let file, let failure):
            "\(file): \(failure)"
        case .targetsRefused(let file, let count, let entries):
            "\(file): \(count) target(s) refused: \(entries)"
        }
    }
}
