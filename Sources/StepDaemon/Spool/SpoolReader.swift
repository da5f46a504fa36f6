import Foundation
import Glibc

/// Reads one spool file safely: no following symbolic links, no blocking on FIFOs, regular
/// files only, never more than the limit.
enum SpoolReader {
    enum Outcome: Sendable, Equatable {
        case contents(Data)
        /// Gone between the event and the open: someone else took it, or a duplicate event.
        case vanished
        case unacceptable(reason: String)
    }

    static func read(path: String, limit: Int) -> Outcome {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT: return .vanished
            case ELOOP: return .unacceptable(reason: "the file is a symbolic link; the spool takes regular files only")
            default: return .unacceptable(reason: "the file cannot be opened: \(systemMessage(code))")
            }
        }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            return .unacceptable(reason: "the file cannot be inspected: \(systemMessage(errno))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return .unacceptable(reason: "the file is not a regular file; the spool takes regular files only")
        }
        if info.st_size > limit {
            return .unacceptable(reason: "the file is \(info.st_size) bytes, over the spool limit of \(limit) bytes")
        }
        // Room for what fstat saw and one byte more, to notice a file that grew since; then
        // more as it grows, up to limit + 1 bytes.
        var bytes = [UInt8](repeating: 0, count: min(Int(info.st_size), limit) + 1)
        var total = 0
        while true {
            if total == bytes.count {
                guard bytes.count <= limit else { break }
                bytes += [UInt8](repeating: 0, count: min(bytes.count, limit + 1 - bytes.count))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress.map { $0 + total }, buffer.count - total)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return .unacceptable(reason: "the file cannot be read: \(systemMessage(errno))")
            }
            if count == 0 { break }
            total += count
        }
        if total > limit {
            return .unacceptable(reason: "the file is over the spool limit of \(limit) bytes")
        }
        return .contents(Data(bytes[0..<total]))
    }
}
