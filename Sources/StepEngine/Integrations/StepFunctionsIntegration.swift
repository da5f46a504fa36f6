import Foundation
import JSON
import StatesLanguage

/// `states:startExecution` (request-response and `.waitForTaskToken`) and the
/// `aws-sdk:sfn` task-token actions, over local executions.
enum StepFunctionsIntegration {
    static func invoke(_ invocation: TaskInvocation, effects: inout TransitionEffects) throws(StatesError) -> TaskOutcome? {
        let parameters = invocation.parameters
        let service = invocation.resource.isSDK ? "Sfn" : "StepFunctions"
        do {
            switch invocation.resource.action {
            case "startExecution":
                let stateMachine = try Integrations.requiredString("StateMachineArn", in: parameters, service: service)
                let input: JSONValue
                switch parameters["Input"] {
                case nil: input = .object([:])
                case .string(let text)?: input = try TaskAnswer.parseOutput(text)
                case let value?: input = value
                }
                let started = try ExecutionStarter.start(
                    stateMachine: stateMachine, name: parameters["Name"]?.stringValue, inputText: input.serialized(),
                    startedByUid: invocation.execution.startedByUid, parentExecutionArn: invocation.execution.arn,
                    definitions: invocation.definitions, db: invocation.db, now: invocation.now, effects: &effects)
                return .completed([
                    "ExecutionArn": .string(started.execution.arn),
                    "StartDate": .string(RFC3339.format(Date(timeIntervalSince1970: started.execution.startDate))),
                ])
            case "sendTaskSuccess":
                let token = try Integrations.requiredString("TaskToken", in: parameters, service: service)
                let output: JSONValue
                switch parameters["Output"] {
                case .string(let text)?: output = try TaskAnswer.parseOutput(text)
                case let value?:
                    try Limits.checkPayload(value, what: "The Output of sendTaskSuccess")
                    output = value
                case nil: throw StatesError(name: "\(service).ValidationException", cause: "The field 'Output' is required")
                }
                try TaskAnswer.success(output: output).deliver(token: token, db: invocation.db, now: invocation.now, effects: &effects)
                return .completed(.object([:]))
            case "sendTaskFailure":
                let token = try Integrations.requiredString("TaskToken", in: parameters, service: service)
                let error = parameters["Error"]?.stringValue
                let cause = parameters["Cause"]?.stringValue
                try TaskAnswer.failure(error: error, cause: cause).deliver(token: token, db: invocation.db, now: invocation.now, effects: &effects)
                return .completed(.object([:]))
            case "sendTaskHeartbeat":
                let token = try Integrations.requiredString("TaskToken", in: parameters, service: service)
                try TaskAnswer.heartbeat.deliver(token: token, db: invocation.db, now: invocation.now, effects: &effects)
                return .completed(.object([:]))
            default:
                return nil
            }
        } catch {
            throw ServiceErrorNames.statesError(error, service: service)
        }
    }
}
