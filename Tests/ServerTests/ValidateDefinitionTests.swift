import Foundation
import JSON
import StepAPI
import StepEngine
import Testing

@testable import StepDaemon

/// ValidateStateMachineDefinition through the dispatcher, as a plain user: AWS's answer,
/// a diagnostic per problem of the definition.
@Suite("ValidateStateMachineDefinition: result, diagnostics and truncated, as AWS answers")
struct ValidateDefinitionTests {
    static let target = "AWSStepFunctions.ValidateStateMachineDefinition"
    static let user = DispatcherAccessTests.bob

    /// `count` Pass states, each with a field no Pass state has: `count` problems.
    static func withUnknownFields(_ count: Int) -> String {
        var states: [String: JSONValue] = [:]
        for index in 0..<count {
            states["S\(index)"] = ["Type": "Pass", "Bogus": 1, "Next": .string("S\(index + 1)")]
        }
        states["S\(count)"] = ["Type": "Succeed"]
        let definition: JSONValue = ["StartAt": "S0", "States": .object(states)]
        return definition.serialized()
    }

    /// Each expected diagnostic: its code, its location, and how its message begins.
    @Test(arguments: [
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#, [(String, String?, String)]()),
        ("not json", [("INVALID_JSON_DESCRIPTION", nil, "The definition is not valid JSON")]),
        (" ", [("SCHEMA_VALIDATION_FAILED", nil, "Definition must be a valid JSON object")]),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:scan", "End": true}}}"#,
         [("SCHEMA_VALIDATION_FAILED", "/States/A/Resource", "State 'A': The resource provided arn:aws:states:::dynamodb:scan is not recognized. stepd runs only ")]),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}, "B": {"Type": "Wait", "Seconds": "x", "End": true}}}"#,
         [("SCHEMA_VALIDATION_FAILED", "/States/B/Seconds", "State 'B': field 'Seconds'")]),
    ])
    func answersADiagnosticPerProblem(definition: String, expected: [(code: String, location: String?, message: String)]) async throws {
        let fixture = try DispatcherAccessTests.Fixture()
        let answer = try await fixture.succeed(Self.target, ["definition": .string(definition)], as: Self.user)
        await fixture.close()
        #expect(answer["result"] == (expected.isEmpty ? "OK" : "FAIL"))
        #expect(answer["truncated"] == false)
        let diagnostics = answer["diagnostics"]?.arrayValue ?? []
        #expect(diagnostics.count == expected.count, "\(answer)")
        for (diagnostic, expected) in zip(diagnostics, expected) {
            #expect(diagnostic["severity"] == "ERROR")
            #expect(diagnostic["code"] == .string(expected.code))
            #expect(diagnostic["location"] == expected.location.map { .string($0) }, "\(diagnostic)")
            #expect(diagnostic["message"]?.stringValue?.hasPrefix(expected.message) == true, "\(diagnostic)")
        }
    }

    @Test(arguments: [(nil, 100, false), (0, 100, false), (3, 3, true), (100, 100, false)] as [(Int?, Int, Bool)])
    func maxResultsBoundsTheDiagnostics(maxResults: Int?, returned: Int, truncated: Bool) async throws {
        let fixture = try DispatcherAccessTests.Fixture()
        var body: [String: JSONValue] = ["definition": .string(Self.withUnknownFields(100)), "severity": "WARNING"]
        body["maxResults"] = maxResults.map { .number(Double($0)) }
        let answer = try await fixture.succeed(Self.target, .object(body), as: Self.user)
        await fixture.close()
        #expect(answer["result"] == "FAIL")
        #expect(answer["diagnostics"]?.arrayValue?.count == returned)
        #expect(answer["truncated"] == .bool(truncated))
        #expect(answer["diagnostics"]?.arrayValue?.first?["location"] == "/States/S0/Bogus")
    }

    /// What AWS's model refuses (ValidationException).
    @Test(arguments: [
        ["definition": "{}", "maxResults": 101], ["definition": "{}", "severity": "INFO"], ["definition": ""], ["maxResults": 1],
        ["definition": "{}", "type": "BATCH"],
    ] as [JSONValue])
    func refusesWhatTheModelRefuses(body: JSONValue) async throws {
        let fixture = try DispatcherAccessTests.Fixture()
        let refusal = await fixture.refusal(Self.target, body, as: Self.user)
        await fixture.close()
        #expect(refusal?.type == "ValidationException", "\(String(describing: refusal))")
    }

    /// AWS refuses in an EXPRESS machine what it cannot run there, in its recorded words.
    @Test func expressDefinitionsAreCheckedAsExpress() async throws {
        let definition = #"{"StartAt": "Publish", "States": {"Publish": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken", "Parameters": {"StateMachineArn": "m"}, "End": true}}}"#
        let fixture = try DispatcherAccessTests.Fixture()
        let express = try await fixture.succeed(Self.target, ["definition": .string(definition), "type": "EXPRESS"], as: Self.user)
        let standard = try await fixture.succeed(Self.target, ["definition": .string(definition)], as: Self.user)
        await fixture.close()
        #expect(express["result"] == "FAIL")
        #expect(express["diagnostics"]?.arrayValue?.first?["message"] == "Express state machine does not support '.waitForTaskToken' service integration ")
        #expect(express["diagnostics"]?.arrayValue?.first?["location"] == "/States/Publish/Resource")
        #expect(standard["result"] == "OK")
    }
}
