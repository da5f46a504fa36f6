import Logging
import NIOCore
import Synchronization

/// On the listening channel: counts the connections open, and closes at once any accepted
/// while `maximum` are open, before it is set up or served.
///
/// Refusals are logged once per burst: a warning at the first, and a notice with their
/// number once a connection is accepted again.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    /// The connections open now, shared with their close callbacks on other event loops.
    final class Count: Sendable {
        private let value = Atomic<Int>(0)
        var current: Int { value.load(ordering: .relaxed) }
        func add() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue }
        func remove() { value.wrappingSubtract(1, ordering: .relaxed) }
    }

    let maximum: Int
    let open = Count()
    private let logger: Logger
    /// Connections refused since the last one accepted.
    private var refused = 0

    init(maximum: Int, logger: Logger) {
        self.maximum = maximum
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let connection = unwrapInboundIn(data)
        guard open.add() <= maximum else {
            open.remove()
            if refused == 0 {
                logger.warning(
                    "API connection limit reached: refusing new connections", metadata: ["MAX_CONNECTIONS": "\(maximum)"])
            }
            refused += 1
            connection.close(promise: nil)
            return
        }
        if refused > 0 {
            logger.notice(
                "accepting API connections again", metadata: ["REFUSED": "\(refused)", "MAX_CONNECTIONS": "\(maximum)"])
            refused = 0
        }
        let open = self.open
        connection.closeFuture.whenComplete { _ in open.remove() }
        context.fireChannelRead(data)
    }
}
