/// Why a call to stepd's API was not carried out: the API refused it (an AWS-shaped error),
/// or no answer came (the socket is missing, refused the connection, or closed early).
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
