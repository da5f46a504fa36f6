import Foundation
import JSON
import NIOCore
import NIOHTTP1
import NIOPosix
import StepAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A client for stepd's API on its Unix socket: AWS's JSON protocol over HTTP/1.1.
///
/// Each call has a connection to itself (taken from the connections kept open between calls,
/// or a new one), so calls may run concurrently and a long one (a blocking wait for an
/// execution) holds up no other. No call times out by itself: cancel the calling task to
/// give up.
///
/// ```swift
/// let client = StepClient(socketPath: StepClient.defaultSocketPath(isRoot: getuid() == 0))
/// let output = try await client.call("AWSStepFunctions.StartExecution", ["stateMachineArn": .string(arn)])
/// ```
public struct StepClient: Sendable {
    public let socketPath: String
    private let eventLoopGroup: any EventLoopGroup
    private let pool = ConnectionPool()

    public init(socketPath: String) {
        self.init(socketPath: socketPath, eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    }

    public init(socketPath: String, eventLoopGroup: any EventLoopGroup) {
        self.socketPath = socketPath
        self.eventLoopGroup = eventLoopGroup
    }

    /// Where stepd listens unless told otherwise: `$STEPD_SOCKET`; else for root
    /// `/run/stepd/stepd.sock`; else `$XDG_RUNTIME_DIR/stepd/stepd.sock`, or
    /// `/tmp/stepd-<uid>/stepd.sock` without a runtime folder.
    public static func defaultSocketPath(
        environment: [String: String] = ProcessInfo.processInfo.environment, isRoot: Bool
    ) -> String {
        if let path = environment["STEPD_SOCKET"], !path.isEmpty { return path }
        if isRoot { return "/run/stepd/stepd.sock" }
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return (runtime as NSString).appendingPathComponent("stepd/stepd.sock")
        }
        return "/tmp/stepd-\(getuid())/stepd.sock"
    }

    /// Makes the program's Swift tasks run on the event loops its connections use, from
    /// here on: a call then writes its request and reads its answer on one thread, and a caller
    /// on that loop resumes without a thread switch. With Swift's default executor, every call
    /// wakes a loop thread to send and a pool thread to resume the caller: two thread wakes,
    /// 0.03–0.07 ms a call on a machine whose idle CPUs halt (README, Performance).
    ///
    /// For client programs (stepctl, stepd-bench) whose tasks block for a moment at most (a
    /// file read, a child process): it blocks a loop meanwhile. Call it first thing in `main`,
    /// once. Returns false when another executor was installed first.
    @discardableResult
    public static func runTasksOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// Calls one action and returns the JSON body of its answer.
    ///
    /// - Parameters:
    ///   - target: The `X-Amz-Target`, e.g. `AWSStepFunctions.StartExecution`.
    ///   - body: The action's input, a JSON object.
    /// - Throws: ``StepClientError/api(_:)`` for an error answer,
    ///   ``StepClientError/transport(_:)`` when no answer came.
    public func call(_ target: String, _ body: JSONValue) async throws(StepClientError) -> JSONValue {
        let response: HTTPResponse
        do {
            response = try await exchange(target: target, body: body)
        } catch let error as StepClientError {
            throw error
        } catch {
            throw .transport(describe(error))
        }
        return try Self.decode(response)
    }

    // MARK: Transport

    struct HTTPResponse: Sendable {
        var head: HTTPResponseHead
        var body: ByteBuffer
    }

    private func exchange(target: String, body: JSONValue) async throws -> HTTPResponse {
        if let idle = pool.take() {
            do {
                return try await exchange(target: target, body: body, on: idle)
            } catch {
                // The kept connection was closed by stepd (a restart, an idle close) before it
                // took the request: send it once more on a new connection.
                if Task.isCancelled { throw error }
            }
        }
        return try await exchange(target: target, body: body, on: try await connect())
    }

    private func connect() async throws -> any Channel {
        let socketPath = self.socketPath
        return try await ClientBootstrap(group: eventLoopGroup)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler(socketPath: socketPath))
                }
            }
            .connect(unixDomainSocketPath: socketPath).get()
    }

    private func exchange(target: String, body: JSONValue, on channel: any Channel) async throws -> HTTPResponse {
        let payload = ByteBuffer(string: body.serialized())
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "stepd")
        headers.add(name: "Content-Type", value: "application/x-amz-json-1.0")
        headers.add(name: "X-Amz-Target", value: target)
        headers.add(name: "Content-Length", value: String(payload.readableBytes))
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/", headers: headers)
        let answer = channel.eventLoop.makePromise(of: HTTPResponse.self)
        // A write that never reaches the handler (the connection just closed) fails the answer
        // here; a promise completed twice keeps its first result.
        channel.writeAndFlush(PendingExchange(head: head, body: payload, answer: answer)).whenFailure { answer.fail($0) }
        do {
            let response = try await withTaskCancellationHandler {
                try await answer.futureResult.get()
            } onCancel: {
                channel.close(promise: nil)
            }
            if response.head.isKeepAlive {
                pool.giveBack(channel)
            } else {
                channel.close(promise: nil)
            }
            return response
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    private func describe(_ error: any Error) -> String {
        if let error = error as? IOError {
            return "cannot connect to stepd at \(socketPath): \(String(cString: strerror(error.errnoCode)))"
        }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first?.error {
            return describe(first)
        }
        if error is CancellationError {
            return "the call to stepd at \(socketPath) was cancelled"
        }
        if let error = error as? SocketAddressError {
            return "cannot connect to stepd at \(socketPath): \(error)"
        }
        return "the call to stepd at \(socketPath) failed: \(error)"
    }

    // MARK: Decoding

    static func decode(_ response: HTTPResponse) throws(StepClientError) -> JSONValue {
        let bytes = Data(response.body.readableBytesView)
        let parsed: JSONValue?
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            parsed = .object([:])
        } else {
            parsed = try? JSONValue(parsing: bytes)
        }
        let status = Int(response.head.status.code)
        if status == 200 {
            guard let parsed else {
                throw .transport("stepd answered with a body that is not JSON: \(String(decoding: bytes, as: UTF8.self))")
            }
            return parsed
        }
        let headerType = response.head.headers.first(name: "x-amzn-ErrorType")
        let type = Self.errorType(headerType ?? parsed?["__type"]?.stringValue ?? parsed?["code"]?.stringValue)
        let message =
            parsed?["message"]?.stringValue ?? parsed?["Message"]?.stringValue
            ?? (parsed == nil ? String(decoding: bytes, as: UTF8.self) : "")
        throw .api(APIError(type ?? "HTTP\(status)", message, httpStatus: status))
    }

    /// An error type as AWS may send it (`aws.protocols#Name:http://...`), reduced to the name.
    static func errorType(_ raw: String?) -> String? {
        guard var raw, !raw.isEmpty else { return nil }
        if let colon = raw.firstIndex(of: ":") { raw = String(raw[..<colon]) }
        if let hash = raw.lastIndex(of: "#") { raw = String(raw[raw.index(after: hash)...]) }
        return raw.isEmpty ? nil : raw
    }
}
