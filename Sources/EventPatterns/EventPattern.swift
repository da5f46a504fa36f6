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

    public init(json: JSONValue) throws(EventPatternError) {
        guard case .object(let members) = json else {
            throw EventPatternError(reason: "Filter is not an object", path: [])
        }
        self.json = json
        self.root = try PatternCompiler.object(members, path: [])
    }

    public init(text: String) throws(EventPatternError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            throw EventPatternError("Event pattern is not valid. Reason: not valid JSON: \(error.message)")
        }
        try self.init(json: value)
    }

    /// Whether `event` (an envelope's `json`, or any JSON object) matches.
    public func matches(_ event: JSONValue) -> Bool {
        root.matches(event)
    }
}
