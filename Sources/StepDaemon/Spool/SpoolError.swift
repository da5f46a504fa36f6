import Glibc

/// A failure of the spool's own file operations, with the path and the system's reason.
public struct SpoolError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(_ message: String) { self.message = message }

    /// `"<what> <path>: <strerror(errno)>"`.
    static func system(_ what: String, _ path: String, errno code: Int32) -> SpoolError {
        SpoolError("\(what) \(path): \(systemMessage(code))")
    }
}

func systemMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}
