import Foundation
import JSON
import Logging
import StepAPI
import StepEngine
import Testing

@testable import StepDaemon

/// The dispatcher and the engine together keep each caller to what its role allows, with a
/// made-up system: alice is an admin (group stepd-admin), bob and dave are users, carol is an
/// operator by the policy (group ops).
@Suite("access: each caller may do what its role allows, and act on its own executions")
struct DispatcherAccessTests {
    static let root: UInt32 = 0, alice: UInt32 = 1001, bob: UInt32 = 1002, carol: UInt32 = 1003, dave: UInt32 = 1004

    final class Fixture: Sendable {
        let engine: Engine
        let dispatcher: APIDispatcher
        let folder: String

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("stepd-access-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let logger = Logger(label: "DispatcherAccessTests")
            engine = try Engine(databasePath: folder + "/db.sqlite", logger: logger)
            let accounts = FakeAccounts()
            var policy = AccessPolicy.standard(accounts: accounts)
            policy.operators = AccessPolicy.Members(groups: [2002])
            dispatcher = APIDispatcher(engine: engine, logger: logger, accounts: accounts, policy: policy)
        }

        func call(_ target: String, _ body: JSONValue, as uid: UInt32) async -> Result<JSONValue, APIError> {
            await dispatcher.handle(APIRequest(target: target, body: body, peer: PeerCredentials(pid: 1, uid: uid, gid: uid)))
        }

        @discardableResult
        func succeed(_ target: String, _ body: JSONValue, as uid: UInt32, sourceLocation: SourceLocation = #_sourceLocation) async throws
            -> JSONValue
        {
            switch await call(target, body, as: uid) {
            case .success(let answer): return answer
            case .failure(let error):
                Issue.record("\(target) as uid \(uid) failed: \(error.type): \(error.message)", sourceLocation: sourceLocation)
                throw error
            }
        }

        func refusal(_ target: String, _ body: JSONValue, as uid: UInt32) async -> APIError? {
            if case .failure(let error) = await call(target, body, as: uid) { return error }
            return nil
        }

        func close() async {
            await engine.shutdown()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    static let waits = #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100000, "End": true}}}"#

    @Test func changingDefinitionsNeedsTheAdminRole() async throws {
        let fixture = try Fixture()
        let body: JSONValue = ["name": "m", "definition": .string(Self.waits)]
        let refused = try #require(await fixture.refusal("AWSStepFunctions.CreateStateMachine", body, as: Self.bob))
        #expect(refused.type == "AccessDeniedException")
        #expect(refused.message.hasPrefix("User: uid 1002 is not authorized to perform: states:CreateStateMachine"), "\(refused.message)")
        #expect(await fixture.refusal("AWSStepFunctions.CreateStateMachine", body, as: Self.carol)?.type == "AccessDeniedException")
        try await fixture.succeed("AWSStepFunctions.CreateStateMachine", body, as: Self.alice)
        #expect(await fixture.refusal("AWSEvents.PutRule", ["Name": "r", "EventPattern": #"{"source": ["a"]}"#], as: Self.dave) != nil)
        #expect(await fixture.refusal("DynamoDB_20120810.GetItem", ["TableName": "T", "Key": [:]], as: Self.dave)?.type == "AccessDeniedException")
        await fixture.close()
    }

    @Test func aUserSeesStopsAndWaitsForOnlyTheExecutionsItStarted() async throws {
        let fixture = try Fixture()
        try await fixture.succeed("AWSStepFunctions.CreateStateMachine", ["name": "m", "definition": .string(Self.waits)], as: Self.root)
        let bobs = try await fixture.succeed("AWSStepFunctions.StartExecution", ["stateMachineArn": "m", "name": "b1"], as: Self.bob)
        let daves = try await fixture.succeed("AWSStepFunctions.StartExecution", ["stateMachineArn": "m", "name": "d1"], as: Self.dave)
        let bobArn = try #require(bobs["executionArn"])

        for target in ["AWSStepFunctions.DescribeExecution", "AWSStepFunctions.GetExecutionHistory", "AWSStepFunctions.StopExecution",
                       "Stepd.WaitForExecution"] {
            let refused = try #require(await fixture.refusal(target, ["executionArn": bobArn], as: Self.dave), "\(target)")
            #expect(refused.type == "AccessDeniedException", "\(target)")
            #expect(refused.message.contains("uid 1004") && refused.message.contains("on resource: \(bobArn.stringValue ?? "")"), "\(refused.message)")
        }
        try await fixture.succeed("AWSStepFunctions.DescribeExecution", ["executionArn": bobArn], as: Self.bob)
        try await fixture.succeed("AWSStepFunctions.DescribeExecution", ["executionArn": bobArn], as: Self.carol)

        let davesList = try await fixture.succeed("AWSStepFunctions.ListExecutions", ["stateMachineArn": "m"], as: Self.dave)
        #expect(davesList["executions"]?.arrayValue?.map { $0["executionArn"] } == [daves["executionArn"]])
        let all = try await fixture.succeed("AWSStepFunctions.ListExecutions", ["stateMachineArn": "m"], as: Self.root)
        #expect(all["executions"]?.arrayValue?.count == 2)

        try await fixture.succeed("AWSStepFunctions.StopExecution", ["executionArn": bobArn], as: Self.bob)
        await fixture.close()
    }

    @Test func aTaskTokenAnswersOnlyForItsExecutionsStarterAndOperators() async throws {
        let fixture = try Fixture()
        let child = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#
        let parent: JSONValue = [
            "StartAt": "T",
            "States": ["T": [
                "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
                "Parameters": ["StateMachineArn": "arn:aws:states:local:000000000000:stateMachine:child", "Input": ["token.$": "$$.Task.Token"]],
                "End": true,
            ]],
        ]
        try await fixture.succeed("AWSStepFunctions.CreateStateMachine", ["name": "child", "definition": .string(child)], as: Self.root)
        try await fixture.succeed(
            "AWSStepFunctions.CreateStateMachine", ["name": "parent", "definition": .string(parent.serialized())], as: Self.root)
        try await fixture.succeed("AWSStepFunctions.StartExecution", ["stateMachineArn": "parent"], as: Self.bob)
        await fixture.engine.waitUntilIdle()
        let children = try await fixture.succeed("AWSStepFunctions.ListExecutions", ["stateMachineArn": "child"], as: Self.bob)
        let childArn = try #require(children["executions"]?.arrayValue?.first?["executionArn"], "the child is bob's too")
        let described = try await fixture.succeed("AWSStepFunctions.DescribeExecution", ["executionArn": childArn], as: Self.bob)
        let input = try #require(described["input"]?.stringValue)
        let token = try #require(try JSONValue(parsing: input)["token"])

        let refused = try #require(await fixture.refusal("AWSStepFunctions.SendTaskSuccess", ["taskToken": token, "output": "{}"], as: Self.dave))
        #expect(refused.type == "AccessDeniedException")
        #expect(refused.message.contains("states:SendTaskSuccess"), "\(refused.message)")
        try await fixture.succeed("AWSStepFunctions.SendTaskHeartbeat", ["taskToken": token], as: Self.carol)
        try await fixture.succeed("AWSStepFunctions.SendTaskSuccess", ["taskToken": token, "output": "{}"], as: Self.bob)
        await fixture.close()
    }

    @Test func jobDefinitionsEnvironmentIsForAdminsOnly() async throws {
        let fixture = try Fixture()
        let definition: JSONValue = ["Name": "j", "Command": ["/bin/true"], "Environment": ["TOKEN": "s3cret"]]
        #expect(await fixture.refusal("Stepd.PutJobDefinition", definition, as: Self.bob)?.type == "AccessDeniedException")
        try await fixture.succeed("Stepd.PutJobDefinition", definition, as: Self.alice)
        let seenByBob = try await fixture.succeed("Stepd.DescribeJobDefinition", ["Name": "j"], as: Self.bob)
        #expect(seenByBob["Environment"] == ["TOKEN": .string(StepdHandler.hiddenValue)])
        let listed = try await fixture.succeed("Stepd.ListJobDefinitions", [:], as: Self.carol)
        #expect(listed["JobDefinitions"]?.arrayValue?.first?["Environment"] == ["TOKEN": .string(StepdHandler.hiddenValue)])
        let seenByAlice = try await fixture.succeed("Stepd.DescribeJobDefinition", ["Name": "j"], as: Self.alice)
        #expect(seenByAlice["Environment"] == ["TOKEN": "s3cret"])
        await fixture.close()
    }

    @Test func executionsAnEventStartsBelongToWhoeverPutTheEvent() async throws {
        let fixture = try Fixture()
        try await fixture.succeed("AWSStepFunctions.CreateStateMachine", ["name": "m", "definition": .string(Self.waits)], as: Self.root)
        try await fixture.succeed("AWSEvents.PutRule", ["Name": "r", "EventPattern": #"{"source": ["bob.app"]}"#], as: Self.root)
        try await fixture.succeed(
            "AWSEvents.PutTargets", ["Rule": "r", "Targets": [["Id": "t", "Arn": "arn:aws:states:local:000000000000:stateMachine:m"]]],
            as: Self.root)
        try await fixture.succeed("AWSEvents.PutEvents", ["Entries": [["Source": "bob.app", "DetailType": "d", "Detail": "{}"]]], as: Self.bob)
        let bobs = try await fixture.succeed("AWSStepFunctions.ListExecutions", ["stateMachineArn": "m"], as: Self.bob)
        #expect(bobs["executions"]?.arrayValue?.count == 1)
        let daves = try await fixture.succeed("AWSStepFunctions.ListExecutions", ["stateMachineArn": "m"], as: Self.dave)
        #expect(daves["executions"]?.arrayValue?.isEmpty == true)
        await fixture.close()
    }
}
