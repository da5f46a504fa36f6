import StatesLanguage
import Synchronization

/// A Task state's `Resource`, read the way Step Functions reads service integration ARNs:
/// `arn:aws:states:::SERVICE:ACTION[.waitForTaskToken|.sync]` and
/// `arn:aws:states:::aws-sdk:SERVICE:ACTION[...]`.
struct TaskResource: Sendable, Equatable {
    enum Pattern: Sendable, Equatable {
        case requestResponse
        case waitForTaskToken
        case sync
    }

    /// As AWS reports it in history events: `states`, `dynamodb`, `aws-sdk:sfn`.
    let resourceType: String
    /// The action with its pattern suffix, as in history events: `startExecution.waitForTaskToken`.
    let resource: String
    /// `states`, `dynamodb`, `sfn`, `appflow`.
    let service: String
    let action: String
    let isSDK: Bool
    let pattern: Pattern

    /// The resources read so far: a definition's few resources are read at every Task state an
    /// execution enters, and reading one takes longer than looking it up.
    private static let read = Mutex<[String: TaskResource]>([:])

    /// `arn` read, from the resources read before when it is one of them.
    static func reading(_ arn: String) throws(StatesError) -> TaskResource {
        if let known = read.withLock({ $0[arn] }) { return known }
        let resource = try TaskResource(arn)
        read.withLock { known in
            // Definitions are few; a process that met this many resources starts over.
            if known.count >= 1_024 { known.removeAll() }
            known[arn] = resource
        }
        return resource
    }

    init(_ arn: String) throws(StatesError) {
        let prefix = "arn:aws:states:::"
        guard arn.hasPrefix(prefix) else {
            throw StatesError(
                name: StatesError.runtime,
                cause: Self.notRecognized(arn, because: "stepd runs service integrations (arn:aws:states:::SERVICE:ACTION), not Lambda functions or activities"))
        }
        var rest = String(arn.dropFirst(prefix.count))
        // `.sync:2` carries a colon of its own: take it off before splitting on colons.
        let syncVersion = rest.hasSuffix(".sync:2") ? ":2" : ""
        rest.removeLast(syncVersion.count)
        var parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        isSDK = parts.first == "aws-sdk"
        if isSDK { parts.removeFirst() }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw StatesError(name: StatesError.runtime, cause: Self.notRecognized(arn, because: "The value is not a valid resource ARN."))
        }
        service = parts[0]
        var actionText = parts[1]
        if actionText.hasSuffix(".waitForTaskToken") {
            pattern = .waitForTaskToken
            actionText.removeLast(".waitForTaskToken".count)
        } else if actionText.hasSuffix(".sync") {
            pattern = .sync
            actionText.removeLast(".sync".count)
        } else {
            pattern = .requestResponse
        }
        action = actionText
        resourceType = isSDK ? "aws-sdk:\(service)" : service
        resource = parts[1] + syncVersion
    }

    /// The ARN as written: `arn:aws:states:::aws-sdk:sfn:sendTaskSuccess`.
    var arn: String { "arn:aws:states:::\(resourceType):\(resource)" }

    /// Why stepd cannot run this resource, or nil when it can. CreateStateMachine refuses a
    /// definition for it and `Integrations.invoke` fails the state for it: one decision, so
    /// that what a definition was accepted with runs.
    var refusal: String? {
        guard let actions = Self.supportedActions[resourceType], actions.contains(action) else {
            return Self.notRecognized(arn, because: "stepd runs only \(Integrations.supported.joined(separator: "; ")).")
        }
        switch pattern {
        case .requestResponse, .waitForTaskToken:
            return nil
        case .sync where resourceType == "states" && action == "startExecution":
            return nil
        case .sync:
            return Self.notRecognized(arn, because: "stepd runs the .sync pattern for states:startExecution only.")
        }
    }

    /// What stepd runs, by resource type: each action request-response and with
    /// `.waitForTaskToken`; `states:startExecution` also with `.sync` and `.sync:2`. Keep `Integrations.supported` and
    /// docs/supported.md ("Task resources") in step.
    static let supportedActions: [String: Set<String>] = [
        "states": ["startExecution"],
        "aws-sdk:sfn": ["startExecution", "sendTaskSuccess", "sendTaskFailure", "sendTaskHeartbeat"],
        "dynamodb": ["putItem", "getItem", "deleteItem"],
        "aws-sdk:dynamodb": ["putItem", "getItem", "deleteItem"],
        "aws-sdk:appflow": ["startFlow"],
    ]

    /// Why stepd cannot run the resource `arn`, or nil when it can: what a Task state's
    /// `Resource` is checked with when a definition is created.
    static func refusal(of arn: String) -> String? {
        do {
            return try reading(arn).refusal
        } catch {
            return error.cause
        }
    }

    /// AWS's words for a resource it does not know (InvalidDefinition, SCHEMA_VALIDATION_FAILED),
    /// then stepd's reason in place of AWS's "or the resource is not available in this region".
    private static func notRecognized(_ arn: String, because reason: String) -> String {
        "The resource provided \(arn) is not recognized. \(reason)"
    }
}
