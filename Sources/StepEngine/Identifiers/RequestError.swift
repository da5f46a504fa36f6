/// A request the engine cannot carry out as given, whatever it names: a bad ARN or name, a
/// value out of range, a page token it did not issue.
public enum RequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A value breaks a constraint; `reason` names the field and the constraint.
    case invalid(reason: String)
    /// An ARN of the wrong kind or form; `reason` quotes it.
    case invalidArn(reason: String)
    /// A state machine, execution or job name outside AWS's rule.
    case invalidName(name: String, what: String)
    /// A `nextToken` this server did not issue (for this list).
    case invalidPageToken(reason: String)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        case .invalidArn(let reason): "Invalid Arn: \(reason)"
        case .invalidName(let name, let what):
            "Invalid Name: '\(name)' (a \(what) is 1 to 80 characters of A-Z, a-z, 0-9, '_' and '-')"
        case .invalidPageToken(let reason): "Invalid Token: \(reason)"
        }
    }
}
