#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open descriptors (`RLIMIT_NOFILE`). Each API connection holds one,
/// as do the database, the spool and each job's pidfd and output; the soft limit many
/// systems start a process with (1024) is below the default connection bound.
enum OpenFileLimit {
    struct Change: Equatable {
        var before: UInt64
        var after: UInt64
        /// Why the soft limit could not be raised, when it could not.
        var failure: String?
    }

    /// Raises the soft limit to the hard limit. Jobs started afterwards inherit it.
    static func raiseToHardLimit() -> Change {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            let reason = String(cString: strerror(errno))
            return Change(before: 0, after: 0, failure: "getrlimit: \(reason)")
        }
        let before = UInt64(limit.rlim_cur)
        guard limit.rlim_cur < limit.rlim_max else { return Change(before: before, after: before) }
        var raised = limit
        raised.rlim_cur = limit.rlim_max
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 else {
            let reason = String(cString: strerror(errno))
            return Change(before: before, after: before, failure: "setrlimit: \(reason)")
        }
        return Change(before: before, after: UInt64(raised.rlim_cur))
    }

    /// Descriptors kept back from connections for the rest of the daemon: the database and
    /// its log, the spool, jobs' pidfds and output, systemd's sockets.
    static let reserved: UInt64 = 256

    /// The connection bound that fits `openFiles` descriptors: `requested`, or fewer when
    /// the limit leaves less room after ``reserved``.
    static func connectionBound(requested: Int, openFiles: UInt64) -> Int {
        let room = openFiles > reserved * 2 ? openFiles - reserved : openFiles / 2
        return Int(min(UInt64(requested), max(room, 1)))
    }
}
