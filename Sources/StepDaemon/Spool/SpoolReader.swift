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
        /// The system could not give the file now (no memory, no descriptors, an I/O error):
        /// the file stays for a later try.
        case failedForNow(reason: String)
    }

    /// The errors that say nothing about the file: trying it again later may succeed.
    static func isPassing(_ code: Int32) -> Bool {
        [EMFILE, ENFILE, ENOMEM, EIO, ENOSPC, ENOBUFS, EAGAIN, EDQUOT].contains(code)
    }

    static func failure(_ what: String, _ code: Int32) -> Outcome {
        let reason = "\(what): \(systemMessage(code))"
        return isPassing(code) ? .failedForNow(reason: reason) : .unacceptable(reason: reason)
    }

    static func read(path: String, limit: Int) -> Outcome {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT: return .vanished
            case ELOOP: return .unacceptable(reason: "the file is a symbolic link; the spool takes regular files only")
            default: return failure("the file cannot be opened", code)
            }
        }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            return failure("the file cannot be inspected", errno)
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
                return failure("the file cannot be read", errno)
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
