import Foundation
import Logging
import StepDaemon
import TestSupport

/// The stream ended before the value a test waited for.
struct StreamEnded: Error {}

/// The next element of `stream`, waiting at most `seconds`.
func firstValue<Element: Sendable>(of stream: AsyncStream<Element>, seconds: Double = 20) async throws -> Element {
    let first = try await bounded(seconds: seconds, "the stream's next value") { () async -> Element? in
        for await value in stream { return value }
        return nil
    }
    guard let first else { throw StreamEnded() }
    return first
}

/// Returns once `stream` has finished, waiting at most `seconds`.
func finished<Element: Sendable>(_ stream: AsyncStream<Element>, seconds: Double = 20) async throws {
    try await bounded(seconds: seconds, "the stream's end") { () async in
        for await _ in stream {}
    }
}

/// A running runner (its `run()` in a task the harness owns), plus a scratch directory.
struct Harness {
    let runner: JobRunner
    var exits: AsyncStream<(RunningJob, JobExit)> { runner.exits }
    let directory: String
    private let running: Task<Void, Never>

    init(fallbackSearchDirectory: String? = nil, stopGracePeriod: Duration = .seconds(10)) throws {
        let runner = JobRunner(
            fallbackSearchDirectory: fallbackSearchDirectory,
            logger: Logger(label: "JobsTests"),
            stopGracePeriod: stopGracePeriod)
        self.runner = runner
        running = Task { await runner.run() }
        directory = try makeTemporaryDirectory()
    }

    func launch(_ command: [String], id: String = UUID().uuidString, environment: [String: String] = [:],
                workingDirectory: String? = nil, timeoutSeconds: Int? = nil) -> JobLaunch {
        JobLaunch(jobId: id, jobName: "test-job", command: command, environment: environment,
                  workingDirectory: workingDirectory, timeoutSeconds: timeoutSeconds,
                  output: .file(path: directory + "/job.log"))
    }

    /// The next reported exit, or a failure after `seconds`.
    func nextExit(seconds: Double = 20) async throws -> (RunningJob, JobExit) {
        try await firstValue(of: exits, seconds: seconds)
    }

    /// Cancels the task that runs the runner, as a graceful shutdown would stop it.
    func stopRunning() {
        running.cancel()
    }

    func tearDown() {
        running.cancel()
        try? FileManager.default.removeItem(atPath: directory)
    }
}


func makeTemporaryDirectory() throws -> String {
    try ScratchFolder.make("jobs-tests")
}
