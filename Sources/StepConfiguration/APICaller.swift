import JSON
import StepAPI

/// Whatever answers stepd's API actions: the socket client for `stepctl apply`, the daemon's
/// own dispatcher when stepd applies its configuration folder.
public protocol APICaller: Sendable {
    func call(_ target: String, _ body: JSONValue) async throws(APICallFailure) -> JSONValue
}

/// Why an action was not carried out: the API refused it, or no answer came.
public enum APICallFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case api(APIError)
    case transport(String)

    public var description: String {
        switch self {
        case .api(let error): error.description
        case .transport(let message): message
        }
    }
}
