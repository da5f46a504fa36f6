import JSON

/// Why an event pattern is refused, worded as EventBridge's `InvalidEventPatternException`.
public struct EventPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(_ message: String) { self.message = message }

    init(reason: String, path: [String]) {
        let place = path.isEmpty ? "" : " (at '\(path.joined(separator: "."))')"
        self.init("Event pattern is not valid. Reason: \(reason)\(place)")
    }
}

/// An EventBridge event pattern, validated and compiled once into a matcher tree.
///
/// Every field in the pattern must match (AND); the values listed for a field are
/// alternatives (OR). Strings match exactly and case-sensitively; numbers numerically; an
/// array in the event matches when any of its elements does. See "Content filtering in
/// Amazon EventBridge event patterns" for the operators.
public struct EventPattern: Sendable {
    /// The pattern as given.
    public let json: JSONValue
    let root: ObjectMatcher

    /// The longest pattern, in characters: the `EventPattern` of PutRule in EventBridge's API
    /// (botocore `events` 2015-10-07: shape `EventPattern`, max 4096). The default quota is
    /// 2,048 characters, raised on request up to this. Besides the compiler's own bounds (see
    /// `PatternCompiler`), it bounds how many fields and values a pattern has (each takes at
    /// least two characters).
    public static let maximumLength = 4_096

    /// Compiles a pattern given as JSON: its compact text may be at most `maximumLength`
    /// characters, as a pattern given as text.
    public init(json: JSONValue) throws(EventPatternError) {
        // A character is at most 4 bytes: writing stops soon after the text is surely too long.
        guard let text = json.serialized(byteLimit: 4 * Self.maximumLength), text.unicodeScalars.count <= Self.maximumLength
        else { throw Self.tooLong() }
        try self.init(compiling: json)
    }

    private init(compiling json: JSONValue) throws(EventPatternError) {
        guard case .object(let members) = json else {
            throw EventPatternError(reason: "Filter is not an object", path: [])
        }
        self.json = json
        self.root = try PatternCompiler.object(members, path: [])
    }

    private static func tooLong() -> EventPatternError {
        EventPatternError("Event pattern is not valid. Reason: the pattern is longer than \(maximumLength) characters")
    }

    /// Compiles a pattern given as text, at most `maximumLength` characters (Unicode scalars,
    /// as AWS counts a string's length).
    public init(text: String) throws(EventPatternError) {
        guard text.unicodeScalars.count <= Self.maximumLength else { throw Self.tooLong() }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            throw EventPatternError("Event pattern is not valid. Reason: not valid JSON: \(error.message)")
        }
        try self.init(compiling: value)
    }

    /// Whether `event` (an envelope's `json`, or any JSON object) matches.
    public func matches(_ event: JSONValue) -> Bool {
        root.matches(event)
    }
}
