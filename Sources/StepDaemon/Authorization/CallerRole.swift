import StepEngine

/// What a caller of the socket may do, from least to most. The socket's own permissions
/// decide who may call at all (under systemd: root and group stepd).
public enum CallerRole: Int, Comparable, Sendable, CustomStringConvertible {
    /// Starts executions and puts events; reads state machines, rules, tables' names and job
    /// definitions (without their environment); reads, stops, waits for and answers only the
    /// executions it started (and what those started).
    case user
    /// The policy's operators: what a user may, on every execution and job.
    case `operator`
    /// The policy's admins: also changes state machines, rules, tables, items and job
    /// definitions, and sees job definitions' environment.
    case admin
    /// root and stepd's own user: everything.
    case daemon

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .user: "user"
        case .operator: "operator"
        case .admin: "admin"
        case .daemon: "daemon"
        }
    }
}

/// The caller of one request: its uid (from SO_PEERCRED; nil when the socket cannot say)
/// and what the policy makes of it.
public struct Caller: Sendable, Equatable {
    public let uid: UInt32?
    public let role: CallerRole

    public init(uid: UInt32?, role: CallerRole) {
        self.uid = uid
        self.role = role
    }

    /// Whose executions this caller acts on. A caller without a uid started none.
    var executionScope: ExecutionScope {
        if role >= .operator { return .all }
        return .startedBy(uid: uid ?? UInt32.max)
    }

    var name: String { uid.map { "uid \($0)" } ?? "a caller of unknown uid" }
}
