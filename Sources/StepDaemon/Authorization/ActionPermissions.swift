import StepAPI

/// The least role each action needs. Actions on executions need only `.user`: the engine
/// then keeps a user to the executions it started (`ExecutionScope`). Any caller may
/// ValidateStateMachineDefinition: it reads only the definition it is sent, as
/// `stepctl validate` does without a daemon.
enum ActionPermissions {
    /// Actions that change what stepd runs or holds: state machines, rules and their targets,
    /// local tables and their items (a table may hold task tokens), job definitions (a job is
    /// a program stepd runs as its own user).
    static let adminActions: Set<String> = [
        "AWSStepFunctions.CreateStateMachine", "AWSStepFunctions.UpdateStateMachine", "AWSStepFunctions.DeleteStateMachine",
        "AWSStepFunctions.TagResource", "AWSStepFunctions.UntagResource",
        "AWSStepFunctions.PublishStateMachineVersion", "AWSStepFunctions.DeleteStateMachineVersion",
        "AWSStepFunctions.CreateStateMachineAlias", "AWSStepFunctions.UpdateStateMachineAlias", "AWSStepFunctions.DeleteStateMachineAlias",
        "AWSEvents.PutRule", "AWSEvents.PutTargets", "AWSEvents.RemoveTargets", "AWSEvents.DeleteRule",
        "DynamoDB_20120810.CreateTable", "DynamoDB_20120810.DeleteTable", "DynamoDB_20120810.PutItem",
        "DynamoDB_20120810.GetItem", "DynamoDB_20120810.DeleteItem",
        "Stepd.PutJobDefinition", "Stepd.DeleteJobDefinition",
    ]

    static func minimumRole(for target: String) -> CallerRole {
        adminActions.contains(target) ? .admin : .user
    }

    /// The action as IAM would name it, for the refusal: `states:StartExecution`.
    static func iamName(of target: String) -> String {
        guard let dot = target.firstIndex(of: ".") else { return target }
        let prefix = switch target[..<dot] {
        case Actions.stepFunctions: "states"
        case Actions.events: "events"
        case Actions.dynamoDB: "dynamodb"
        default: "stepd"
        }
        return prefix + ":" + target[target.index(after: dot)...]
    }
}
