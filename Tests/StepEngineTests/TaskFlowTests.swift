import Foundation
import GRDB
import JSON
import StatesLanguage
import StepEngine
import TestSupport
import Testing

/// Task states over the local service integrations: data flow, errors, Retry/Catch.
@Suite struct TaskFlowTests {
    /// InputPath → Parameters → (task) → ResultSelector → ResultPath → OutputPath, as in AWS's
    /// "Input and output processing" example, over dynamodb:putItem and getItem.
    @Test func dataFlowOverDynamoDBPutAndGet() async throws {
        let test = try TestEngine()
        try await test.createTable("Items")
        let definition: JSONValue = [
            "StartAt": "Put",
            "States": [
                "Put": [
                    "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                    "InputPath": "$.item",
                    "Parameters": ["TableName": "Items", "Item": ["Id": ["S.$": "$.id"], "Value": ["S.$": "$.value"]]],
                    "ResultPath": "$.putResult",
                    "Next": "Get",
                ],
                "Get": [
                    "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
                    "InputPath": "$.item",
                    "Parameters": ["TableName": "Items", "Key": ["Id": ["S.$": "$.id"]]],
                    "ResultSelector": ["value.$": "$.Item.Value.S", "id.$": "$.Item.Id.S"],
                    "ResultPath": "$.got",
                    "OutputPath": "$.got",
                    "End": true,
                ],
            ],
        ]
        try await test.machine("put-get", definition.text)
        let input: JSONValue = ["item": ["id": "k1", "value": "hello"], "other": 7]
        let execution = try await test.run("put-get", input: input)
        #expect(execution.status == "SUCCEEDED", "\(execution.description)")
        #expect(execution.output == ["value": "hello", "id": "k1"])
        #expect(try await test.itemString("Items", id: "k1", attribute: "Value") == "hello")

        let events = try await test.history(execution.arn)
        #expect(events.types == [
            "ExecutionStarted",
            "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
            "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
            "ExecutionSucceeded",
        ])
        let scheduled = events.events("TaskScheduled")
        #expect(scheduled.first?["taskScheduledEventDetails"]?["resourceType"] == "dynamodb")
        #expect(scheduled.first?["taskScheduledEventDetails"]?["resource"] == "putItem")
        #expect(parsed(scheduled.first?["taskScheduledEventDetails"]?["parameters"])
            == ["TableName": "Items", "Item": ["Id": ["S": "k1"], "Value": ["S": "hello"]]])
        #expect(scheduled.last?["taskScheduledEventDetails"]?["resourceType"] == "aws-sdk:dynamodb")
        // ResultPath places the result into the raw state input (before InputPath).
        let putExited = events.events("TaskStateExited").first?["stateExitedEventDetails"]
        #expect(parsed(putExited?["output"]) == ["item": ["id": "k1", "value": "hello"], "other": 7, "putResult": [:]])
        // The task's own result (before ResultSelector) is in TaskSucceeded.
        let getResult = parsed(events.events("TaskSucceeded").last?["taskSucceededEventDetails"]?["output"])
        #expect(getResult == ["Item": ["Id": ["S": "k1"], "Value": ["S": "hello"]]])
    }

    @Test func resultPathNullKeepsTheInput() async throws {
        let test = try TestEngine()
        try await test.createTable("Items")
        let definition: JSONValue = [
            "StartAt": "Put",
            "States": [
                "Put": [
                    "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                    "Parameters": ["TableName": "Items", "Item": ["Id": ["S.$": "$.id"]]],
                    "ResultPath": .null, "End": true,
                ],
            ],
        ]
        try await test.machine("put-null", definition.text)
        let execution = try await test.run("put-null", input: ["id": "x"])
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == ["id": "x"])
    }

    @Test(arguments: [
        "arn:aws:lambda:us-east-1:123456789012:function:hello",
        "arn:aws:states:::foo:bar",
        "arn:aws:states:::dynamodb:scan",
        "arn:aws:states:::dynamodb:putItem.sync",
        "arn:aws:states:::aws-sdk:sfn:startExecution.sync",
        "arn:aws:states:::aws-sdk:s3:getObject",
    ])
    func unknownResourcesStoredBeforeTheCheckFailWithRuntimeErrorNamingTheResource(resource: String) async throws {
        let test = try TestEngine()
        // States.Runtime is not caught by States.ALL (AWS "Error names").
        func definition(_ resource: String) -> String {
            let definition: JSONValue = [
                "StartAt": "Call",
                "States": [
                    "Call": [
                        "Type": "Task", "Resource": .string(resource),
                        "Retry": [["ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3]],
                        "Catch": [["ErrorEquals": ["States.ALL"], "Next": "Caught"]], "End": true,
                    ],
                    "Caught": ["Type": "Succeed"],
                ],
            ]
            return definition.text
        }
        // CreateStateMachine refuses such a definition now; one stored by an older stepd
        // still fails at run time.
        try await test.machine("unknown", definition("arn:aws:states:::dynamodb:getItem"))
        let stored = definition(resource)
        try await test.database.write { db in
            try db.execute(sql: "UPDATE stateMachineVersion SET definition = ? WHERE stateMachineName = 'unknown'", arguments: [stored])
        }
        let execution = try await test.run("unknown")
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.Runtime")
        #expect(execution.cause?.contains(resource) == true, "\(execution.cause ?? "")")
        let events = try await test.history(execution.arn)
        #expect(!events.enteredStates.contains("Caught"))
        #expect(events.events("TaskScheduled").count <= 1)
        #expect(events.last?["type"] == "ExecutionFailed")
    }

    static func retrying(maxAttempts: Int) -> JSONValue {
        [
            "StartAt": "Get",
            "States": [
                "Get": [
                    "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                    "Parameters": ["TableName": "Missing", "Key": ["Id": ["S": "x"]]],
                    "Retry": [
                        ["ErrorEquals": ["States.Timeout"], "MaxAttempts": 5],
                        ["ErrorEquals": ["DynamoDB.ResourceNotFoundException"], "IntervalSeconds": 1,
                         "MaxAttempts": .number(Double(maxAttempts)), "BackoffRate": 1],
                    ],
                    "Catch": [["ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handled"]],
                    "Next": "NotHere",
                ],
                "NotHere": ["Type": "Fail", "Error": "Unexpected"],
                "Handled": ["Type": "Pass", "End": true],
            ],
        ]
    }

    /// MaxAttempts retries after the first attempt, then the Catch with ResultPath `$.error`
    /// hands {"Error", "Cause"} to the next state inside the original input.
    @Test(arguments: [0, 2])
    func retryThenCatch(maxAttempts: Int) async throws {
        let test = try TestEngine(clock: ManualClock())
        try await test.machine("retry", Self.retrying(maxAttempts: maxAttempts).text)
        let arn = try await test.start("retry", input: ["a": 1])
        // One IntervalSeconds (1 s, BackoffRate 1) before each retry.
        for _ in 0..<maxAttempts { try await test.advance(by: 1) }
        let execution = try await test.finish(arn)
        #expect(execution.status == "SUCCEEDED", "\(execution.description)")
        let output = try #require(execution.output)
        #expect(output["a"] == 1)
        #expect(output["error"]?["Error"] == "DynamoDB.ResourceNotFoundException")
        #expect(output["error"]?["Cause"]?.stringValue?.contains("Missing") == true)
        #expect(output["error"]?.objectValue?.keys.sorted() == ["Cause", "Error"])
        #expect((execution.duration ?? -1) >= Double(maxAttempts) - 0.01)

        let events = try await test.history(execution.arn)
        #expect(events.events("TaskScheduled").count == maxAttempts + 1)
        #expect(events.events("TaskFailed").count == maxAttempts + 1)
        #expect(events.events("TaskStateEntered").count == 1)
        #expect(events.enteredStates == ["Get", "Handled"])
        let failed = events.events("TaskFailed").first?["taskFailedEventDetails"]
        #expect(failed?["error"] == "DynamoDB.ResourceNotFoundException")
        #expect(failed?["resourceType"] == "dynamodb")
        #expect(failed?["resource"] == "getItem")
    }

    /// Each retry waits IntervalSeconds × BackoffRate^(retries before it): 1, 2 and 4 s here,
    /// and not a moment less.
    @Test func retryIntervalsGrowByTheBackoffRate() async throws {
        let test = try TestEngine(clock: ManualClock())
        let definition: JSONValue = [
            "StartAt": "Get",
            "States": [
                "Get": [
                    "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                    "Parameters": ["TableName": "Missing", "Key": ["Id": ["S": "x"]]],
                    "Retry": [["ErrorEquals": ["DynamoDB.ResourceNotFoundException"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2]],
                    "End": true,
                ],
            ],
        ]
        try await test.machine("backoff", definition.text)
        let arn = try await test.start("backoff")
        // (seconds to move the clock on, attempts made by then)
        for (seconds, attempts) in [(0.0, 1), (0.9, 1), (0.1, 2), (1.9, 2), (0.1, 3), (3.9, 3), (0.1, 4)] {
            try await test.advance(by: seconds)
            #expect(try await test.history(arn).events("TaskScheduled").count == attempts, "after \(seconds) s more")
        }
        let execution = try await test.finish(arn)
        #expect(execution.status == "FAILED")
        #expect(execution.error == "DynamoDB.ResourceNotFoundException")
        let started = execution.description.startDate
        let attempts = try await test.history(arn).events("TaskScheduled").compactMap { $0["timestamp"]?.numberValue }
        #expect(attempts.map { $0 - started } == [0, 1, 3, 7])
    }

    @Test func uncaughtTaskErrorFailsTheExecution() async throws {
        let test = try TestEngine()
        let definition: JSONValue = [
            "StartAt": "Get",
            "States": [
                "Get": [
                    "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                    "Parameters": ["TableName": "Missing", "Key": ["Id": ["S": "x"]]],
                    "Catch": [["ErrorEquals": ["States.Timeout"], "Next": "Never"]],
                    "End": true,
                ],
                "Never": ["Type": "Succeed"],
            ],
        ]
        try await test.machine("uncaught", definition.text)
        let execution = try await test.run("uncaught")
        #expect(execution.status == "FAILED")
        #expect(execution.error == "DynamoDB.ResourceNotFoundException")
        #expect(execution.cause?.contains("Missing") == true)
    }

    /// AWS fails such an execution with States.Runtime ("The JSONPath '$.absent' specified for
    /// the field 'S.$' could not be found in the input ..."), which States.ALL does not catch.
    @Test func missingParameterPathIsAnUncatchableRuntimeError() async throws {
        let test = try TestEngine()
        try await test.createTable("Items")
        let definition: JSONValue = [
            "StartAt": "Put",
            "States": [
                "Put": [
                    "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                    "Parameters": ["TableName": "Items", "Item": ["Id": ["S.$": "$.absent"]]],
                    "Catch": [["ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"]],
                    "End": true,
                ],
                "Caught": ["Type": "Pass", "End": true],
            ],
        ]
        try await test.machine("param-fail", definition.text)
        let execution = try await test.run("param-fail", input: ["present": 1])
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.Runtime")
        #expect(execution.cause?.contains("$.absent") == true)
        #expect(try await test.history(execution.arn).enteredStates == ["Put"])
    }
}
