import Foundation
import JSON
import Logging
import NIOCore
import NIOPosix
import StepAPI
import StepDaemon

let quietLogger = Logger(label: "stepd.test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A fresh folder under /tmp (short, as socket paths must be under 108 bytes).
func makeTemporaryDirectory() throws -> String {
    let path = "/tmp/stepd-test-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Runs an API server on a socket in a fresh folder for the length of `body`, then cancels it.
@discardableResult
func withServer<T: Sendable>(
    handler: TestHandler = TestHandler(),
    limits: ConnectionLimits = ConnectionLimits(),
    _ body: (_ server: APIServer, _ socketPath: String) async throws -> T
) async throws -> T {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/stepd.sock"
    let server = APIServer(
        socketPath: path, handler: handler, logger: quietLogger, limits: limits)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        try await server.waitUntilListening()
        let result = try await body(server, path)
        group.cancelAll()
        return result
    }
}

/// Sends raw bytes on a fresh connection, half-closes it, and returns everything the
/// server sends until it closes.
func rawExchange(socketPath: String, _ request: String) async throws -> String {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(unixDomainSocketPath: socketPath) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                    wrappingChannelSynchronously: channel,
                    configuration: .init(isOutboundHalfClosureEnabled: true))
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(string: request))
        outbound.finish()
        var received = ""
        for try await chunk in inbound {
            received += String(buffer: chunk)
        }
        return received
    }
}

/// One HTTP response cut out of raw bytes.
struct RawResponse {
    var status: Int
    var headers: [String: String]  // lowercased names
    var body: String

    var json: JSONValue? { try? JSONValue(parsing: body) }

    /// All responses in `text`, framed by their Content-Length.
    static func parseAll(_ text: String) -> [RawResponse] {
        var responses: [RawResponse] = []
        var rest = Substring(text)
        while let headerEnd = rest.range(of: "\r\n\r\n") {
            let lines = rest[..<headerEnd.lowerBound].components(separatedBy: "\r\n")
            guard let statusLine = lines.first else { break }
            let statusParts = statusLine.split(separator: " ")
            guard statusParts.count >= 2, let status = Int(statusParts[1]) else { break }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
            let length = headers["content-length"].flatMap { Int($0) } ?? 0
            let bodyStart = headerEnd.upperBound
            let bodyBytes = rest[bodyStart...].utf8.prefix(length)
            guard bodyBytes.count == length else { break }  // not all here yet
            responses.append(RawResponse(status: status, headers: headers, body: String(decoding: bodyBytes, as: UTF8.self)))
            rest = rest[rest.utf8.index(bodyStart, offsetBy: bodyBytes.count)...]
        }
        return responses
    }
}

/// A POST / request as raw text.
func rawRequest(
    target: String?, body: String, method: String = "POST", path: String = "/",
    contentType: String = "application/x-amz-json-1.0", extraHeaders: [String] = []
) -> String {
    var lines = ["\(method) \(path) HTTP/1.1", "Host: stepd", "Content-Type: \(contentType)"]
    if let target { lines.append("X-Amz-Target: \(target)") }
    lines.append("Content-Length: \(body.utf8.count)")
    lines += extraHeaders
    return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
}
