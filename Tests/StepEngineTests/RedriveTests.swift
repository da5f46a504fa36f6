import Foundation
import JSON
import StepEngine
import TestSupport
import Testing

/// RedriveExecution: AWS's eligibility rules and reasons, and a redriven execution running
/// on from the state it ended in, with that state's input, without running again what it
/// finished.
@Suite struct RedriveTests {
    /// Before → Park (a task on a token) → After, which reads the context's RedriveCount.
    static func machine(timeoutSeconds: Int? = nil) -> JSONValue {
        var definition = TaskTokenTests.parking(then: [
            "Type": "Pass", "Parameters": ["redriveCount.$": "$$.Execution.RedriveCount", "answer.$": "$.answer"], "End": true,
        ])
        guard case .object(var members) = definition, case .object(var states) = members["States"] else { return definition }
        states["Before"] = ["Type": "Pass", "Result": "before", "ResultPath": "$.before", "Next": "Park"]
        members["States"] = .object(states)
        members["StartAt"] = "Before"
        if let timeoutSeconds { members["TimeoutSeconds"] = .number(Double(timeoutSeconds)) }
        definition = .object(members)
        return definition
    }

    static func engine(clock: any EngineClock = SystemClock(), timeoutSeconds: Int? = nil) async throws -> TestEngine {
        let test = try TestEngine(clock: clock)
        try await test.createTable("Tokens")
        try await test.machine("park", machine(timeoutSeconds: timeoutSeconds).text)
        return test
    }

    @Test func aFailedTaskRunsAgainFromItsStateWithItsInput() async throws {
        let test = try await Self.engine()
        let (arn, token) = try await TaskTokenTests.park(test)
        try await test.engine.sendTask(token: token, answer: .failure(error: "Job.Failed", cause: "disk full"))
        let failed = try await test.finish(arn)
        #expect(failed.status == "FAILED")
        let before = try await test.engine.describeExecution(arn: arn)
        #expect(before.redriveStatus == RedriveStatus(status: "REDRIVABLE", reason: nil))
        #expect(before.redriveCount == 0)

        let date = try await test.engine.redriveExecution(arn: arn, clientToken: nil)
        let running = try await test.engine.describeExecution(arn: arn)
        #expect(running.status == .running)
        #expect(running.redriveCount == 1)
        #expect(running.redriveDate == date)
        #expect(running.stopDate == nil && running.error == nil)
        #expect(running.redriveStatus == RedriveStatus(status: "NOT_REDRIVABLE", reason: "Execution is RUNNING and cannot be redriven"))

        await test.engine.waitUntilIdle()
        let second = try #require(try await test.itemString("Tokens", id: "job-1", attribute: "Token"))
        #expect(second != token)
        try await test.engine.sendTask(token: second, answer: .success(output: #"{"done": true}"#))
        let succeeded = try await test.finish(arn)
        #expect(succeeded.status == "SUCCEEDED")
        #expect(succeeded.output == ["redriveCount": 1, "answer": ["done": true]])

        let history = try await test.history(arn)
        let types = history.compactMap { $0["type"]?.stringValue }
        // "Before" ran once; Park was entered again with the input it had.
        #expect(types.filter { $0 == "PassStateEntered" }.count == 2)
        let failedAt = try #require(types.firstIndex(of: "ExecutionFailed"))
        #expect(types[failedAt + 1] == "ExecutionRedriven")
        #expect(types[failedAt + 2] == "TaskStateEntered")
        #expect(history[failedAt + 1]["executionRedrivenEventDetails"]?["redriveCount"] == 1)
        let parkInputs = history.filter { $0["type"] == "TaskStateEntered" }.map { $0["stateEnteredEventDetails"]?["input"] }
        #expect(parkInputs.count == 2 && parkInputs[0] == parkInputs[1])
        #expect(history.last?["type"] == "ExecutionSucceeded")

        let redriven = try await test.engine.listExecutions(stateMachine: "park", statusFilter: nil, redriveFilter: "REDRIVEN", maxResults: nil, nextToken: nil)
        #expect(redriven.items.map(\.arn) == [arn])
        #expect(redriven.items.first?.redriveCount == 1)
        let never = try await test.engine.listExecutions(stateMachine: "park", statusFilter: nil, redriveFilter: "NOT_REDRIVEN", maxResults: nil, nextToken: nil)
        #expect(never.items.isEmpty)
        let done = await engineError { _ = try await test.engine.redriveExecution(arn: arn, clientToken: nil) }
        #expect(done as? ExecutionError == .notRedrivable(arn: arn, reason: "Execution is SUCCEEDED and cannot be redriven"))
    }

    @Test func aClientTokenAnswersItsRedriveAgain() async throws {
        let test = try await Self.engine()
        let (arn, _) = try await TaskTokenTests.park(test)
        _ = try await test.engine.stopExecution(arn: arn, error: nil, cause: nil)
        let first = try await test.engine.redriveExecution(arn: arn, clientToken: "once")
        let again = try await test.engine.redriveExecution(arn: arn, clientToken: "once")
        #expect(again == first)
        #expect(try await test.engine.describeExecution(arn: arn).redriveCount == 1)
        let other = await engineError { _ = try await test.engine.redriveExecution(arn: arn, clientToken: "other") }
        #expect(isError(other, ExecutionError.self) { if case .notRedrivable = $0 { true } else { false } })
        // An aborted task is run again: a new token is parked.
        await test.engine.waitUntilIdle()
        let history = try await test.history(arn)
        #expect(history.filter { $0["type"] == "TaskSubmitted" }.count == 2)
    }

    @Test func theTimeoutRunsAgainFromTheRedriveAndTheRedrivablePeriodEnds() async throws {
        let clock = ManualClock()
        let test = try await Self.engine(clock: clock, timeoutSeconds: 60)
        let (arn, _) = try await TaskTokenTests.park(test)
        try await test.advance(by: 60)
        #expect(try await test.engine.describeExecution(arn: arn).status == .timedOut)
        try await test.advance(by: 3_600)
        _ = try await test.engine.redriveExecution(arn: arn, clientToken: nil)
        try await test.advance(by: 59)
        #expect(try await test.engine.describeExecution(arn: arn).status == .running)
        try await test.advance(by: 1)
        #expect(try await test.engine.describeExecution(arn: arn).status == .timedOut)
        #expect(try await test.history(arn).filter { $0["type"] == "ExecutionTimedOut" }.count == 2)

        try await test.advance(by: 14 * 86_400 + 1)
        let late = await engineError { _ = try await test.engine.redriveExecution(arn: arn, clientToken: nil) }
        #expect(late as? ExecutionError == .notRedrivable(arn: arn, reason: "Execution redrivable period exceeded"))
        #expect(try await test.engine.describeExecution(arn: arn).redriveStatus?.reason == "Execution redrivable period exceeded")
    }

    @Test func runningExecutionsAndDeletedStateMachinesAreNotRedriven() async throws {
        let test = try await Self.engine()
        let (arn, _) = try await TaskTokenTests.park(test)
        let running = await engineError { _ = try await test.engine.redriveExecution(arn: arn, clientToken: nil) }
        #expect(running as? ExecutionError == .notRedrivable(arn: arn, reason: "Execution is RUNNING and cannot be redriven"))
        _ = try await test.engine.stopExecution(arn: arn, error: nil, cause: nil)
        try await test.engine.deleteStateMachine(reference: "park")
        let deleted = await engineError { _ = try await test.engine.redriveExecution(arn: arn, clientToken: nil) }
        #expect(deleted as? ExecutionError == .notRedrivable(arn: arn, reason: "State machine is in DELETING status"))
    }

    @Test func anExecutionThatEndedInAParallelStateIsNotRedrivenYet() async throws {
        let test = try TestEngine()
        let definition: JSONValue = [
            "StartAt": "P",
            "States": [
                "P": [
                    "Type": "Parallel", "End": true,
                    "Branches": [["StartAt": "F", "States": ["F": ["Type": "Fail", "Error": "E"]]]],
                ]
            ],
        ]
        try await test.machine("par", definition.text)
        let failed = try await test.run("par")
        #expect(failed.status == "FAILED")
        let error = await engineError { _ = try await test.engine.redriveExecution(arn: failed.arn, clientToken: nil) }
        #expect(
            error as? ExecutionError
                == .notRedrivable(arn: failed.arn, reason: "Execution ended in the Parallel or Map state 'P', which stepd cannot redrive yet"))
    }
}
