import Foundation
import JSON
import Testing

@Suite("stepd --trace-commits")
struct CommitTraceTests {
    @Test("each commit is one JSON line: it began at the time its history events carry, then committed, then was durable")
    func commitsAreTraced() async throws {
        let tracePath = FileManager.default.temporaryDirectory.appendingPathComponent("stepd-trace-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: tracePath) }
        try await withStepd(extraArguments: ["--trace-commits", tracePath]) { stepd in
            _ = try await stepd.call(
                "AWSStepFunctions.CreateStateMachine",
                ["name": "one-pass", "definition": #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#])
            let arn = try await stepd.startExecution("one-pass")
            let history = try await stepd.call("AWSStepFunctions.GetExecutionHistory", ["executionArn": .string(arn)])
            let started = try #require(history["events"]?.arrayValue?.first?["timestamp"]?.numberValue)

            let lines = try String(contentsOfFile: tracePath, encoding: .utf8).split(separator: "\n")
            let commits = try lines.map { try JSONValue(parsing: String($0)) }
            #expect(commits.count >= 2, "CreateStateMachine and StartExecution commit: \(lines)")
            let start = try #require(commits.first { abs(($0["began"]?.numberValue ?? 0) - started) < 0.000_001 }, "\(lines)")
            let committing = try #require(start["committing"]?.numberValue)
            let durable = try #require(start["durable"]?.numberValue)
            #expect(committing >= started)
            #expect(durable >= committing)
            #expect(start["writes"] == 1)
        }
    }
}
