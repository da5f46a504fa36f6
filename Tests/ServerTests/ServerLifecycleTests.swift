import Foundation
import JSON
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import StepAPI
import StepClient
import StepDaemon
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.timeLimit(.minutes(1)))
struct ServerLifecycleTests {
    @Test func gracefulShutdownFinishesRequestsInFlightAndRemovesTheSocket() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/run/stepd.sock"  // the parent folder does not exist yet
        let gate = Gate()
        let server = APIServer(socketPath: path, handler: TestHandler(gate: gate), logger: quietLogger)
        let services = ServiceGroup(services: [server], logger: quietLogger)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            try await server.waitUntilListening()

            var info = stat()
            #expect(lstat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o660)

            let client = StepClient(socketPath: path)
            let slow = Task { try await client.call("Stepd.Slow", [:]) }
            var arrivals = gate.arrivals.makeAsyncIterator()
            await arrivals.next()

            await services.triggerGracefulShutdown()
            gate.open()
            // The request in flight is still answered.
            #expect(try await slow.value == ["slow": true])
            try await group.waitForAll()
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        await #expect(throws: StepClientError.self) {
            try await StepClient(socketPath: path).call("Stepd.Echo", [:])
        }
    }

    @Test func gracefulShutdownClosesIdleKeepAliveConnections() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/stepd.sock"
        let server = APIServer(socketPath: path, handler: TestHandler(), logger: quietLogger)
        let services = ServiceGroup(services: [server], logger: quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            try await server.waitUntilListening()
            // A connection that has been answered and stays open (no half-close from us).
            let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: path) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            try await connection.executeThenClose { inbound, outbound in
                var received = inbound.makeAsyncIterator()
                try await outbound.write(ByteBuffer(string: rawRequest(target: "Stepd.Echo", body: "{}")))
                var text = ""
                while RawResponse.parseAll(text).isEmpty, let chunk = try await received.next() {
                    text += String(buffer: chunk)
                }
                #expect(RawResponse.parseAll(text).first?.status == 200)

                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                // The server closed the idle connection without another word.
                #expect(try await received.next() == nil)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func cancellationStopsTheServerAndRemovesTheSocket() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/stepd.sock"
        let server = APIServer(socketPath: path, handler: TestHandler(), logger: quietLogger)
        let run = Task { try await server.run() }
        try await server.waitUntilListening()
        _ = try await StepClient(socketPath: path).call("Stepd.Echo", [:])
        run.cancel()
        _ = await run.result
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func cancellingWithConnectionsNotYetServedClosesThem() async throws {
        // Connections still queued in the listener when its task is cancelled are closed,
        // not dropped (a dropped NIOAsyncChannel would trap).
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/stepd.sock"
        let server = APIServer(socketPath: path, handler: TestHandler(), logger: quietLogger)
        let run = Task { try await server.run() }
        try await server.waitUntilListening()
        let connections = try await withThrowingTaskGroup(of: NIOAsyncChannel<ByteBuffer, ByteBuffer>.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .connect(unixDomainSocketPath: path) { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                            }
                        }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        run.cancel()
        _ = await run.result
        // Each ends: closed by the server, or reset if the listener closed before accepting it.
        for connection in connections {
            let received = try? await connection.executeThenClose { inbound, _ in
                var iterator = inbound.makeAsyncIterator()
                do { return try await iterator.next() } catch { return nil }
            }
            #expect(received == nil)
        }
    }

    @Test func aStaleSocketFileIsReplaced() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/stepd.sock"
        try makeStaleSocket(at: path)
        let server = APIServer(socketPath: path, handler: TestHandler(), logger: quietLogger)
        let run = Task { try await server.run() }
        defer { run.cancel() }
        try await server.waitUntilListening()
        #expect(try await StepClient(socketPath: path).call("Stepd.Echo", [:])["target"] == "Stepd.Echo")
    }

    @Test func aSocketSomeoneAnswersOnIsNotTakenOver() async throws {
        try await withServer { _, path in
            let second = APIServer(socketPath: path, handler: TestHandler(), logger: quietLogger)
            await #expect(throws: APIServerError.socketInUse(path: path)) { try await second.run() }
            await #expect(throws: APIServerError.socketInUse(path: path)) { try await second.waitUntilListening() }
            // The first server still serves.
            let answer = try await StepClient(socketPath: path).call("Stepd.Echo", [:])
            #expect(answer["target"] == "Stepd.Echo")
        }
    }

    @Test func aFileThatIsNotASocketIsLeftAlone() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/stepd.sock"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        let server = APIServer(socketPath: path, handler: TestHandler(), logger: quietLogger)
        await #expect(throws: APIServerError.notASocket(path: path)) { try await server.run() }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
    }

    @Test func runsOnlyOnce() async throws {
        try await withServer { server, _ in
            await #expect(throws: APIServerError.alreadyRunning) { try await server.run() }
        }
    }

    @Test func adoptsAListeningDescriptor() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/activated.sock"
        let descriptor = try makeListeningSocket(at: path)
        let server = APIServer(listeningDescriptor: descriptor, handler: TestHandler(), logger: quietLogger)
        let run = Task { try await server.run() }
        try await server.waitUntilListening()
        let answer = try await StepClient(socketPath: path).call("Stepd.WhoAmI", [:])
        #expect(answer["uid"]?.intValue == Int(getuid()))
        run.cancel()
        _ = await run.result
        // The file belongs to whoever bound it (systemd): the server leaves it.
        #expect(FileManager.default.fileExists(atPath: path))
    }
}

/// A bound, listening Unix socket, as systemd passes one.
private func makeListeningSocket(at path: String) throws -> CInt {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard bound == 0, listen(fd, 16) == 0 else {
        let code = errno
        close(fd)
        throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
    }
    return fd
}
