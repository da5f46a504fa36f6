import JSON

/// A number a Distributed Map takes either in the definition (`MaxItemsPerBatch`) or from its
/// effective input at a path (`MaxItemsPerBatchPath`), checked against the same bounds.
public enum NumberSetting: Sendable, Hashable {
    case value(Double)
    case path(ReferencePath, field: String)

    /// Reads `field` and `field` + "Path" (at most one of them): a number in `range`, an
    /// integer when `integral`. `description` words the requirement ("a positive integer").
    static func read(
        _ field: String, from reader: inout FieldReader, in range: ClosedRange<Double>, integral: Bool, description: String
    ) -> NumberSetting? {
        let pathField = field + "Path"
        if reader.members[field] != nil, reader.members[pathField] != nil {
            reader.fail(plain: "has both '\(reader.qualified(field))' and '\(reader.qualified(pathField))'; it may have only one", field: pathField)
        }
        let given = reader.raw(field)
        if let path = reader.referencePath(pathField) { return .path(path, field: reader.qualified(pathField)) }
        guard let value = given else { return nil }
        guard let number = value.numberValue, range.contains(number), !integral || number == number.rounded() else {
            reader.fail(field, "must be \(description), not \(value.serialized())")
            return nil
        }
        return .value(number)
    }

    /// The number, read from `input` for a path; a value at the path that is not a number in
    /// `range` (an integer when `integral`) fails with States.Runtime.
    public func resolve(
        in input: JSONValue, context: EvaluationContext, range: ClosedRange<Double>, integral: Bool, description: String
    ) throws(StatesError) -> Double {
        switch self {
        case .value(let number):
            return number
        case .path(let path, let field):
            let value = try path.value(in: input, context: context, field: field)
            guard let number = value.numberValue, range.contains(number), !integral || number == number.rounded() else {
                throw StatesError.runtime(
                    "The value at the field '\(field)' ('\(path.text)') must be \(description), not \(value.serialized())")
            }
            return number
        }
    }
}
