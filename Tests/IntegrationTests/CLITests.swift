import Foundation
import JSON
import Testing

/// `stepctl` as a user runs it: exit codes and JSON on stdout.
@Suite("stepctl against the real stepd")
struct CLITests {
    @Test("start-execution --wait: exit 0 and SUCCEEDED; with a failing job non-zero and FAILED")
    func startAndWait() async throws {
        try await withStepd { stepd in
            try await stepd.applyExample()
            let succeeded = try await stepd.stepctl(["start-execution", "--state-machine", "main", "--input", "{}", "--wait"])
            #expect(succeeded.status == 0, "stderr: \(succeeded.stderr)")
            let succeededJSON = try #require(succeeded.json, "stdout: \(succeeded.stdout)")
            #expect(succeededJSON["status"] == "SUCCEEDED")
            #expect(succeededJSON["executionArn"]?.stringValue?.contains(":execution:main:") == true)

            try await stepd.putJob(["/bin/sh", "-c", "exit 3"])
            let failed = try await stepd.stepctl(["start-execution", "--state-machine", "main", "--input", "{}", "--wait"])
            #expect(failed.status != 0)
            let failedJSON = try #require(failed.json, "stdout: \(failed.stdout)")
            #expect(failedJSON["status"] == "FAILED")
            #expect(failedJSON["error"] == "FlowFailed")
        }
    }

    @Test("an API error exits 254 and prints it as the AWS CLI does")
    func apiErrorExit() async throws {
        try await withStepd { stepd in
            let result = try await stepd.stepctl(["describe-execution", "--execution-arn", "arn:aws:states:local:000000000000:execution:a:b"])
            #expect(result.status == 254)
            #expect(result.stderr.contains("ExecutionDoesNotExist"), "stderr: \(result.stderr)")
            #expect(result.stderr.contains("DescribeExecution"), "stderr: \(result.stderr)")
        }
    }

    @Test("no daemon at the socket: exit 255 with a message naming the socket")
    func noDaemon() async throws {
        try await withStepd { stepd in
            let result = try await stepd.stepctl(["describe-execution", "--socket", "/nonexistent", "--execution-arn", "x"])
            #expect(result.status == 255, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("/nonexistent"), "stderr: \(result.stderr)")
        }
    }

    @Test(
        "--socket before the verb (stepctl --socket PATH describe-execution ...)")
    func socketBeforeVerb() async throws {
        try await withStepd { stepd in
            let result = try await stepd.stepctl(["--socket", "/nonexistent", "describe-execution", "--execution-arn", "x"])
            #expect(result.status == 255, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("/nonexistent"), "stderr: \(result.stderr)")
        }
    }
}
