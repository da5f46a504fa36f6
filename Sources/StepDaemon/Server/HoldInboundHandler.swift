import NIOCore

/// Keeps what a new connection receives (request parts, the peer's half-close, decoder
/// errors) until the task that serves it has attached its `NIOAsyncChannel`, then hands it
/// all on in order as it leaves the pipeline.
///
/// This lets an accepted connection travel to its serving task as a plain `Channel`
/// (see ``APIServer``'s `Connection`) without losing what arrived meanwhile.
final class HoldInboundHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Never

    static let name = "stepd.hold-inbound"

    private enum Event {
        case read(NIOAny)
        case readComplete
        case userEvent(Any)
        case error(any Error)
    }

    private var held: [Event] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        held.append(.read(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        held.append(.readComplete)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        held.append(.userEvent(event))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        held.append(.error(error))
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        let held = self.held
        self.held = []
        for event in held {
            switch event {
            case .read(let data): context.fireChannelRead(data)
            case .readComplete: context.fireChannelReadComplete()
            case .userEvent(let event): context.fireUserInboundEventTriggered(event)
            case .error(let error): context.fireErrorCaught(error)
            }
        }
        context.leavePipeline(removalToken: removalToken)
    }
}
