/// Why an execution could not be started, read or stopped.
public enum ExecutionError: Error, Sendable, Equatable, CustomStringConvertible {
    case doesNotExist(arn: String)
    /// A start named an execution that exists with another input, or has ended.
    case alreadyExists(arn: String)
    /// The input is not JSON, or is larger than a payload may be; `reason` says which.
    case invalidInput(reason: String)
    /// StopExecution of an execution that has already ended.
    case notRunning(arn: String, status: String)
    /// RedriveExecution of an execution that cannot be redriven; `reason` is the
    /// `redriveStatusReason` DescribeExecution shows.
    case notRedrivable(arn: String, reason: String)

    public var description: String {
        switch self {
        case .doesNotExist(let arn): "Execution Does Not Exist: '\(arn)'"
        case .alreadyExists(let arn): "Execution Already Exists: '\(arn)'"
        case .invalidInput(let reason): "Invalid Execution Input: \(reason)"
        case .notRunning(let arn, let status): "Execution '\(arn)' has already ended with status \(status)"
        case .notRedrivable(_, let reason): reason
        }
    }
}
