import Foundation
import JSON
import NIOCore
import StepAPI
import TestSupport
import Testing

@testable import StepDaemon

/// What one client may hold of the server, on a real socket: connections, time, header
/// bytes. Timeouts are set short; each test waits for the close it expects, bounded.
@Suite(.timeLimit(.minutes(1)))
struct ServerBoundsTests {
    static let echo = rawRequest(target: "Stepd.Echo", body: "{}")

    @Test func overTheConnectionBoundANewConnectionIsClosedAndTheOthersAreServed() async throws {
        try await withServer(limits: ConnectionLimits(maximumConnections: 2)) { _, path in
            var first: UnixSocket? = try await UnixSocket.connect(to: path)
            let second = try await UnixSocket.connect(to: path)
            #expect(try await first?.exchange(Self.echo)?.status == 200)
            #expect(try await second.exchange(Self.echo)?.status == 200)

            let third = try await UnixSocket.connect(to: path)
            #expect(try await third.waitForClose(), "the connection over the bound is closed")
            #expect(try await second.exchange(Self.echo)?.status == 200, "the others are still served")

            // Once one goes, a new connection is served (the server counts the close when it
            // sees it: try again until then).
            first = nil
            let served = try await bounded(seconds: 10, "a connection served after one closed") {
                while true {
                    // A connection the server closes before it has counted the first's close
                    // may fail to write: that is the bound still at work; try again.
                    guard let next = try? await UnixSocket.connect(to: path), (try? await next.send(Self.echo)) != nil,
                        let (text, _) = try? await next.receive(until: { !RawResponse.parseAll($0).isEmpty })
                    else {
                        await Task.yield()
                        continue
                    }
                    if let response = RawResponse.parseAll(text).first { return response.status }
                }
            }
            #expect(served == 200)
            _ = first
        }
    }

    @Test func aStalledHalfHeadIsDisconnectedWhileOthersAreServed() async throws {
        let limits = ConnectionLimits(requestTimeout: .milliseconds(300))
        try await withServer(limits: limits) { _, path in
            let stalled = try await UnixSocket.connect(to: path)
            try await stalled.send("POST / HTTP/1.1\r\nHost: stepd\r\nX-Amz-Tar")
            let other = try await UnixSocket.connect(to: path)
            #expect(try await other.exchange(Self.echo)?.status == 200)
            let (text, closed) = try await stalled.receive()
            #expect(closed, "the stalled connection is closed")
            #expect(text.isEmpty, "without an answer: \(text)")
            #expect(try await other.exchange(Self.echo)?.status == 200)
        }
    }

    /// The idle time runs from the accept too: long enough that a loaded machine gets the
    /// request in before it ends.
    @Test func anIdleKeptConnectionIsClosed() async throws {
        try await withServer(limits: ConnectionLimits(idleTimeout: .seconds(2))) { _, path in
            let connection = try await UnixSocket.connect(to: path)
            #expect(try await connection.exchange(Self.echo)?.status == 200)
            #expect(try await connection.waitForClose())
        }
    }

    @Test func aRequestHeadOverTheLimitIs431() async throws {
        try await withServer(limits: ConnectionLimits(maximumHeaderBytes: 1024)) { _, path in
            let connection = try await UnixSocket.connect(to: path)
            let request = rawRequest(target: "Stepd.Echo", body: "{}", extraHeaders: ["X-Padding: " + String(repeating: "p", count: 2000)])
            try await connection.send(request)
            let (text, closed) = try await connection.receive()
            let response = try #require(RawResponse.parseAll(text).first, "no answer: \(text)")
            #expect(response.status == 431)
            #expect(response.json?["__type"] == "RequestHeaderFieldsTooLarge")
            #expect(closed)
            let other = try await UnixSocket.connect(to: path)
            #expect(try await other.exchange(Self.echo)?.status == 200)
        }
    }

    // MARK: - Held waits

    @Test func heldWaitsOverTheBoundAreThrottled() async throws {
        let waits = HeldWaits(maximum: 2)
        let gate = Gate()
        var arrivals = gate.arrivals.makeAsyncIterator()
        let first = Task { try await waits.hold { await gate.pass() } }
        let second = Task { try await waits.hold { await gate.pass() } }
        await arrivals.next()
        await arrivals.next()
        await #expect(throws: APIError("ThrottlingException", "Rate exceeded: 2 requests already wait (StartSyncExecution, Stepd.WaitForExecution, Stepd.WaitUntilIdle); try again later")) {
            try await waits.hold {}
        }
        gate.open()
        try await first.value
        try await second.value
        #expect(waits.current == 0)
        try await waits.hold {}
    }

    @Test func aDepartedClientsWaitIsCancelled() async throws {
        let departure = ClientDeparture()
        let cancelled = Gate()
        let waiting = Task {
            try await HeldWaits.untilDeparture(departure) {
                // Stands for the engine's wait: ends only when cancelled.
                await withTaskCancellationHandler {
                    await cancelled.pass()
                } onCancel: {
                    cancelled.open()
                }
                return 1
            }
        }
        var arrivals = cancelled.arrivals.makeAsyncIterator()
        await arrivals.next()
        departure.recordDeparture()
        let result = try await bounded(seconds: 10, "the wait to end") { await waiting.result }
        #expect(throws: APIError("ClientClosedRequest", "the client closed its side of the connection before the wait ended", httpStatus: 499)) {
            try result.get()
        }
    }

    @Test(arguments: [
        (1024, UInt64(1_048_576), 1024),
        (1024, UInt64(1024), 768),
        (4096, UInt64(2048), 1792),
        (1024, UInt64(300), 150),
    ] as [(Int, UInt64, Int)])
    func connectionBoundWithinTheOpenFileLimit(requested: Int, openFiles: UInt64, bound: Int) {
        #expect(OpenFileLimit.connectionBound(requested: requested, openFiles: openFiles) == bound)
    }
}
