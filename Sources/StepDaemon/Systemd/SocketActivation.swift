import CSystemd
import Glibc
import Logging

/// A listening socket the service manager passed (socket activation, `LISTEN_FDS`).
struct InheritedSocket: Sendable {
    let descriptor: CInt
    /// Its `FileDescriptorName=` (LISTEN_FDNAMES), `unknown` without one.
    let name: String
    /// The path it is bound to, when the kernel can tell.
    let path: String?

    var description: String { "fd \(descriptor) (\(name)\(path.map { ", \($0)" } ?? ""))" }
}

enum SocketActivation {
    /// Takes the sockets passed with LISTEN_FDS/LISTEN_FDNAMES and removes those variables, so
    /// that nothing the daemon starts takes them for its own.
    ///
    /// Only listening Unix stream sockets can serve the API; any other descriptor is closed
    /// with an error in the log. Passed sockets that are all unusable are an error: binding a
    /// socket of its own then would leave the unit's socket unanswered.
    ///
    /// - Returns: the sockets to serve on, close-on-exec; empty when none were passed.
    static func takeListeningSockets(logger: Logger) throws(SocketActivationError) -> [InheritedSocket] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        let count = sd_listen_fds_with_names(1, &names)
        defer {
            if let names {
                for index in 0..<max(0, Int(count)) { free(names[index]) }
                free(names)
            }
        }
        guard count >= 0 else {
            throw SocketActivationError("the sockets systemd passed (LISTEN_FDS) cannot be taken: \(String(cString: strerror(-count)))")
        }
        var usable: [InheritedSocket] = []
        var refused: [String] = []
        for index in 0..<Int(count) {
            let descriptor = SD_LISTEN_FDS_START + CInt(index)
            let name = names?[index].map { String(cString: $0) } ?? "unknown"
            guard sd_is_socket_unix(descriptor, CInt(SOCK_STREAM.rawValue), 1, nil, 0) > 0 else {
                logger.error(
                    "a socket systemd passed is not a listening Unix stream socket; it is closed",
                    metadata: ["FD": "\(descriptor)", "FD_NAME": "\(name)"])
                refused.append("fd \(descriptor) (\(name))")
                close(descriptor)
                continue
            }
            // Jobs are spawned with every descriptor above 2 closed; this keeps any other exec clean too.
            _ = fcntl(descriptor, F_SETFD, fcntl(descriptor, F_GETFD) | FD_CLOEXEC)
            usable.append(InheritedSocket(descriptor: descriptor, name: name, path: boundPath(of: descriptor)))
        }
        if usable.isEmpty, !refused.isEmpty {
            throw SocketActivationError(
                "systemd passed \(refused.count) socket(s) and none is a listening Unix stream socket: \(refused.joined(separator: ", "))")
        }
        return usable
    }

    private static func boundPath(of descriptor: CInt) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let result = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0, Int(length) > MemoryLayout<sa_family_t>.size else { return nil }
        let path = withUnsafeBytes(of: &address.sun_path) { bytes in
            String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        // An abstract socket's name starts with a zero byte: no path to show.
        return path.isEmpty ? nil : path
    }
}

/// The sockets systemd passed cannot be served.
struct SocketActivationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
