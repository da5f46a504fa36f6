/// Why the API server could not start listening or stopped.
public struct APIServerError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case socketInUse
        case notASocket
        case socketSetup
        case alreadyRunning
    }

    private let code: Code
    /// What went wrong, naming the socket path where there is one.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Another process answers on the socket path.
    public static func socketInUse(path: String) -> APIServerError {
        APIServerError(.socketInUse, "another process is listening on \(path)")
    }

    /// Something that is not a socket occupies the socket path; it is left alone.
    public static func notASocket(path: String) -> APIServerError {
        APIServerError(.notASocket, "\(path) exists and is not a socket; refusing to replace it")
    }

    /// Preparing the socket's folder or file failed.
    public static func socketSetup(_ message: String) -> APIServerError {
        APIServerError(.socketSetup, message)
    }

    /// `run()` was called a second time on the same server.
    public static var alreadyRunning: APIServerError {
        APIServerError(.alreadyRunning, "the API server is already running or has run")
    }
}
