import Foundation
import Glibc
import Logging
import StepDaemon
import Testing

private struct TimedOut: Error {}

private func processExists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
}

@Suite("JobRunner")
struct JobRunnerTests {
    @Test("exit code is reported and the child is reaped")
    func exitCode() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let job = try harness.runner.start(harness.launch(["/bin/sh", "-c", "exit 3"], id: "job-exit"))
        #expect(job.jobId == "job-exit")
        #expect(job.pid > 0)
        let (ended, exit) = try await harness.nextExit()
        #expect(ended == job)
        #expect(exit == .exited(code: 3))
        // Reaped: no zombie left behind.
        #expect(!processExists(job.pid))
        #expect(harness.runner.watchedJobIds.isEmpty)
    }

    @Test("run() ends when its task is cancelled: exits finishes, the job keeps running, start refuses")
    func runEndsOnCancellation() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let job = try harness.runner.start(harness.launch(["/bin/sleep", "30"], id: "outlives"))
        defer { kill(job.pid, SIGKILL) }
        harness.stopRunning()
        try await finished(harness.exits)
        #expect(harness.runner.isStopped)
        #expect(processExists(job.pid))
        #expect(throws: JobLaunchError.self) { try harness.runner.start(harness.launch(["/bin/true"], id: "late")) }
    }

    @Test("the job gets the daemon's environment, STEPD_JOB_ID, STEPD_JOB_NAME and its own variables")
    func environment() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let output = harness.directory + "/env.txt"
        _ = try harness.runner.start(harness.launch(
            ["sh", "-c", #"echo "$STEPD_JOB_ID $STEPD_JOB_NAME $EXTRA ${HOME:+home}" > "$OUT""#],
            id: "job-env", environment: ["OUT": output, "EXTRA": "extra-value"]))
        let (_, exit) = try await harness.nextExit()
        #expect(exit == .exited(code: 0))
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let expectedHome = ProcessInfo.processInfo.environment["HOME"] == nil ? "" : " home"
        #expect(text == "job-env test-job extra-value\(expectedHome)\n")
    }

    @Test("stdout and stderr are appended to the log file; stdin is /dev/null; the job has its own session")
    func logFile() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let logFile = harness.directory + "/job.log"
        try "earlier line\n".write(toFile: logFile, atomically: false, encoding: .utf8)
        let job = try harness.runner.start(harness.launch(
            ["sh", "-c", #"echo to-stdout; echo to-stderr >&2; read line || echo stdin-empty; ps -o sid= -p $$ | tr -d ' '"#]))
        let (_, exit) = try await harness.nextExit()
        #expect(exit == .exited(code: 0))
        let text = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(text.hasPrefix("earlier line\nto-stdout\nto-stderr\nstdin-empty\n"))
        // The session id is the job's pid (POSIX_SPAWN_SETSID); skipped where ps is missing.
        if !text.contains("not found") {
            #expect(text.hasSuffix("\(job.pid)\n"))
        }
    }

    @Test("the working directory is applied")
    func workingDirectory() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        _ = try harness.runner.start(harness.launch(["sh", "-c", "pwd > pwd.txt"], workingDirectory: harness.directory))
        let (_, exit) = try await harness.nextExit()
        #expect(exit == .exited(code: 0))
        let text = try String(contentsOfFile: harness.directory + "/pwd.txt", encoding: .utf8)
        #expect(text == harness.directory + "\n")
    }

    @Test("a job killed by a signal is reported as signaled")
    func killed() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let job = try harness.runner.start(harness.launch(["sleep", "60"]))
        kill(job.pid, SIGKILL)
        let (ended, exit) = try await harness.nextExit()
        #expect(ended == job)
        #expect(exit == .signaled(signal: SIGKILL))
    }

    @Test("stop sends SIGTERM to the process group")
    func stop() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let job = try harness.runner.start(harness.launch(["sleep", "60"]))
        harness.runner.stop(jobId: job.jobId)
        let (_, exit) = try await harness.nextExit()
        #expect(exit == .signaled(signal: SIGTERM))
    }

    @Test("stop sends SIGKILL after the grace period to a job that ignores SIGTERM")
    func stopEscalates() async throws {
        let harness = try Harness(stopGracePeriod: .milliseconds(300))
        defer { harness.tearDown() }
        let ready = harness.directory + "/ready"
        try #require(mkfifo(ready, 0o600) == 0)
        let job = try harness.runner.start(harness.launch(
            ["sh", "-c", #"trap '' TERM; echo ready > "$READY"; while :; do sleep 1; done"#], environment: ["READY": ready]))
        // Wait (bounded) until the trap is installed, so SIGTERM is really ignored.
        try waitForLine(onFIFO: ready)
        harness.runner.stop(jobId: job.jobId)
        let (_, exit) = try await harness.nextExit()
        #expect(exit == .signaled(signal: SIGKILL))
    }

    @Test("a job over its time limit is killed and reported as timed out")
    func timeLimit() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let clock = ContinuousClock()
        let started = clock.now
        let job = try harness.runner.start(harness.launch(["sleep", "60"], timeoutSeconds: 1))
        let (ended, exit) = try await harness.nextExit()
        #expect(ended == job)
        #expect(exit == .timedOut)
        #expect(clock.now - started >= .seconds(1))
        #expect(!processExists(job.pid))
    }

    @Test("a command that cannot be found is a JobLaunchError naming it")
    func commandNotFound() throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let error = #expect(throws: JobLaunchError.self) {
            try harness.runner.start(harness.launch(["no-such-command-stepd"]))
        }
        #expect(error?.message.contains("'no-such-command-stepd' not found") == true)
        let absolute = #expect(throws: JobLaunchError.self) {
            try harness.runner.start(harness.launch(["/nonexistent/tool"]))
        }
        #expect(absolute?.message.contains("/nonexistent/tool") == true)
        #expect(harness.runner.watchedJobIds.isEmpty)
    }

    @Test("a file that is not executable is a JobLaunchError")
    func notExecutable() throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let path = harness.directory + "/plain.sh"
        try "echo hi\n".write(toFile: path, atomically: false, encoding: .utf8)
        let error = #expect(throws: JobLaunchError.self) {
            try harness.runner.start(harness.launch([path]))
        }
        #expect(error?.message.contains("not an executable file") == true)
    }

    @Test("a missing working directory is a JobLaunchError naming it")
    func missingWorkingDirectory() throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let error = #expect(throws: JobLaunchError.self) {
            try harness.runner.start(harness.launch(["true"], workingDirectory: "/nonexistent/stepd-dir"))
        }
        #expect(error?.message.contains("'/nonexistent/stepd-dir' does not exist") == true)
    }

    @Test("a command missing from PATH is found in the fallback directory")
    func fallbackDirectory() async throws {
        let programs = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: programs) }
        let program = programs + "/stepd-test-program"
        try writeExecutable(program, "#!/bin/sh\nexit 7\n")
        let harness = try Harness(fallbackSearchDirectory: programs)
        defer { harness.tearDown() }
        _ = try harness.runner.start(harness.launch(["stepd-test-program"]))
        let (_, exit) = try await harness.nextExit()
        #expect(exit == .exited(code: 7))
    }

    @Test("a job id already running is refused")
    func duplicateJobId() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let job = try harness.runner.start(harness.launch(["sleep", "60"], id: "same"))
        #expect(throws: JobLaunchError.self) { try harness.runner.start(harness.launch(["true"], id: "same")) }
        harness.runner.stop(jobId: job.jobId)
        _ = try await harness.nextExit()
    }

    @Test("a process started elsewhere is adopted and reported as .unknown when it ends")
    func adoptOrphan() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let pid = try startOrphanSleep()
        defer { kill(pid, SIGKILL) }
        let startTime = try #require(JobRunner.startTime(ofProcess: pid))
        let job = RunningJob(jobId: "adopted", pid: pid, startTime: startTime)
        #expect(harness.runner.adopt(job, timeoutDeadline: nil))
        #expect(harness.runner.watchedJobIds == ["adopted"])
        kill(pid, SIGKILL)
        let (ended, exit) = try await harness.nextExit()
        #expect(ended == job)
        #expect(exit == .unknown)
    }

    @Test("adopting with a wrong start time or a gone pid returns false")
    func adoptRefused() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let pid = try startOrphanSleep()
        defer { kill(pid, SIGKILL) }
        let startTime = try #require(JobRunner.startTime(ofProcess: pid))
        #expect(!harness.runner.adopt(RunningJob(jobId: "reused", pid: pid, startTime: startTime + 1), timeoutDeadline: nil))
        #expect(!harness.runner.adopt(RunningJob(jobId: "gone", pid: Int32.max, startTime: 1), timeoutDeadline: nil))
        #expect(harness.runner.watchedJobIds.isEmpty)
    }

    @Test("an adopted job past its deadline is killed and reported as timed out")
    func adoptTimedOut() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let pid = try startOrphanSleep()
        defer { kill(pid, SIGKILL) }
        let startTime = try #require(JobRunner.startTime(ofProcess: pid))
        let job = RunningJob(jobId: "late", pid: pid, startTime: startTime)
        #expect(harness.runner.adopt(job, timeoutDeadline: Date().addingTimeInterval(0.2)))
        let (_, exit) = try await harness.nextExit()
        #expect(exit == .timedOut)
    }

    @Test("shutdown leaves jobs running; a new runner adopts and stops them")
    func shutdownThenAdopt() async throws {
        let first = try Harness()
        let job = try first.runner.start(first.launch(["sleep", "60"], id: "survivor"))
        first.runner.shutdown()
        #expect(processExists(job.pid))
        #expect(first.runner.watchedJobIds.isEmpty)
        #expect(throws: JobLaunchError.self) { try first.runner.start(first.launch(["true"])) }

        let second = try Harness()
        defer { second.tearDown(); first.tearDown() }
        #expect(second.runner.adopt(job, timeoutDeadline: nil))
        second.runner.stop(jobId: job.jobId)
        let (ended, exit) = try await second.nextExit()
        #expect(ended == job)
        // This test process is still the job's parent, so the adopting runner can reap it and
        // read its status; a restarted daemon gets .unknown instead.
        #expect(exit == .signaled(signal: SIGTERM) || exit == .unknown)
        #expect(!processExists(job.pid))
    }
}

/// Starts `sleep 300` as an orphan (its parent shell exits at once), like a job left behind
/// by a previous daemon, and returns its pid. Spawned directly rather than through
/// Foundation.Process, whose SIGCHLD monitoring would compete for the shell's exit.
private func startOrphanSleep() throws -> Int32 {
    let pidFile = NSTemporaryDirectory() + "jobs-tests-orphan-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: pidFile) }
    let arguments = ["/bin/sh", "-c", #"sleep 300 >/dev/null 2>&1 </dev/null & echo $! > "$1""#, "sh", pidFile]
    let argv = arguments.map { strdup($0) }
    defer { for pointer in argv { free(pointer) } }
    var shell: pid_t = 0
    let spawned = posix_spawn(&shell, "/bin/sh", nil, nil, argv + [nil], environ)
    try #require(spawned == 0)
    // The shell exits as soon as it has started sleep: this wait is brief.
    var status: Int32 = 0
    while waitpid(shell, &status, 0) < 0, errno == EINTR {}
    #expect(status == 0)
    let text = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    return try #require(Int32(text))
}

/// Writes a script through a close-on-exec descriptor: a process spawned meanwhile by another
/// test must not inherit it open for writing, or exec fails with ETXTBSY.
private func writeExecutable(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
    try #require(fd >= 0)
    defer { close(fd) }
    let bytes = Array(text.utf8)
    try #require(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
}

/// Waits (bounded, 10 s) for a job to write a line into the FIFO at `path`: poll(2) on the
/// read end (opened before any writer, so it reports nothing until data arrives) wakes when
/// the line is written.
private func waitForLine(onFIFO path: String) throws {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    try #require(fd >= 0)
    defer { close(fd) }
    var waiter = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    guard poll(&waiter, 1, 10_000) > 0 else { throw TimedOut() }
    var buffer = [UInt8](repeating: 0, count: 64)
    try #require(read(fd, &buffer, buffer.count) > 0)
}
