import Foundation
import JSON
import Testing

@Suite("EXPRESS state machines through the real stepd")
struct ExpressIntegrationTests {
    @Test("StartSyncExecution answers with the ended execution; the calls that do not serve EXPRESS refuse it as AWS does")
    func startSyncExecution() async throws {
        try await withStepd { stepd in
            let definition = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"got.$": "$.x"}, "End": true}}}"#
            _ = try await stepd.call(
                "AWSStepFunctions.CreateStateMachine", ["name": "fast", "definition": .string(definition), "type": "EXPRESS"])
            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", ["name": "slow", "definition": .string(definition)])

            let answer = try await stepd.call(
                "AWSStepFunctions.StartSyncExecution", ["stateMachineArn": "fast", "name": "one", "input": #"{"x": 1}"#])
            #expect(answer["status"] == "SUCCEEDED")
            #expect(answer["output"] == #"{"got":1}"#)
            #expect(answer["name"] == "one")
            #expect(answer["billingDetails"]?["billedMemoryUsedInMB"] == 64)
            #expect((answer["billingDetails"]?["billedDurationInMilliseconds"]?.numberValue ?? 0) >= 100)
            let arn = try #require(answer["executionArn"]?.stringValue)
            #expect(arn.hasPrefix("arn:aws:states:local:000000000000:express:fast:one:"))

            let describe = try await stepd.callFailing("AWSStepFunctions.DescribeExecution", ["executionArn": .string(arn)])
            guard case .api(let invalid) = describe else { Issue.record("\(describe)"); return }
            #expect(invalid.type == "InvalidArn")
            #expect(invalid.message == "Invalid Arn: 'Resource type not valid in this context: express'")

            let standard = try await stepd.callFailing("AWSStepFunctions.StartSyncExecution", ["stateMachineArn": "slow"])
            guard case .api(let refused) = standard else { Issue.record("\(standard)"); return }
            #expect(refused.type == "StateMachineTypeNotSupported")
            #expect(refused.httpStatus == 400)
            let list = try await stepd.callFailing("AWSStepFunctions.ListExecutions", ["stateMachineArn": "fast"])
            guard case .api(let listRefused) = list else { Issue.record("\(list)"); return }
            #expect(listRefused.type == "StateMachineTypeNotSupported")
        }
    }
}
