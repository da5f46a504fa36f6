import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import StepAPI
import Testing

@testable import StepDaemon

/// The request and idle timeouts, on a connection whose clock is the embedded event loop's:
/// time moves only when the test moves it.
@Suite struct ConnectionTimeoutTests {
    static let limits = ConnectionLimits(requestTimeout: .seconds(10), idleTimeout: .seconds(60))

    /// A connected channel with the handler, and the departure it records.
    private func connection() throws -> (EmbeddedChannel, ClientDeparture) {
        let channel = EmbeddedChannel()
        let departure = ClientDeparture()
        try channel.pipeline.syncOperations.addHandler(
            ConnectionStateHandler(limits: Self.limits, departure: departure, logger: quietLogger))
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/stepd-embedded.sock")).wait()
        return (channel, departure)
    }

    private static let head = HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/"))

    @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() throws {
        let (channel, _) = try connection()
        channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func halfAHeadIsGivenTheRequestTimeoutFromItsFirstBytes() throws {
        let (channel, _) = try connection()
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        channel.pipeline.fireChannelReadComplete()  // bytes, but no whole head
        channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        channel.pipeline.fireChannelReadComplete()  // a byte more does not buy more time
        channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func aBodyThatStopsArrivingIsCutOff() throws {
        let (channel, _) = try connection()
        try channel.writeInbound(Self.head)
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(!channel.isActive)
    }

    @Test func aRequestBeingAnsweredHasNoTimeLimitAndTheIdleTimeoutFollowsItsAnswer() throws {
        let (channel, _) = try connection()
        try channel.writeInbound(Self.head)
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .hours(5))  // a held wait
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        #expect(channel.isActive)
        // The next request on the kept connection gets its own request timeout.
        try channel.writeInbound(Self.head)
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func theClientClosingItsSideIsRecordedAsItsDeparture() throws {
        let (channel, departure) = try connection()
        try channel.writeInbound(Self.head)
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        #expect(!departure.hasDeparted)
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(departure.hasDeparted)
    }

    // MARK: - The rules alone

    @Test func theTimersPhases() {
        var timer = ConnectionTimer(requestTimeout: .seconds(10), idleTimeout: .seconds(60))
        #expect(timer.opened() == .arm(.seconds(60)))
        #expect(timer.deadlinePassed() == .idle)
        #expect(timer.bytesArrived() == .arm(.seconds(10)))
        #expect(timer.bytesArrived() == .none)
        #expect(timer.requestHead() == .none)
        #expect(timer.deadlinePassed() == .requestIncomplete)
        #expect(timer.requestEnd() == .disarm)
        #expect(timer.deadlinePassed() == nil)
        #expect(timer.bytesArrived() == .none)  // a pipelined request waits its turn
        #expect(timer.responseEnd() == .arm(.seconds(60)))
        #expect(timer.requestHead() == .arm(.seconds(10)))
        #expect(timer.closed() == .disarm)
        #expect(timer.responseEnd() == .none)
        #expect(timer.deadlinePassed() == nil)
    }
}
