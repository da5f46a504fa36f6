import Foundation
import JSON
import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import StepAPI
import StepEngine
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The API server: AWS's JSON protocol over HTTP/1.1 on a Unix socket.
///
/// Each connection is served by its own task, one request at a time and in order
/// (keep-alive); a handler that takes minutes holds up only its own connection. Every
/// request carries the peer's credentials, read once per connection with `SO_PEERCRED`.
///
/// What one client may hold is bounded (``ConnectionLimits``): connections open at once,
/// time to send a request, time left idle, header and body bytes.
///
/// As a `Service`, ``run()`` lasts as long as the server: graceful shutdown stops accepting,
/// lets requests in flight finish and be answered, closes idle connections, then returns;
/// cancellation ends everything at once.
///
/// ```swift
/// let server = APIServer(socketPath: "/run/stepd/stepd.sock", handler: router, logger: logger)
/// let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public final class APIServer: Service, Sendable {
    private enum Listener: Sendable {
        /// Bind a socket at this path; remove it when done.
        case path(String)
        /// Serve on a socket someone else bound and set listening (systemd's `LISTEN_FDS`).
        case descriptor(CInt)
    }

    private let listener: Listener
    private let handler: any APIHandler
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let limits: ConnectionLimits
    private let listening = ListeningSignal()
    private let listenerEventLoop = Mutex<(any EventLoop)?>(nil)
    private let started = Atomic<Bool>(false)

    /// A server that binds its own socket at `socketPath`.
    ///
    /// - Parameters:
    ///   - socketPath: Where to bind. The parent folder is created if missing; a socket file
    ///     nobody answers on is replaced; the new socket gets mode 0660.
    ///   - limits: What one client may hold; a body over the limit is answered 413
    ///     `RequestEntityTooLargeException` and its connection closed.
    public convenience init(
        socketPath: String,
        handler: some APIHandler,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        limits: ConnectionLimits = ConnectionLimits()
    ) {
        self.init(
            listener: .path(socketPath), handler: handler, logger: logger, eventLoopGroup: eventLoopGroup, limits: limits)
    }

    /// A server on a Unix stream socket that is already bound and listening, such as one
    /// systemd passes (`LISTEN_FDS`). The server takes ownership of the descriptor and closes
    /// it when done; it never removes the socket file, which belongs to whoever bound it.
    public convenience init(
        listeningDescriptor: CInt,
        handler: some APIHandler,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        limits: ConnectionLimits = ConnectionLimits()
    ) {
        self.init(
            listener: .descriptor(listeningDescriptor), handler: handler, logger: logger, eventLoopGroup: eventLoopGroup,
            limits: limits)
    }

    private init(
        listener: Listener, handler: some APIHandler, logger: Logger, eventLoopGroup: any EventLoopGroup, limits: ConnectionLimits
    ) {
        self.listener = listener
        self.handler = handler
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.limits = limits
    }

    /// Returns once the socket is bound and listening; throws the error that kept it from
    /// listening. Safe to call before, during or after ``run()``, from any number of tasks.
    public func waitUntilListening() async throws {
        try await listening.wait()
    }

    /// The event loop that accepts the connections, once the socket listens: the systemd
    /// watchdog pings from it, so that a wedged loop stops the pings.
    public func listeningEventLoop() async throws -> any EventLoop {
        try await listening.wait()
        return listenerEventLoop.withLock { $0 } ?? eventLoopGroup.next()
    }

    /// Binds, serves until graceful shutdown or cancellation, then closes the listener and
    /// removes the socket file it created. A server runs once.
    public func run() async throws {
        guard started.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            throw APIServerError.alreadyRunning
        }
        let quiesce = ServerQuiescingHelper(group: eventLoopGroup)
        let serverChannel: NIOAsyncChannel<Connection, Never>
        let socketFile: (SocketFile, SocketFile.Identity)?
        do {
            (serverChannel, socketFile) = try await bind(quiesce: quiesce)
        } catch {
            listening.fail(error)
            throw error
        }
        defer {
            if let (file, identity) = socketFile { file.remove(ifStill: identity) }
        }
        logger.info("API server listening", metadata: ["SOCKET": "\(listenerDescription)"])
        listenerEventLoop.withLock { $0 = serverChannel.channel.eventLoop }
        listening.succeed()

        // Cancellation quiesces too: accepted connections the loop never picked up are then
        // closed by their HTTP handler instead of lingering.
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await serverChannel.executeThenClose { connections in
                    await withDiscardingTaskGroup { group in
                        do {
                            for try await connection in connections {
                                group.addTask(executorPreference: EventLoopTaskExecutor(connection.channel.eventLoop)) {
                                    await self.serve(connection)
                                }
                            }
                        } catch {
                            self.logger.error(
                                "API server stopped accepting connections", metadata: ["ERROR": "\(error)"])
                        }
                    }
                }
            } onCancel: {
                quiesce.initiateShutdown(promise: nil)
            }
        } onGracefulShutdown: {
            quiesce.initiateShutdown(promise: nil)
        }
        logger.info("API server stopped", metadata: ["SOCKET": "\(listenerDescription)"])
    }

    private var listenerDescription: String {
        switch listener {
        case .path(let path): path
        case .descriptor(let descriptor): "fd \(descriptor)"
        }
    }

    // MARK: Binding

    private func bind(
        quiesce: ServerQuiescingHelper
    ) async throws -> (NIOAsyncChannel<Connection, Never>, (SocketFile, SocketFile.Identity)?) {
        let limits = self.limits
        let logger = self.logger
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Over the limit, a connection is closed before quiescing would track it.
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionLimitHandler(maximum: limits.maximumConnections, logger: logger))
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Connection> = { channel in
            Self.makeConnection(on: channel, limits: limits, logger: logger)
        }
        switch listener {
        case .path(let path):
            let file = SocketFile(path: path)
            try file.prepare()
            let channel = try await bootstrap.bind(unixDomainSocketPath: path, childChannelInitializer: initializer)
            do {
                return (channel, (file, try file.finishBinding()))
            } catch {
                try? await channel.channel.close()
                throw error
            }
        case .descriptor(let descriptor):
            let channel = try await bootstrap.bind(descriptor, childChannelInitializer: initializer)
            return (channel, nil)
        }
    }

    /// One accepted connection: its HTTP pipeline set up, its peer known, what it receives
    /// held by a ``HoldInboundHandler``.
    ///
    /// It travels through the listener's stream as a plain `Channel`, and becomes a
    /// `NIOAsyncChannel` only in the task that serves it. A `NIOAsyncChannel` dropped unserved
    /// (as the listener's stream drops what it holds when its task is cancelled) traps in
    /// debug builds (swift-nio issue 2813); a plain channel is closed by the quiescing that
    /// shutdown and cancellation start.
    struct Connection: Sendable {
        let channel: any Channel
        let peer: PeerCredentials?
        /// Recorded by the connection's ``ConnectionStateHandler`` when the client closes its side.
        let departure: ClientDeparture
    }

    private static func makeConnection(on channel: any Channel, limits: ConnectionLimits, logger: Logger) -> EventLoopFuture<Connection> {
        let departure = ClientDeparture()
        return channel.eventLoop.makeCompletedFuture {
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderFieldSize = limits.maximumHeaderBytes
            decoderLimits.maxHeaderListSize = limits.maximumHeaderBytes
            // Malformed HTTP is answered by `serve(_:)`, in AWS's shape, not by NIO's error handler.
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withErrorHandling: false, withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
            try channel.pipeline.syncOperations.addHandler(
                ConnectionStateHandler(limits: limits, departure: departure, logger: logger), name: ConnectionStateHandler.name)
            try channel.pipeline.syncOperations.addHandler(HoldInboundHandler(), name: HoldInboundHandler.name)
        }.flatMap {
            PeerCredentials.read(from: channel).map { Connection(channel: channel, peer: $0, departure: departure) }
        }
    }

    /// Wraps the connection for async use and lets what was held flow into it, on its event loop.
    private static func activate(
        _ connection: Connection
    ) async throws -> NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart> {
        let channel = connection.channel
        return try await channel.eventLoop.submit {
            // A connection closed before its turn: nothing to serve, nothing would end the stream.
            guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
            let asyncChannel = try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                wrappingChannelSynchronously: channel)
            channel.pipeline.syncOperations.removeHandler(name: HoldInboundHandler.name, promise: nil)
            return asyncChannel
        }.get()
    }

    // MARK: Serving

    /// Serves one connection until the client closes it, asks to close, or sends a request
    /// that ends it; its errors end only this connection.
    private func serve(_ connection: Connection) async {
        var logger = self.logger
        if let peer = connection.peer {
            logger[metadataKey: "PEER"] = "\(peer)"
        }
        let channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
        do {
            channel = try await Self.activate(connection)
        } catch {
            logger.debug("API connection could not be set up", metadata: ["ERROR": "\(error)"])
            try? await connection.channel.close()
            return
        }
        do {
            try await channel.executeThenClose { requests, responses in
                var assembler = RequestAssembler(maximumBodySize: limits.maximumBodyBytes)
                do {
                    for try await part in requests {
                        switch assembler.receive(part) {
                        case .none:
                            break
                        case .sendContinue(let version):
                            try await responses.write(.head(HTTPResponseHead(version: version, status: .continue)))
                        case .rejectTooLarge(let head):
                            logger.notice("request body over the limit", metadata: ["LIMIT_BYTES": "\(limits.maximumBodyBytes)"])
                            try await respond(
                                .failure(.requestTooLarge(limit: limits.maximumBodyBytes)), to: head, keepAlive: false,
                                on: responses)
                            return
                        case .complete(let head, let body):
                            let outcome = await answer(
                                head: head, body: body, peer: connection.peer, departure: connection.departure, logger: logger)
                            try await respond(outcome, to: head, keepAlive: head.isKeepAlive, on: responses)
                            if !head.isKeepAlive { return }
                        }
                    }
                } catch HTTPParserError.headerOverflow {
                    logger.notice("request head over the limit", metadata: ["LIMIT_BYTES": "\(limits.maximumHeaderBytes)"])
                    try await respond(
                        .failure(.headerTooLarge(limit: limits.maximumHeaderBytes)), to: nil, keepAlive: false, on: responses)
                } catch let error as HTTPParserError {
                    // The decoder delivers its error only between responses, so one can still be sent.
                    logger.debug("malformed HTTP request", metadata: ["ERROR": "\(error)"])
                    try await respond(
                        .failure(.malformedRequest("malformed HTTP request: \(error)")), to: nil, keepAlive: false,
                        on: responses)
                }
            }
        } catch {
            logger.debug("API connection ended with an error", metadata: ["ERROR": "\(error)"])
        }
    }

    private func answer(
        head: HTTPRequestHead, body: ByteBuffer, peer: PeerCredentials?, departure: ClientDeparture, logger: Logger
    ) async -> Result<JSONValue, APIError> {
        switch AWSJSONProtocol.decode(head: head, body: body, peer: peer, departure: departure) {
        case .failure(let error):
            logger.debug(
                "API request refused", metadata: ["ERROR": "\(error.type)", "ERROR_MESSAGE": "\(error.message)"])
            return .failure(error)
        case .success(let request):
            let outcome = await handler.handle(request)
            if case .failure(let error) = outcome {
                let level: Logger.Level = error.httpStatus >= 500 ? .error : .debug
                logger.log(
                    level: level, "API request failed",
                    metadata: ["API_ACTION": "\(request.target)", "ERROR": "\(error.type)", "ERROR_MESSAGE": "\(error.message)"])
            } else {
                logger.trace("API request answered", metadata: ["API_ACTION": "\(request.target)"])
            }
            return outcome
        }
    }

    private func respond(
        _ outcome: Result<JSONValue, APIError>, to head: HTTPRequestHead?, keepAlive: Bool,
        on responses: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        try await responses.write(
            contentsOf: AWSJSONProtocol.responseParts(for: outcome, to: head, requestID: UUID.random().lowercasedString, keepAlive: keepAlive))
    }
}
