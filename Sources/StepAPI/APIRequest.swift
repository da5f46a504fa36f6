import JSON

/// One call of the API as the server hands it to its handler: which action, with what
/// input, from whom.
public struct APIRequest: Sendable {
    /// The `X-Amz-Target` header as sent, e.g. `AWSStepFunctions.StartExecution`.
    public let target: String
    /// The request body, parsed; always a JSON object (an empty body is `{}`).
    public let body: JSONValue
    /// Who is on the other end of the socket, when the transport can tell (`SO_PEERCRED`).
    public let peer: PeerCredentials?
    /// Tells when the client has gone while the request is answered; nil when nobody can
    /// tell (a request made inside the daemon).
    public let departure: ClientDeparture?

    public init(target: String, body: JSONValue, peer: PeerCredentials?, departure: ClientDeparture? = nil) {
        self.target = target
        self.body = body
        self.peer = peer
        self.departure = departure
    }

    /// The part of the target before the first dot: `AWSStepFunctions`, `AWSEvents`,
    /// `DynamoDB_20120810` or `Stepd`.
    public var service: Substring {
        target.firstIndex(of: ".").map { target[..<$0] } ?? target[...]
    }

    /// The part of the target after the first dot: `StartExecution`.
    public var action: Substring {
        target.firstIndex(of: ".").map { target[target.index(after: $0)...] } ?? ""
    }
}

/// The process on the other end of a Unix socket, as the kernel reports it when the
/// connection was made (`SO_PEERCRED`).
public struct PeerCredentials: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let pid: Int32
    public let uid: UInt32
    public let gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "pid=\(pid) uid=\(uid) gid=\(gid)" }
}
