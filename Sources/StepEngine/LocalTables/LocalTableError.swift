/// A DynamoDB-shaped failure of a local table operation: `type` is DynamoDB's error code.
public struct LocalTableError: Error, Sendable, Equatable, CustomStringConvertible {
    public let type: String
    public let message: String

    static func validation(_ message: String) -> LocalTableError {
        LocalTableError(type: "ValidationException", message: message)
    }

    static func notFound(_ table: String) -> LocalTableError {
        LocalTableError(type: "ResourceNotFoundException", message: "Requested resource not found: Table: \(table) not found")
    }

    public var description: String { "\(type): \(message)" }
}
