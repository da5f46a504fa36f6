import JSON

/// `InputPath`: selects the part of the state input the state works on.
/// Absent means `$` (all of it); `null` means the state works on `{}`.
public enum InputPath: Sendable, Hashable {
    case path(ReferencePath)
    case discard

    public static let `default` = InputPath.path(.root)

    /// Reads the field's value: `nil` (absent) → `$`, JSON `null` → `.discard`, a string → a reference path.
    public init(json: JSONValue?, field: String = "InputPath") throws(DefinitionError) {
        switch json {
        case nil: self = .default
        case .null?: self = .discard
        case .string(let text)?: self = .path(try ReferencePath(checking: text, field: field))
        case let other?: throw DefinitionError(message: "field '\(field)' must be a string or null, not \(other.typeName)")
        }
    }

    /// The effective input. A path that selects nothing fails with `States.Runtime`.
    public func apply(to input: JSONValue, context: EvaluationContext? = nil) throws(StatesError) -> JSONValue {
        switch self {
        case .discard: return .object([:])
        case .path(let path): return try path.value(in: input, context: context, field: "InputPath")
        }
    }
}

/// `OutputPath`: selects the part of the state output passed to the next state.
/// Absent means `$`; `null` means the next state receives `{}`.
public enum OutputPath: Sendable, Hashable {
    case path(ReferencePath)
    case discard

    public static let `default` = OutputPath.path(.root)

    public init(json: JSONValue?, field: String = "OutputPath") throws(DefinitionError) {
        switch json {
        case nil: self = .default
        case .null?: self = .discard
        case .string(let text)?: self = .path(try ReferencePath(checking: text, field: field))
        case let other?: throw DefinitionError(message: "field '\(field)' must be a string or null, not \(other.typeName)")
        }
    }

    public func apply(to output: JSONValue, context: EvaluationContext? = nil) throws(StatesError) -> JSONValue {
        switch self {
        case .discard: return .object([:])
        case .path(let path): return try path.value(in: output, context: context, field: "OutputPath")
        }
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
