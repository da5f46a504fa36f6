import NIOCore
import NIOHTTP1

/// Gathers one connection's request parts into whole requests, enforcing the body limit.
///
/// A pure state machine: the connection loop feeds it parts and carries out the actions it
/// returns, so the rules can be tested without a socket.
struct RequestAssembler {
    enum Action {
        /// Nothing to do until more parts arrive.
        case none
        /// The client asked `Expect: 100-continue` for an acceptable body: tell it to send.
        case sendContinue(HTTPVersion)
        /// The request is complete.
        case complete(HTTPRequestHead, ByteBuffer)
        /// The body is over the limit: answer 413 and close the connection.
        case rejectTooLarge(HTTPRequestHead)
    }

    private enum State {
        case idle
        case receiving(HTTPRequestHead, ByteBuffer)
        /// A request was rejected; the connection is closing, further parts are ignored.
        case rejected
    }

    let maximumBodySize: Int
    private var state = State.idle

    init(maximumBodySize: Int) {
        self.maximumBodySize = maximumBodySize
    }

    mutating func receive(_ part: HTTPServerRequestPart) -> Action {
        switch (state, part) {
        case (.rejected, _):
            return .none

        case (.idle, .head(let head)), (.receiving, .head(let head)):
            if let declared = head.headers.first(name: "content-length").flatMap({ Int($0) }),
                declared > maximumBodySize
            {
                state = .rejected
                return .rejectTooLarge(head)
            }
            state = .receiving(head, ByteBuffer())
            if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                return .sendContinue(head.version)
            }
            return .none

        case (.receiving(let head, var body), .body(var chunk)):
            guard body.readableBytes + chunk.readableBytes <= maximumBodySize else {
                state = .rejected
                return .rejectTooLarge(head)
            }
            state = .idle  // drop the reference held in `state` so the append does not copy
            body.writeBuffer(&chunk)
            state = .receiving(head, body)
            return .none

        case (.receiving(let head, let body), .end):
            state = .idle
            return .complete(head, body)

        case (.idle, .body), (.idle, .end):
            // NIO's HTTP decoder never sends these without a head.
            return .none
        }
    }
}
