import CSystemd
import Glibc

/// A stream to journald (`sd_journal_stream_fd`): each line written to it becomes a journal
/// entry with `SYSLOG_IDENTIFIER` = the identifier and the given syslog priority. This is how
/// systemd connects a service's stdout to the journal; stepd gives one to each job.
enum JournalStream {
    /// Opens a stream; the descriptor is close-on-exec and above stdio (0-2), or the
    /// reason it could not be opened.
    static func open(identifier: String, priority: Int32) -> Result<Int32, JournalStreamError> {
        // level_prefix 0: a job's "<3>" at the start of a line is text, not a priority.
        let fd = sd_journal_stream_fd(identifier, priority, 0)
        guard fd >= 0 else { return .failure(JournalStreamError(code: -fd)) }
        if fd > STDERR_FILENO { return .success(fd) }
        // A daemon started with stdio closed: keep the stream clear of descriptors 0-2,
        // which the spawn's file actions overwrite.
        let moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1)
        let code = errno
        close(fd)
        guard moved >= 0 else { return .failure(JournalStreamError(code: code)) }
        return .success(moved)
    }
}

/// Why a journal stream could not be opened.
struct JournalStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    let code: Int32
    var description: String {
        guard let text = strerror(code) else { return "error \(code)" }
        return "cannot connect to the journal: \(String(cString: text))"
    }
}

/// How the job runner opens journal streams; tests pass their own.
typealias JournalStreamOpener = @Sendable (_ identifier: String, _ priority: Int32) -> Result<Int32, JournalStreamError>
