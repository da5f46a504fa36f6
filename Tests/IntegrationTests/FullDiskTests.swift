import Foundation
import JSON
import Synchronization
import StepClient
import Testing

/// stepd's state folder on a small file system that fills up (issue #15): writes are refused
/// with ServiceUnavailable and change nothing, reads go on (across a restart too), and once
/// there is room again the same requests succeed and everything acknowledged is still there
/// after a restart.
@Suite(
    "a full disk under the real stepd",
    .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/mount"), "needs root to mount a small tmpfs"))
struct FullDiskTests {
    @Test("a full disk refuses writes with ServiceUnavailable; with room again they succeed; nothing acknowledged is lost")
    func fullDisk() async throws {
        let mountPoint = Mutex<String?>(nil)
        defer {
            if let path = mountPoint.withLock({ $0 }) {
                SystemCommand.run("/usr/bin/umount", ["-l", path])
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        try await withStepd(prepare: { root in
            let state = root + "/state"
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
            let mounted = SystemCommand.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=6m,mode=0700", "tmpfs", state])
            try #require(mounted.status == 0, "mount failed: \(mounted.output)")
            mountPoint.withLock { $0 = state }
        }) { stepd in
            let waits = #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100000, "End": true}}}"#
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "waits", "definition": .string(waits)])
            // Room to give back later.
            let filler = stepd.stateDirectory + "/filler"
            try Data(count: 1 << 20).write(to: URL(fileURLWithPath: filler))

            let big = JSONValue.object(["pad": .string(String(repeating: "x", count: 200_000))]).serialized()
            var acknowledged: [String] = []
            var refusal: (type: String, message: String)?
            for index in 0..<200 where refusal == nil {
                do {
                    let answer = try await stepd.client.call(
                        "AWSStepFunctions.StartExecution", ["stateMachineArn": "waits", "input": .string(big), "name": .string("big-\(index)")])
                    acknowledged.append(try #require(answer["executionArn"]?.stringValue))
                } catch let error as StepClientError {
                    guard case .api(let apiError) = error else { throw error }
                    refusal = (apiError.type, apiError.message)
                }
            }
            let refused = try #require(refusal, "200 starts of 200 KB fit in 6 MiB?")
            #expect(refused.type == "ServiceUnavailable", "\(refused)")
            #expect(refused.message.contains("full"), "\(refused.message)")
            #expect(!acknowledged.isEmpty)

            #expect(try await stepd.call("Stepd.Health", [:])["Status"] == "OK")
            #expect(try await stepd.describeExecution(try #require(acknowledged.last))["status"] == "RUNNING")
            let refusedName = "big-\(acknowledged.count)"
            #expect(try await stepd.executions(of: "waits").allSatisfy { $0["name"]?.stringValue != refusedName }, "a refused start left nothing")

            // A restart while the disk is still full: stepd starts and serves reads.
            try await stepd.terminate()
            try await stepd.launch()
            #expect(try await stepd.describeExecution(try #require(acknowledged.first))["status"] == "RUNNING")

            try FileManager.default.removeItem(atPath: filler)
            let retried = try await stepd.startExecution("waits", input: "{}", name: refusedName)
            #expect(try await stepd.describeExecution(retried)["status"] == "RUNNING")

            try await stepd.terminate()
            try await stepd.launch()
            for arn in acknowledged + [retried] {
                #expect(try await stepd.describeExecution(arn)["status"] == "RUNNING", "\(arn) after the restart")
            }
            try await stepd.terminate()
        }
    }
}
