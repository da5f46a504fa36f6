import Foundation
import JSON
import StepEngine
import TestSupport
import Testing

/// Parallel states: branches on copies of the effective input, the result in branch order,
/// a failing branch stopping the others, Retry and Catch, branches waiting on tokens and
/// timers, across a restart. The expected behaviour is AWS's (state-parallel.html).
@Suite struct ParallelTests {
    static func parallel(_ branches: [JSONValue], extra: [String: JSONValue] = [:], next: String? = nil) -> JSONValue {
        var state: [String: JSONValue] = ["Type": "Parallel", "Branches": .array(branches)]
        if let next { state["Next"] = .string(next) } else { state["End"] = true }
        for (field, value) in extra { state[field] = value }
        return .object(state)
    }

    static func branch(_ name: String, _ state: JSONValue) -> JSONValue {
        ["StartAt": .string(name), "States": [name: state]]
    }

    /// A branch that parks on a token stored under `id` in the table `Tokens`.
    static func parkingBranch(_ name: String, id: String) -> JSONValue {
        branch(
            name,
            [
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
                "Parameters": ["TableName": "Tokens", "Item": ["Id": ["S": .string(id)], "Token": ["S.$": "$$.Task.Token"]]],
                "End": true,
            ])
    }

    static func machine(_ start: JSONValue, more: [String: JSONValue] = [:]) -> JSONValue {
        var states: [String: JSONValue] = ["Fan": start]
        for (name, state) in more { states[name] = state }
        return ["StartAt": "Fan", "States": .object(states)]
    }

    @Test func resultIsTheBranchOutputsInBranchOrder() async throws {
        let test = try TestEngine()
        let definition = Self.machine(
            Self.parallel([
                Self.branch("A", ["Type": "Pass", "Result": "first", "End": true]),
                Self.branch("B", ["Type": "Pass", "InputPath": "$.n", "End": true]),
                Self.branch("C", ["Type": "Succeed"]),
            ]))
        try await test.machine("fan", definition.text)
        let execution = try await test.run("fan", input: ["n": 7])
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == ["first", 7, ["n": 7]])
        let events = try await test.history(execution.arn)
        #expect(events.types == [
            "ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
            "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited", "SucceedStateEntered", "SucceedStateExited",
            "ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded",
        ])
        #expect(events[1]["stateEnteredEventDetails"]?["name"] == "Fan")
        #expect(parsed(events[10]["stateExitedEventDetails"]?["output"]) == ["first", 7, ["n": 7]])
        #expect(events[2].objectValue?.keys.sorted() == ["id", "previousEventId", "timestamp", "type"])
    }

    @Test func inputAndResultProcessingApplyAroundTheBranches() async throws {
        let test = try TestEngine()
        let definition = Self.machine(
            Self.parallel(
                [
                    Self.branch("A", ["Type": "Pass", "End": true]),
                    Self.branch("B", ["Type": "Pass", "Result": ["b": true], "End": true]),
                ],
                extra: [
                    "InputPath": "$.in", "Parameters": ["value.$": "$.v", "state.$": "$$.State.Name"],
                    "ResultSelector": ["first.$": "$[0]", "count.$": "States.ArrayLength($)"],
                    "ResultPath": "$.results", "OutputPath": "$.results",
                ]))
        try await test.machine("fan", definition.text)
        let execution = try await test.run("fan", input: ["in": ["v": 3]])
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == ["first": ["value": 3, "state": "Fan"], "count": 2])
    }

    @Test func statesAfterTheParallelStateGetItsOutput() async throws {
        let test = try TestEngine()
        let definition = Self.machine(
            Self.parallel([Self.branch("A", ["Type": "Pass", "Result": 1, "End": true])], extra: ["ResultPath": "$.r"], next: "After"),
            more: ["After": ["Type": "Pass", "Parameters": ["got.$": "$.r[0]"], "End": true]])
        try await test.machine("fan", definition.text)
        let execution = try await test.run("fan")
        #expect(execution.output == ["got": 1])
    }

    @Test func nestedParallelStatesNestTheirResults() async throws {
        let test = try TestEngine()
        let inner = Self.parallel([
            Self.branch("X", ["Type": "Pass", "Result": "x", "End": true]),
            Self.branch("Y", ["Type": "Pass", "Result": "y", "End": true]),
        ])
        let definition = Self.machine(
            Self.parallel([
                ["StartAt": "Inner", "States": ["Inner": inner]],
                Self.branch("Z", ["Type": "Pass", "Result": "z", "End": true]),
            ]))
        try await test.machine("fan", definition.text)
        let execution = try await test.run("fan")
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == [["x", "y"], "z"])
        #expect(try await test.history(execution.arn).events("ParallelStateSucceeded").count == 2)
    }

    /// AWS: "If any branch fails ... the entire Parallel state is considered to have failed
    /// and all its branches are stopped." The error is the branch's.
    @Test func aFailingBranchStopsTheOthersAndFailsTheExecutionWithItsError() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        let definition = Self.machine(
            Self.parallel([
                Self.parkingBranch("Park", id: "a"),
                Self.branch("Boom", ["Type": "Fail", "Error": "Branch.Broke", "Cause": "on purpose"]),
            ]))
        try await test.machine("fan", definition.text)
        let execution = try await test.run("fan")
        #expect(execution.status == "FAILED")
        #expect(execution.error == "Branch.Broke")
        #expect(execution.cause == "on purpose")
        let events = try await test.history(execution.arn)
        #expect(events.types.suffix(4) == ["FailStateEntered", "TaskStateAborted", "ParallelStateFailed", "ExecutionFailed"])
        let token = try #require(try await test.itemString("Tokens", id: "a", attribute: "Token"))
        let late = await engineError { try await test.engine.sendTask(token: token, answer: .success(output: "{}")) }
        #expect(late as? TaskTokenError == .timedOut)
        #expect(try await test.engine.figures().executionsWaitingOnTokens == 0)
    }

    @Test func catchOnTheParallelStateCatchesABranchError() async throws {
        let test = try TestEngine()
        let definition = Self.machine(
            Self.parallel(
                [Self.branch("Boom", ["Type": "Fail", "Error": "Branch.Broke", "Cause": "why"])],
                extra: ["Catch": [["ErrorEquals": ["Branch.Broke"], "ResultPath": "$.caught", "Next": "Handled"]]], next: "Unreached"),
            more: ["Handled": ["Type": "Succeed"], "Unreached": ["Type": "Fail"]])
        try await test.machine("fan", definition.text)
        let execution = try await test.run("fan", input: ["k": 1])
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == ["k": 1, "caught": ["Error": "Branch.Broke", "Cause": "why"]])
        let types = try await test.history(execution.arn).types
        #expect(types.contains("ParallelStateFailed"))
        #expect(types.contains("ParallelStateExited"))
    }

    @Test func retryRunsEveryBranchAgain() async throws {
        let clock = ManualClock()
        let test = try TestEngine(clock: clock)
        try await test.createTable("Tokens")
        let definition = Self.machine(
            Self.parallel(
                [Self.parkingBranch("Park", id: "p"), Self.branch("Other", ["Type": "Pass", "Result": "o", "End": true])],
                extra: ["Retry": [["ErrorEquals": ["Job.Failed"], "IntervalSeconds": 5, "MaxAttempts": 1]]]))
        try await test.machine("fan", definition.text)
        let arn = try await test.start("fan")
        await test.engine.waitUntilIdle()
        let first = try #require(try await test.itemString("Tokens", id: "p", attribute: "Token"))
        try await test.engine.sendTask(token: first, answer: .failure(error: "Job.Failed", cause: "try again"))
        try await test.advance(by: 5)
        let second = try #require(try await test.itemString("Tokens", id: "p", attribute: "Token"))
        #expect(second != first)
        try await test.engine.sendTask(token: second, answer: .success(output: #"{"done": 2}"#))
        let execution = try await test.finish(arn)
        #expect(execution.status == "SUCCEEDED")
        #expect(execution.output == [["done": 2], "o"])
        #expect(try await test.history(arn).events("ParallelStateStarted").count == 2)
    }

    @Test func branchesWaitOnTokensAndTimersAcrossARestart() async throws {
        let clock = ManualClock()
        let first = try TestEngine(clock: clock)
        try await first.createTable("Tokens")
        let definition = Self.machine(
            Self.parallel([
                Self.parkingBranch("ParkA", id: "a"),
                Self.parkingBranch("ParkB", id: "b"),
                Self.branch("Pause", ["Type": "Wait", "Seconds": 30, "End": true]),
            ]))
        try await first.machine("fan", definition.text)
        let arn = try await first.start("fan", input: ["x": 1])
        await first.engine.waitUntilIdle()
        let tokenA = try #require(try await first.itemString("Tokens", id: "a", attribute: "Token"))
        let tokenB = try #require(try await first.itemString("Tokens", id: "b", attribute: "Token"))
        #expect(try await first.engine.figures().executionsWaitingOnTokens == 2)

        let restarted = try TestEngine.open(path: first.path, clock: clock)
        let recovery = try await restarted.recover()
        #expect(recovery.executionsWaitingOnTokens == 2)
        // Answered out of order: the result keeps the branches' order.
        try await restarted.sendTask(token: tokenB, answer: .success(output: #""b""#))
        try await restarted.sendTask(token: tokenA, answer: .success(output: #""a""#))
        await restarted.waitUntilIdle()
        #expect(try await restarted.describeExecution(arn: arn).status.rawValue == "RUNNING")
        try await clock.advance(by: 30, settling: restarted)
        let description = try await restarted.waitForExecution(arn: arn)
        #expect(description.status.rawValue == "SUCCEEDED")
        #expect(parsed(description.output) == ["a", "b", ["x": 1]])
        #expect(try await restarted.figures().executionsWaitingOnTokens == 0)
    }

    @Test func stoppingTheExecutionEndsItsBranches() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        let definition = Self.machine(Self.parallel([Self.parkingBranch("ParkA", id: "a"), Self.parkingBranch("ParkB", id: "b")]))
        try await test.machine("fan", definition.text)
        let arn = try await test.start("fan")
        await test.engine.waitUntilIdle()
        let token = try #require(try await test.itemString("Tokens", id: "b", attribute: "Token"))
        _ = try await test.engine.stopExecution(arn: arn, error: "Stopped", cause: "by the test")
        let execution = try await test.finish(arn)
        #expect(execution.status == "ABORTED")
        let late = await engineError { try await test.engine.sendTask(token: token, answer: .success(output: "{}")) }
        #expect(late as? TaskTokenError == .timedOut)
        #expect(try await test.engine.figures().executionsWaitingOnTokens == 0)
    }

    @Test func aBranchErrorThatNoStateCatchesIsTheBranchsFailure() async throws {
        let test = try TestEngine()
        let definition = Self.machine(
            Self.parallel([Self.branch("Bad", ["Type": "Pass", "InputPath": "$.missing", "End": true])]))
        try await test.machine("fan", definition.text)
        let execution = try await test.run("fan")
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.Runtime")
    }
}
