import Foundation
import JSON
import Testing

@Suite("RedriveExecution through the real stepd")
struct RedriveIntegrationTests {
    @Test("a failed task is run again by stepctl redrive-execution, across a restart, and the execution succeeds")
    func redriveAFailedTask() async throws {
        try await withStepd { stepd in
            try await stepd.createTable("Tokens")
            let definition: JSONValue = [
                "StartAt": "Park",
                "States": [
                    "Park": [
                        "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
                        "Parameters": ["TableName": "Tokens", "Item": ["Id": ["S": "job"], "Token": ["S.$": "$$.Task.Token"]]],
                        "End": true,
                    ],
                ],
            ]
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "park", "definition": .string(definition.serialized())])
            let arn = try await stepd.startExecution("park")
            _ = try await stepd.call("Stepd.WaitUntilIdle", [:])
            _ = try await stepd.call("AWSStepFunctions.SendTaskFailure", ["taskToken": .string(try await Self.token(stepd)), "error": "Job.Failed"])
            let failed = try await stepd.call("Stepd.WaitForExecution", ["executionArn": .string(arn)])
            #expect(failed["status"] == "FAILED")
            #expect(failed["redriveStatus"] == "REDRIVABLE")
            let firstToken = try await Self.token(stepd)

            let redriven = try await stepd.stepctl(["redrive-execution", "--execution-arn", arn, "--client-token", "t-1"])
            #expect(redriven.status == 0, "stderr: \(redriven.stderr)")
            #expect(redriven.json?["redriveDate"]?.numberValue != nil, "stdout: \(redriven.stdout)")
            _ = try await stepd.call("Stepd.WaitUntilIdle", [:])
            let secondToken = try await Self.token(stepd)
            #expect(secondToken != firstToken)

            _ = try await stepd.terminate()
            try await stepd.launch()
            _ = try await stepd.call("AWSStepFunctions.SendTaskSuccess", ["taskToken": .string(secondToken), "output": #"{"ok": true}"#])
            let ended = try await stepd.call("Stepd.WaitForExecution", ["executionArn": .string(arn)])
            #expect(ended["status"] == "SUCCEEDED")
            #expect(ended["redriveCount"] == 1)
            #expect(ended["redriveStatus"] == "NOT_REDRIVABLE")
            #expect(ended["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven")

            let again = try await stepd.callFailing("AWSStepFunctions.RedriveExecution", ["executionArn": .string(arn)])
            guard case .api(let refused) = again else { Issue.record("\(again)"); return }
            #expect(refused.type == "ExecutionNotRedrivable")
            #expect(refused.message == "Execution is SUCCEEDED and cannot be redriven")
        }
    }

    private static func token(_ stepd: StepdProcess) async throws -> String {
        let item = try await stepd.call("DynamoDB_20120810.GetItem", ["TableName": "Tokens", "Key": ["Id": ["S": "job"]]])
        return try #require(item["Item"]?["Token"]?["S"]?.stringValue, "no token stored: \(item.serialized())")
    }
}
