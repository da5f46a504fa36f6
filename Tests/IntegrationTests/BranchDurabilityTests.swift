import Foundation
import JSON
import Testing

@Suite("Parallel and Map states across kill -9, through the real stepd")
struct BranchDurabilityTests {
    /// Two branches park on task tokens and a third waits a second. One token is answered
    /// before the kill, the other after the restart: the Parallel state ends once, with the
    /// branches' outputs in branch order, and the answered branch is not run again.
    @Test("branches parked on tokens and a timer finish after a kill -9", arguments: StepdMode.allCases)
    func branchesSurviveAKill(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            try await stepd.createTable("Tokens")
            func park(_ id: String) -> JSONValue {
                [
                    "StartAt": .string("Park-\(id)"),
                    "States": [
                        "Park-\(id)": [
                            "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
                            "Parameters": ["TableName": "Tokens", "Item": ["Id": ["S": .string(id)], "Token": ["S.$": "$$.Task.Token"]]],
                            "End": true,
                        ],
                    ],
                ]
            }
            let definition: JSONValue = [
                "StartAt": "Fan",
                "States": [
                    "Fan": [
                        "Type": "Parallel", "Next": "After",
                        "Branches": [park("a"), park("b"), ["StartAt": "Pause", "States": ["Pause": ["Type": "Wait", "Seconds": 1, "End": true]]]],
                    ],
                    "After": ["Type": "Pass", "Parameters": ["results.$": "$"], "End": true],
                ],
            ]
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "fan", "definition": .string(definition.serialized())])
            let arn = try await stepd.startExecution("fan", input: #"{"job": 1}"#)
            _ = try await stepd.call("Stepd.WaitUntilIdle", [:])
            let tokenA = try await Self.token(stepd, id: "a")
            let tokenB = try await Self.token(stepd, id: "b")

            _ = try await stepd.call("AWSStepFunctions.SendTaskSuccess", ["taskToken": .string(tokenB), "output": #"{"branch": "b"}"#])
            _ = try await stepd.call("Stepd.WaitUntilIdle", [:])
            try await stepd.kill9()
            try await stepd.launch()

            #expect(try await stepd.describeExecution(arn)["status"] == "RUNNING")
            let again = try await stepd.callFailing("AWSStepFunctions.SendTaskSuccess", ["taskToken": .string(tokenB), "output": "{}"])
            guard case .api(let refused) = again else {
                Issue.record("expected an API error, got \(again)")
                return
            }
            #expect(refused.type == "TaskTimedOut")
            _ = try await stepd.call("AWSStepFunctions.SendTaskSuccess", ["taskToken": .string(tokenA), "output": #"{"branch": "a"}"#])
            let ended = try await stepd.waitForExecution(arn)
            #expect(ended["status"] == "SUCCEEDED")
            let output = try ended["output"]?.stringValue.map { try JSONValue(parsing: $0) }
            #expect(output == ["results": [["branch": "a"], ["branch": "b"], ["job": 1]]])

            let history = try await stepd.call("AWSStepFunctions.GetExecutionHistory", ["executionArn": .string(arn), "maxResults": 1000])
            let events = history["events"]?.arrayValue ?? []
            let types = events.compactMap { $0["type"]?.stringValue }
            #expect(types.filter { $0 == "ParallelStateStarted" }.count == 1)
            #expect(types.filter { $0 == "TaskSubmitted" }.count == 2)
            #expect(types.filter { $0 == "WaitStateExited" }.count == 1)
            #expect(types.suffix(5) == ["ParallelStateSucceeded", "ParallelStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"])
            #expect(events.enumerated().allSatisfy { index, event in event["id"]?.intValue == index + 1 })
        }
    }

    /// A Map of five items, two at a time, each parked on a token: answered one by one with a
    /// kill -9 after every answer. Every item runs once, the result keeps the items' order.
    @Test("a Map's iterations, two at a time, go on after a kill -9 at each answer", arguments: StepdMode.allCases)
    func mapIterationsSurviveKills(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            try await stepd.createTable("Tokens")
            let definition: JSONValue = [
                "StartAt": "Each",
                "States": [
                    "Each": [
                        "Type": "Map", "ItemsPath": "$.ids", "MaxConcurrency": 2, "End": true,
                        "ItemSelector": ["id.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"],
                        "ItemProcessor": [
                            "StartAt": "Park",
                            "States": [
                                "Park": [
                                    "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
                                    "Parameters": ["TableName": "Tokens", "Item": ["Id": ["S.$": "$.id"], "Token": ["S.$": "$$.Task.Token"]]],
                                    "End": true,
                                ],
                            ],
                        ],
                    ],
                ],
            ]
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "each", "definition": .string(definition.serialized())])
            let ids = ["a", "b", "c", "d", "e"]
            let arn = try await stepd.startExecution("each", input: #"{"ids": ["a", "b", "c", "d", "e"]}"#)
            for id in ids {
                _ = try await stepd.call("Stepd.WaitUntilIdle", [:])
                let token = try await Self.token(stepd, id: id)
                _ = try await stepd.call("AWSStepFunctions.SendTaskSuccess", ["taskToken": .string(token), "output": .string("\"\(id)\"")])
                if id != ids.last {
                    _ = try await stepd.call("Stepd.WaitUntilIdle", [:])
                    try await stepd.kill9()
                    try await stepd.launch()
                }
            }
            let ended = try await stepd.waitForExecution(arn)
            #expect(ended["status"] == "SUCCEEDED")
            let output = try ended["output"]?.stringValue.map { try JSONValue(parsing: $0) }
            #expect(output == ["a", "b", "c", "d", "e"])
            let history = try await stepd.call("AWSStepFunctions.GetExecutionHistory", ["executionArn": .string(arn), "maxResults": 1000])
            let types = (history["events"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue }
            #expect(types.filter { $0 == "MapIterationStarted" }.count == 5)
            #expect(types.filter { $0 == "TaskSubmitted" }.count == 5)
            #expect(types.filter { $0 == "MapIterationSucceeded" }.count == 5)
        }
    }

    private static func token(_ stepd: StepdProcess, id: String) async throws -> String {
        let item = try await stepd.call("DynamoDB_20120810.GetItem", ["TableName": "Tokens", "Key": ["Id": ["S": .string(id)]]])
        return try #require(item["Item"]?["Token"]?["S"]?.stringValue, "no token stored under \(id): \(item.serialized())")
    }
}
