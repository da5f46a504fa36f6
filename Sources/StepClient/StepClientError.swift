import StepAPI

/// Why a call to stepd failed: the daemon answered with an error, or no answer came.
public enum StepClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// stepd answered with an AWS-shaped error.
    case api(APIError)
    /// The socket is missing, refused the connection, or closed before a whole answer came.
    case transport(String)

    public var description: String {
        switch self {
        case .api(let error): error.description
        case .transport(let message): message
        }
    }
}
