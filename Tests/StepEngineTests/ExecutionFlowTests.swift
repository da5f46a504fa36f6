import Foundation
import JSON
import StatesLanguage
import StepEngine
import TestSupport
import Testing

/// Executions compared with what the AWS Step Functions docs say about states, data flow and
/// GetExecutionHistory.
@Suite struct ExecutionFlowTests {
    static let passChain: JSONValue = [
        "StartAt": "First",
        "States": [
            "First": ["Type": "Pass", "Result": ["x": 1], "ResultPath": "$.first", "Next": "Second"],
            "Second": [
                "Type": "Pass", "Parameters": ["copy.$": "$.first.x", "n.$": "$.n", "fixed": "yes"],
                "ResultPath": "$.second", "OutputPath": "$.second", "End": true,
            ],
        ],
    ]

    @Test func passChainOutput() async throws {
        let test = try TestEngine()
        try await test.machine("pass-chain", Self.passChain.text)
        let execution = try await test.run("pass-chain", input: ["n": 41])
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == ["copy": 1, "n": 41, "fixed": "yes"])
        #expect(execution.description.stateMachineName == "pass-chain")
        #expect(parsed(execution.description.input) == ["n": 41])
        #expect((execution.duration ?? -1) >= 0)
    }

    /// GetExecutionHistory: ids from 1, previousEventId chaining from 0, AWS's details members.
    @Test func passChainHistory() async throws {
        let test = try TestEngine()
        try await test.machine("pass-chain", Self.passChain.text)
        let execution = try await test.run("pass-chain", input: ["n": 41])
        let events = try await test.history(execution.arn)
        #expect(events.types == [
            "ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
        ])
        for (index, event) in events.enumerated() {
            #expect(event["id"]?.intValue == index + 1)
            #expect(event["previousEventId"]?.intValue == index)
            #expect(event["timestamp"]?.numberValue != nil)
        }
        let started = try #require(events.first?["executionStartedEventDetails"])
        #expect(parsed(started["input"]) == ["n": 41])
        #expect(started["inputDetails"]?["truncated"] == false)
        #expect(started["roleArn"]?.stringValue?.hasPrefix("arn:aws:iam::") == true)

        let entered = events[1]["stateEnteredEventDetails"]
        #expect(entered?["name"] == "First")
        #expect(parsed(entered?["input"]) == ["n": 41])
        #expect(entered?["inputDetails"]?["truncated"] == false)
        let exited = events[2]["stateExitedEventDetails"]
        #expect(exited?["name"] == "First")
        #expect(parsed(exited?["output"]) == ["n": 41, "first": ["x": 1]])
        #expect(exited?["outputDetails"]?["truncated"] == false)
        #expect(parsed(events[3]["stateEnteredEventDetails"]?["input"]) == ["n": 41, "first": ["x": 1]])
        #expect(parsed(events[4]["stateExitedEventDetails"]?["output"]) == ["copy": 1, "n": 41, "fixed": "yes"])
        let succeeded = events[5]["executionSucceededEventDetails"]
        #expect(parsed(succeeded?["output"]) == ["copy": 1, "n": 41, "fixed": "yes"])
        #expect(succeeded?["outputDetails"]?["truncated"] == false)
    }

    @Test func historyPagesInReverseOrder() async throws {
        let test = try TestEngine()
        try await test.machine("pass-chain", Self.passChain.text)
        let execution = try await test.run("pass-chain", input: ["n": 1])
        var ids: [Int] = []
        var token: String?
        repeat {
            let page = try await test.engine.getExecutionHistory(arn: execution.arn, maxResults: 4, reverseOrder: true, nextToken: token)
            #expect(page.items.count <= 4)
            ids += page.items.map { Int($0.id) }
            token = page.nextToken
        } while token != nil
        #expect(ids == [6, 5, 4, 3, 2, 1])
        let error = await engineError {
            _ = try await test.engine.getExecutionHistory(
                arn: LocalARN.execution(stateMachine: "pass-chain", name: "nope"), maxResults: nil, reverseOrder: false,
                nextToken: nil)
        }
        #expect(error as? ExecutionError == .doesNotExist(arn: LocalARN.execution(stateMachine: "pass-chain", name: "nope")))
    }

    static let choice: JSONValue = [
        "StartAt": "Decide",
        "States": [
            "Decide": [
                "Type": "Choice",
                "Choices": [
                    ["Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"],
                    ["Variable": "$.kind", "StringEquals": "tiny", "Next": "Tiny"],
                ],
                "Default": "Small",
            ],
            "Big": ["Type": "Pass", "Result": "big", "End": true],
            "Tiny": ["Type": "Pass", "Result": "tiny", "End": true],
            "Small": ["Type": "Pass", "Result": "small", "End": true],
        ],
    ]

    @Test(arguments: [
        (["n": 11], "big", "Big"),
        (["n": 3, "kind": "tiny"], "tiny", "Tiny"),
        (["n": 3, "kind": "big"], "small", "Small"),
        (["n": 10, "kind": "huge"], "small", "Small"),
    ] as [(JSONValue, JSONValue, String)])
    func choiceTakesTheFirstMatchingRuleOrDefault(input: JSONValue, output: JSONValue, next: String) async throws {
        let test = try TestEngine()
        try await test.machine("choice", Self.choice.text)
        let execution = try await test.run("choice", input: input)
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == output)
        let events = try await test.history(execution.arn)
        #expect(events.enteredStates == ["Decide", next])
        #expect(events.types.prefix(3) == ["ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited"])
        // The Choice state passes its input through unchanged.
        #expect(parsed(events[2]["stateExitedEventDetails"]?["output"]) == input)
    }

    @Test func choiceWithoutMatchOrDefaultFailsWithNoChoiceMatched() async throws {
        let test = try TestEngine()
        let definition: JSONValue = [
            "StartAt": "Decide",
            "States": [
                "Decide": ["Type": "Choice", "Choices": [["Variable": "$.n", "NumericEquals": 1, "Next": "One"]]],
                "One": ["Type": "Succeed"],
            ],
        ]
        try await test.machine("no-default", definition.text)
        let execution = try await test.run("no-default", input: ["n": 2])
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.NoChoiceMatched")
        let events = try await test.history(execution.arn)
        #expect(events.types == ["ExecutionStarted", "ChoiceStateEntered", "ExecutionFailed"])
        #expect(events.last?["executionFailedEventDetails"]?["error"] == "States.NoChoiceMatched")
    }

    /// A rule whose Variable is not in the input is a runtime error on AWS (hence IsPresent).
    @Test func choiceOnAMissingVariableFailsWithRuntimeError() async throws {
        let test = try TestEngine()
        try await test.machine("choice", Self.choice.text)
        let execution = try await test.run("choice", input: ["n": 3])
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.Runtime")
        #expect(execution.cause?.contains("$.kind") == true, "\(execution.cause ?? "")")
    }

    @Test func failStateEndsTheExecutionWithItsErrorAndCause() async throws {
        let test = try TestEngine()
        let definition: JSONValue = [
            "StartAt": "Start",
            "States": [
                "Start": ["Type": "Pass", "Next": "Boom"],
                "Boom": ["Type": "Fail", "Error": "Custom.Error", "Cause": "it went wrong"],
            ],
        ]
        try await test.machine("fails", definition.text)
        let execution = try await test.run("fails", input: ["a": 1])
        #expect(execution.status == "FAILED")
        #expect(execution.error == "Custom.Error")
        #expect(execution.cause == "it went wrong")
        #expect(execution.output == nil)
        let events = try await test.history(execution.arn)
        #expect(events.types == ["ExecutionStarted", "PassStateEntered", "PassStateExited", "FailStateEntered", "ExecutionFailed"])
        let failed = events.last?["executionFailedEventDetails"]
        #expect(failed?["error"] == "Custom.Error")
        #expect(failed?["cause"] == "it went wrong")
    }

    @Test func failStateWithErrorPathAndCausePath() async throws {
        let test = try TestEngine()
        let definition: JSONValue = [
            "StartAt": "Boom",
            "States": ["Boom": ["Type": "Fail", "ErrorPath": "$.e", "CausePath": "$.c"]],
        ]
        try await test.machine("fails-path", definition.text)
        let execution = try await test.run("fails-path", input: ["e": "From.Input", "c": "input said so"])
        #expect(execution.status == "FAILED")
        #expect(execution.error == "From.Input")
        #expect(execution.cause == "input said so")
    }

    @Test(arguments: [0, 1])
    func waitSeconds(seconds: Int) async throws {
        let test = try TestEngine(clock: ManualClock())
        let definition: JSONValue = [
            "StartAt": "Pause",
            "States": [
                "Pause": ["Type": "Wait", "Seconds": .number(Double(seconds)), "Next": "Done"],
                "Done": ["Type": "Succeed"],
            ],
        ]
        try await test.machine("wait", definition.text)
        let arn = try await test.start("wait", input: ["keep": true])
        try await test.advance(by: Double(seconds))
        let execution = try await test.finish(arn)
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == ["keep": true])
        #expect((execution.duration ?? -1) >= Double(seconds) - 0.01)
        let events = try await test.history(execution.arn)
        #expect(events.types == [
            "ExecutionStarted", "WaitStateEntered", "WaitStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
        ])
    }

    @Test func waitSecondsPathFromTheInput() async throws {
        let test = try TestEngine(clock: ManualClock())
        let definition: JSONValue = [
            "StartAt": "Pause",
            "States": ["Pause": ["Type": "Wait", "SecondsPath": "$.delay", "End": true]],
        ]
        try await test.machine("wait-path", definition.text)
        let arn = try await test.start("wait-path", input: ["delay": 1])
        try await test.advance(by: 1)
        let execution = try await test.finish(arn)
        #expect(execution.status == "SUCCEEDED")
        #expect((execution.duration ?? -1) >= 0.99)
    }

    /// A Wait until a Timestamp ends when the clock reaches it, not before.
    @Test func waitTimestampEndsWhenTheClockReachesIt() async throws {
        let clock = ManualClock()
        let test = try TestEngine(clock: clock)
        let until = clock.now().addingTimeInterval(5).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
        let definition: JSONValue = [
            "StartAt": "Pause",
            "States": ["Pause": ["Type": "Wait", "Timestamp": .string(until), "End": true]],
        ]
        try await test.machine("wait-until", definition.text)
        let arn = try await test.start("wait-until", input: ["keep": true])
        try await test.advance(by: 4.9)
        #expect(try await test.engine.describeExecution(arn: arn).status.rawValue == "RUNNING")
        try await test.advance(by: 0.1)
        let execution = try await test.finish(arn)
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == ["keep": true])
        #expect(execution.duration == 5)
    }

    @Test func stateOutputOverThePayloadLimitFailsWithDataLimitExceeded() async throws {
        let test = try TestEngine()
        let definition: JSONValue = [
            "StartAt": "Grow",
            "States": [
                "Grow": ["Type": "Pass", "Parameters": ["a.$": "$.s", "b.$": "$.s"], "End": true],
            ],
        ]
        try await test.machine("grow", definition.text)
        let execution = try await test.run("grow", input: ["s": .string(String(repeating: "x", count: 200_000))])
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.DataLimitExceeded")
    }
}
