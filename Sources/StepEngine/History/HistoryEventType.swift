/// AWS Step Functions history event types, by their AWS names. Append-only: never renamed.
public enum HistoryEventType: String, Sendable, CaseIterable {
    case executionStarted = "ExecutionStarted"
    case executionSucceeded = "ExecutionSucceeded"
    case executionFailed = "ExecutionFailed"
    case executionAborted = "ExecutionAborted"
    case executionTimedOut = "ExecutionTimedOut"
    case executionRedriven = "ExecutionRedriven"
    case passStateEntered = "PassStateEntered"
    case passStateExited = "PassStateExited"
    case taskStateEntered = "TaskStateEntered"
    case taskStateExited = "TaskStateExited"
    case choiceStateEntered = "ChoiceStateEntered"
    case choiceStateExited = "ChoiceStateExited"
    case waitStateEntered = "WaitStateEntered"
    case waitStateExited = "WaitStateExited"
    case succeedStateEntered = "SucceedStateEntered"
    case succeedStateExited = "SucceedStateExited"
    case failStateEntered = "FailStateEntered"
    case taskScheduled = "TaskScheduled"
    case taskStarted = "TaskStarted"
    case taskSubmitted = "TaskSubmitted"
    case taskSucceeded = "TaskSucceeded"
    case taskFailed = "TaskFailed"
    case taskTimedOut = "TaskTimedOut"
    case parallelStateEntered = "ParallelStateEntered"
    case parallelStateStarted = "ParallelStateStarted"
    case parallelStateSucceeded = "ParallelStateSucceeded"
    case parallelStateFailed = "ParallelStateFailed"
    case parallelStateAborted = "ParallelStateAborted"
    case parallelStateExited = "ParallelStateExited"
    case taskStateAborted = "TaskStateAborted"
    case mapStateEntered = "MapStateEntered"
    case mapStateStarted = "MapStateStarted"
    case mapIterationStarted = "MapIterationStarted"
    case mapIterationSucceeded = "MapIterationSucceeded"
    case mapIterationFailed = "MapIterationFailed"
    case mapIterationAborted = "MapIterationAborted"
    case mapStateSucceeded = "MapStateSucceeded"
    case mapStateFailed = "MapStateFailed"
    case mapStateAborted = "MapStateAborted"
    case mapStateExited = "MapStateExited"
    case waitStateAborted = "WaitStateAborted"
    case mapRunStarted = "MapRunStarted"
    case mapRunSucceeded = "MapRunSucceeded"
    case mapRunFailed = "MapRunFailed"
    case mapRunAborted = "MapRunAborted"
    case mapRunRedriven = "MapRunRedriven"

    var endsExecution: Bool {
        switch self {
        case .executionSucceeded, .executionFailed, .executionAborted, .executionTimedOut: true
        default: false
        }
    }

    /// The member of `HistoryEvent` that holds this type's details.
    public var detailsMember: String {
        switch self {
        case .executionStarted: "executionStartedEventDetails"
        case .executionSucceeded: "executionSucceededEventDetails"
        case .executionFailed: "executionFailedEventDetails"
        case .executionAborted: "executionAbortedEventDetails"
        case .executionTimedOut: "executionTimedOutEventDetails"
        case .executionRedriven: "executionRedrivenEventDetails"
        case .passStateEntered, .taskStateEntered, .choiceStateEntered, .waitStateEntered, .succeedStateEntered,
            .failStateEntered, .parallelStateEntered, .mapStateEntered:
            "stateEnteredEventDetails"
        case .passStateExited, .taskStateExited, .choiceStateExited, .waitStateExited, .succeedStateExited, .parallelStateExited,
            .mapStateExited:
            "stateExitedEventDetails"
        // AWS gives these no details: they are written without any, and the name is never used.
        case .mapStateStarted: "mapStateStartedEventDetails"
        case .mapIterationStarted: "mapIterationStartedEventDetails"
        case .mapIterationSucceeded: "mapIterationSucceededEventDetails"
        case .mapIterationFailed: "mapIterationFailedEventDetails"
        case .mapIterationAborted: "mapIterationAbortedEventDetails"
        case .parallelStateStarted, .parallelStateSucceeded, .parallelStateFailed, .parallelStateAborted, .taskStateAborted,
            .waitStateAborted, .mapStateSucceeded, .mapStateFailed, .mapStateAborted:
            "noEventDetails"
        case .mapRunStarted: "mapRunStartedEventDetails"
        case .mapRunFailed: "mapRunFailedEventDetails"
        case .mapRunRedriven: "mapRunRedrivenEventDetails"
        case .mapRunSucceeded, .mapRunAborted: "noEventDetails"
        case .taskScheduled: "taskScheduledEventDetails"
        case .taskStarted: "taskStartedEventDetails"
        case .taskSubmitted: "taskSubmittedEventDetails"
        case .taskSucceeded: "taskSucceededEventDetails"
        case .taskFailed: "taskFailedEventDetails"
        case .taskTimedOut: "taskTimedOutEventDetails"
        }
    }
}
