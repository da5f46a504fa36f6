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

    public init(engine: Engine, logger: Logger) {
        self.logger = logger
        services = [
            StepFunctionsHandler(engine: engine), EventBridgeHandler(engine: engine), DynamoDBHandler(engine: engine),
            StepdHandler(engine: engine),
        ]
    }

    public func handle(_ request: APIRequest) async -> Result<JSONValue, APIError> {
        guard let service = services.first(where: { $0.prefix == request.service }) else {
            return .failure(.invalidAction("Unknown target prefix in '\(request.target)'"))
        }
        do {
            return .success(try await service.handle(String(request.action), request.body, peer: request.peer))
        } catch {
            if let answer = APIError.common(error) ?? type(of: service).apiError(for: error) {
                if let unavailable = error as? EngineUnavailable, unavailable != .stopping {
                    logger.error("the database cannot be written", metadata: ["API_ACTION": "\(request.target)", "ERROR": "\(unavailable)"])
                }
                return .failure(answer)
            }
            logger.error("request failed", metadata: ["API_ACTION": "\(request.target)", "ERROR": "\(error)"])
            return .failure(.internalFailure("\(error)"))
        }
    }
}
