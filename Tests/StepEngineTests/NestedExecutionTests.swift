import Foundation
import JSON
import StepEngine
import TestSupport
import Testing

/// `states:startExecution.sync` and `.sync:2`: the parent's task waits for the child's end and
/// gets it as DescribeExecution shows it; a child that fails fails the task with
/// `States.TaskFailed`; a parent that stops, times out or leaves the state stops the child.
/// AWS: connect-stepfunctions.html.
@Suite struct NestedExecutionTests {
    static let childArn = "arn:aws:states:local:000000000000:stateMachine:child"

    static func parent(_ resource: String, input: JSONValue = ["from.$": "$.value"], extra: [String: JSONValue] = [:]) -> JSONValue {
        var task: [String: JSONValue] = [
            "Type": "Task", "Resource": .string(resource), "End": true,
            "Parameters": ["StateMachineArn": .string(childArn), "Input": input],
        ]
        for (field, value) in extra { task[field] = value }
        return ["StartAt": "Call", "States": ["Call": .object(task)]]
    }

    static func engine(child: JSONValue, parent: JSONValue, clock: any EngineClock = SystemClock()) async throws -> TestEngine {
        let test = try TestEngine(clock: clock)
        try await test.createTable("Tokens")
        try await test.machine("child", child.text)
        try await test.machine("parent", parent.text)
        return test
    }

    static let doubling: JSONValue = [
        "StartAt": "Double", "States": ["Double": ["Type": "Pass", "Parameters": ["doubled.$": "States.MathAdd($.from, $.from)"], "End": true]],
    ]

    /// A child that parks on a token stored under `child` in `Tokens`.
    static let parking: JSONValue = [
        "StartAt": "Park",
        "States": [
            "Park": [
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
                "Parameters": ["TableName": "Tokens", "Item": ["Id": ["S": "child"], "Token": ["S.$": "$$.Task.Token"]]],
                "End": true,
            ],
        ],
    ]

    @Test func syncGivesTheChildWithItsInputAndOutputAsText() async throws {
        let test = try await Self.engine(child: Self.doubling, parent: Self.parent("arn:aws:states:::states:startExecution.sync"))
        let execution = try await test.run("parent", input: ["value": 21])
        #expect(execution.status == "SUCCEEDED")
        let output = try #require(execution.output)
        #expect(output["Status"] == "SUCCEEDED")
        #expect(output["Input"] == #"{"from":21}"#)
        #expect(output["Output"] == #"{"doubled":42}"#)
        #expect(output["StateMachineArn"] == .string(Self.childArn))
        #expect(output["InputDetails"] == ["Included": true])
        #expect(output["StartDate"]?.numberValue != nil && output["StopDate"]?.numberValue != nil)
        let child = try #require(output["ExecutionArn"]?.stringValue)
        #expect(try await test.engine.describeExecution(arn: child).status.rawValue == "SUCCEEDED")
        let types = try await test.history(execution.arn).types
        #expect(types == [
            "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited",
            "ExecutionSucceeded",
        ])
    }

    @Test func sync2GivesTheChildsInputAndOutputAsJSON() async throws {
        let test = try await Self.engine(child: Self.doubling, parent: Self.parent("arn:aws:states:::states:startExecution.sync:2"))
        let execution = try await test.run("parent", input: ["value": 2])
        #expect(execution.output?["Input"] == ["from": 2])
        #expect(execution.output?["Output"] == ["doubled": 4])
    }

    @Test func aChildThatFailsFailsTheTaskWithStatesTaskFailed() async throws {
        let failing: JSONValue = ["StartAt": "No", "States": ["No": ["Type": "Fail", "Error": "Child.Broke", "Cause": "inside"]]]
        let template = Self.parent(
            "arn:aws:states:::states:startExecution.sync",
            extra: ["Catch": [["ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.failure", "Next": "Caught"]]])
        var states = template["States"]?.objectValue ?? [:]
        var call = states["Call"]?.objectValue ?? [:]
        call["End"] = nil
        call["Next"] = "Caught"
        states["Call"] = .object(call)
        states["Caught"] = ["Type": "Pass", "OutputPath": "$.failure", "End": true]
        let definition: JSONValue = ["StartAt": "Call", "States": .object(states)]
        let test = try await Self.engine(child: failing, parent: definition)
        let execution = try await test.run("parent", input: ["value": 1])
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output?["Error"] == "States.TaskFailed")
        let cause = try #require(parsed(execution.output?["Cause"]))
        #expect(cause["Status"] == "FAILED")
        #expect(cause["Error"] == "Child.Broke")
        #expect(cause["Cause"] == "inside")
        #expect(cause["Output"] == nil)
    }

    @Test func stoppingTheParentStopsTheChild() async throws {
        let test = try await Self.engine(child: Self.parking, parent: Self.parent("arn:aws:states:::states:startExecution.sync"))
        let arn = try await test.start("parent", input: ["value": 1])
        await test.engine.waitUntilIdle()
        let child = try #require(try await test.engine.listExecutions(stateMachine: "child", statusFilter: nil, maxResults: 10, nextToken: nil).items.first)
        _ = try await test.engine.stopExecution(arn: arn, error: "Stop", cause: "test")
        #expect(try await test.finish(arn).status == "ABORTED")
        #expect(try await test.engine.describeExecution(arn: child.arn).status.rawValue == "ABORTED")
    }

    @Test func aTaskTimeoutStopsTheChild() async throws {
        let clock = ManualClock()
        let test = try await Self.engine(
            child: Self.parking, parent: Self.parent("arn:aws:states:::states:startExecution.sync:2", extra: ["TimeoutSeconds": 5]),
            clock: clock)
        let arn = try await test.start("parent", input: ["value": 1])
        try await test.advance(by: 5)
        let execution = try await test.finish(arn)
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.Timeout")
        let child = try #require(try await test.engine.listExecutions(stateMachine: "child", statusFilter: nil, maxResults: 10, nextToken: nil).items.first)
        #expect(try await test.engine.describeExecution(arn: child.arn).status.rawValue == "ABORTED")
    }

    @Test func aChildWaitingOnATokenAnswersWhenItEnds() async throws {
        let test = try await Self.engine(child: Self.parking, parent: Self.parent("arn:aws:states:::states:startExecution.sync:2"))
        let arn = try await test.start("parent", input: ["value": 1])
        await test.engine.waitUntilIdle()
        let token = try #require(try await test.itemString("Tokens", id: "child", attribute: "Token"))
        try await test.engine.sendTask(token: token, answer: .success(output: #"{"done": true}"#))
        let execution = try await test.finish(arn)
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output?["Output"] == ["done": true])
    }

    /// A machine that starts itself, 60 deep: stopping the first stops every one, however long
    /// the chain (the stop walks it without recursing).
    @Test func stoppingTheRootOfAChainStopsEveryChild() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        let selfArn = "arn:aws:states:local:000000000000:stateMachine:chain"
        let chain: JSONValue = [
            "StartAt": "Deeper",
            "States": [
                "Deeper": ["Type": "Choice", "Choices": [["Variable": "$.depth", "NumericLessThan": 60, "Next": "Call"]], "Default": "Park"],
                "Call": [
                    "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "End": true,
                    "Parameters": ["StateMachineArn": .string(selfArn), "Input": ["depth.$": "States.MathAdd($.depth, 1)"]],
                ],
                "Park": Self.parking["States"]?["Park"] ?? .null,
            ],
        ]
        try await test.machine("chain", chain.text)
        let root = try await test.start("chain", input: ["depth": 0])
        await test.engine.waitUntilIdle()
        let running = try await test.engine.listExecutions(stateMachine: "chain", statusFilter: "RUNNING", maxResults: 1000, nextToken: nil).items
        #expect(running.count == 61)
        _ = try await test.engine.stopExecution(arn: root, error: nil, cause: nil)
        await test.engine.waitUntilIdle()
        let aborted = try await test.engine.listExecutions(stateMachine: "chain", statusFilter: "ABORTED", maxResults: 1000, nextToken: nil).items
        #expect(aborted.count == 61)
    }
}
