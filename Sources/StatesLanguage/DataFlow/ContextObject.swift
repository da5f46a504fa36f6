import Foundation
import JSON

/// The context object (`$$`): facts about the execution and the current state.
///
/// `json` renders it with AWS's field names:
/// `{"Execution": {"Id", "Input", "Name", "RoleArn", "StartTime", "RedriveCount"},
///   "State": {"EnteredTime", "Name", "RetryCount"}, "StateMachine": {"Id", "Name"},
///   "Task": {"Token"}}`, times as ISO 8601 in UTC with milliseconds.
/// `RoleArn` and `Task` are left out when there is none.
public struct ContextObject: Sendable, Hashable {
    public var executionId: String
    public var executionName: String
    public var executionInput: JSONValue
    public var executionStartTime: Date
    public var roleArn: String?
    public var redriveCount: Int
    public var stateMachineId: String
    public var stateMachineName: String
    public var stateName: String
    public var stateEnteredTime: Date
    public var retryCount: Int
    public var taskToken: String?

    public init(
        executionId: String, executionName: String, executionInput: JSONValue, executionStartTime: Date,
        roleArn: String? = nil, redriveCount: Int = 0, stateMachineId: String, stateMachineName: String,
        stateName: String, stateEnteredTime: Date, retryCount: Int = 0, taskToken: String? = nil
    ) {
        self.executionId = executionId
        self.executionName = executionName
        self.executionInput = executionInput
        self.executionStartTime = executionStartTime
        self.roleArn = roleArn
        self.redriveCount = redriveCount
        self.stateMachineId = stateMachineId
        self.stateMachineName = stateMachineName
        self.stateName = stateName
        self.stateEnteredTime = stateEnteredTime
        self.retryCount = retryCount
        self.taskToken = taskToken
    }

    public var json: JSONValue {
        var execution: [String: JSONValue] = [
            "Id": .string(executionId),
            "Input": executionInput,
            "Name": .string(executionName),
            "StartTime": .string(RFC3339.format(executionStartTime)),
            "RedriveCount": .number(Double(redriveCount)),
        ]
        if let roleArn { execution["RoleArn"] = .string(roleArn) }
        var object: [String: JSONValue] = [
            "Execution": .object(execution),
            "State": [
                "EnteredTime": .string(RFC3339.format(stateEnteredTime)),
                "Name": .string(stateName),
                "RetryCount": .number(Double(retryCount)),
            ],
            "StateMachine": ["Id": .string(stateMachineId), "Name": .string(stateMachineName)],
        ]
        if let taskToken { object["Task"] = ["Token": .string(taskToken)] }
        return .object(object)
    }
}
