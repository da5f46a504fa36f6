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

    @Test("validate FILE, with no daemon: exit 0 and OK; a diagnostic per problem with its location and exit 1")
    func validateOffline() async throws {
        try await withStepd { stepd in
            _ = try await stepd.terminate()
            let valid = stepd.root + "/valid.asl.json", invalid = stepd.root + "/invalid.asl.json"
            try DefinitionValidationTests.parallelCalling("arn:aws:states:::dynamodb:getItem").write(toFile: valid, atomically: true, encoding: .utf8)
            let twoProblems: JSONValue = [
                "StartAt": "A",
                "States": ["A": ["Type": "Pass", "Bogus": 1, "Next": "B"], "B": ["Type": "Wait", "Seconds": -1, "End": true]],
            ]
            try twoProblems.serialized().write(toFile: invalid, atomically: true, encoding: .utf8)

            let accepted = try await stepd.stepctl(["validate", valid])
            #expect(accepted.status == 0, "stderr: \(accepted.stderr)")
            #expect(accepted.json == ["result": "OK", "diagnostics": [], "truncated": false], "stdout: \(accepted.stdout)")

            let refused = try await stepd.stepctl(["validate", invalid])
            #expect(refused.status == 1, "stderr: \(refused.stderr)")
            let json = try #require(refused.json, "stdout: \(refused.stdout)")
            #expect(json["result"] == "FAIL")
            let diagnostics = json["diagnostics"]?.arrayValue ?? []
            #expect(diagnostics.compactMap { $0["location"]?.stringValue } == ["/States/A/Bogus", "/States/B/Seconds"], "stdout: \(refused.stdout)")

            let lambda: JSONValue = [
                "StartAt": "A", "States": ["A": ["Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:hello", "End": true]],
            ]
            try lambda.serialized().write(toFile: invalid, atomically: true, encoding: .utf8)
            let resource = try await stepd.stepctl(["validate", invalid])
            #expect(resource.status == 1, "stderr: \(resource.stderr)")
            let resourceDiagnostics = resource.json?["diagnostics"]?.arrayValue ?? []
            #expect(resourceDiagnostics.compactMap { $0["location"]?.stringValue } == ["/States/A/Resource"], "stdout: \(resource.stdout)")
            #expect(resourceDiagnostics.first?["code"] == "SCHEMA_VALIDATION_FAILED")

            let missing = try await stepd.stepctl(["validate", stepd.root + "/nope.asl.json"])
            #expect(missing.status != 0 && missing.status != 1, "status \(missing.status)")
            #expect(missing.stderr.contains("nope.asl.json"), "stderr: \(missing.stderr)")
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
