import JSON

/// An AWS *reference path*: a JSONPath that identifies a single node, using only `.name`,
/// `['name']` and `[index]` after `$` (the state input) or `$$` (the context object).
/// Used by `InputPath`, `OutputPath`, `ResultPath`, Choice `Variable`s, `SecondsPath`, ...
///
/// Compile once with `init(_:)`, evaluate many times with `value(in:context:field:)`.
public struct ReferencePath: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    let path: JSONPath

    /// The path `$`: the whole input.
    public static let root: ReferencePath = ReferencePath(uncheckedRoot: ())

    private init(uncheckedRoot: Void) {
        text = "$"
        path = JSONPath(rootText: "$")
    }

    public init(_ text: String) throws(DefinitionError) {
        let path = try JSONPath(text)
        guard path.isDefinite else {
            throw DefinitionError(
                message: "'\(text)' is not a valid reference path: only '.name', ['name'] and [index] may follow '$'")
        }
        self.text = text
        self.path = path
    }

    public var description: String { text }

    /// `true` for `$$...`: the path reads the context object.
    public var isContextPath: Bool { path.isContextPath }

    /// `true` for `$` (or `$$`) alone.
    public var isRoot: Bool { path.selectors.isEmpty }

    /// The names and indexes after the root, in order.
    var components: [PathComponent] {
        path.selectors.compactMap { selector in
            switch selector {
            case .name(let name): .name(name)
            case .index(let index): .index(index)
            default: nil
            }
        }
    }

    /// `name` for `$name...`: the path reads a workflow variable.
    public var variable: String? { path.variable }

    /// The selected value, or `nil` when it is missing. A context path (`$$`) reads `context`
    /// when one is given, otherwise `input`; `$name` reads the variable.
    public func valueIfPresent(in input: JSONValue, context: EvaluationContext? = nil) -> JSONValue? {
        guard let document = path.document(input: input, context: context ?? EvaluationContext(input)) else { return nil }
        return path.select(in: document)
    }

    /// The selected value; a missing one fails with `States.Runtime`, naming the path, the
    /// field (`field`, e.g. "InputPath") and the document searched, as AWS does.
    public func value(in input: JSONValue, context: EvaluationContext? = nil, field: String = "Path") throws(StatesError)
        -> JSONValue
    {
        if let value = valueIfPresent(in: input, context: context) { return value }
        throw StatesError.runtime(
            "The JSONPath '\(text)' specified for the field '\(field)' could not be found in the "
                + path.documentDescription(input: input, context: context ?? EvaluationContext(input)))
    }
}

enum PathComponent: Sendable, Hashable {
    case name(String)
    case index(Int)
}

extension JSONPath {
    /// `$` or `$$` with no selectors; `rootText` must be one of those.
    init(rootText: String) {
        text = rootText
        isContextPath = rootText == "$$"
        variable = nil
        selectors = []
    }
}
