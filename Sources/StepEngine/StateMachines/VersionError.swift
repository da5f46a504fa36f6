/// Why a version or alias could not be published, made, changed or found.
public enum VersionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// AWS's `ConflictException`: the request contradicts what exists (a revision that is
    /// no longer current, an alias of that name routed otherwise, a version an alias uses).
    case conflict(String)
    /// AWS's `ServiceQuotaExceededException`: 1,000 versions or 100 aliases per state machine.
    case quotaExceeded(String)
    /// AWS's `ResourceNotFound`: an alias, or a version an alias is to route to, that does not exist.
    case resourceNotFound(String)

    public var description: String {
        switch self {
        case .conflict(let message), .quotaExceeded(let message), .resourceNotFound(let message): message
        }
    }
}
