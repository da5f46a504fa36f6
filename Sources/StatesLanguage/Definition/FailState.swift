import JSON

/// `"Type": "Fail"`: ends the execution with an error name and cause, given literally or
/// through `ErrorPath` / `CausePath` (a reference path or an intrinsic function).
public struct FailState: Sendable {
    public let error: String?
    public let cause: String?
    /// Set when `ErrorPath` is a reference path.
    public let errorPath: ReferencePath?
    /// Set when `CausePath` is a reference path.
    public let causePath: ReferencePath?
    let errorExpression: DynamicString?
    let causeExpression: DynamicString?

    public init(error: String? = nil, cause: String? = nil, errorPath: ReferencePath? = nil, causePath: ReferencePath? = nil) {
        self.error = error
        self.cause = cause
        self.errorPath = errorPath
        self.causePath = causePath
        errorExpression = errorPath.map(DynamicString.path)
        causeExpression = causePath.map(DynamicString.path)
    }

    init(reader: inout FieldReader) {
        error = reader.string("Error")
        cause = reader.string("Cause")
        errorExpression = Self.readDynamic("ErrorPath", literal: "Error", reader: &reader)
        causeExpression = Self.readDynamic("CausePath", literal: "Cause", reader: &reader)
        if case .path(let path)? = errorExpression { errorPath = path } else { errorPath = nil }
        if case .path(let path)? = causeExpression { causePath = path } else { causePath = nil }
    }

    private static func readDynamic(_ field: String, literal: String, reader: inout FieldReader) -> DynamicString? {
        guard let text = reader.string(field) else { return nil }
        if reader.members[literal] != nil {
            reader.fail(plain: "has both '\(literal)' and '\(field)'; it may have only one of them", field: field)
        }
        do {
            if IntrinsicExpression.looksLikeCall(text) { return .intrinsic(try IntrinsicExpression(text)) }
            return .path(try ReferencePath(text))
        } catch {
            reader.fail(field, "must be a reference path or an intrinsic function: \(error.message)")
            return nil
        }
    }

    /// The error name and cause to fail with; paths are resolved against the state input.
    /// A path that selects nothing, or a value that is not a string, fails with `States.Runtime`.
    public func errorAndCause(input: JSONValue, context: EvaluationContext) throws(StatesError) -> (error: String?, cause: String?) {
        let resolvedError = try errorExpression?.resolve(input: input, context: context, field: "ErrorPath") ?? error
        let resolvedCause = try causeExpression?.resolve(input: input, context: context, field: "CausePath") ?? cause
        return (resolvedError, resolvedCause)
    }
}

/// A string field given by a reference path or an intrinsic function.
enum DynamicString: Sendable {
    case path(ReferencePath)
    case intrinsic(IntrinsicExpression)

    func resolve(input: JSONValue, context: EvaluationContext, field: String) throws(StatesError) -> String {
        let value: JSONValue
        switch self {
        case .path(let path): value = try path.value(in: input, context: context, field: field)
        case .intrinsic(let expression): value = try expression.evaluate(input: input, context: context, field: field)
        }
        guard case .string(let text) = value else {
            throw StatesError.runtime("The value of the field '\(field)' must be a string, not \(value.serialized())")
        }
        return text
    }
}
