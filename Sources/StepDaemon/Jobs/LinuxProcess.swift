import CLinuxProcess
import Glibc

/// The Linux calls the job runner needs beyond Swift's `Glibc` module, through the C target
/// CLinuxProcess (its header says why they need one), plus small readers of `/proc`.
enum LinuxProcess {
    /// `POSIX_SPAWN_SETSID` from glibc's `<spawn.h>` (glibc 2.26+).
    static let spawnSetSID = Int32(STEPD_POSIX_SPAWN_SETSID)
    /// `P_PIDFD` from `<sys/wait.h>` (Linux 5.4+).
    static let idTypePidFD = idtype_t(rawValue: UInt32(STEPD_P_PIDFD))

    /// A pidfd (always close-on-exec) for `pid`, or `-1` with `errno` set.
    static func pidfdOpen(_ pid: pid_t) -> Int32 {
        stepd_pidfd_open(pid)
    }

    /// A close-on-exec pipe; the read end non-blocking.
    static func makeWakePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard stepd_pipe2(&fds, O_CLOEXEC | O_NONBLOCK) == 0 else { return nil }
        return (fds[0], fds[1])
    }

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+); nil when the C library lacks it.
    static func addChdir(_ actions: inout posix_spawn_file_actions_t, _ path: String) -> Int32? {
        let result = stepd_spawn_file_actions_addchdir(&actions, path)
        return result == ENOSYS ? nil : result
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+); nil when the C library lacks it.
    static func addClosefrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) -> Int32? {
        let result = stepd_spawn_file_actions_addclosefrom(&actions, lowest)
        return result == ENOSYS ? nil : result
    }

    /// Field 22 (`starttime`) of `/proc/<pid>/stat`, or nil when the process does not exist.
    static func startTime(of pid: pid_t) -> UInt64? {
        statField(22, of: pid).flatMap(UInt64.init)
    }

    /// Field 6 (`session`) of `/proc/<pid>/stat`: a job is the leader of its own session.
    static func session(of pid: pid_t) -> pid_t? {
        statField(6, of: pid).flatMap { pid_t($0) }
    }

    /// Field `number` (from 3 on) of `/proc/<pid>/stat`, or nil when the process does not exist.
    private static func statField(_ number: Int, of pid: pid_t) -> String? {
        guard let bytes = readProcFile("/proc/\(pid)/stat", limit: 4_096) else { return nil }
        // Field 2 is "(comm)" and comm may hold spaces and parentheses: count from the last ')'.
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") })
        // fields[0] is field 3 (state).
        guard number >= 3, fields.count > number - 3 else { return nil }
        return String(decoding: fields[number - 3], as: UTF8.self)
    }

    /// A file of /proc, at most `limit` bytes of it; nil when it cannot be read (the process is
    /// gone, or is another user's).
    static func readProcFile(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while bytes.count < limit {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return Array(bytes.prefix(limit))
    }

    /// Whether a pidfd reports its process as ended, without blocking.
    static func hasExited(pidfd: Int32) -> Bool {
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        while true {
            let result = poll(&entry, 1, 0)
            if result < 0, errno == EINTR { continue }
            return result > 0
        }
    }

    static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
