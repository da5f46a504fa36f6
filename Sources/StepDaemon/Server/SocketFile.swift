import Foundation
import StepAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file a Unix socket listener lives at: made ready before binding (folder created, a
/// stale socket from a crashed run removed) and removed after, but only while it is still
/// the file this process bound.
struct SocketFile: Sendable {
    let path: String

    /// Creates the parent folder and clears the way for `bind`.
    ///
    /// A socket file that nobody answers on is a leftover and is removed; one that answers
    /// belongs to a running daemon, and anything that is not a socket is not ours to delete.
    ///
    /// The fallback folder under /tmp is made with mode 0700, and refused unless it is the
    /// user's own with that mode (``FallbackSocketFolder``).
    func prepare() throws(APIServerError) {
        let parent = (path as NSString).deletingLastPathComponent
        let isFallback = parent == FallbackSocketFolder.path(uid: geteuid())
        if !parent.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: parent, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: isFallback ? 0o700 : 0o755])
            } catch {
                throw .socketSetup("cannot create the folder \(parent) for the socket: \(error.localizedDescription)")
            }
        }
        if let refusal = FallbackSocketFolder.refusal(socketPath: path, uid: geteuid()) {
            throw .socketSetup(refusal)
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { return }
            throw .socketSetup("cannot inspect \(path): \(String(cString: strerror(code)))")
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw .notASocket(path: path) }
        if Self.somebodyAnswers(at: path) { throw .socketInUse(path: path) }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw .socketSetup("cannot remove the stale socket \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Sets the socket's mode (0660: owner and group may connect) and returns its identity,
    /// so that ``remove(ifStill:)`` deletes only this file.
    func finishBinding(mode: mode_t = 0o660) throws(APIServerError) -> Identity {
        guard chmod(path, mode) == 0 else {
            throw .socketSetup("cannot set the mode of \(path): \(String(cString: strerror(errno)))")
        }
        guard let identity = currentIdentity() else {
            throw .socketSetup("the socket \(path) vanished right after it was bound")
        }
        return identity
    }

    /// Removes the socket file if it is still the one that was bound.
    func remove(ifStill identity: Identity) {
        guard currentIdentity() == identity else { return }
        unlink(path)
    }

    struct Identity: Sendable, Equatable {
        let device: UInt64
        let inode: UInt64
    }

    private func currentIdentity() -> Identity? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Whether a process accepts connections on the socket at `path`. A Unix socket
    /// connect does not wait: it succeeds or is refused at once.
    private static func somebodyAnswers(at path: String) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }
}
