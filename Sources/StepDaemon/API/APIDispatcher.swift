import Foundation
import JSON
import Logging
import StepAPI
import StepEngine

/// Hands each request to the handler of its service (by the target's prefix), and turns
/// every failure into an AWS-shaped error: the service's own names for the engine's errors,
/// ServiceUnavailable when the engine cannot take it now, InternalFailure for the rest.
public struct APIDispatcher: APIHandler {
    let logger: Logger
    private let services: [any ServiceHandler]

    /// The default bound on held waits: half of the server's default connection bound.
    public static let defaultMaximumHeldWaits = 512

    /// - Parameter maximumHeldWaits: How many `Stepd.WaitForExecution` and `Stepd.WaitUntilIdle`
    ///   requests may wait at once; one more is refused with `ThrottlingException`. Keep it
    ///   below the server's connection bound, so that waits leave connections for the rest.
    public init(engine: Engine, logger: Logger, maximumHeldWaits: Int = defaultMaximumHeldWaits) {
        self.logger = logger
        services = [
            StepFunctionsHandler(engine: engine), EventBridgeHandler(engine: engine), DynamoDBHandler(engine: engine),
            StepdHandler(engine: engine, heldWaits: HeldWaits(maximum: maximumHeldWaits)),
        ]
    }

    public func handle(_ request: APIRequest) async -> Result<JSONValue, APIError> {
        guard let service = services.first(where: { $0.prefix == request.service }) else {
            return .failure(.invalidAction("Unknown target prefix in '\(request.target)'"))
        }
        do {
            let action = String(request.action)
            try type(of: service).requests[action]?.validate(request.body)
            return .success(try await service.handle(action, request))
        } catch {
            if let answer = APIError.common(error) ?? type(of: service).apiError(for: error) {
                if case EngineUnavailable.diskFull = error {
                    logger.error("database full", metadata: ["API_ACTION": "\(request.target)"])
                }
                return .failure(answer)
            }
            logger.error("request failed", metadata: ["API_ACTION": "\(request.target)", "ERROR": "\(error)"])
            return .failure(.internalFailure("\(error)"))
        }
    }
}
