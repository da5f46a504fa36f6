/// A JSON document as a value: what every state's input and output, every event and every
/// API payload is made of.
///
/// Objects are unordered (as JSON says); serialization sorts their keys so that the same
/// value always prints the same way. Numbers are `Double`s, printed without a fraction when
/// they are integral, as AWS prints them.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// How many containers may nest in a value stepd reads or builds: the parser refuses deeper
    /// text, and the builders of the pure modules (payload templates, intrinsics, `ResultPath`)
    /// refuse to make deeper values. Code that recurses over a value (`==`, hashing, and the
    /// release of a value, which Swift does recursively) relies on it to stay within the stack.
    public static let maximumDepth = 512

    public var isNull: Bool { if case .null = self { true } else { false } }

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }

    public var numberValue: Double? { if case .number(let value) = self { value } else { nil } }

    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }

    public var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }

    public var objectValue: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }

    /// An integral number that fits an `Int`, as AWS accepts for counts and seconds.
    public var intValue: Int? {
        guard case .number(let value) = self, value.rounded() == value, abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }

    /// The member `key` of an object; `nil` for a missing member or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    /// The JSON type name AWS uses in its error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
