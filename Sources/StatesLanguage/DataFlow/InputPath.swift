import JSON

/// `InputPath`: selects the part of the state input the state works on.
/// Absent means `$` (all of it); `null` means the state works on `{}`. A path that is not a
/// reference path (`$.items[*].id`, a filter) selects the list of what it finds, as AWS's
/// `InputPath` and `OutputPath` take any path.
public enum InputPath: Sendable, Hashable {
    case path(ReferencePath)
    case query(JSONPath)
    case discard

    public static let `default` = InputPath.path(.root)

    /// Reads the field's value: `nil` (absent) → `$`, JSON `null` → `.discard`, a string → a reference path.
    public init(json: JSONValue?, field: String = "InputPath") throws(DefinitionError) {
        switch json {
        case nil: self = .default
        case .null?: self = .discard
        case .string(let text)?:
            switch try SelectingPath(text, field: field) {
            case .reference(let path): self = .path(path)
            case .query(let path): self = .query(path)
            }
        case let other?: throw DefinitionError(message: "field '\(field)' must be a string or null, not \(other.typeName)")
        }
    }

    /// The effective input. A reference path that selects nothing fails with `States.Runtime`.
    public func apply(to input: JSONValue, context: EvaluationContext? = nil) throws(StatesError) -> JSONValue {
        switch self {
        case .discard: return .object([:])
        case .path(let path): return try path.value(in: input, context: context, field: "InputPath")
        case .query(let path): return try SelectingPath.select(path, in: input, context: context, field: "InputPath")
        }
    }
}

/// `OutputPath`: selects the part of the state output passed to the next state.
/// Absent means `$`; `null` means the next state receives `{}`; any path, as `InputPath`.
public enum OutputPath: Sendable, Hashable {
    case path(ReferencePath)
    case query(JSONPath)
    case discard

    public static let `default` = OutputPath.path(.root)

    public init(json: JSONValue?, field: String = "OutputPath") throws(DefinitionError) {
        switch json {
        case nil: self = .default
        case .null?: self = .discard
        case .string(let text)?:
            switch try SelectingPath(text, field: field) {
            case .reference(let path): self = .path(path)
            case .query(let path): self = .query(path)
            }
        case let other?: throw DefinitionError(message: "field '\(field)' must be a string or null, not \(other.typeName)")
        }
    }

    public func apply(to output: JSONValue, context: EvaluationContext? = nil) throws(StatesError) -> JSONValue {
        switch self {
        case .discard: return .object([:])
        case .path(let path): return try path.value(in: output, context: context, field: "OutputPath")
        case .query(let path): return try SelectingPath.select(path, in: output, context: context, field: "OutputPath")
        }
    }
}

/// The path of an `InputPath` or `OutputPath`: a reference path, or any other path, whose
/// matches are the list it selects.
enum SelectingPath {
    case reference(ReferencePath)
    case query(JSONPath)

    init(_ text: String, field: String) throws(DefinitionError) {
        if let reference = try? ReferencePath(text) {
            self = .reference(reference)
            return
        }
        do {
            self = .query(try JSONPath(text))
        } catch {
            throw DefinitionError(message: "field '\(field)': \(error.message)")
        }
    }

    /// What `path` selects, bounded as a template's paths are (`JSONPath.maximumVisits`).
    static func select(_ path: JSONPath, in document: JSONValue, context: EvaluationContext?, field: String) throws(StatesError)
        -> JSONValue
    {
        let environment = context ?? EvaluationContext(document)
        guard let root = path.document(input: document, context: environment) else {
            throw StatesError.runtime(
                "The JSONPath '\(path.text)' specified for the field '\(field)' could not be found in the "
                    + path.documentDescription(input: document, context: environment))
        }
        var visitsLeft = JSONPath.maximumVisits
        return try path.select(in: root, visitsLeft: &visitsLeft) ?? .array([])
    }
}

extension ReferencePath {
    /// Compiles `text`, rewording a failure to name `field`.
    init(checking text: String, field: String) throws(DefinitionError) {
        do {
            try self.init(text)
        } catch {
            throw DefinitionError(message: "field '\(field)': \(error.message)")
        }
    }
}
