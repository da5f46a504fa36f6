import Foundation
import Testing

@testable import StepDaemon

/// A job is marked just before its spawn, and found again by its STEPD_JOB_ID after a
/// restart: what keeps a job from being spawned twice (issue #15).
@Suite struct SpawnMarkTests {
    @Test func theMarkIsMadeRightBeforeTheSpawnAndAFailedMarkStopsIt() throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spawning-\(UUID().uuidString)").path
        let markers = SpawnMarkers(folder: folder)
        try markers.create()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let job = try harness.runner.start(harness.launch(["/bin/sleep", "30"], id: "marked-1")) { () throws(JobLaunchError) in
            try markers.mark("marked-1")
        }
        defer { kill(job.pid, SIGKILL) }
        #expect(markers.marked() == ["marked-1"])
        markers.clear("marked-1")
        #expect(markers.marked().isEmpty)

        #expect(throws: JobLaunchError.self) {
            try harness.runner.start(harness.launch(["/bin/true"], id: "unmarkable")) { () throws(JobLaunchError) in
                throw JobLaunchError("no mark")
            }
        }
        #expect(throws: JobLaunchError.self) { try markers.mark("../escape") }
    }

    @Test func aRunningJobIsFoundByItsIdAndOnlyIt() async throws {
        let harness = try Harness()
        defer { harness.tearDown() }
        let job = try harness.runner.start(harness.launch(["/bin/sleep", "30"], id: "find-me"))
        defer { kill(job.pid, SIGKILL) }
        // The spawn returns as the child's exec begins; its environment is readable once the
        // exec is through (at a restart, long done). Waits for that, at most 5 s.
        var found: [String: JobProcessFinder.Found] = [:]
        let deadline = ContinuousClock.now + .seconds(5)
        while found.isEmpty, ContinuousClock.now < deadline {
            found = JobProcessFinder.find(jobIds: ["find-me", "not-running"])
            if found.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
        }
        #expect(found == ["find-me": JobProcessFinder.Found(pid: job.pid, startTime: job.startTime)])
    }

    @Test(arguments: [
        ("PATH=/bin\u{0}STEPD_JOB_ID=abc\u{0}HOME=/\u{0}", "abc"), ("STEPD_JOB_ID=x", "x"), ("NOT_STEPD_JOB_ID=y\u{0}", nil),
        ("", nil), ("STEPD_JOB_ID=\u{0}", ""),
    ] as [(String, String?)])
    func jobIdInAnEnvironmentBlock(block: String, id: String?) {
        #expect(JobProcessFinder.jobId(inEnvironment: Array(block.utf8)) == id)
    }
}
