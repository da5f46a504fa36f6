import JSON
import StepAPI
import StepEngine

/// One AWS service of the socket API (Step Functions, EventBridge, DynamoDB, stepd's own):
/// it reads the request, calls the engine, shapes the answer as AWS does, and names the
/// engine's errors as that service's API names them.
protocol ServiceHandler: Sendable {
    /// The `X-Amz-Target` prefix the service answers to: `AWSStepFunctions`.
    var prefix: String { get }

    /// The requests' members the service reads, by action, with the constraints of AWS's
    /// model: the dispatcher checks a request against its shape before ``handle(_:_:caller:)``.
    static var requests: [String: RequestShape] { get }

    /// The answer to `action` (the part of the target after the dot), for `caller`, whose
    /// role the dispatcher has found enough for the action.
    func handle(_ action: String, _ request: APIRequest, caller: Caller) async throws -> JSONValue

    /// The error the caller gets for `error`, an engine error of this service's resources;
    /// nil for one it does not know (an internal failure).
    static func apiError(for error: any Error) -> APIError?
}

extension ServiceHandler {
    /// The answer to an action this service does not have.
    func unknownAction(_ action: String) -> APIError {
        .invalidAction("\(prefix).\(action) is not an action stepd supports")
    }
}

extension APIError {
    /// The errors every service answers alike.
    static func common(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError: error
        case let error as EngineUnavailable: APIError("ServiceUnavailable", error.description, httpStatus: 503)
        default: nil
        }
    }

    /// A request error, named as the services of stepd name it; `invalidArn`'s name is the
    /// Step Functions one, which the services whose requests hold ARNs share.
    static func request(_ error: RequestError) -> APIError {
        switch error {
        case .invalid: .validation(error.description)
        case .invalidArn: APIError("InvalidArn", error.description)
        case .invalidName: APIError("InvalidName", error.description)
        case .invalidPageToken: APIError("InvalidToken", error.description)
        }
    }
}
