import Foundation
import Glibc
import Logging
import ServiceLifecycle
import Synchronization

/// Starts jobs as child processes and reports how each one ends, without polling.
///
/// Every job's exit is watched through a pidfd. One dedicated thread sleeps in `poll(2)` on
/// all pidfds plus a wake-up pipe, with a timeout equal to the time until the nearest
/// deadline (time limit, or SIGKILL after a `stop`'s grace period), infinite when there is
/// none. When a pidfd becomes readable the thread reaps the child with
/// `waitid(P_PIDFD, fd, WEXITED)`, closes the pidfd and yields the exit on `exits`.
///
/// The thread is `run()`'s: the runner is a service, and its thread runs while `run()` does.
/// Jobs may be started (and adopted) before `run()` begins; they are watched from then on.
///
/// Jobs outlive the daemon: `shutdown()` stops watching but kills nothing, and after a
/// restart `adopt(_:timeoutDeadline:)` re-attaches to each job by pid and start time.
///
/// ```swift
/// let runner = JobRunner(fallbackSearchDirectory: "/usr/libexec/stepd", logger: logger)
/// // in a ServiceGroup, or a task group: try await runner.run()
/// // and elsewhere: for await (job, exit) in runner.exits { ... }
/// let job = try runner.start(JobLaunch(jobId: id, jobName: "example-flow",
///                                      command: ["stepd-example-flow", "--input", "in", "--output", "out"],
///                                      logFile: "/var/log/stepd/\(id).log"))
/// // record job.pid and job.startTime durably; after a restart:
/// if !runner.adopt(job, timeoutDeadline: deadline) { /* treat as ended with .unknown */ }
/// ```
///
public final class JobRunner: Service, Sendable {
    private struct Watched: Sendable {
        var job: RunningJob
        /// For the log; nil for an adopted job whose name was not given.
        var jobName: String?
        var pidfd: Int32
        /// Started by this runner, so `waitid` returns its status.
        var isChild: Bool
        /// The time limit; SIGKILL to the group when it passes.
        var timeLimit: ContinuousClock.Instant?
        /// After `stop`: SIGKILL to the group when the grace period ends.
        var killAt: ContinuousClock.Instant?
        var timedOut = false
    }

    private struct State: Sendable {
        var watched: [String: Watched] = [:]
        var isShutDown = false
        /// `shutdown()` was called (not only: no job can be watched).
        var wasStopped = false
        /// Watched at shutdown; their pidfds are closed by the watcher thread as it ends.
        var abandoned: [Watched] = []
    }

    private let fallbackSearchDirectory: String?
    private let stopGracePeriod: Duration
    private let logger: Logger
    /// Every job that ends while watched, once; finished when the runner stops.
    public let exits: AsyncStream<(RunningJob, JobExit)>
    private let exitContinuation: AsyncStream<(RunningJob, JobExit)>.Continuation
    private let openJournalStream: JournalStreamOpener
    private let state = Mutex(State())
    /// Written to wake the watcher thread; nil when the pipe could not be made (nothing can be
    /// watched then, and `start` says so).
    private let wakePipe: (read: Int32, write: Int32)?

    /// - Parameters:
    ///   - fallbackSearchDirectory: searched for a command after `PATH` (e.g. where stepd's
    ///     own job programs are installed).
    ///   - stopGracePeriod: time between SIGTERM and SIGKILL in `stop(jobId:)`.
    public convenience init(fallbackSearchDirectory: String?, logger: Logger, stopGracePeriod: Duration = .seconds(10)) {
        self.init(
            fallbackSearchDirectory: fallbackSearchDirectory, logger: logger, stopGracePeriod: stopGracePeriod,
            openJournalStream: JournalStream.open)
    }

    /// - Parameter openJournalStream: opens the streams of `JobOutput.journal` (tests give
    ///   their own, as a host may have no journald).
    init(
        fallbackSearchDirectory: String?,
        logger: Logger,
        stopGracePeriod: Duration,
        openJournalStream: @escaping JournalStreamOpener
    ) {
        self.fallbackSearchDirectory = fallbackSearchDirectory
        self.stopGracePeriod = stopGracePeriod
        self.logger = logger
        self.openJournalStream = openJournalStream
        (exits, exitContinuation) = AsyncStream.makeStream(of: (RunningJob, JobExit).self)
        self.wakePipe = LinuxProcess.makeWakePipe()
        if wakePipe == nil {
            logger.error("jobs: cannot create the wake-up pipe; no job can be watched", metadata: ["ERRNO": "\(errno)"])
            state.withLock { $0.isShutDown = true }
            exitContinuation.finish()
        }
    }

    /// Watches the jobs on a thread of its own until cancelled or shut down (a graceful
    /// shutdown of its service group, or `shutdown()`); returns once that thread has ended
    /// and `exits` has finished.
    public func run() async {
        guard wakePipe != nil else { return }
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (ended: CheckedContinuation<Void, Never>) in
                let thread = Thread { [self] in
                    self.watch()
                    exitContinuation.finish()
                    ended.resume()
                }
                thread.name = "stepd-jobs"
                thread.start()
            }
        } onCancelOrGracefulShutdown: { [self] in
            self.shutdown()
        }
    }

    /// Field 22 of `/proc/<pid>/stat` for a live (or zombie) process, nil when there is none.
    public static func startTime(ofProcess pid: Int32) -> UInt64? {
        LinuxProcess.startTime(of: pid)
    }

    /// Spawns the job and starts watching it.
    ///
    /// The process runs in its own session (`POSIX_SPAWN_SETSID`), with stdin from
    /// /dev/null, stdout and stderr as `launch.output` says (journal streams, or the log file
    /// when they cannot be opened: a warning is logged then), and the daemon's environment
    /// (without systemd's `NOTIFY_SOCKET`, `LISTEN_*`, `WATCHDOG_*`, `JOURNAL_STREAM`) plus
    /// `STEPD_JOB_ID`, `STEPD_JOB_NAME`, `JOURNAL_STREAM` when its stderr is a journal
    /// stream, and `launch.environment`. The daemon keeps none of the output descriptors.
    ///
    /// - Throws: `JobLaunchError` naming the problem when the command is not found or not
    ///   executable, the working directory is missing, the log file cannot be opened, the
    ///   job id is already running, or the runner is shut down.
    /// `beforeSpawn` runs right before the spawn, after everything else that may fail or take
    /// time; its error stops the launch.
    public func start(_ launch: JobLaunch, beforeSpawn: () throws(JobLaunchError) -> Void = {}) throws(JobLaunchError) -> RunningJob {
        let describe = "job '\(launch.jobName)' (\(launch.jobId))"
        let (isShutDown, isRunning) = state.withLock { ($0.isShutDown, $0.watched[launch.jobId] != nil) }
        guard !isShutDown else { throw JobLaunchError("\(describe): the job runner is shut down") }
        guard !isRunning else { throw JobLaunchError("\(describe): a job with this id is already running") }
        guard let name = launch.command.first else { throw JobLaunchError("\(describe): the command is empty") }

        if let directory = launch.workingDirectory {
            try JobSpawner.checkWorkingDirectory(directory, describe: describe)
        }
        var environment = JobSpawner.environment(for: launch)
        let executable = try JobSpawner.resolveExecutable(
            name, path: environment["PATH"], fallbackDirectory: fallbackSearchDirectory,
            workingDirectory: launch.workingDirectory, describe: describe)
        let output = try JobSpawner.openOutput(launch.output, openJournalStream: openJournalStream, describe: describe)
        // The child has its own copies once spawned (or failed to spawn).
        defer { output.close() }
        if let reason = output.fallbackReason {
            logger.warning(
                "job output cannot go to the journal; it goes to the job's log file",
                metadata: ["JOB_ID": "\(launch.jobId)", "JOB_NAME": "\(launch.jobName)", "JOB_LOG_FILE": "\(launch.output.file)", "ERROR": "\(reason)"])
        }
        if let journalStream = output.journalStream { environment["JOURNAL_STREAM"] = journalStream.description }
        let pid = try JobSpawner.spawn(
            executable: executable, arguments: launch.command, environment: environment,
            workingDirectory: launch.workingDirectory, output: output, describe: describe, beforeSpawn: beforeSpawn)

        let pidfd = LinuxProcess.pidfdOpen(pid)
        guard pidfd >= 0 else {
            // Unwatchable: do not leave it running unobserved. It is our unreaped child, so the
            // pid (and its group) cannot have been reused.
            let reason = LinuxProcess.errorText(errno)
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            throw JobLaunchError("\(describe): cannot watch the process (pidfd_open: \(reason)); it was killed")
        }
        // The child is not reaped before it is registered, so /proc/<pid> exists.
        let job = RunningJob(jobId: launch.jobId, pid: pid, startTime: LinuxProcess.startTime(of: pid) ?? 0)
        let timeLimit = launch.timeoutSeconds.map { ContinuousClock.now + .seconds($0) }
        let registered = state.withLock { state in
            guard !state.isShutDown else { return false }
            state.watched[launch.jobId] = Watched(job: job, jobName: launch.jobName, pidfd: pidfd, isChild: true, timeLimit: timeLimit)
            return true
        }
        if registered {
            wake()
            logger.info(
                "job started",
                metadata: [
                    "JOB_ID": "\(job.jobId)", "JOB_NAME": "\(launch.jobName)", "JOB_PID": "\(pid)", "JOB_COMMAND": "\(executable)",
                    "JOB_OUTPUT": "\(output.isJournal ? "journal" : launch.output.file)",
                ])
        } else {
            // Shut down meanwhile: like every job at shutdown, it keeps running for re-adoption.
            close(pidfd)
            logger.warning(
                "job started while the runner shut down; not watched",
                metadata: ["JOB_ID": "\(job.jobId)", "JOB_NAME": "\(launch.jobName)", "JOB_PID": "\(pid)"])
        }
        return job
    }

    /// Re-attaches to a job after a daemon restart.
    ///
    /// - Returns: false, with nothing on `exits`, when the pid is gone or belongs to another
    ///   process now (its start time differs); the caller then treats the job as ended with
    ///   `.unknown`. When true, its end comes on `exits`: with `.unknown` (it is not a
    ///   child of this daemon, so its status cannot be read), or `.timedOut` when
    ///   `timeoutDeadline` passed first and the runner killed it. Its output goes on where it
    ///   went: the process holds its own descriptors.
    public func adopt(_ job: RunningJob, jobName: String? = nil, timeoutDeadline: Date?) -> Bool {
        let pidfd = LinuxProcess.pidfdOpen(job.pid)
        guard pidfd >= 0 else {
            logger.debug("job to adopt is gone", metadata: ["JOB_ID": "\(job.jobId)", "JOB_PID": "\(job.pid)"])
            return false
        }
        // Read after opening the pidfd: if the start time matches now, the pidfd is the job's.
        guard let startTime = LinuxProcess.startTime(of: job.pid), startTime == job.startTime else {
            close(pidfd)
            logger.debug("job to adopt is gone (pid reused)", metadata: ["JOB_ID": "\(job.jobId)", "JOB_PID": "\(job.pid)"])
            return false
        }
        let timeLimit = timeoutDeadline.map { ContinuousClock.now + .seconds(max(0, $0.timeIntervalSinceNow)) }
        enum Outcome { case added, alreadyWatched, refused }
        let outcome: Outcome = state.withLock { state in
            guard !state.isShutDown else { return .refused }
            if let existing = state.watched[job.jobId] {
                return existing.job == job ? .alreadyWatched : .refused
            }
            state.watched[job.jobId] = Watched(job: job, jobName: jobName, pidfd: pidfd, isChild: false, timeLimit: timeLimit)
            return .added
        }
        guard outcome == .added else {
            close(pidfd)
            return outcome == .alreadyWatched
        }
        wake()
        logger.debug("job adopted", metadata: ["JOB_ID": "\(job.jobId)", "JOB_PID": "\(job.pid)"])
        return true
    }

    /// Sends SIGTERM to the job's process group, and SIGKILL when it has not ended after the
    /// grace period. Does nothing for a job that is not watched.
    public func stop(jobId: String) {
        let found = state.withLock { state in
            guard var watched = state.watched[jobId] else { return false }
            watched.killAt = ContinuousClock.now + stopGracePeriod
            state.watched[jobId] = watched
            Self.signalGroup(of: watched, SIGTERM)
            return true
        }
        if found {
            logger.info("job stopping", metadata: ["JOB_ID": "\(jobId)"])
            wake()
        }
    }

    /// Stops watching (daemon exit). Jobs are not killed: they keep running and are adopted
    /// on the next start; `exits` has nothing for them.
    public func shutdown() {
        let wasRunning = state.withLock { state in
            defer {
                state.isShutDown = true
                state.wasStopped = true
                state.abandoned += state.watched.values
                state.watched.removeAll()
            }
            return !state.isShutDown
        }
        if wasRunning { wake() }
    }

    /// Whether `shutdown()` was called (directly, or by a graceful shutdown of `run()`):
    /// `start` refuses jobs from then on.
    public var isStopped: Bool {
        state.withLock { $0.wasStopped }
    }

    /// Ids of the jobs being watched.
    public var watchedJobIds: Set<String> {
        state.withLock { Set($0.watched.keys) }
    }

    // MARK: - The watcher thread

    private func wake() {
        guard let wakePipe else { return }
        var byte: UInt8 = 1
        // EAGAIN (pipe full) means a wake-up is pending already.
        while write(wakePipe.write, &byte, 1) < 0, errno == EINTR {}
    }

    private func drainWakePipe(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < buffer.count { return }
        }
    }

    /// Sends `signal` to the job's process group (it leads its own session), or to the
    /// process alone when it leads no group. Called with the state locked, so the reaper
    /// cannot free the pid meanwhile; an adopted job is only signalled while its pidfd says
    /// it runs, as init may reap it at any time.
    private static func signalGroup(of watched: Watched, _ signal: Int32) {
        if !watched.isChild, LinuxProcess.hasExited(pidfd: watched.pidfd) { return }
        if kill(-watched.job.pid, signal) < 0, errno == ESRCH {
            kill(watched.job.pid, signal)
        }
    }

    private func watch() {
        guard let wakePipe else { return }
        while true {
            let snapshot: (fds: [(String, Int32)], deadline: ContinuousClock.Instant?)? = state.withLock { state in
                guard !state.isShutDown else { return nil }
                let fds = state.watched.map { ($0.key, $0.value.pidfd) }
                let deadline = state.watched.values.flatMap { [$0.timeLimit, $0.killAt].compactMap { $0 } }.min()
                return (fds, deadline)
            }
            guard let snapshot else { break }

            var pollFDs = [pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)]
            pollFDs += snapshot.fds.map { pollfd(fd: $0.1, events: Int16(POLLIN), revents: 0) }
            let timeout = snapshot.deadline.map { Self.milliseconds(until: $0) } ?? -1
            let ready = poll(&pollFDs, nfds_t(pollFDs.count), timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                logger.critical("jobs: poll failed; job exits are no longer watched", metadata: ["ERRNO": "\(errno)"])
                break
            }
            if pollFDs[0].revents != 0 { drainWakePipe(wakePipe.read) }
            for (index, entry) in snapshot.fds.enumerated() where pollFDs[index + 1].revents != 0 {
                reap(jobId: entry.0)
            }
            enforceDeadlines()
        }
        // Shut down: stop watching; the jobs keep running.
        let remaining = state.withLock { state in
            defer {
                state.watched.removeAll()
                state.abandoned.removeAll()
            }
            return Array(state.watched.values) + state.abandoned
        }
        for watched in remaining { close(watched.pidfd) }
        logger.debug("jobs: watcher stopped", metadata: ["UNWATCHED_JOBS": "\(remaining.count)"])
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = ContinuousClock.now.duration(to: deadline)
        if remaining <= .zero { return 0 }
        let (seconds, attoseconds) = remaining.components
        // Round up so the wake-up is never before the deadline (no busy loop).
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }

    private func enforceDeadlines() {
        let now = ContinuousClock.now
        let killed: [Watched] = state.withLock { state in
            var killed: [Watched] = []
            for (jobId, var watched) in state.watched {
                var kill = false
                if let limit = watched.timeLimit, limit <= now {
                    watched.timeLimit = nil
                    watched.timedOut = true
                    kill = true
                }
                if let killAt = watched.killAt, killAt <= now {
                    watched.killAt = nil
                    kill = true
                }
                guard kill else { continue }
                Self.signalGroup(of: watched, SIGKILL)
                state.watched[jobId] = watched
                killed.append(watched)
            }
            return killed
        }
        for watched in killed {
            logger.warning(
                watched.timedOut ? "job timed out; killed" : "job did not stop in time; killed",
                metadata: ["JOB_ID": "\(watched.job.jobId)", "JOB_NAME": "\(watched.jobName ?? "")", "JOB_PID": "\(watched.job.pid)"])
        }
    }

    /// The job's pidfd is readable: it has ended. Reap it (if it is our child), stop watching
    /// and report.
    private func reap(jobId: String) {
        let ended: (RunningJob, JobExit)? = state.withLock { state in
            guard let watched = state.watched[jobId] else { return nil }
            var info = siginfo_t()
            var result: Int32
            repeat {
                // For an adopted process WNOHANG: it is normally not our child (ECHILD), and if
                // it is, it must not block this thread.
                result = waitid(LinuxProcess.idTypePidFD, id_t(watched.pidfd), &info, WEXITED | (watched.isChild ? 0 : WNOHANG))
            } while result < 0 && errno == EINTR
            let exit: JobExit
            if watched.timedOut {
                exit = .timedOut
            } else if result == 0, info._sifields._kill.si_pid != 0 {
                exit = Self.exit(from: info)
            } else {
                exit = .unknown
            }
            state.watched[jobId] = nil
            close(watched.pidfd)
            return (watched.job, exit)
        }
        guard let (job, exit) = ended else { return }
        // The daemon logs the end at info, with what the engine knows of the job.
        logger.debug("job process ended", metadata: ["JOB_ID": "\(job.jobId)", "JOB_PID": "\(job.pid)", "JOB_EXIT": "\(exit)"])
        exitContinuation.yield((job, exit))
    }

    private static func exit(from info: siginfo_t) -> JobExit {
        let status = info._sifields._sigchld.si_status
        switch info.si_code {
        case Int32(CLD_EXITED): return .exited(code: status)
        case Int32(CLD_KILLED), Int32(CLD_DUMPED): return .signaled(signal: status)
        default: return .unknown
        }
    }
}
