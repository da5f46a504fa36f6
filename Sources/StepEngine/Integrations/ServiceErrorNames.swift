import StatesLanguage

/// The errors a workflow's task sees when a local service refuses a call: the name AWS's
/// service integration gives it (`StepFunctions.ExecutionAlreadyExistsException`,
/// `DynamoDB.ResourceNotFoundException`), so that a Catch written for AWS catches it here.
enum ServiceErrorNames {
    /// `service`: the prefix the integration reports under (`StepFunctions`, `Sfn`, `DynamoDB`).
    static func statesError(_ error: any Error, service: String) -> StatesError {
        if let error = error as? StatesError { return error }
        guard let name = awsName(of: error) else { return StatesError(name: StatesError.runtime, cause: "\(error)") }
        let exception = name.hasSuffix("Exception") ? name : name + "Exception"
        return StatesError(name: "\(service).\(exception)", cause: "\(error)")
    }

    /// AWS's name for the error, as its API would answer it.
    private static func awsName(of error: any Error) -> String? {
        switch error {
        case let error as StateMachineError:
            switch error {
            case .doesNotExist: "StateMachineDoesNotExist"
            case .alreadyExists: "StateMachineAlreadyExists"
            case .invalidDefinition, .definitionTooLarge: "InvalidDefinition"
            case .unsupportedType: "ValidationException"
            case .typeNotSupported: "StateMachineTypeNotSupported"
            case .definitionUnreadable: "InternalFailure"
            }
        case let error as ExecutionError:
            switch error {
            case .doesNotExist: "ExecutionDoesNotExist"
            case .alreadyExists: "ExecutionAlreadyExists"
            case .invalidInput: "InvalidExecutionInput"
            case .notRunning: "ValidationException"
            case .notRedrivable: "ExecutionNotRedrivable"
            }
        case let error as VersionError:
            switch error {
            case .conflict: "ConflictException"
            case .quotaExceeded: "ServiceQuotaExceededException"
            case .resourceNotFound: "ResourceNotFound"
            }
        case let error as TaskTokenError:
            switch error {
            case .malformed: "InvalidToken"
            case .doesNotExist: "TaskDoesNotExist"
            case .timedOut: "TaskTimedOut"
            case .invalidOutput: "InvalidOutput"
            }
        case let error as RequestError:
            switch error {
            case .invalid: "ValidationException"
            case .invalidArn: "InvalidArn"
            case .invalidName: "InvalidName"
            case .invalidPageToken: "InvalidToken"
            }
        case let error as LocalTableError:
            switch error {
            case .invalid: "ValidationException"
            case .tableDoesNotExist: "ResourceNotFoundException"
            case .tableAlreadyExists: "ResourceInUseException"
            }
        default: nil
        }
    }
}
