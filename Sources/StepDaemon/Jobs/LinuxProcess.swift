import Glibc

/// Thin wrappers over the Linux calls the job runner needs and Swift's `Glibc` module does
/// not export: it is built without `_GNU_SOURCE`, so `pidfd_open`, `pipe2`, the `_np` spawn
/// file actions and `POSIX_SPAWN_SETSID` are missing, and the variadic `syscall()` cannot be
/// called from Swift. They are looked up by name in the C library at run time.
enum LinuxProcess {
    /// `POSIX_SPAWN_SETSID` from glibc's `<spawn.h>` (glibc 2.26+).
    static let spawnSetSID: Int32 = 0x80
    /// `P_PIDFD` from `<linux/wait.h>` (Linux 5.4+).
    static let idTypePidFD = idtype_t(rawValue: 3)
    /// `__NR_pidfd_open`: the same number on every architecture (Linux 5.3+).
    static let pidfdOpenSyscall = 434

    private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    private typealias Syscall2 = @convention(c) (Int, Int, Int) -> Int
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    private typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        // A nil handle is RTLD_DEFAULT: the global symbol scope, which includes libc.
        guard let address = dlsym(nil, name) else { return nil }
        return unsafeBitCast(address, to: type)
    }

    /// A pidfd (always close-on-exec) for `pid`, or `-1` with `errno` set.
    static func pidfdOpen(_ pid: pid_t) -> Int32 {
        if let function = symbol("pidfd_open", as: PidfdOpen.self) {
            return function(pid, 0)
        }
        // glibc before 2.36: the raw system call. Integer arguments are passed alike to
        // variadic and fixed-argument functions on x86_64 and arm64 Linux.
        guard let function = symbol("syscall", as: Syscall2.self) else {
            errno = ENOSYS
            return -1
        }
        return Int32(truncatingIfNeeded: function(pidfdOpenSyscall, Int(pid), 0))
    }

    /// A close-on-exec pipe; the read end non-blocking.
    static func makeWakePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        if let pipe2 = symbol("pipe2", as: Pipe2.self) {
            guard pipe2(&fds, O_CLOEXEC | O_NONBLOCK) == 0 else { return nil }
        } else {
            guard pipe(&fds) == 0 else { return nil }
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            }
        }
        return (fds[0], fds[1])
    }

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+); nil when the C library lacks it.
    static func addChdir(_ actions: inout posix_spawn_file_actions_t, _ path: String) -> Int32? {
        guard let function = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self) else { return nil }
        return function(&actions, path)
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+); nil when the C library lacks it.
    static func addClosefrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) -> Int32? {
        guard let function = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddClosefrom.self) else { return nil }
        return function(&actions, lowest)
    }

    /// Field 22 (`starttime`) of `/proc/<pid>/stat`, or nil when the process does not exist.
    static func startTime(of pid: pid_t) -> UInt64? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        // Field 2 is "(comm)" and comm may hold spaces and parentheses: count from the last ')'.
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") })
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(String(decoding: fields[19], as: UTF8.self))
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
