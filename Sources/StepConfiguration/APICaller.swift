import JSON
import StepAPI

/// Whatever answers stepd's API actions: the socket client for `stepctl apply`, the daemon's
/// own dispatcher when stepd applies its configuration folder.
public protocol APICaller: Sendable {
    func call(_ target: String, _ body: JSONValue) async throws(APICallFailure) -> JSONValue
}
