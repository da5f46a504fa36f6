import Foundation
import JSON
import Logging
import StepAPI
import StepEngine

/// Hands each request to the handler of its service (by the target's prefix), once the
/// caller's role allows the action (`ActionPermissions`, `AccessPolicy`), and turns every
/// failure into an AWS-shaped error: AccessDeniedException naming the action and the
/// caller's uid, the service's own names for the engine's errors, ServiceUnavailable when
/// the engine cannot take it now, InternalFailure for the rest.
public struct APIDispatcher: APIHandler {
    let logger: Logger
    private let services: [any ServiceHandler]
    let callers: CallerResolver

    /// The default bound on held waits: half of the server's default connection bound.
    public static let defaultMaximumHeldWaits = 512

    /// - Parameters:
    ///   - maximumHeldWaits: How many `Stepd.WaitForExecution`, `Stepd.WaitUntilIdle` and
    ///     `StartSyncExecution` requests may wait at once; one more is refused with `ThrottlingException`. Keep it
    ///     below the server's connection bound, so that waits leave connections for the rest.
    ///   - accounts: Where users and groups are looked up.
    ///   - policy: Who the admins and operators are; nil for the standard policy.
    public init(
        engine: Engine, logger: Logger, maximumHeldWaits: Int = defaultMaximumHeldWaits, accounts: any AccountDirectory = SystemAccounts(),
        policy: AccessPolicy? = nil
    ) {
        self.logger = logger
        callers = CallerResolver(accounts: accounts, policy: policy ?? .standard(accounts: accounts))
        let heldWaits = HeldWaits(maximum: maximumHeldWaits)
        services = [
            StepFunctionsHandler(engine: engine, heldWaits: heldWaits), EventBridgeHandler(engine: engine), DynamoDBHandler(engine: engine),
            StepdHandler(engine: engine, heldWaits: heldWaits),
        ]
    }

    public func handle(_ request: APIRequest) async -> Result<JSONValue, APIError> {
        guard let service = services.first(where: { $0.prefix == request.service }) else {
            return .failure(.invalidAction("Unknown target prefix in '\(request.target)'"))
        }
        let caller = callers.caller(of: request.peer)
        let needed = ActionPermissions.minimumRole(for: request.target)
        guard caller.role >= needed else {
            logger.notice("request refused", metadata: ["API_ACTION": "\(request.target)", "CALLER_UID": "\(caller.uid.map(String.init) ?? "unknown")"])
            return .failure(Self.accessDenied(
                caller, request.target, because: "it needs the \(needed) role (root, stepd's own user, or the Admins of the access policy)"))
        }
        do {
            let action = String(request.action)
            try type(of: service).requests[action]?.validate(request.body)
            return .success(try await service.handle(action, request, caller: caller))
        } catch let denied as AccessDenied {
            return .failure(Self.accessDenied(caller, request.target, on: denied.resource, because: denied.reason))
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

    /// AWS's shape: "User: ... is not authorized to perform: states:X on resource: Y".
    static func accessDenied(_ caller: Caller, _ target: String, on resource: String? = nil, because reason: String) -> APIError {
        let on = resource.map { " on resource: \($0)" } ?? ""
        return APIError(
            "AccessDeniedException",
            "User: \(caller.name) is not authorized to perform: \(ActionPermissions.iamName(of: target))\(on): \(reason)")
    }

    /// The policy in force from now on (the configuration folder's `policy.json`).
    public func setPolicy(_ policy: AccessPolicy) {
        callers.setPolicy(policy)
    }
}
