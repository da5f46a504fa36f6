import Foundation
import JSON
import Logging
import StepAPI
import StepEngine
import Testing

@testable import StepDaemon

/// DescribeMapRun, ListMapRuns, UpdateMapRun and ListExecutions with `mapRunArn` through the
/// dispatcher: the request shapes, the engine's answers, and their errors as AWS names them
/// (botocore's model: ResourceNotFound, InvalidArn, ExecutionDoesNotExist, ValidationException).
@Suite("map run actions through the dispatcher")
struct MapRunActionTests {
    static let root: UInt32 = 0, bob: UInt32 = 1002, dave: UInt32 = 1004

    /// DispatcherAccessTests' engine and dispatcher (the same users), with Step Functions'
    /// actions named without their prefix and root as the default caller.
    final class Fixture: Sendable {
        let base: DispatcherAccessTests.Fixture
        var engine: Engine { base.engine }

        init() throws {
            base = try DispatcherAccessTests.Fixture()
        }

        func call(_ action: String, _ body: JSONValue, as uid: UInt32 = root) async -> Result<JSONValue, APIError> {
            await base.call("AWSStepFunctions." + action, body, as: uid)
        }

        @discardableResult
        func succeed(_ action: String, _ body: JSONValue, as uid: UInt32 = root, sourceLocation: SourceLocation = #_sourceLocation) async throws
            -> JSONValue
        {
            switch await call(action, body, as: uid) {
            case .success(let answer): return answer
            case .failure(let error):
                Issue.record("\(action) failed: \(error.type): \(error.message)", sourceLocation: sourceLocation)
                throw error
            }
        }

        func refusal(_ action: String, _ body: JSONValue, as uid: UInt32 = root) async -> APIError? {
            if case .failure(let error) = await call(action, body, as: uid) { return error }
            return nil
        }

        func close() async {
            await base.close()
        }
    }

    static let unknownRun = "arn:aws:states:local:000000000000:mapRun:m/Each:0a1b2c3d-0000-4000-8000-000000000000"
    static let unknownExecution = "arn:aws:states:local:000000000000:execution:m:nobody"

    // MARK: - Errors

    @Test(arguments: [
        ["stateMachineArn": "m", "mapRunArn": .string(unknownRun)],
        [:],
        ["statusFilter": "RUNNING"],
    ] as [JSONValue])
    func listExecutionsNeedsExactlyOneOfStateMachineAndMapRun(body: JSONValue) async throws {
        let fixture = try Fixture()
        let refused = try #require(await fixture.refusal("ListExecutions", body))
        #expect(refused.type == "ValidationException")
        #expect(refused.message.contains("stateMachineArn") && refused.message.contains("mapRunArn"), "\(refused.message)")
        await fixture.close()
    }

    @Test(arguments: ["DescribeMapRun", "UpdateMapRun", "ListExecutions"])
    func aWellFormedMapRunArnThatNamesNoRunIsResourceNotFound(action: String) async throws {
        let fixture = try Fixture()
        var body: [String: JSONValue] = ["mapRunArn": .string(Self.unknownRun)]
        if action == "UpdateMapRun" { body["maxConcurrency"] = 2 }
        let refused = try #require(await fixture.refusal(action, .object(body)))
        #expect(refused.type == "ResourceNotFound")
        #expect(refused.message.contains(Self.unknownRun), "\(refused.message)")
        await fixture.close()
    }

    /// Another region and account name the same local run (as for executions).
    @Test func aMapRunArnOfAnotherRegionIsTheLocalOne() async throws {
        let fixture = try Fixture()
        let elsewhere = "arn:aws:states:us-east-1:123456789012:mapRun:m/Each:0a1b2c3d-0000-4000-8000-000000000000"
        let refused = try #require(await fixture.refusal("DescribeMapRun", ["mapRunArn": .string(elsewhere)]))
        #expect(refused.type == "ResourceNotFound")
        #expect(refused.message.contains(Self.unknownRun), "\(refused.message)")
        await fixture.close()
    }

    static let malformedRuns = [
        "m",
        "arn:aws:states:local:000000000000:execution:m:e",
        "arn:aws:states:local:000000000000:stateMachine:m",
        "arn:aws:states:local:000000000000:mapRun:m:0a1b2c3d",  // no label
        "arn:aws:states:local:000000000000:mapRun:m/Each:",  // no id
    ]

    @Test(arguments: ["DescribeMapRun", "UpdateMapRun", "ListExecutions"], malformedRuns)
    func aMalformedMapRunArnIsInvalidArn(action: String, arn: String) async throws {
        let fixture = try Fixture()
        var body: [String: JSONValue] = ["mapRunArn": .string(arn)]
        if action == "UpdateMapRun" { body["maxConcurrency"] = 2 }
        let refused = try #require(await fixture.refusal(action, .object(body)))
        #expect(refused.type == "InvalidArn")
        // AWS: "Invalid Arn: 'Resource type not valid in this context: ARN'".
        #expect(refused.message == "Invalid Arn: 'Resource type not valid in this context: \(arn)'")
        await fixture.close()
    }

    @Test func listMapRunsOfAnUnknownExecutionIsExecutionDoesNotExist() async throws {
        let fixture = try Fixture()
        let refused = try #require(await fixture.refusal("ListMapRuns", ["executionArn": .string(Self.unknownExecution)]))
        #expect(refused.type == "ExecutionDoesNotExist")
        #expect(refused.message.contains(Self.unknownExecution), "\(refused.message)")
        await fixture.close()
    }

    @Test func listMapRunsOfAMapRunArnIsInvalidArn() async throws {
        let fixture = try Fixture()
        #expect(await fixture.refusal("ListMapRuns", ["executionArn": .string(String(Self.unknownRun.prefix(256)))])?.type == "InvalidArn")
        await fixture.close()
    }

    @Test func updateMapRunWithNothingToChangeIsAValidationException() async throws {
        let fixture = try Fixture()
        let refused = try #require(await fixture.refusal("UpdateMapRun", ["mapRunArn": .string(Self.unknownRun)]))
        #expect(refused.type == "ValidationException")
        #expect(refused.message.contains("maxConcurrency"), "\(refused.message)")
        await fixture.close()
    }

    @Test(arguments: [
        ("DescribeMapRun", [:], "ValidationException"),
        ("ListMapRuns", [:], "ValidationException"),
        ("UpdateMapRun", ["mapRunArn": .string(unknownRun), "toleratedFailurePercentage": 101], "ValidationException"),
        ("UpdateMapRun", ["mapRunArn": .string(unknownRun), "toleratedFailurePercentage": "5"], "SerializationException"),
    ] as [(String, JSONValue, String)])
    func theShapeIsCheckedBeforeTheEngine(action: String, body: JSONValue, type: String) async throws {
        let fixture = try Fixture()
        #expect(await fixture.refusal(action, body)?.type == type)
        await fixture.close()
    }

    // MARK: - A real run

    /// A DISTRIBUTED Map labelled `Each` whose children wait (for a day) one at a time.
    static let parkedRun: JSONValue = [
        "StartAt": "Each",
        "States": ["Each": [
            "Type": "Map", "Label": "Each", "ItemsPath": "$.items", "MaxConcurrency": 1, "End": true,
            "ItemProcessor": [
                "ProcessorConfig": ["Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"],
                "StartAt": "W", "States": ["W": ["Type": "Wait", "Seconds": 86_400, "End": true]],
            ],
        ]],
    ]

    /// A DISTRIBUTED Map whose children pass their item on.
    static let passingRun: JSONValue = [
        "StartAt": "Each",
        "States": ["Each": [
            "Type": "Map", "Label": "Each", "End": true,
            "ItemProcessor": [
                "ProcessorConfig": ["Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"],
                "StartAt": "P", "States": ["P": ["Type": "Pass", "End": true]],
            ],
        ]],
    ]

    func startedRun(_ fixture: Fixture, definition: JSONValue, input: JSONValue, as uid: UInt32 = root) async throws
        -> (execution: String, mapRun: String)
    {
        try await fixture.succeed("CreateStateMachine", ["name": "m", "definition": .string(definition.serialized())])
        let started = try await fixture.succeed("StartExecution", ["stateMachineArn": "m", "input": .string(input.serialized())], as: uid)
        let execution = try #require(started["executionArn"]?.stringValue)
        await fixture.engine.waitUntilIdle()
        let runs = try await fixture.succeed("ListMapRuns", ["executionArn": .string(execution)], as: uid)
        let mapRun = try #require(runs["mapRuns"]?.arrayValue?.first?["mapRunArn"]?.stringValue)
        return (execution, mapRun)
    }

    @Test func aFinishedRunIsDescribedListedAndCannotBeUpdated() async throws {
        let fixture = try Fixture()
        let (execution, mapRun) = try await startedRun(fixture, definition: Self.passingRun, input: [1, 2, 3])
        #expect(try await fixture.succeed("DescribeExecution", ["executionArn": .string(execution)])["status"] == "SUCCEEDED")
        #expect(mapRun.hasPrefix("arn:aws:states:local:000000000000:mapRun:m/Each:"))

        let runs = try await fixture.succeed("ListMapRuns", ["executionArn": .string(execution)])
        let item = try #require(runs["mapRuns"]?.arrayValue?.first?.objectValue)
        // MapRunListItem's required members.
        #expect(item["executionArn"] == .string(execution))
        #expect(item["stateMachineArn"] == "arn:aws:states:local:000000000000:stateMachine:m/Each")
        #expect(item["startDate"]?.numberValue != nil && item["stopDate"]?.numberValue != nil)
        #expect(runs["nextToken"] == nil)

        let run = try await fixture.succeed("DescribeMapRun", ["mapRunArn": .string(mapRun)])
        for member in [
            "mapRunArn", "executionArn", "status", "startDate", "maxConcurrency", "toleratedFailurePercentage", "toleratedFailureCount",
            "itemCounts", "executionCounts",
        ] {
            #expect(run[member] != nil, "DescribeMapRun lacks \(member)")
        }
        #expect(run["status"] == "SUCCEEDED")
        #expect(run["maxConcurrency"] == 0)
        #expect(run["itemCounts"]?["succeeded"] == 3 && run["itemCounts"]?["total"] == 3)
        #expect(run["executionCounts"]?["succeeded"] == 3 && run["executionCounts"]?["pending"] == 0)

        let children = try await fixture.succeed("ListExecutions", ["mapRunArn": .string(mapRun)])
        let listed = try #require(children["executions"]?.arrayValue)
        #expect(listed.count == 3)
        #expect(listed.allSatisfy { $0["mapRunArn"] == .string(mapRun) && $0["itemCount"] == 1 && $0["status"] == "SUCCEEDED" })
        #expect(listed.allSatisfy { $0["stateMachineArn"] == "arn:aws:states:local:000000000000:stateMachine:m/Each" })
        // By its state machine, the parent alone.
        let byMachine = try await fixture.succeed("ListExecutions", ["stateMachineArn": "m"])
        #expect(byMachine["executions"]?.arrayValue?.map { $0["executionArn"] } == [.string(execution)])

        let refused = try #require(await fixture.refusal("UpdateMapRun", ["mapRunArn": .string(mapRun), "maxConcurrency": 5]))
        #expect(refused.type == "ValidationException")
        #expect(refused.body["reason"] == "CANNOT_UPDATE_COMPLETED_MAP_RUN")
        await fixture.close()
    }

    @Test func updateMapRunChangesARunningRun() async throws {
        let fixture = try Fixture()
        let (execution, mapRun) = try await startedRun(fixture, definition: Self.parkedRun, input: ["items": [1, 2, 3]], as: Self.bob)
        let before = try await fixture.succeed("DescribeMapRun", ["mapRunArn": .string(mapRun)], as: Self.bob)
        #expect(before["status"] == "RUNNING")
        #expect(before["stopDate"] == nil)
        #expect(before["maxConcurrency"] == 1)
        #expect(before["executionCounts"]?["running"] == 1)
        let pendingBefore = before["itemCounts"]?["pending"]
        #expect(pendingBefore == 2)

        let updated = try await fixture.succeed(
            "UpdateMapRun", ["mapRunArn": .string(mapRun), "maxConcurrency": 2, "toleratedFailurePercentage": 12.5, "toleratedFailureCount": 4],
            as: Self.bob)
        #expect(updated == [:])
        await fixture.engine.waitUntilIdle()
        let after = try await fixture.succeed("DescribeMapRun", ["mapRunArn": .string(mapRun)], as: Self.bob)
        #expect(after["maxConcurrency"] == 2)
        #expect(after["toleratedFailurePercentage"] == 12.5)
        #expect(after["toleratedFailureCount"] == 4)
        #expect(after["executionCounts"]?["running"] == 2)
        #expect(after["itemCounts"]?["pending"] == 1)
        let running = try await fixture.succeed("ListExecutions", ["mapRunArn": .string(mapRun), "statusFilter": "RUNNING"], as: Self.bob)
        #expect(running["executions"]?.arrayValue?.count == 2)

        // Another user sees neither bob's execution nor its run.
        for (action, body) in [
            ("DescribeMapRun", ["mapRunArn": .string(mapRun)]), ("UpdateMapRun", ["mapRunArn": .string(mapRun), "maxConcurrency": 3]),
            ("ListMapRuns", ["executionArn": .string(execution)]), ("ListExecutions", ["mapRunArn": .string(mapRun)]),
        ] as [(String, JSONValue)] {
            #expect(await fixture.refusal(action, body, as: Self.dave)?.type == "AccessDeniedException", "\(action)")
        }

        try await fixture.succeed("StopExecution", ["executionArn": .string(execution)], as: Self.bob)
        await fixture.engine.waitUntilIdle()
        let stopped = try await fixture.succeed("DescribeMapRun", ["mapRunArn": .string(mapRun)])
        #expect(stopped["status"] == "ABORTED")
        #expect(stopped["stopDate"]?.numberValue != nil)
        let refused = try #require(await fixture.refusal("UpdateMapRun", ["mapRunArn": .string(mapRun), "toleratedFailureCount": 1]))
        #expect(refused.body["reason"] == "CANNOT_UPDATE_COMPLETED_MAP_RUN")
        await fixture.close()
    }
}
