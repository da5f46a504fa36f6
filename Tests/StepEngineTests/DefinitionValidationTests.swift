import Foundation
import JSON
import StatesLanguage
import Testing

@testable import StepEngine

/// CreateStateMachine refuses a Task whose resource stepd cannot run, as AWS refuses one it
/// does not know (InvalidDefinition, SCHEMA_VALIDATION_FAILED at /States/X/Resource).
@Suite struct DefinitionValidationTests {
    /// A definition whose one Task state `Call` names `resource`.
    static func calling(_ resource: String) -> String {
        let definition: JSONValue = ["StartAt": "Call", "States": ["Call": ["Type": "Task", "Resource": .string(resource), "End": true]]]
        return definition.text
    }

    @Test(arguments: [
        "arn:aws:states:::states:startExecution",
        "arn:aws:states:::states:startExecution.waitForTaskToken",
        "arn:aws:states:::aws-sdk:sfn:startExecution",
        "arn:aws:states:::states:startExecution.sync",
        "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
        "arn:aws:states:::aws-sdk:sfn:sendTaskFailure",
        "arn:aws:states:::aws-sdk:sfn:sendTaskHeartbeat",
        "arn:aws:states:::dynamodb:putItem",
        "arn:aws:states:::dynamodb:getItem",
        "arn:aws:states:::dynamodb:deleteItem",
        "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
        "arn:aws:states:::aws-sdk:dynamodb:putItem",
        "arn:aws:states:::aws-sdk:dynamodb:getItem",
        "arn:aws:states:::aws-sdk:dynamodb:deleteItem",
        "arn:aws:states:::aws-sdk:appflow:startFlow",
    ])
    func resourcesStepdRunsAreAccepted(resource: String) throws {
        #expect(TaskResource.refusal(of: resource) == nil)
        #expect(DefinitionValidation.problems(Self.calling(resource)) == [])
    }

    @Test(arguments: [
        // Not a service integration.
        "arn:aws:lambda:us-east-1:123456789012:function:hello",
        "arn:aws:states:us-east-1:123456789012:activity:work",
        "putItem",
        // Malformed.
        "arn:aws:states:::dynamodb",
        "arn:aws:states:::dynamodb:",
        "arn:aws:states:::a:b:c",
        // A service stepd does not run.
        "arn:aws:states:::lambda:invoke",
        "arn:aws:states:::foo:bar",
        "arn:aws:states:::aws-sdk:s3:getObject",
        // A known service, an unknown action, or one only under the other prefix.
        "arn:aws:states:::dynamodb:scan",
        "arn:aws:states:::aws-sdk:dynamodb:query",
        "arn:aws:states:::states:sendTaskSuccess",
        "arn:aws:states:::appflow:startFlow",
        "arn:aws:states:::aws-sdk:appflow:stopFlow",
        // A known action with a pattern stepd does not run.
        "arn:aws:states:::dynamodb:putItem.sync",
        "arn:aws:states:::aws-sdk:sfn:startExecution.sync",
        "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess.sync",
    ])
    func resourcesStepdCannotRunAreRefusedAtTheirPath(resource: String) throws {
        let refusal = try #require(TaskResource.refusal(of: resource))
        #expect(refusal.hasPrefix("The resource provided \(resource) is not recognized."), "\(refusal)")
        let problems = DefinitionValidation.problems(Self.calling(resource))
        #expect(problems == [
            DefinitionError.Problem(message: "State 'Call': \(refusal)", path: "/States/Call/Resource", code: .schemaValidationFailed)
        ])
    }

    /// The run-time check is the same decision: a definition stored before the check fails
    /// its state with `States.Runtime` and the same words.
    @Test(arguments: ["arn:aws:states:::dynamodb:scan", "arn:aws:states:::dynamodb:putItem.sync"])
    func theRunTimeRefusalIsTheSame(resource: String) throws {
        let parsed = try TaskResource(resource)
        #expect(parsed.arn == resource)
        #expect(parsed.refusal == TaskResource.refusal(of: resource))
    }

    @Test func everyTaskIsCheckedAtEveryDepthEachAtItsOwnPath() throws {
        let definition: JSONValue = [
            "StartAt": "Outer",
            "States": [
                "Outer": [
                    "Type": "Parallel", "Next": "Top",
                    "Branches": [
                        ["StartAt": "Fine", "States": ["Fine": ["Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "End": true]]],
                        [
                            "StartAt": "Inner",
                            "States": [
                                "Inner": [
                                    "Type": "Parallel", "End": true,
                                    "Branches": [
                                        ["StartAt": "Deep", "States": ["Deep": ["Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true]]]
                                    ],
                                ]
                            ],
                        ],
                    ],
                ],
                "Top": ["Type": "Task", "Resource": "arn:aws:states:::dynamodb:scan", "End": true],
            ],
        ]
        let problems = DefinitionValidation.problems(definition.text)
        #expect(problems.map(\.path) == ["/States/Outer/Branches/1/States/Inner/Branches/0/States/Deep/Resource", "/States/Top/Resource"])
        #expect(problems.map(\.code) == [.schemaValidationFailed, .schemaValidationFailed])
        #expect(problems.first?.message.hasPrefix("State 'Deep': The resource provided arn:aws:states:::lambda:invoke is not recognized.") == true)
    }

    @Test(arguments: ["ItemProcessor", "Iterator"])
    func tasksInAMapsProcessorAreCheckedAtTheirPath(field: String) throws {
        let processor: JSONValue = ["StartAt": "Item", "States": ["Item": ["Type": "Task", "Resource": "arn:aws:states:::dynamodb:scan", "End": true]]]
        let definition: JSONValue = ["StartAt": "Each", "States": ["Each": .object(["Type": "Map", "End": true, field: processor])]]
        let problems = DefinitionValidation.problems(definition.text)
        #expect(problems.map(\.path) == ["/States/Each/\(field)/States/Item/Resource"])
    }

    /// Each problem keeps its own path and code (ValidateStateMachineDefinition's diagnostics).
    @Test(arguments: [
        ("", DefinitionError.Code.schemaValidationFailed, [String?.none]),
        ("  \n", .schemaValidationFailed, [nil]),
        ("not json", .invalidJSON, [nil]),
        ("[]", .schemaValidationFailed, ["/"]),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": -1, "Next": "B"}, "B": {"Type": "Pass", "Bogus": 1, "End": true}}}"#,
         .schemaValidationFailed, ["/States/A/Seconds", "/States/B/Bogus"]),
    ])
    func problemsCarryTheirPathsAndCodes(text: String, code: DefinitionError.Code, paths: [String?]) {
        let problems = DefinitionValidation.problems(text)
        #expect(problems.map(\.path) == paths, "\(problems)")
        #expect(problems.allSatisfy { $0.code == code }, "\(problems)")
    }

    @Test func aDefinitionTooLargeIsOneProblem() {
        let problems = DefinitionValidation.problems(String(repeating: " ", count: Limits.maximumDefinitionBytes + 1))
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("larger than") == true)
    }

    @Test func createAndUpdateRefuseAResourceStepdCannotRunAsAWSPrintsIt() async throws {
        let test = try TestEngine()
        let created = await engineError {
            _ = try await test.engine.createStateMachine(
                name: "lambda", definition: Self.calling("arn:aws:states:::lambda:invoke"), roleArn: nil, type: nil)
        }
        let reason = try #require(created as? StateMachineError).description
        #expect(reason.hasPrefix(
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: State 'Call': The resource provided arn:aws:states:::lambda:invoke is not recognized."),
            "\(reason)")
        #expect(reason.hasSuffix(" at /States/Call/Resource'"), "\(reason)")
        let missing = await engineError { _ = try await test.engine.describeStateMachine(reference: "lambda") }
        #expect(missing as? StateMachineError == .doesNotExist(arn: LocalARN.stateMachine("lambda")))

        try await test.machine("get", Self.calling("arn:aws:states:::dynamodb:getItem"))
        let updated = await engineError {
            _ = try await test.engine.updateStateMachine(reference: "get", definition: Self.calling("arn:aws:states:::dynamodb:scan"), roleArn: nil)
        }
        #expect(isError(updated, StateMachineError.self) { if case .invalidDefinition(let reason) = $0 { reason.contains("dynamodb:scan") } else { false } })
        #expect(try await test.engine.describeStateMachine(reference: "get").definition == Self.calling("arn:aws:states:::dynamodb:getItem"))
    }
}
