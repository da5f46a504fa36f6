/// An error as Amazon States Language names it: a case-sensitive name (`States.Timeout`,
/// `Lambda.ServiceException`, ...) and a human-readable cause.
///
/// This is what a state reports when it fails, what `Retry` and `Catch` match against, and
/// what an execution records when it fails.
public struct StatesError: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    public let name: String
    public let cause: String

    public init(name: String, cause: String) {
        self.name = name
        self.cause = cause
    }

    public var description: String { "\(name): \(cause)" }
}

// MARK: - The predefined error names (AWS "Error names")

extension StatesError {
    /// A wildcard that matches any known error name, except `States.DataLimitExceeded` and `States.Runtime`.
    public static let all = "States.ALL"
    /// A Parallel or Map branch failed.
    public static let branchFailed = "States.BranchFailed"
    /// An output, result or effective input is larger than the payload quota. Not caught by `States.ALL`.
    public static let dataLimitExceeded = "States.DataLimitExceeded"
    /// A Map state failed more items than its tolerated failure threshold.
    public static let exceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
    /// A Task state did not send a heartbeat within `HeartbeatSeconds`.
    public static let heartbeatTimeout = "States.HeartbeatTimeout"
    /// An HTTP task timed out.
    public static let httpSocket = "States.Http.Socket"
    /// An intrinsic function in a payload template failed.
    public static let intrinsicFailure = "States.IntrinsicFailure"
    /// A Map state's ItemReader failed.
    public static let itemReaderFailed = "States.ItemReaderFailed"
    /// A Choice state matched no rule and has no `Default`.
    public static let noChoiceMatched = "States.NoChoiceMatched"
    /// A `.$` field of a payload template could not be resolved.
    public static let parameterPathFailure = "States.ParameterPathFailure"
    /// A Task state lacked the privileges to run its resource.
    public static let permissions = "States.Permissions"
    /// A JSONata expression failed (JSONata states only).
    public static let queryEvaluationError = "States.QueryEvaluationError"
    /// `ResultPath` could not be applied to the state input.
    public static let resultPathMatchFailure = "States.ResultPathMatchFailure"
    /// A Map state's ResultWriter failed.
    public static let resultWriterFailed = "States.ResultWriterFailed"
    /// A runtime error: not retriable, not caught by `States.ALL`.
    public static let runtime = "States.Runtime"
    /// A Task state failed; as a retrier/catcher name, matches any error except `States.Timeout`.
    public static let taskFailed = "States.TaskFailed"
    /// A Task state ran longer than `TimeoutSeconds`, or an execution longer than its `TimeoutSeconds`.
    public static let timeout = "States.Timeout"

    /// Every predefined `States.*` name.
    public static let predefinedNames: Set<String> = [
        all, branchFailed, dataLimitExceeded, exceedToleratedFailureThreshold, heartbeatTimeout, httpSocket,
        intrinsicFailure, itemReaderFailed, noChoiceMatched, parameterPathFailure, permissions,
        queryEvaluationError, resultPathMatchFailure, resultWriterFailed, runtime, taskFailed, timeout,
    ]
}

// MARK: - Convenience constructors

extension StatesError {
    public static func runtime(_ cause: String) -> StatesError { StatesError(name: runtime, cause: cause) }
    public static func intrinsicFailure(_ cause: String) -> StatesError { StatesError(name: intrinsicFailure, cause: cause) }
    public static func resultPathMatchFailure(_ cause: String) -> StatesError {
        StatesError(name: resultPathMatchFailure, cause: cause)
    }
    public static func parameterPathFailure(_ cause: String) -> StatesError {
        StatesError(name: parameterPathFailure, cause: cause)
    }
    public static func noChoiceMatched(_ cause: String) -> StatesError { StatesError(name: noChoiceMatched, cause: cause) }
    public static func taskFailed(_ cause: String) -> StatesError { StatesError(name: taskFailed, cause: cause) }
    public static func timeout(_ cause: String) -> StatesError { StatesError(name: timeout, cause: cause) }
    public static func heartbeatTimeout(_ cause: String) -> StatesError { StatesError(name: heartbeatTimeout, cause: cause) }
    public static func dataLimitExceeded(_ cause: String) -> StatesError { StatesError(name: dataLimitExceeded, cause: cause) }
    public static func branchFailed(_ cause: String) -> StatesError { StatesError(name: branchFailed, cause: cause) }
    public static func permissions(_ cause: String) -> StatesError { StatesError(name: permissions, cause: cause) }
}
