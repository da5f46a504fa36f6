import Foundation
import JSON
import StepEngine
import Synchronization
import Testing
import TestSupport

/// A job launch in flight when the engine shuts down still records its start, so the next
/// start does not launch the job a second time.
@Suite struct JobLaunchShutdownTests {
    /// Holds each launch until the test lets it go, then records the start as the daemon does.
    final class GatedLauncher: JobLauncher {
        let engine: Mutex<Engine?> = Mutex(nil)
        let entered = AsyncStream<String>.makeStream()
        let gate = AsyncStream<Void>.makeStream()
        let recorded = Mutex<Result<Void, any Error>?>(nil)

        func launch(_ job: PendingJob) async {
            entered.continuation.yield(job.jobId)
            for await _ in gate.stream { break }
            guard let engine = engine.withLock({ $0 }) else { return }
            do {
                try await engine.recordJobStarted(jobId: job.jobId, pid: 1, pidStartTime: 1)
                recorded.withLock { $0 = .success(()) }
            } catch {
                recorded.withLock { $0 = .failure(error) }
            }
        }
    }

    @Test func aLaunchInFlightAtShutdownRecordsItsStart() async throws {
        let test = try TestEngine()
        let launcher = GatedLauncher()
        launcher.engine.withLock { $0 = test.engine }
        test.engine.setJobLauncher(launcher)
        try await test.engine.putJobDefinition(
            JobDefinition(name: "flow", command: ["/bin/true"], environment: [:], workingDirectory: nil, timeoutSeconds: nil))
        let definition: JSONValue = [
            "StartAt": "Start",
            "States": ["Start": ["Type": "Task", "Resource": "arn:aws:states:::aws-sdk:appflow:startFlow",
                                 "Parameters": ["FlowName": "flow"], "End": true]],
        ]
        try await test.machine("starts-a-job", definition.text)
        _ = try await test.start("starts-a-job")
        let jobId = try await bounded(seconds: 10, "the launch") { () async -> String? in
            for await id in launcher.entered.stream { return id }
            return nil
        }

        let engine = test.engine
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await bounded(seconds: 10, "the shutdown") { await engine.shutdown() } }
            // Gives the shutdown time to reach the writer before the launch goes on. Nothing
            // waits on it: a shutdown that waits for the launch passes with or without it, and
            // one that closes the writer first fails as soon as the pause lets it get there.
            try await Task.sleep(for: .milliseconds(50))
            launcher.gate.continuation.yield(())
            try await group.waitForAll()
        }
        let recorded = try #require(launcher.recorded.withLock { $0 })
        #expect(throws: Never.self) { try recorded.get() }
        let job = try await test.engine.describeJob(id: try #require(jobId))
        #expect(job.status == .running)
    }
}
