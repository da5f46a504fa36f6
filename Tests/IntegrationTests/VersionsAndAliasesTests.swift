import Foundation
import JSON
import StepClient
import Testing

@Suite("Versions and aliases through the real stepd")
struct VersionsAndAliasesTests {
    static func pass(_ result: String) -> JSONValue {
        .string(JSONValue.object(["StartAt": "P", "States": ["P": ["Type": "Pass", "Result": .string(result), "End": true]]]).serialized())
    }

    static let arn = "arn:aws:states:local:000000000000:stateMachine:svc"

    @Test("stepctl publishes; an alias routes starts to a version; executions and their history name both")
    func publishAliasAndStart() async throws {
        try await withStepd { stepd in
            let definitionFile = stepd.root + "/one.asl.json"
            try #require(Self.pass("one").stringValue).write(toFile: definitionFile, atomically: true, encoding: .utf8)
            let created = try await stepd.stepctl([
                "create-state-machine", "--name", "svc", "--definition", "file://" + definitionFile, "--publish", "--version-description", "first",
            ])
            #expect(created.status == 0, "stderr: \(created.stderr)")
            #expect(created.json?["stateMachineVersionArn"] == .string(Self.arn + ":1"), "stdout: \(created.stdout)")

            let updated = try await stepd.call(
                "AWSStepFunctions.UpdateStateMachine", ["stateMachineArn": .string(Self.arn), "definition": Self.pass("two"), "publish": true])
            #expect(updated["stateMachineVersionArn"] == .string(Self.arn + ":2"))
            #expect(updated["revisionId"]?.stringValue?.count == 36)

            let alias = try await stepd.call(
                "AWSStepFunctions.CreateStateMachineAlias",
                ["name": "PROD", "routingConfiguration": [["stateMachineVersionArn": .string(Self.arn + ":1"), "weight": 100]]])
            #expect(alias["stateMachineAliasArn"] == .string(Self.arn + ":PROD"))

            let started = try await stepd.call(
                "AWSStepFunctions.StartExecution", ["stateMachineArn": .string(Self.arn + ":PROD"), "name": "through-alias"])
            let executionArn = try #require(started["executionArn"]?.stringValue)
            #expect(executionArn == "arn:aws:states:local:000000000000:execution:svc:through-alias")
            let ended = try await stepd.call("Stepd.WaitForExecution", ["executionArn": .string(executionArn)])
            #expect(ended["output"] == #""one""#)
            #expect(ended["stateMachineVersionArn"] == .string(Self.arn + ":1"))
            #expect(ended["stateMachineAliasArn"] == .string(Self.arn + ":PROD"))
            #expect(ended["stateMachineArn"] == .string(Self.arn))

            let history = try await stepd.call("AWSStepFunctions.GetExecutionHistory", ["executionArn": .string(executionArn)])
            let details = history["events"]?.arrayValue?.first?["executionStartedEventDetails"]
            #expect(details?["stateMachineAliasArn"] == .string(Self.arn + ":PROD"))
            #expect(details?["stateMachineVersionArn"] == .string(Self.arn + ":1"))

            let listed = try await stepd.call("AWSStepFunctions.ListExecutions", ["stateMachineArn": .string(Self.arn + ":2")])
            #expect(listed["executions"] == [])
            let ofAlias = try await stepd.call("AWSStepFunctions.ListExecutions", ["stateMachineArn": .string(Self.arn + ":PROD")])
            #expect(ofAlias["executions"]?.arrayValue?.first?["stateMachineAliasArn"] == .string(Self.arn + ":PROD"))

            let version = try await stepd.call("AWSStepFunctions.DescribeStateMachine", ["stateMachineArn": .string(Self.arn + ":1")])
            #expect(version["description"] == "first")
            #expect(version["definition"] == Self.pass("one"))
            let versions = try await stepd.call("AWSStepFunctions.ListStateMachineVersions", ["stateMachineArn": .string(Self.arn)])
            #expect(versions["stateMachineVersions"]?.arrayValue?.compactMap { $0["stateMachineVersionArn"]?.stringValue } == [Self.arn + ":2", Self.arn + ":1"])

            // The version the alias routes to cannot go while it does.
            let conflict = try await stepd.callFailing("AWSStepFunctions.DeleteStateMachineVersion", ["stateMachineVersionArn": .string(Self.arn + ":1")])
            guard case .api(let refused) = conflict else { Issue.record("\(conflict)"); return }
            #expect(refused.type == "ConflictException")
            #expect(refused.message == "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [PROD]")
        }
    }

    @Test("AWS's validation of aliases: the name's pattern, the weights, a missing alias")
    func aliasValidation() async throws {
        try await withStepd { stepd in
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "svc", "definition": Self.pass("one"), "publish": true])
            let version: JSONValue = .string(Self.arn + ":1")
            let cases: [(JSONValue, String, String)] = [
                (["name": "123", "routingConfiguration": [["stateMachineVersionArn": version, "weight": 100]]], "ValidationException",
                 #"1 validation error detected: Value '123' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$"#),
                (["name": "a", "routingConfiguration": [["stateMachineVersionArn": version, "weight": 101]]], "ValidationException",
                 "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100"),
                (["name": "a", "routingConfiguration": [["stateMachineVersionArn": version, "weight": 70]]], "ValidationException",
                 "Sum of routing configuration weights must equal 100. Received: [70]"),
            ]
            for (body, type, message) in cases {
                let failure = try await stepd.callFailing("AWSStepFunctions.CreateStateMachineAlias", body)
                guard case .api(let error) = failure else { Issue.record("\(failure)"); continue }
                #expect(error.type == type)
                #expect(error.message == message)
            }
            let missing = try await stepd.callFailing(
                "AWSStepFunctions.UpdateStateMachineAlias", ["stateMachineAliasArn": .string(Self.arn + ":none"), "description": "d"])
            guard case .api(let notFound) = missing else { Issue.record("\(missing)"); return }
            #expect(notFound.type == "ResourceNotFound")
            #expect(notFound.message == "Request references a resource that does not exist.")
        }
    }
}
