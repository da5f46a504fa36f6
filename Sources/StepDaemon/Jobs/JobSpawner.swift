import Foundation
import Glibc

/// Starts one job's process with `posix_spawn`: its own session (so the whole group can be
/// signalled), stdin from /dev/null, stdout and stderr to journal streams or the log file,
/// signal dispositions and mask reset, no descriptor of the daemon inherited.
enum JobSpawner {
    /// Signals the daemon (NIO, ServiceLifecycle) may ignore or handle; ignored dispositions
    /// survive exec, so they are reset to default in the child.
    private static let signalsToReset: [Int32] = [
        SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM,
        SIGTSTP, SIGTTIN, SIGTTOU, SIGXFSZ,
    ]

    static let defaultPath = "/usr/local/bin:/usr/bin:/bin"

    /// systemd's hand-over variables are the daemon's, not the job's: a job must not talk to
    /// the service manager or take the daemon's sockets as its own. `JOURNAL_STREAM` names
    /// the daemon's stderr; a job gets its own when its output goes to the journal.
    static let daemonOnlyVariables = [
        "NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM",
    ]

    /// The daemon's environment (less systemd's hand-over variables), then `STEPD_JOB_ID`,
    /// `STEPD_JOB_NAME`, then the launch's own. The runner adds `JOURNAL_STREAM` once the
    /// job's output is open.
    static func environment(for launch: JobLaunch) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in daemonOnlyVariables { environment[name] = nil }
        environment["STEPD_JOB_ID"] = launch.jobId
        environment["STEPD_JOB_NAME"] = launch.jobName
        environment.merge(launch.environment) { _, new in new }
        return environment
    }

    /// The absolute path of the program to run.
    static func resolveExecutable(
        _ name: String, path: String?, fallbackDirectory: String?, workingDirectory: String?, describe: String
    ) throws(JobLaunchError) -> String {
        guard !name.isEmpty else { throw JobLaunchError("\(describe): the command is empty") }
        if name.contains("/") {
            let absolute = name.hasPrefix("/") ? name : ((workingDirectory ?? FileManager.default.currentDirectoryPath) + "/" + name)
            switch check(absolute) {
            case .executable: return absolute
            case .missing: throw JobLaunchError("\(describe): command '\(name)' not found (no file \(absolute))")
            case .notExecutable: throw JobLaunchError("\(describe): command '\(name)' is not an executable file (\(absolute))")
            }
        }
        let searchPath = path ?? defaultPath
        var directories = searchPath.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        if let fallbackDirectory, !fallbackDirectory.isEmpty { directories.append(fallbackDirectory) }
        var notExecutable: String?
        for directory in directories {
            let candidate = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            switch check(candidate) {
            case .executable:
                return candidate.hasPrefix("/") ? candidate : FileManager.default.currentDirectoryPath + "/" + candidate
            case .notExecutable: notExecutable = notExecutable ?? candidate
            case .missing: continue
            }
        }
        if let notExecutable {
            throw JobLaunchError("\(describe): command '\(name)' found at \(notExecutable) but it is not an executable file")
        }
        let fallbackText = fallbackDirectory.map { " or in \($0)" } ?? ""
        throw JobLaunchError("\(describe): command '\(name)' not found in PATH (\(searchPath))\(fallbackText)")
    }

    private enum FileCheck { case executable, notExecutable, missing }

    private static func check(_ path: String) -> FileCheck {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        guard info.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 else { return .notExecutable }
        return .executable
    }

    static func checkWorkingDirectory(_ directory: String, describe: String) throws(JobLaunchError) {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw JobLaunchError("\(describe): working directory '\(directory)' does not exist (\(LinuxProcess.errorText(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw JobLaunchError("\(describe): working directory '\(directory)' is not a directory")
        }
    }

    /// The job's stdout and stderr, open in the parent (close-on-exec; the child gets them
    /// by dup2). The caller closes them once the job is spawned.
    struct OpenedOutput {
        let stdout: Int32
        let stderr: Int32
        let isJournal: Bool
        /// Set when the output goes to the journal: the job's `JOURNAL_STREAM`.
        let journalStream: JournalStreamIdentity?
        /// Why journal output fell back to the file, when it did.
        let fallbackReason: String?

        func close() {
            _ = Glibc.close(stdout)
            if stderr != stdout { _ = Glibc.close(stderr) }
        }
    }

    /// Opens where the job's output goes: two journal streams (stdout at info, stderr at
    /// warning), or the log file for both, also when a stream cannot be opened.
    static func openOutput(
        _ output: JobOutput, openJournalStream: JournalStreamOpener, describe: String
    ) throws(JobLaunchError) -> OpenedOutput {
        guard case .journal(let identifier, let fallbackFile) = output else {
            let fd = try openLog(output.file, describe: describe)
            return OpenedOutput(stdout: fd, stderr: fd, isJournal: false, journalStream: nil, fallbackReason: nil)
        }
        let reason: String
        switch openJournalStream(identifier, LOG_INFO) {
        case .failure(let error):
            reason = error.description
        case .success(let stdout):
            switch openJournalStream(identifier, LOG_WARNING) {
            case .failure(let error):
                _ = close(stdout)
                reason = error.description
            case .success(let stderr):
                return OpenedOutput(
                    stdout: stdout, stderr: stderr, isJournal: true, journalStream: JournalStreamIdentity(descriptor: stderr),
                    fallbackReason: nil)
            }
        }
        let fd = try openLog(fallbackFile, describe: describe)
        return OpenedOutput(stdout: fd, stderr: fd, isJournal: false, journalStream: nil, fallbackReason: reason)
    }

    /// Opens the log for appending, in the parent, close-on-exec; the child gets it by dup2.
    static func openLog(_ path: String, describe: String) throws(JobLaunchError) -> Int32 {
        var fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw JobLaunchError("\(describe): cannot open log file '\(path)': \(LinuxProcess.errorText(errno))")
        }
        if fd < 3 {
            // A daemon started with stdio closed: keep the log clear of descriptors 0-2, which
            // the file actions overwrite.
            let moved = fcntl(fd, F_DUPFD_CLOEXEC, 3)
            close(fd)
            guard moved >= 0 else {
                throw JobLaunchError("\(describe): cannot open log file '\(path)': \(LinuxProcess.errorText(errno))")
            }
            fd = moved
        }
        return fd
    }

    /// Spawns `executable` and returns its pid.
    /// `beforeSpawn` runs right before `posix_spawn`, once all else is ready.
    static func spawn(
        executable: String, arguments: [String], environment: [String: String],
        workingDirectory: String?, output: OpenedOutput, describe: String, beforeSpawn: () throws(JobLaunchError) -> Void = {}
    ) throws(JobLaunchError) -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in signalsToReset { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF) | LinuxProcess.spawnSetSID
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, output.stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, output.stderr, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let workingDirectory {
            guard let result = LinuxProcess.addChdir(&actions, workingDirectory) else {
                throw JobLaunchError("\(describe): this C library cannot set a working directory for a spawned process")
            }
            guard result == 0 else {
                throw JobLaunchError("\(describe): working directory '\(workingDirectory)': \(LinuxProcess.errorText(result))")
            }
        }
        // Descriptors the daemon opened without close-on-exec stay out of the job.
        _ = LinuxProcess.addClosefrom(&actions, 3)

        // argv[0] stays as the job definition wrote it, as a shell would pass it.
        let argv = arguments.map { strdup($0) }
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let argvTerminated = argv + [nil]
        let envpTerminated = envp + [nil]
        try beforeSpawn()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argvTerminated, envpTerminated)
        guard result == 0 else {
            throw JobLaunchError("\(describe): cannot run '\(executable)': \(LinuxProcess.errorText(result))")
        }
        return pid
    }
}
