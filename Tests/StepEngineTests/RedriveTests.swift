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

    /// A task that parks its token under `id` in the Tokens table.
    static func park(_ name: String, id: String) -> JSONValue {
        [
            "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
            "Parameters": ["TableName": "Tokens", "Item": ["Id": ["S": .string(id)], "Token": ["S.$": "$$.Task.Token"]]],
            "End": true,
        ]
    }

    static func token(_ test: TestEngine, _ id: String) async throws -> String {
        await test.engine.waitUntilIdle()
        return try #require(try await test.itemString("Tokens", id: id, attribute: "Token"))
    }

    static func count(_ history: [JSONValue], _ type: String, named name: String) -> Int {
        history.filter { $0["type"]?.stringValue == type && $0["stateEnteredEventDetails"]?["name"]?.stringValue == name }.count
    }

    @Test func aFailedParallelRunsAgainOnlyTheBranchesThatFailedAtEveryDepth() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        let definition: JSONValue = [
            "StartAt": "Outer",
            "States": [
                "Outer": [
                    "Type": "Parallel", "End": true,
                    "Branches": [
                        ["StartAt": "Zero", "States": ["Zero": ["Type": "Pass", "Result": "zero", "End": true]]],
                        [
                            "StartAt": "Inner",
                            "States": [
                                "Inner": [
                                    "Type": "Parallel", "End": true,
                                    "Branches": [
                                        ["StartAt": "InnerZero", "States": ["InnerZero": ["Type": "Pass", "Result": "inner", "End": true]]],
                                        ["StartAt": "Park", "States": ["Park": Self.park("Park", id: "deep")]],
                                    ],
                                ]
                            ],
                        ],
                    ],
                ]
            ],
        ]
        try await test.machine("fan", definition.text)
        let arn = try await test.start("fan")
        try await test.engine.sendTask(token: try await Self.token(test, "deep"), answer: .failure(error: "Deep.Failed", cause: nil))
        let failed = try await test.finish(arn)
        #expect(failed.status == "FAILED")
        #expect(failed.error == "Deep.Failed")
        #expect(try await test.engine.describeExecution(arn: arn).redriveStatus?.status == "REDRIVABLE")

        _ = try await test.engine.redriveExecution(arn: arn, clientToken: nil)
        try await test.engine.sendTask(token: try await Self.token(test, "deep"), answer: .success(output: #""answered""#))
        let succeeded = try await test.finish(arn)
        #expect(succeeded.status == "SUCCEEDED")
        #expect(succeeded.output == ["zero", ["inner", "answered"]])
        let history = try await test.history(arn)
        #expect(Self.count(history, "PassStateEntered", named: "Zero") == 1)
        #expect(Self.count(history, "PassStateEntered", named: "InnerZero") == 1)
        #expect(Self.count(history, "TaskStateEntered", named: "Park") == 2)
        #expect(Self.count(history, "ParallelStateEntered", named: "Outer") == 1)
    }

    @Test func aFailedMapRunsAgainItsFailedIterationAndThoseThatNeverStarted() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        let definition: JSONValue = [
            "StartAt": "Each",
            "States": [
                "Each": [
                    "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "End": true,
                    "ItemProcessor": [
                        "StartAt": "Which",
                        "States": [
                            "Which": ["Type": "Choice", "Choices": [["Variable": "$", "NumericEquals": 2, "Next": "Park"]], "Default": "Done"],
                            "Park": Self.park("Park", id: "two"),
                            "Done": ["Type": "Pass", "End": true],
                        ],
                    ],
                ]
            ],
        ]
        try await test.machine("each", definition.text)
        let arn = try await test.start("each", input: ["items": [1, 2, 3]])
        try await test.engine.sendTask(token: try await Self.token(test, "two"), answer: .failure(error: "Two.Failed", cause: nil))
        #expect(try await test.finish(arn).status == "FAILED")

        _ = try await test.engine.redriveExecution(arn: arn, clientToken: nil)
        try await test.engine.sendTask(token: try await Self.token(test, "two"), answer: .success(output: "22"))
        let succeeded = try await test.finish(arn)
        #expect(succeeded.status == "SUCCEEDED")
        #expect(succeeded.output == [1, 22, 3])
        let history = try await test.history(arn)
        let started = history.filter { $0["type"] == "MapIterationStarted" }.compactMap { $0["mapIterationStartedEventDetails"]?["index"]?.intValue }
        // 0 and 1 before the failure (2 waited its turn); 1 again and, at last, 2.
        #expect(started == [0, 1, 1, 2])
        #expect(Self.count(history, "ChoiceStateEntered", named: "Which") == 3)
    }

    @Test func aParallelStoppedWhileItsBranchesRanKeepsTheOneThatSucceeded() async throws {
        let test = try TestEngine()
        try await test.createTable("Tokens")
        let definition: JSONValue = [
            "StartAt": "Both",
            "States": [
                "Both": [
                    "Type": "Parallel", "End": true,
                    "Branches": [["StartAt": "A", "States": ["A": Self.park("A", id: "a")]], ["StartAt": "B", "States": ["B": Self.park("B", id: "b")]]],
                ]
            ],
        ]
        try await test.machine("both", definition.text)
        let arn = try await test.start("both")
        try await test.engine.sendTask(token: try await Self.token(test, "a"), answer: .success(output: #""a""#))
        await test.engine.waitUntilIdle()
        _ = try await test.engine.stopExecution(arn: arn, error: "Stopped", cause: nil)
        #expect(try await test.engine.describeExecution(arn: arn).status == .aborted)

        _ = try await test.engine.redriveExecution(arn: arn, clientToken: nil)
        try await test.engine.sendTask(token: try await Self.token(test, "b"), answer: .success(output: #""b""#))
        let succeeded = try await test.finish(arn)
        #expect(succeeded.output == ["a", "b"])
        let history = try await test.history(arn)
        #expect(Self.count(history, "TaskStateEntered", named: "A") == 1)
        #expect(Self.count(history, "TaskStateEntered", named: "B") == 2)
    }
}
