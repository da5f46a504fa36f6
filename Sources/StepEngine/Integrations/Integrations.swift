import JSON
import StatesLanguage

/// The local service integrations, by AWS resource name.
enum Integrations {
    /// `TaskResource.supportedActions` as people read it; each also with `.waitForTaskToken`.
    static let supported = [
        "arn:aws:states:::states:startExecution (also .sync and .sync:2)",
        "arn:aws:states:::aws-sdk:sfn:startExecution|sendTaskSuccess|sendTaskFailure|sendTaskHeartbeat",
        "arn:aws:states:::dynamodb:putItem|getItem|deleteItem (also under aws-sdk:dynamodb)",
        "arn:aws:states:::aws-sdk:appflow:startFlow",
        "each also with .waitForTaskToken",
    ]

    static func invoke(_ invocation: TaskInvocation, effects: inout TransitionEffects) throws(StatesError) -> TaskOutcome {
        let resource = invocation.resource
        // Definitions stored before CreateStateMachine checked resources may still name one.
        if let refusal = resource.refusal { throw StatesError(name: StatesError.runtime, cause: refusal) }
        let outcome: TaskOutcome?
        switch (resource.service, resource.isSDK) {
        case ("states", false), ("sfn", true):
            outcome = try StepFunctionsIntegration.invoke(invocation, effects: &effects)
        case ("dynamodb", _):
            outcome = try DynamoDBIntegration.invoke(invocation)
        case ("appflow", true):
            outcome = try AppFlowIntegration.invoke(invocation, effects: &effects)
        default:
            outcome = nil
        }
        guard let outcome else { throw unsupported(resource) }
        if resource.pattern == .waitForTaskToken || resource.pattern == .sync, case .completed(let started) = outcome {
            return .submitted(started)
        }
        return outcome
    }

    /// A resource `TaskResource.refusal` let through but no integration runs: the two disagree.
    static func unsupported(_ resource: TaskResource) -> StatesError {
        StatesError(
            name: StatesError.runtime,
            cause: "The resource provided \(resource.arn) is not recognized. stepd runs only \(supported.joined(separator: "; ")).")
    }

    /// A required string parameter, or a failure naming it the way AWS's validation does.
    static func requiredString(_ name: String, in parameters: JSONValue, service: String) throws(StatesError) -> String {
        guard let value = parameters[name] else {
            throw StatesError(name: "\(service).ValidationException", cause: "The field '\(name)' is required")
        }
        guard let text = value.stringValue else {
            throw StatesError(name: "\(service).ValidationException", cause: "The field '\(name)' must be a string, not \(value.typeName)")
        }
        return text
    }
}
