import Foundation
import JSON
import StepAPI
import StepClient
import Testing

/// Malformed requests get AWS-shaped errors: a status, `x-amzn-ErrorType`, and a body with
/// `__type` and `message`.
@Suite("API errors against the real stepd")
struct APIErrorTests {
    /// Sends a raw request and checks the error's shape; returns its message.
    @discardableResult
    private func expectError(
        _ stepd: StepdProcess, target: String?, body: String, type: String, status: Int = 400,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let response = try await rawHTTP(socketPath: stepd.socketPath, request: rawRequest(target: target, body: body))
        #expect(response.status == status, "status for \(target ?? "no target") \(body): \(response.body)", sourceLocation: sourceLocation)
        let json = try #require(response.json, "body is not JSON: \(response.body)", sourceLocation: sourceLocation)
        #expect(json["__type"] == .string(type), "body: \(response.body)", sourceLocation: sourceLocation)
        #expect(response.headers["x-amzn-errortype"] == type, "headers: \(response.headers)", sourceLocation: sourceLocation)
        let message = try #require(json["message"]?.stringValue, "no message: \(response.body)", sourceLocation: sourceLocation)
        #expect(!message.isEmpty, sourceLocation: sourceLocation)
        return message
    }

    @Test("protocol-level: body not JSON, unknown action, unknown service, no X-Amz-Target")
    func protocolErrors() async throws {
        try await withStepd { stepd in
            try await expectError(stepd, target: "AWSStepFunctions.ListStateMachines", body: "{nope", type: "SerializationException")
            try await expectError(stepd, target: "AWSStepFunctions.ListStateMachines", body: "[1]", type: "SerializationException")
            let unknown = try await expectError(stepd, target: "AWSStepFunctions.Nope", body: "{}", type: "UnknownOperationException")
            #expect(unknown.contains("Nope"), "message: \(unknown)")
            try await expectError(stepd, target: "Nope.ListThings", body: "{}", type: "UnknownOperationException")
            try await expectError(stepd, target: nil, body: "{}", type: "MissingAction")
            // A well-formed request on the same socket still succeeds.
            let ok = try await rawHTTP(
                socketPath: stepd.socketPath, request: rawRequest(target: "AWSStepFunctions.ListStateMachines", body: "{}"))
            #expect(ok.status == 200, "\(ok.body)")
            #expect(ok.json?["stateMachines"] == [])
        }
    }

    @Test("action-level: missing resources, invalid definition, tokens, names, input")
    func actionErrors() async throws {
        try await withStepd { stepd in
            let arn = "arn:aws:states:local:000000000000:execution:none:none"
            let missingExecution = try await expectError(
                stepd, target: "AWSStepFunctions.DescribeExecution", body: #"{"executionArn":"\#(arn)"}"#, type: "ExecutionDoesNotExist")
            #expect(missingExecution.contains(arn))
            try await expectError(
                stepd, target: "AWSStepFunctions.StartExecution", body: #"{"stateMachineArn":"nothing-here"}"#,
                type: "StateMachineDoesNotExist")

            let invalid = #"{"StartAt":"Fetch","States":{"Fetch":{"Type":"Task","End":true}}}"#
            let invalidBody: JSONValue = ["name": "broken", "definition": .string(invalid)]
            let definitionMessage = try await expectError(
                stepd, target: "AWSStepFunctions.CreateStateMachine", body: invalidBody.serialized(), type: "InvalidDefinition")
            #expect(definitionMessage.contains("Fetch"), "message names the state: \(definitionMessage)")
            #expect(definitionMessage.contains("Resource"), "message names the field: \(definitionMessage)")

            let unknownToken = String(repeating: "A", count: 64)
            try await expectError(
                stepd, target: "AWSStepFunctions.SendTaskSuccess", body: #"{"taskToken":"\#(unknownToken)","output":"{}"}"#,
                type: "TaskDoesNotExist")
            try await expectError(
                stepd, target: "AWSStepFunctions.SendTaskSuccess", body: #"{"taskToken":"not a token","output":"{}"}"#,
                type: "InvalidToken")

            let pass: JSONValue = ["name": "pass", "definition": #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#]
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", pass)
            try await expectError(
                stepd, target: "AWSStepFunctions.StartExecution", body: #"{"stateMachineArn":"pass","name":"has space"}"#,
                type: "InvalidName")
            try await expectError(
                stepd, target: "AWSStepFunctions.StartExecution", body: #"{"stateMachineArn":"pass","input":"{not json"}"#,
                type: "InvalidExecutionInput")
            #expect(try await stepd.executions(of: "pass").isEmpty, "refused starts leave no execution")

            // The client surfaces the same errors as typed API errors.
            let error = try await stepd.callFailing("AWSStepFunctions.DescribeExecution", ["executionArn": .string(arn)])
            guard case .api(let apiError) = error else {
                Issue.record("expected an API error, got \(error)")
                return
            }
            #expect(apiError.type == "ExecutionDoesNotExist")
            #expect(apiError.httpStatus == 400)
        }
    }
}
