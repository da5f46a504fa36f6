import NIOCore

/// How much one API server lets its clients hold: connections, time and bytes.
///
/// Every bound answers a way one client could keep the daemon from serving the others:
/// opening connections until descriptors run out, sending half a request and stalling,
/// keeping an idle connection forever, sending headers or a body without end.
public struct ConnectionLimits: Sendable, Equatable {
    /// Connections open at once; one more is closed as soon as it is accepted.
    public var maximumConnections: Int
    /// From the first byte of a request to its last: a client that stalls longer mid-request
    /// is disconnected.
    public var requestTimeout: TimeAmount
    /// How long a connection with no request in progress is kept open.
    public var idleTimeout: TimeAmount
    /// The request head's bytes (request line and header fields); more is refused with 431.
    public var maximumHeaderBytes: Int
    /// The request body's bytes; more is refused with 413 `RequestEntityTooLargeException`.
    public var maximumBodyBytes: Int

    public static let defaultMaximumConnections = 1024
    public static let defaultRequestTimeout = TimeAmount.seconds(10)
    public static let defaultIdleTimeout = TimeAmount.seconds(60)
    public static let defaultMaximumHeaderBytes = 16 * 1024
    public static let defaultMaximumBodyBytes = 1 << 20

    public init(
        maximumConnections: Int = defaultMaximumConnections, requestTimeout: TimeAmount = defaultRequestTimeout,
        idleTimeout: TimeAmount = defaultIdleTimeout, maximumHeaderBytes: Int = defaultMaximumHeaderBytes,
        maximumBodyBytes: Int = defaultMaximumBodyBytes
    ) {
        self.maximumConnections = maximumConnections
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumBodyBytes = maximumBodyBytes
    }
}
