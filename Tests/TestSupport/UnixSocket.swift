import Foundation

#if canImport(Glibc)
import Glibc
#endif

public struct UnixSocketError: Error, CustomStringConvertible {
    public let description: String
}

/// A plain stream socket to a server's Unix socket, for tests that speak raw bytes: send
/// part of a request, hold a connection open, watch the server close it. Each read waits at
/// most `readTimeout` seconds (`SO_RCVTIMEO`), then throws; the blocking calls run on
/// Dispatch's threads, never on the executor of the tasks.
public final class UnixSocket: @unchecked Sendable {
    private let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit { close(fd) }

    public static func connect(to path: String, readTimeout seconds: Int = 10) async throws -> UnixSocket {
        try await blocking {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw UnixSocketError(description: "socket: \(String(cString: strerror(errno)))") }
            var timeout = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
                close(fd)
                throw UnixSocketError(description: "socket path too long: \(path)")
            }
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard connected == 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw UnixSocketError(description: "connect \(path): \(reason)")
            }
            return UnixSocket(fd: fd)
        }
    }

    public func send(_ text: String) async throws {
        try await Self.blocking { [fd] in
            let bytes = Array(text.utf8)
            var sent = 0
            while sent < bytes.count {
                let written = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                guard written > 0 else { throw UnixSocketError(description: "write: \(String(cString: strerror(errno)))") }
                sent += written
            }
        }
    }

    /// Reads until `complete` holds for what was received, or the server closes the
    /// connection (`closed`, a reset included); throws when nothing came for the read timeout.
    public func receive(
        until complete: @escaping @Sendable (String) -> Bool = { _ in false }
    ) async throws -> (text: String, closed: Bool) {
        try await Self.blocking { [fd] in
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(fd, &chunk, chunk.count)
                let text = { String(decoding: received, as: UTF8.self) }
                if count > 0 {
                    received.append(contentsOf: chunk[0..<count])
                    if complete(text()) { return (text(), false) }
                } else if count == 0 || errno == ECONNRESET {
                    return (text(), true)
                } else {
                    throw UnixSocketError(description: "read: \(String(cString: strerror(errno))) after \(received.count) bytes")
                }
            }
        }
    }

    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
