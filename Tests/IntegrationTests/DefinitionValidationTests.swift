import Foundation
import JSON
import StepAPI
import StepClient
import Testing

/// Definitions with a resource stepd cannot run, against the real stepd: CreateStateMachine
/// refuses them as AWS does, ValidateStateMachineDefinition and `stepctl validate` say where.
@Suite("definition validation against the real stepd")
struct DefinitionValidationTests {
    /// A Parallel state `P` whose one branch calls `resource` in state `Call`.
    static func parallelCalling(_ resource: String) -> String {
        let definition: JSONValue = [
            "StartAt": "P",
            "States": [
                "P": [
                    "Type": "Parallel", "End": true,
                    "Branches": [["StartAt": "Call", "States": ["Call": ["Type": "Task", "Resource": .string(resource), "End": true]]]],
                ]
            ],
        ]
        return definition.serialized()
    }

    static let location = "/States/P/Branches/0/States/Call/Resource"

    @Test("CreateStateMachine refuses a nested Task stepd cannot run; ValidateStateMachineDefinition locates it")
    func createRefusesAndValidateLocates() async throws {
        try await withStepd { stepd in
            let refused = try await stepd.callFailing(
                "AWSStepFunctions.CreateStateMachine",
                ["name": "lambda", "definition": .string(Self.parallelCalling("arn:aws:states:::lambda:invoke"))])
            guard case .api(let error) = refused else {
                Issue.record("expected an API error, got \(refused)")
                return
            }
            #expect(error.type == "InvalidDefinition")
            #expect(error.message.hasPrefix(
                "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: State 'Call': The resource provided arn:aws:states:::lambda:invoke is not recognized."),
                "\(error.message)")
            #expect(error.message.hasSuffix(" at \(Self.location)'"), "\(error.message)")
            #expect(try await stepd.call("AWSStepFunctions.ListStateMachines", [:])["stateMachines"] == [])

            let failed = try await stepd.call(
                "AWSStepFunctions.ValidateStateMachineDefinition",
                ["definition": .string(Self.parallelCalling("arn:aws:states:::dynamodb:putItem.sync"))])
            #expect(failed["result"] == "FAIL")
            #expect(failed["truncated"] == false)
            let diagnostics = try #require(failed["diagnostics"]?.arrayValue, "\(failed)")
            #expect(diagnostics.count == 1)
            #expect(diagnostics.first?["severity"] == "ERROR")
            #expect(diagnostics.first?["code"] == "SCHEMA_VALIDATION_FAILED")
            #expect(diagnostics.first?["location"] == .string(Self.location))
            #expect(diagnostics.first?["message"]?.stringValue?.contains("dynamodb:putItem.sync") == true, "\(failed)")

            let ok = try await stepd.call(
                "AWSStepFunctions.ValidateStateMachineDefinition",
                ["definition": .string(Self.parallelCalling("arn:aws:states:::dynamodb:putItem"))])
            #expect(ok == ["result": "OK", "diagnostics": [], "truncated": false])
        }
    }
}
