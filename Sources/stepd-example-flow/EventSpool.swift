import Foundation
import JSON

/// Writes one event file into stepd's spool, Maildir-style: created and fsynced in `tmp/`,
/// then renamed into `new/` (where the daemon's inotify watch sees it whole), then the
/// directory entry made durable.
struct EventSpool {
    var directory: String

    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    /// Returns the path of the file in `new/`.
    func deliver(_ event: JSONValue) throws(WriteError) -> String {
        let name = "\(Int(Date().timeIntervalSince1970 * 1000)).\(getpid()).\(UUID().uuidString.lowercased()).json"
        let temporaryPath = directory + "/tmp/" + name
        let finalPath = directory + "/new/" + name
        let bytes = Array((event.serialized() + "\n").utf8)

        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw failure("cannot create \(temporaryPath)") }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = failure("cannot write \(temporaryPath)")
                close(fd)
                unlink(temporaryPath)
                throw error
            }
            written += count
        }
        guard fsync(fd) == 0 else {
            let error = failure("cannot fsync \(temporaryPath)")
            close(fd)
            unlink(temporaryPath)
            throw error
        }
        close(fd)
        guard rename(temporaryPath, finalPath) == 0 else {
            let error = failure("cannot move \(temporaryPath) into \(directory)/new")
            unlink(temporaryPath)
            throw error
        }
        // Make the rename durable; the event is delivered either way.
        let directoryFD = open(directory + "/new", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
        return finalPath
    }

    private func failure(_ what: String) -> WriteError {
        WriteError(description: "\(what): \(String(cString: strerror(errno)))")
    }
}
