/// The comparison operators of a Choice rule (JSONPath states). A `...Path` operator compares
/// with the value a reference path selects instead of a literal.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case stringEquals = "StringEquals"
    case stringLessThan = "StringLessThan"
    case stringGreaterThan = "StringGreaterThan"
    case stringLessThanEquals = "StringLessThanEquals"
    case stringGreaterThanEquals = "StringGreaterThanEquals"
    case stringMatches = "StringMatches"
    case numericEquals = "NumericEquals"
    case numericLessThan = "NumericLessThan"
    case numericGreaterThan = "NumericGreaterThan"
    case numericLessThanEquals = "NumericLessThanEquals"
    case numericGreaterThanEquals = "NumericGreaterThanEquals"
    case booleanEquals = "BooleanEquals"
    case timestampEquals = "TimestampEquals"
    case timestampLessThan = "TimestampLessThan"
    case timestampGreaterThan = "TimestampGreaterThan"
    case timestampLessThanEquals = "TimestampLessThanEquals"
    case timestampGreaterThanEquals = "TimestampGreaterThanEquals"
    case isNull = "IsNull"
    case isPresent = "IsPresent"
    case isNumeric = "IsNumeric"
    case isString = "IsString"
    case isBoolean = "IsBoolean"
    case isTimestamp = "IsTimestamp"

    enum Family { case string, numeric, boolean, timestamp, test }

    var family: Family {
        switch self {
        case .stringEquals, .stringLessThan, .stringGreaterThan, .stringLessThanEquals, .stringGreaterThanEquals,
            .stringMatches:
            .string
        case .numericEquals, .numericLessThan, .numericGreaterThan, .numericLessThanEquals, .numericGreaterThanEquals:
            .numeric
        case .booleanEquals: .boolean
        case .timestampEquals, .timestampLessThan, .timestampGreaterThan, .timestampLessThanEquals,
            .timestampGreaterThanEquals:
            .timestamp
        case .isNull, .isPresent, .isNumeric, .isString, .isBoolean, .isTimestamp: .test
        }
    }

    /// Whether a `<name>Path` variant exists (all but StringMatches and the Is* tests).
    var hasPathVariant: Bool { family != .test && self != .stringMatches }

    /// The operator (and whether it is the `Path` variant) a rule field names, if any.
    static func named(_ field: String) -> (ComparisonOperator, isPath: Bool)? {
        if let plain = ComparisonOperator(rawValue: field) { return (plain, false) }
        if field.hasSuffix("Path"), let base = ComparisonOperator(rawValue: String(field.dropLast(4))), base.hasPathVariant {
            return (base, true)
        }
        return nil
    }
}
