import JSON

/// What a state's paths read besides its input: `$$`, the context object, and `$name`, the
/// workflow variables in scope (the state's own scope and the ones around it).
public struct EvaluationContext: Sendable, ExpressibleByDictionaryLiteral {
    public var contextObject: JSONValue
    public var variables: [String: JSONValue]

    public init(_ contextObject: JSONValue = .object([:]), variables: [String: JSONValue] = [:]) {
        self.contextObject = contextObject
        self.variables = variables
    }

    /// The context object's members, without variables.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(.object(Dictionary(elements, uniquingKeysWith: { _, last in last })))
    }
}
