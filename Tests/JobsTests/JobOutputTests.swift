import Foundation
import Glibc
import Logging
@testable import StepDaemon
import Synchronization
import Testing
import TestSupport

@Suite("JobOutput")
struct JobOutputTests {
    @Test(
        "the daemon's choice: the journal when stepd logs there, else <log dir>/<job id>.log; the file is the fallback",
        arguments: [
            (LogDestination.console, JobOutput.file(path: "/var/lib/stepd/jobs/j-1.log")),
            (LogDestination.journal, JobOutput.journal(identifier: "example-flow", fallbackFile: "/var/lib/stepd/jobs/j-1.log")),
        ])
    func choice(destination: LogDestination, expected: JobOutput) {
        let output = JobOutput.forJob(jobId: "j-1", jobName: "example-flow", logDirectory: "/var/lib/stepd/jobs", destination: destination)
        #expect(output == expected)
        #expect(output.file == "/var/lib/stepd/jobs/j-1.log")
    }

    @Test("journal output: stdout and stderr are separate streams named after the job, the job gets JOURNAL_STREAM, the daemon keeps no descriptor")
    func journalStreams() async throws {
        let fake = FakeJournal()
        let harness = try OutputHarness(opener: fake.opener)
        defer { harness.tearDown() }
        let marker = harness.directory + "/journal-stream.txt"
        _ = try harness.runner.start(harness.launch(
            ["sh", "-c", #"echo to-stdout; echo to-stderr >&2; printf %s "$JOURNAL_STREAM" > "$MARKER""#],
            output: .journal(identifier: "example-flow", fallbackFile: harness.directory + "/fallback.log"),
            environment: ["MARKER": marker]))
        let (_, exit) = try await harness.nextExit()
        #expect(exit == .exited(code: 0))

        let stdout = try #require(fake.stream(priority: LOG_INFO))
        let stderr = try #require(fake.stream(priority: LOG_WARNING))
        #expect(stdout.identifier == "example-flow")
        #expect(stderr.identifier == "example-flow")
        // End of file arrives only once every copy of the job's end is closed: the job's
        // (it exited) and the daemon's (closed after the spawn). A leak makes this time out.
        #expect(try readToEnd(stdout.reader) == "to-stdout\n")
        #expect(try readToEnd(stderr.reader) == "to-stderr\n")
        #expect(try String(contentsOfFile: marker, encoding: .utf8) == stderr.identity.description)
        #expect(!FileManager.default.fileExists(atPath: harness.directory + "/fallback.log"))
        #expect(harness.logs.entries(at: .warning).isEmpty)
    }

    @Test("journal output falls back to the log file, with a warning, when journald cannot be reached")
    func fallbackToFile() async throws {
        let harness = try OutputHarness(opener: { _, _ in .failure(JournalStreamError(code: ENOENT)) })
        defer { harness.tearDown() }
        let fallback = harness.directory + "/fallback.log"
        _ = try harness.runner.start(harness.launch(
            ["sh", "-c", #"echo to-stdout; echo to-stderr >&2; echo "stream=${JOURNAL_STREAM:-none}""#],
            id: "job-fallback", output: .journal(identifier: "example-flow", fallbackFile: fallback)))
        let (_, exit) = try await harness.nextExit()
        #expect(exit == .exited(code: 0))
        #expect(try String(contentsOfFile: fallback, encoding: .utf8) == "to-stdout\nto-stderr\nstream=none\n")
        let warning = try #require(harness.logs.entries(at: .warning).first)
        #expect(warning.message.contains("journal"))
        #expect(warning.metadata["JOB_ID"] == "job-fallback")
        #expect(warning.metadata["JOB_LOG_FILE"]?.description == fallback)
        #expect(warning.metadata["ERROR"]?.description.contains("cannot connect to the journal") == true)
    }

    @Test("when only the stderr stream fails, the stdout stream already opened is closed and the file takes both")
    func partialFallback() async throws {
        let fake = FakeJournal(failing: LOG_WARNING)
        let harness = try OutputHarness(opener: fake.opener)
        defer { harness.tearDown() }
        let fallback = harness.directory + "/fallback.log"
        _ = try harness.runner.start(harness.launch(
            ["sh", "-c", "echo to-stdout; echo to-stderr >&2"],
            output: .journal(identifier: "example-flow", fallbackFile: fallback)))
        let (_, exit) = try await harness.nextExit()
        #expect(exit == .exited(code: 0))
        let stdout = try #require(fake.stream(priority: LOG_INFO))
        #expect(try readToEnd(stdout.reader) == "")
        #expect(try String(contentsOfFile: fallback, encoding: .utf8) == "to-stdout\nto-stderr\n")
        #expect(harness.logs.entries(at: .warning).count == 1)
    }

    @Test("file output does not pass the daemon's JOURNAL_STREAM on")
    func fileOutputHasNoJournalStream() async throws {
        let harness = try OutputHarness(opener: { _, _ in .failure(JournalStreamError(code: ENOENT)) })
        defer { harness.tearDown() }
        let file = harness.directory + "/job.log"
        _ = try harness.runner.start(harness.launch(
            ["sh", "-c", #"echo "stream=${JOURNAL_STREAM:-none}""#], output: .file(path: file),
            environment: [:]))
        let (_, exit) = try await harness.nextExit()
        #expect(exit == .exited(code: 0))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "stream=none\n")
        #expect(JobSpawner.daemonOnlyVariables.contains("JOURNAL_STREAM"))
        #expect(harness.logs.entries(at: .warning).isEmpty)
    }
}

// MARK: - Support

/// Stands in for journald: each stream is one end of a socket pair, the test reads the other.
private final class FakeJournal: Sendable {
    struct Stream: Sendable {
        let identifier: String
        let reader: Int32
        /// The end handed to the runner, as `JOURNAL_STREAM` should name it.
        let identity: JournalStreamIdentity
    }

    private let streams = Mutex<[Int32: Stream]>([:])
    private let failing: Int32?

    init(failing: Int32? = nil) {
        self.failing = failing
    }

    deinit {
        streams.withLock { streams in
            for stream in streams.values { close(stream.reader) }
        }
    }

    func stream(priority: Int32) -> Stream? {
        streams.withLock { $0[priority] }
    }

    var opener: JournalStreamOpener {
        { [self] identifier, priority in
            if priority == failing { return .failure(JournalStreamError(code: ECONNREFUSED)) }
            var pair: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0,
                let identity = JournalStreamIdentity(descriptor: pair[0])
            else { return .failure(JournalStreamError(code: errno)) }
            streams.withLock { $0[priority] = Stream(identifier: identifier, reader: pair[1], identity: identity) }
            return .success(pair[0])
        }
    }
}

private struct OutputHarness {
    let runner: JobRunner
    var exits: AsyncStream<(RunningJob, JobExit)> { runner.exits }
    let directory: String
    let logs = CapturedLogs()
    /// The runner's `run()`, cancelled at tear-down.
    private let running: Task<Void, Never>

    init(opener: @escaping JournalStreamOpener) throws {
        let logs = self.logs
        let runner = JobRunner(
            fallbackSearchDirectory: nil, logger: Logger(label: "JobOutputTests") { _ in CapturingLogHandler(logs: logs) },
            stopGracePeriod: .seconds(10), openJournalStream: opener)
        self.runner = runner
        running = Task { await runner.run() }
        directory = try ScratchFolder.make("job-output-tests")
    }

    func launch(_ command: [String], id: String = UUID().uuidString, output: JobOutput, environment: [String: String] = [:]) -> JobLaunch {
        JobLaunch(jobId: id, jobName: "example-flow", command: command, environment: environment, output: output)
    }

    func nextExit(seconds: Double = 20) async throws -> (RunningJob, JobExit) {
        try await firstValue(of: exits, seconds: seconds)
    }

    func tearDown() {
        running.cancel()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

private struct OutputTimedOut: Error {}

/// Everything written to the other end until all its copies are closed; throws after 10 s
/// without end of file.
private func readToEnd(_ fd: Int32) throws -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        var waiter = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&waiter, 1, 10_000)
        if ready < 0, errno == EINTR { continue }
        guard ready > 0 else { throw OutputTimedOut() }
        let count = read(fd, &buffer, buffer.count)
        if count < 0, errno == EINTR { continue }
        guard count > 0 else { break }
        bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}
