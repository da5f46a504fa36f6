import Logging
import NIOCore
import NIOHTTP1
import StepAPI

/// Watches one connection between NIO's HTTP handlers and the task that serves it: closes
/// it when a ``ConnectionTimer`` deadline passes (a request that stalls, a connection left
/// idle), and records the client's departure for the request being answered.
///
/// The deadline is one task scheduled on the connection's event loop, set and cancelled as
/// the connection moves between phases: none while a request is answered, however long.
/// (NIO's `IdleStateHandler` checks again every period for as long as the connection lives,
/// which would wake an idle daemon for each held `Stepd.WaitForExecution`.)
final class ConnectionStateHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart

    static let name = "stepd.connection-state"

    private var timer: ConnectionTimer
    private var deadline: Scheduled<Void>?
    /// Since the last `channelReadComplete`, whether a request part was read.
    private var readPart = false
    let departure: ClientDeparture
    private let logger: Logger

    init(limits: ConnectionLimits, departure: ClientDeparture, logger: Logger) {
        timer = ConnectionTimer(requestTimeout: limits.requestTimeout, idleTimeout: limits.idleTimeout)
        self.departure = departure
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { carryOut(timer.opened(), context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        carryOut(timer.opened(), context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        readPart = true
        switch unwrapInboundIn(data) {
        case .head: carryOut(timer.requestHead(), context: context)
        case .body: break
        case .end: carryOut(timer.requestEnd(), context: context)
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Bytes came in that made no request part: the start of a request head.
        if !readPart { carryOut(timer.bytesArrived(), context: context) }
        readPart = false
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { departure.recordDeparture() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        departure.recordDeparture()
        carryOut(timer.closed(), context: context)
        context.fireChannelInactive()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { carryOut(timer.responseEnd(), context: context) }
        context.write(data, promise: promise)
    }

    private func carryOut(_ action: ConnectionTimer.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            return
        case .disarm:
            deadline?.cancel()
            deadline = nil
        case .arm(let delay):
            deadline?.cancel()
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
                self.deadlinePassed(context: context)
            }
        }
    }

    private func deadlinePassed(context: ChannelHandlerContext) {
        deadline = nil
        guard let expiry = timer.deadlinePassed() else { return }
        switch expiry {
        case .idle:
            logger.debug("closing an idle API connection", metadata: ["IDLE_TIMEOUT": "\(timer.idleTimeout)"])
        case .requestIncomplete:
            logger.info(
                "closing an API connection whose request did not arrive in time",
                metadata: ["REQUEST_TIMEOUT": "\(timer.requestTimeout)"])
        }
        carryOut(timer.closed(), context: context)
        context.close(promise: nil)
    }
}
