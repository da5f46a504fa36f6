import NIOCore
import NIOHTTP1
import Synchronization

/// Open connections to stepd kept between calls, one call at a time on each: a call takes an
/// idle connection (or opens one) and gives it back when its answer is complete. Sparing the
/// connect makes short calls about a third quicker.
final class ConnectionPool: Sendable {
    private let idle = Mutex<[any Channel]>([])
    private let limit: Int

    init(limit: Int = 16) {
        self.limit = limit
    }

    func take() -> (any Channel)? {
        idle.withLock { channels in
            while let channel = channels.popLast() {
                if channel.isActive { return channel }
            }
            return nil
        }
    }

    func giveBack(_ channel: any Channel) {
        let kept = idle.withLock { channels -> Bool in
            guard channel.isActive, channels.count < limit else { return false }
            channels.append(channel)
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    deinit {
        for channel in idle.withLock({ $0 }) { channel.close(promise: nil) }
    }
}

/// One request to send, with the promise its answer completes.
struct PendingExchange: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer
    let answer: EventLoopPromise<StepClient.HTTPResponse>
}

/// Writes requests and pairs each complete answer with the request it answers, in order.
final class ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = PendingExchange
    typealias OutboundOut = HTTPClientRequestPart

    private var waiting = CircularBuffer<EventLoopPromise<StepClient.HTTPResponse>>()
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()
    private let socketPath: String

    init(socketPath: String) {
        self.socketPath = socketPath
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        waiting.append(exchange.answer)
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(exchange.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let responseHead) where responseHead.status.code < 200:
            break  // informational (100 Continue): the real answer follows
        case .head(let responseHead):
            head = responseHead
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let responseHead = head, let answer = waiting.popFirst() else { return }
            head = nil
            answer.succeed(StepClient.HTTPResponse(head: responseHead, body: body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(StepClientError.transport("stepd at \(socketPath) closed the connection before answering"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        while let answer = waiting.popFirst() { answer.fail(error) }
    }
}
