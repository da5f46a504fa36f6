/// Why an answer to a task token (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) was refused.
public enum TaskTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a token stepd could have issued.
    case malformed
    /// No task holds this token.
    case doesNotExist
    /// The task was answered already, timed out, or its execution moved on.
    case timedOut
    /// SendTaskSuccess's output is not JSON, or too large; `reason` says which.
    case invalidOutput(reason: String)

    public var description: String {
        switch self {
        case .malformed: "Invalid Token: 'Provided task token is malformed'"
        case .doesNotExist: "Task Does Not Exist: 'Provided task does not exist'"
        case .timedOut: "Task Timed Out: 'Provided task does not exist anymore'"
        case .invalidOutput(let reason): "Invalid Output: \(reason)"
        }
    }
}
