import Foundation
import JSON
import StepClient
import Testing

@Suite("kill -9 in the middle of a burst of commits against the real stepd")
struct CrashDurabilityTests {
    /// Four clients start executions back to back; stepd is killed while they still send, and
    /// restarted; five times. A killed process keeps what it handed to the kernel, so this finds
    /// an answer given before its commit left the process (a log write held in a buffer, an
    /// answer sent before the commit), not a missing fsync. A kill lands in such a window in
    /// about half of the rounds: with the log buffer's write at sync taken away, three rounds
    /// failed 3 runs in 4.
    @Test("every StartExecution answered before a kill -9 is there after the restart", arguments: StepdMode.allCases)
    func answeredStartsSurviveAKill(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", [
                "name": "hold", "definition": #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}"#,
            ])
            var answeredBefore: [String] = []
            for round in 1...5 {
                let answered = try await Self.burstUntilKilled(stepd, round: round)
                answeredBefore += answered
                try await stepd.launch()
                var missing: [String] = []
                for arn in answeredBefore where (try? await stepd.describeExecution(arn)) == nil {
                    missing.append(arn)
                }
                #expect(
                    missing.isEmpty,
                    "round \(round): \(missing.count) of \(answeredBefore.count) answered executions are gone: \(missing.prefix(5))")
            }
        }
    }

    /// Starts executions from four clients until at least 300 are answered, then kills stepd;
    /// returns the ARNs of every start that was answered.
    private static func burstUntilKilled(_ stepd: StepdProcess, round: Int) async throws -> [String] {
        let answered = Observed<[String]>([])
        let client = stepd.client
        let burst = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        for index in 0... {
                            let name = "burst-\(round)-\(worker)-\(index)"
                            guard let answer = try? await client.call(
                                "AWSStepFunctions.StartExecution", ["stateMachineArn": "hold", "name": .string(name)]),
                                let arn = answer["executionArn"]?.stringValue
                            else { return }
                            answered.update { $0.append(arn) }
                        }
                    }
                }
            }
        }
        let enough = await answered.wait(seconds: 30) { $0.count >= 300 }
        try await stepd.kill9()
        await burst.value
        #expect(enough, "round \(round): only \(answered.value.count) executions started within 30 s")
        return answered.value
    }
}
