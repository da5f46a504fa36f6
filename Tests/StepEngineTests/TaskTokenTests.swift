import Foundation
import JSON
import Logging
import StatesLanguage
import StepEngine
import TestSupport
import Testing

/// `.waitForTaskToken`, SendTaskSuccess/Failure/Heartbeat, task timeouts, StopExecution.
@Suite struct TaskTokenTests {
    /// Parks on `dynamodb:putItem.waitForTaskToken`, storing `$$.Task.Token` under the key `$.id`
    /// in the table `Tokens` (the reference scenario's token table).
    static func parking(timeoutSeconds: Int? = nil, then next: JSONValue = ["Type": "Pass", "End": true]) -> JSONValue {
        var park: [String: JSONValue] = [
            "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
            "Parameters": ["TableName": "Tokens", "Item": ["Id": ["S.$": "$.id"], "Token": ["S.$": "$$.Task.Token"]]],
            "ResultPath": "$.answer",
            "Next": "After",
        ]
        if let timeoutSeconds { park["TimeoutSeconds"] = .number(Double(timeoutSeconds)) }
        return ["StartAt": "Park", "States": ["Park": .object(park), "After": next]]
    }

    /// Starts a parking execution and returns (its ARN, its token) once it is suspended.
    static func park(_ test: TestEngine, machine: String = "park", id: String = "job-1", name: String? = nil) async throws -> (String, String) {
        let arn = try await test.start(machine, input: ["id": .string(id)], name: name)
        await test.engine.waitUntilIdle()
        let token = try #require(try await test.itemString("Tokens", id: id, attribute: "Token"))
        return (arn, token)
    }

    static func parkingEngine(
        timeoutSeconds: Int? = nil, clock: any EngineClock = SystemClock(), logger: Logger = TestEngine.logger
    ) async throws -> TestEngine {
        let test = try TestEngine(clock: clock, logger: logger)
        try await test.createTable("Tokens")
        try await test.machine("park", parking(timeoutSeconds: timeoutSeconds).text)
        return test
    }

    @Test func suspendedExecutionIsRunningWithTaskSubmitted() async throws {
        let test = try await Self.parkingEngine()
        let (arn, token) = try await Self.park(test)
        #expect(token.utf8.count == 64)
        let description = try await test.engine.describeExecution(arn: arn)
        #expect(description.status.rawValue == "RUNNING")
        let events = try await test.history(arn)
        #expect(events.types == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted"])
        #expect(events[2]["taskScheduledEventDetails"]?["resource"] == "putItem.waitForTaskToken")
    }

    @Test func sendTaskSuccessResumesWithTheOutput() async throws {
        let test = try await Self.parkingEngine()
        let (arn, token) = try await Self.park(test)
        try await test.engine.sendTask(token: token, answer: .success(output: #"{"ok": true, "n": [1, 2]}"#))
        let execution = try await test.finish(arn)
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == ["id": "job-1", "answer": ["ok": true, "n": [1, 2]]])
        let events = try await test.history(arn)
        #expect(events.types == [
            "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded",
            "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
        ])
        #expect(parsed(events.events("TaskSucceeded").first?["taskSucceededEventDetails"]?["output"]) == ["ok": true, "n": [1, 2]])
    }

    @Test func sendTaskFailureFailsTheExecutionWithErrorAndCause() async throws {
        let test = try await Self.parkingEngine()
        let (arn, token) = try await Self.park(test)
        try await test.engine.sendTask(token: token, answer: .failure(error: "Job.Failed", cause: "exit status 3"))
        let execution = try await test.finish(arn)
        #expect(execution.status == "FAILED")
        #expect(execution.error == "Job.Failed")
        #expect(execution.cause == "exit status 3")
        let failed = try await test.history(arn).events("TaskFailed").first?["taskFailedEventDetails"]
        #expect(failed?["error"] == "Job.Failed")
        #expect(failed?["cause"] == "exit status 3")
    }

    @Test func heartbeatKeepsTheTaskWaiting() async throws {
        let test = try await Self.parkingEngine()
        let (arn, token) = try await Self.park(test)
        try await test.engine.sendTask(token: token, answer: .heartbeat)
        await test.engine.waitUntilIdle()
        #expect(try await test.engine.describeExecution(arn: arn).status.rawValue == "RUNNING")
        try await test.engine.sendTask(token: token, answer: .success(output: "42"))
        let execution = try await test.finish(arn)
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output?["answer"] == 42)
    }

    @Test func unknownMalformedAndSpentTokens() async throws {
        let test = try await Self.parkingEngine()
        let (arn, token) = try await Self.park(test)

        let unknown = await engineError { try await test.engine.sendTask(token: unissuedToken, answer: .success(output: "{}")) }
        #expect(unknown as? TaskTokenError == .doesNotExist)
        for malformed in ["", "abc", token + "x", String(token.dropLast()) + "!"] {
            let error = await engineError { try await test.engine.sendTask(token: malformed, answer: .success(output: "{}")) }
            #expect(error as? TaskTokenError == .malformed, "\(malformed)")
        }
        let badOutput = await engineError { try await test.engine.sendTask(token: token, answer: .success(output: "{not json")) }
        #expect(isError(badOutput, TaskTokenError.self) { if case .invalidOutput = $0 { true } else { false } })
        #expect(try await test.engine.describeExecution(arn: arn).status.rawValue == "RUNNING")

        try await test.engine.sendTask(token: token, answer: .success(output: "{}"))
        for answer: TaskAnswerRequest in [.success(output: "{}"), .failure(error: "E", cause: "C"), .heartbeat] {
            let twice = await engineError { try await test.engine.sendTask(token: token, answer: answer) }
            #expect(twice as? TaskTokenError == .timedOut)
        }
        #expect(try await test.finish(arn).status == "SUCCEEDED")
    }

    @Test func timeoutSecondsWithoutAnAnswerFailsWithStatesTimeout() async throws {
        let test = try await Self.parkingEngine(timeoutSeconds: 1, clock: ManualClock())
        let (arn, token) = try await Self.park(test)
        try await test.advance(by: 1)
        let execution = try await test.finish(arn)
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.Timeout")
        #expect((execution.duration ?? -1) >= 0.99)
        let events = try await test.history(arn)
        #expect(events.types.suffix(2) == ["TaskTimedOut", "ExecutionFailed"])
        let timedOut = events.events("TaskTimedOut").first?["taskTimedOutEventDetails"]
        #expect(timedOut?["error"] == "States.Timeout")
        #expect(timedOut?["resourceType"] == "dynamodb")
        let late = await engineError { try await test.engine.sendTask(token: token, answer: .success(output: "{}")) }
        #expect(late as? TaskTokenError == .timedOut)
    }

    @Test func timeoutIsCaughtLikeAnyError() async throws {
        let test = try TestEngine(clock: ManualClock())
        try await test.createTable("Tokens")
        var definition = Self.parking(timeoutSeconds: 1).objectValue ?? [:]
        var states = definition["States"]?.objectValue ?? [:]
        var park = states["Park"]?.objectValue ?? [:]
        park["Catch"] = [["ErrorEquals": ["States.Timeout"], "ResultPath": "$.timedOut", "Next": "After"]]
        states["Park"] = .object(park)
        definition["States"] = .object(states)
        try await test.machine("park", JSONValue.object(definition).text)
        let (arn, _) = try await Self.park(test)
        try await test.advance(by: 1)
        let execution = try await test.finish(arn)
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output?["timedOut"]?["Error"] == "States.Timeout")
    }

    @Test func stopExecutionAbortsAndReleasesWaiters() async throws {
        let test = try await Self.parkingEngine(timeoutSeconds: 3600)
        let (arn, token) = try await Self.park(test)
        let engine = test.engine
        async let ended = engine.waitForExecution(arn: arn)
        let stopped = try await engine.stopExecution(arn: arn, error: "Operator.Stop", cause: "no longer needed")
        #expect(stopped > 0)
        let description = try await ended
        #expect(description.status.rawValue == "ABORTED")
        let events = try await test.history(arn)
        #expect(events.last?["type"] == "ExecutionAborted")
        #expect(events.last?["executionAbortedEventDetails"]?["error"] == "Operator.Stop")
        #expect(events.last?["executionAbortedEventDetails"]?["cause"] == "no longer needed")
        let late = await engineError { try await engine.sendTask(token: token, answer: .success(output: "{}")) }
        #expect(late as? TaskTokenError == .timedOut)
        let again = await engineError { _ = try await engine.stopExecution(arn: arn, error: nil, cause: nil) }
        #expect(again != nil)
        // The waiter also answers at once for an execution that has already ended.
        #expect(try await engine.waitForExecution(arn: arn).status.rawValue == "ABORTED")
    }

    @Test func startExecutionIsIdempotentForTheSameNameAndInputWhileRunning() async throws {
        let test = try await Self.parkingEngine()
        let (arn, token) = try await Self.park(test, name: "run-1")
        let again = try await test.engine.startExecution(stateMachine: "park", name: "run-1", input: #"{"id": "job-1"}"#, startedByUid: nil)
        #expect(again.arn == arn)
        let differentInput = await engineError {
            _ = try await test.engine.startExecution(stateMachine: "park", name: "run-1", input: #"{"id": "job-2"}"#, startedByUid: nil)
        }
        #expect(isError(differentInput, ExecutionError.self) { if case .alreadyExists = $0 { true } else { false } })
        try await test.engine.sendTask(token: token, answer: .success(output: "{}"))
        _ = try await test.finish(arn)
        let closed = await engineError {
            _ = try await test.engine.startExecution(stateMachine: "park", name: "run-1", input: #"{"id": "job-1"}"#, startedByUid: nil)
        }
        #expect(isError(closed, ExecutionError.self) { if case .alreadyExists = $0 { true } else { false } })
        let list = try await test.engine.listExecutions(stateMachine: "park", statusFilter: nil, maxResults: nil, nextToken: nil)
        #expect(list.items.count == 1)
    }

    /// A parent parks on `states:startExecution.waitForTaskToken`; the child answers through
    /// `aws-sdk:sfn:sendTaskSuccess` / `sendTaskFailure`.
    static func parentAndChild(_ test: TestEngine, childTask: JSONValue) async throws {
        try await test.machine("child", (["StartAt": "Answer", "States": ["Answer": childTask]] as JSONValue).text)
        let parent: JSONValue = [
            "StartAt": "RunChild",
            "States": [
                "RunChild": [
                    "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
                    "Parameters": [
                        "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child",
                        "Input": ["token.$": "$$.Task.Token", "value.$": "$.value"],
                    ],
                    "End": true,
                ],
            ],
        ]
        try await test.machine("parent", parent.text)
    }

    @Test func childSendsTaskSuccessToItsParent() async throws {
        let test = try TestEngine()
        try await Self.parentAndChild(test, childTask: [
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
            "Parameters": ["TaskToken.$": "$.token", "Output.$": "States.JsonToString($)"],
            "End": true,
        ])
        let parent = try await test.run("parent", input: ["value": 42])
        #expect(parent.status == "SUCCEEDED", "\(parent.description)")
        let output = try #require(parent.output)
        #expect(output["value"] == 42)
        #expect(output["token"]?.stringValue?.utf8.count == 64)

        let children = try await test.engine.listExecutions(stateMachine: "child", statusFilter: nil, maxResults: nil, nextToken: nil)
        let childArn = try #require(children.items.first?.arn)
        let child = try await test.finish(childArn)
        #expect(child.status == "SUCCEEDED")
        let events = try await test.history(parent.arn)
        #expect(events.types == [
            "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded",
            "TaskStateExited", "ExecutionSucceeded",
        ])
        let submitted = parsed(events.events("TaskSubmitted").first?["taskSubmittedEventDetails"]?["output"])
        #expect(submitted?["ExecutionArn"]?.stringValue == childArn)
    }

    @Test func childSendsTaskFailureToItsParent() async throws {
        let test = try TestEngine()
        try await Self.parentAndChild(test, childTask: [
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskFailure",
            "Parameters": ["TaskToken.$": "$.token", "Error": "Child.Failed", "Cause.$": "States.Format('value was {}', $.value)"],
            "End": true,
        ])
        let parent = try await test.run("parent", input: ["value": 7])
        #expect(parent.status == "FAILED")
        #expect(parent.error == "Child.Failed")
        #expect(parent.cause == "value was 7")
    }

    @Test func childAnsweringAnUnknownTokenFailsWithTaskDoesNotExist() async throws {
        let test = try TestEngine()
        let definition: JSONValue = [
            "StartAt": "Answer",
            "States": [
                "Answer": [
                    "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
                    "Parameters": ["TaskToken": .string(unissuedToken), "Output": "{}"], "End": true,
                ],
            ],
        ]
        try await test.machine("answer", definition.text)
        let execution = try await test.run("answer")
        #expect(execution.status == "FAILED")
        #expect(execution.error == "Sfn.TaskDoesNotExistException")
    }
}
