import Foundation
import JSON
import StepEngine
import TestSupport
import Testing

/// EXPRESS state machines as AWS runs them (its API reference and the outputs localstack
/// recorded on AWS): their own ARNs, StartSyncExecution, what they may not run, the five
/// minutes, and the calls that do not serve them.
@Suite struct ExpressTests {
    static let doubling: JSONValue = [
        "StartAt": "Double", "States": ["Double": ["Type": "Pass", "Parameters": ["n.$": "States.MathAdd($.n, $.n)"], "End": true]],
    ]

    static func express(_ test: TestEngine, _ definition: JSONValue, name: String = "fast") async throws -> String {
        try await test.engine.createStateMachine(name: name, definition: definition.text, roleArn: nil, type: "EXPRESS").arn
    }

    @Test func startSyncExecutionAnswersWithTheEndedExecution() async throws {
        let test = try TestEngine()
        try await Self.express(test, Self.doubling)
        let ended = try await test.engine.startSyncExecution(stateMachine: "fast", name: "run", input: #"{"n": 21}"#, startedByUid: nil)
        #expect(ended.status.rawValue == "SUCCEEDED")
        #expect(parsed(ended.output) == ["n": 42])
        #expect(ended.arn.hasPrefix("arn:aws:states:local:000000000000:express:fast:run:"))
        #expect(try await test.engine.describeStateMachine(reference: "fast").type == "EXPRESS")
    }

    @Test func aFailureIsTheAnswersNotAnError() async throws {
        let test = try TestEngine()
        try await Self.express(test, ["StartAt": "No", "States": ["No": ["Type": "Fail", "Error": "SomeFailure", "Cause": "why"]]])
        let ended = try await test.engine.startSyncExecution(stateMachine: "fast", name: nil, input: nil, startedByUid: nil)
        #expect(ended.status.rawValue == "FAILED")
        #expect(ended.error == "SomeFailure")
        #expect(ended.cause == "why")
    }

    /// AWS: "StartExecution isn't idempotent for EXPRESS workflows": the same name starts
    /// another execution, under an ARN of its own.
    @Test func startExecutionUnderTheSameNameStartsAnother() async throws {
        let test = try TestEngine()
        try await Self.express(test, Self.doubling)
        let first = try await test.engine.startExecution(stateMachine: "fast", name: "same", input: #"{"n": 1}"#, startedByUid: nil)
        let second = try await test.engine.startExecution(stateMachine: "fast", name: "same", input: #"{"n": 1}"#, startedByUid: nil)
        #expect(first.arn != second.arn)
        #expect(first.arn.hasPrefix("arn:aws:states:local:000000000000:express:fast:same:"))
    }

    @Test func callsThatDoNotServeTheTypeRefuseIt() async throws {
        let test = try TestEngine()
        try await Self.express(test, Self.doubling)
        let started = try await test.engine.startExecution(stateMachine: "fast", name: nil, input: #"{"n": 1}"#, startedByUid: nil)
        let expressArn = RequestError.invalidArn(reason: "'Resource type not valid in this context: express'")
        let describe = await engineError { _ = try await test.engine.describeExecution(arn: started.arn) }
        #expect(describe as? RequestError == expressArn)
        let history = await engineError {
            _ = try await test.engine.getExecutionHistory(arn: started.arn, maxResults: nil, reverseOrder: false, nextToken: nil)
        }
        #expect(history as? RequestError == expressArn)
        let stop = await engineError { _ = try await test.engine.stopExecution(arn: started.arn, error: nil, cause: nil) }
        #expect(stop as? RequestError == expressArn)
        let list = await engineError { _ = try await test.engine.listExecutions(stateMachine: "fast", statusFilter: nil, maxResults: nil, nextToken: nil) }
        #expect(list as? StateMachineError == .typeNotSupported)

        try await test.machine("standard", Self.doubling.text)
        let sync = await engineError { _ = try await test.engine.startSyncExecution(stateMachine: "standard", name: nil, input: nil, startedByUid: nil) }
        #expect(sync as? StateMachineError == .typeNotSupported)
        #expect((sync as? StateMachineError)?.description == "This operation is not supported by this type of state machine")
    }

    /// AWS's recorded texts (the first with its two spaces before "at").
    @Test(arguments: [
        ("arn:aws:states:::states:startExecution.waitForTaskToken",
         "SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration  at /States/Call/Resource"),
        ("arn:aws:states:::states:startExecution.sync",
         "SCHEMA_VALIDATION_FAILED: Express state machine does not support '.sync' service integration at /States/Call/Resource"),
        ("arn:aws:states:us-east-1:123456789012:activity:work",
         "SCHEMA_VALIDATION_FAILED: Express state machine does not support Activity ARN at /States/Call/Resource"),
    ])
    func whatAnExpressMachineCannotRunIsRefused(resource: String, expected: String) async throws {
        let test = try TestEngine()
        let definition: JSONValue = [
            "StartAt": "Call",
            "States": ["Call": ["Type": "Task", "Resource": .string(resource), "Parameters": ["StateMachineArn": "m"], "End": true]],
        ]
        let error = await engineError { _ = try await Self.express(test, definition) }
        #expect(error as? StateMachineError == .invalidDefinition(reason: expected))
    }

    @Test func anExpressExecutionEndsAfterFiveMinutes() async throws {
        let clock = ManualClock()
        let test = try TestEngine(clock: clock)
        try await Self.express(test, ["StartAt": "W", "States": ["W": ["Type": "Wait", "Seconds": 600, "End": true]]])
        let ending = Task { try await test.engine.startSyncExecution(stateMachine: "fast", name: nil, input: nil, startedByUid: nil) }
        try await test.advance(by: 299)
        try await test.advance(by: 1)
        let ended = try await ending.value
        #expect(ended.status.rawValue == "TIMED_OUT")
        #expect(ended.error == "States.Timeout")
    }
}
