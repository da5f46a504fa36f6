import JSON
import StepAPI

/// What the API server calls for each well-formed request: the target and body have been
/// checked for shape (a known service prefix, a JSON object), the action has not.
///
/// A handler may take as long as it needs (a blocking wait for an execution can last
/// minutes); other connections are served meanwhile. It should return promptly when its
/// task is cancelled. Unknown actions within a known service are the handler's to refuse,
/// with ``APIError/invalidAction(_:)``.
public protocol APIHandler: Sendable {
    func handle(_ request: APIRequest) async -> Result<JSONValue, APIError>
}
