import Foundation
import GRDB
import JSON
import StepStore

/// One call of a service integration, inside the transition's transaction.
struct TaskInvocation {
    let db: Database
    let now: Date
    let execution: ExecutionRecord
    let stateName: String
    let resource: TaskResource
    /// The effective parameters: the state input after InputPath and Parameters.
    let parameters: JSONValue
    /// Set for `.waitForTaskToken`: the token `$$.Task.Token` held.
    let taskToken: String?
    let definitions: DefinitionCache
}

enum TaskOutcome {
    /// The result, available now (request-response).
    case completed(JSONValue)
    /// The work was started; the task waits for its token. The value goes into `TaskSubmitted`.
    case submitted(JSONValue)
}
