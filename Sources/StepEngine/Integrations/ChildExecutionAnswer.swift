import Foundation
import GRDB
import JSON
import StatesLanguage
import StepStore

/// The end of a child started by `states:startExecution.sync` or `.sync:2`, told to the task
/// that waits for it: as AWS, the task succeeds with the child as DescribeExecution shows it
/// (its input and output as JSON text for `.sync`, as JSON for `.sync:2`), or fails with
/// `States.TaskFailed` and that description as the cause when the child did not succeed.
enum ChildExecutionAnswer {
    static func answer(parentToken token: String, child: ExecutionRecord, db: Database, now: Date, effects: inout TransitionEffects) throws {
        guard let record = try TaskTokenRecord.find(db, key: token), record.resolvedAt == nil else { return }
        let description = describe(child, asJSON: record.resource.hasSuffix(":2"))
        let answer: TaskAnswer =
            child.status == .succeeded
            ? .success(output: description)
            : .failure(error: StatesError.taskFailed, cause: description.serialized())
        do {
            try answer.deliver(token: token, db: db, now: now, effects: &effects)
        } catch is TaskTokenError {
            // The parent stopped waiting (it ended, or its state was left) in this same commit.
        }
    }

    /// DescribeExecution's members, dates in milliseconds since 1970 as the SDK's JSON has them.
    static func describe(_ execution: ExecutionRecord, asJSON: Bool) -> JSONValue {
        func payload(_ text: String?) -> JSONValue {
            guard let text else { return .null }
            return asJSON ? ((try? JSONValue(parsing: text)) ?? .string(text)) : .string(text)
        }
        var members: [String: JSONValue] = [
            "ExecutionArn": .string(execution.arn),
            "StateMachineArn": .string(LocalARN.stateMachine(execution.stateMachineName)),
            "Name": .string(execution.name),
            "Status": .string(execution.status.rawValue),
            "StartDate": .number((execution.startDate * 1_000).rounded()),
            "Input": payload(execution.input),
            "InputDetails": ["Included": true],
        ]
        if let stopDate = execution.stopDate { members["StopDate"] = .number((stopDate * 1_000).rounded()) }
        if execution.status == .succeeded {
            members["Output"] = payload(execution.output)
            members["OutputDetails"] = ["Included": true]
        }
        if let error = execution.error { members["Error"] = .string(error) }
        if let cause = execution.cause { members["Cause"] = .string(cause) }
        return .object(members)
    }
}
