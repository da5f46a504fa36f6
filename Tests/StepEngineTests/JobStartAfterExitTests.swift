import Foundation
import JSON
import StepEngine
import Synchronization
import Testing
import TestSupport

/// A short job may end (and its end be recorded) before its start is: the start then must
/// not make it running again, or DescribeJob tells a finished job is running.
@Suite struct JobStartAfterExitTests {
    final class ExitFirstLauncher: JobLauncher {
        let engine: Mutex<Engine?> = Mutex(nil)
        let done = AsyncStream<String>.makeStream()

        func launch(_ job: PendingJob) async {
            guard let engine = engine.withLock({ $0 }) else { return }
            _ = try? await engine.recordJobExit(jobId: job.jobId, description: "exited with status 0")
            try? await engine.recordJobStarted(jobId: job.jobId, pid: 4242, pidStartTime: 1)
            done.continuation.yield(job.jobId)
        }
    }

    @Test func aStartRecordedAfterTheExitLeavesTheJobExited() async throws {
        let test = try TestEngine()
        let launcher = ExitFirstLauncher()
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
            for await id in launcher.done.stream { return id }
            return nil
        }
        let job = try await test.engine.describeJob(id: try #require(jobId))
        #expect(job.status == .exited)
        #expect(job.pid == 4242, "the pid is still recorded")
    }
}
