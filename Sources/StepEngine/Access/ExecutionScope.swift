import StepStore

/// The executions a caller may read, stop, wait for and answer: all of them (stepd's own
/// user, root, the policy's admins and operators), or those it started. An execution started
/// by another carries its starter on: a child its parent's, a rule's target the uid that put
/// the event. One started by the spool's events belongs to nobody but the daemon.
public enum ExecutionScope: Sendable, Equatable {
    case all
    case startedBy(uid: UInt32)

    func allows(startedByUid: Int64?) -> Bool {
        switch self {
        case .all: true
        case .startedBy(let uid): startedByUid == Int64(uid)
        }
    }

    func check(_ execution: ExecutionRecord) throws(AccessDenied) {
        guard allows(startedByUid: execution.startedByUid) else {
            throw AccessDenied.notStarter(of: execution.arn)
        }
    }

    /// For queries that list: the uid to keep, nil for every execution.
    var uidFilter: Int64? {
        switch self {
        case .all: nil
        case .startedBy(let uid): Int64(uid)
        }
    }
}

/// The caller may not act on `resource`; the API layer names the action and the caller.
public struct AccessDenied: Error, Sendable, Equatable, CustomStringConvertible {
    public let resource: String
    public let reason: String

    public init(resource: String, reason: String) {
        self.resource = resource
        self.reason = reason
    }

    public var description: String { "not authorized on \(resource): \(reason)" }

    /// The caller did not start the execution `arn` (nor what started it).
    static func notStarter(of arn: String) -> AccessDenied {
        AccessDenied(resource: arn, reason: "a caller may act only on the executions it started")
    }
}
