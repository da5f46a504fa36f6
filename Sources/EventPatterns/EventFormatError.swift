/// Why a document is not an EventBridge event (or PutEvents entry). The message names the field.
public struct EventFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(_ message: String) { self.message = message }
}
