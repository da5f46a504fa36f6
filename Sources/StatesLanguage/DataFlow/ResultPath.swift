import JSON

/// `ResultPath`: where a state's result goes in its output.
///
/// `$` (the default) makes the result the output; `$.a.b` writes it into a copy of the state
/// input, creating objects on the way; `null` discards the result and passes the input on.
public enum ResultPath: Sendable, Hashable {
    case path(ReferencePath)
    case discard

    public static let `default` = ResultPath.path(.root)

    public init(json: JSONValue?, field: String = "ResultPath") throws(DefinitionError) {
        switch json {
        case nil: self = .default
        case .null?: self = .discard
        case .string(let text)?:
            let path = try ReferencePath(checking: text, field: field)
            guard !path.isContextPath else {
                throw DefinitionError(message: "field '\(field)': '\(text)' cannot write to the context object")
            }
            // AWS: "Variables cannot be used in ResultPath."
            guard path.variable == nil else {
                throw DefinitionError(message: "field '\(field)': '\(text)' cannot use a variable: variables cannot be used in ResultPath")
            }
            self = .path(path)
        case let other?: throw DefinitionError(message: "field '\(field)' must be a string or null, not \(other.typeName)")
        }
    }

    /// The state output for `result` and the (raw) state `input`. Fails with
    /// `States.ResultPathMatchFailure` when the path runs through something that is not an
    /// object (or an array element that exists). An output merged into the input is a value
    /// built from input like any other: larger than 256 KiB as text, it fails with
    /// `States.DataLimitExceeded`; nesting deeper than 512 levels (a deep result placed deep in
    /// the input), with `States.Runtime`. `$` (the result itself) and `null` (the input itself)
    /// build nothing.
    public func apply(result: JSONValue, to input: JSONValue) throws(StatesError) -> JSONValue {
        switch self {
        case .discard: return input
        case .path(let path) where path.isRoot: return result
        case .path(let path):
            let output: JSONValue
            do {
                output = try Self.set(result, at: path.components[...], in: input, walked: "$")
            } catch let failure {
                throw StatesError.resultPathMatchFailure(
                    "Unable to apply the ResultPath '\(path.text)' to the input '\(input.serialized())': \(failure.reason)")
            }
            try BuildBudget.check(output, field: "ResultPath", key: path.text)
            return output
        }
    }

    private struct MatchFailure: Error { let reason: String }

    private static func set(_ value: JSONValue, at components: ArraySlice<PathComponent>, in target: JSONValue?, walked: String)
        throws(MatchFailure) -> JSONValue
    {
        guard let component = components.first else { return value }
        let rest = components.dropFirst()
        switch component {
        case .name(let name):
            var members: [String: JSONValue]
            switch target {
            case nil: members = [:]
            case .object(let existing)?: members = existing
            case let other?: throw MatchFailure(reason: "'\(walked)' is \(article(other)) \(other.typeName), not an object")
            }
            members[name] = try set(value, at: rest, in: members[name], walked: walked + "." + name)
            return .object(members)
        case .index(let index):
            guard case .array(var elements)? = target else {
                let what = target.map { "\(article($0)) \($0.typeName)" } ?? "missing"
                throw MatchFailure(reason: "'\(walked)' is \(what), not an array")
            }
            guard index < elements.count else {
                throw MatchFailure(reason: "'\(walked)' has no element \(index)")
            }
            elements[index] = try set(value, at: rest, in: elements[index], walked: "\(walked)[\(index)]")
            return .array(elements)
        }
    }

    private static func article(_ value: JSONValue) -> String {
        switch value {
        case .array, .object: "an"
        default: "a"
        }
    }
}
