import Foundation
import JSON

/// A top-level Choice rule: a condition and the state to go to when it holds.
public struct ChoiceRule: Sendable, Hashable {
    public let condition: ChoiceCondition
    public let next: String
    public let comment: String?
    /// `Assign`: the variables set when this rule is the one taken.
    public let assign: Assignment?

    public init(condition: ChoiceCondition, next: String, comment: String? = nil, assign: Assignment? = nil) {
        self.condition = condition
        self.next = next
        self.comment = comment
        self.assign = assign
    }

    /// Whether the rule holds for `input` (`$`), with `context` for `$$` paths.
    public func matches(_ input: JSONValue, context: EvaluationContext) throws(StatesError) -> Bool {
        try condition.evaluate(input, context: context)
    }
}

/// A Boolean expression of a Choice rule: a comparison, or `And` / `Or` / `Not` of others.
public indirect enum ChoiceCondition: Sendable, Hashable {
    case comparison(Comparison)
    case and([ChoiceCondition])
    case or([ChoiceCondition])
    case not(ChoiceCondition)

    /// `And` and `Or` stop at the first operand that decides them, so
    /// `And: [IsPresent, StringEquals]` is safe on a missing variable.
    public func evaluate(_ input: JSONValue, context: EvaluationContext) throws(StatesError) -> Bool {
        switch self {
        case .comparison(let comparison): return try comparison.evaluate(input, context: context)
        case .and(let operands):
            for operand in operands where !(try operand.evaluate(input, context: context)) { return false }
            return true
        case .or(let operands):
            for operand in operands where try operand.evaluate(input, context: context) { return true }
            return false
        case .not(let operand): return !(try operand.evaluate(input, context: context))
        }
    }
}

/// `Variable` compared with a literal or with the value at another path.
public struct Comparison: Sendable, Hashable {
    public enum Operand: Sendable, Hashable {
        case value(JSONValue)
        case path(ReferencePath)
    }

    public let variable: ReferencePath
    public let `operator`: ComparisonOperator
    public let operand: Operand

    public init(variable: ReferencePath, operator: ComparisonOperator, operand: Operand) {
        self.variable = variable
        self.operator = `operator`
        self.operand = operand
    }

    /// As AWS does: `IsPresent` tests whether `Variable` exists; any other comparison on a
    /// `Variable` (or `...Path` operand) that selects nothing fails with `States.Runtime`
    /// ("Invalid path ..."). A value of the wrong type makes the comparison false. `$$` paths
    /// (`Variable` or operand) read `context`, the context object.
    public func evaluate(_ input: JSONValue, context: EvaluationContext) throws(StatesError) -> Bool {
        let found = variable.valueIfPresent(in: input, context: context)
        if self.operator == .isPresent {
            return (found != nil) == (operand == .value(.bool(true)))
        }
        guard let value = found else {
            throw StatesError.runtime(
                "Invalid path '\(variable.text)': The choice state's condition path references an invalid value.")
        }
        let other: JSONValue
        switch operand {
        case .value(let literal): other = literal
        case .path(let path):
            guard let selected = path.valueIfPresent(in: input, context: context) else {
                throw StatesError.runtime(
                    "Invalid path '\(path.text)': The choice state's condition path references an invalid value.")
            }
            other = selected
        }
        return Self.compare(value, self.operator, other)
    }

    static func compare(_ value: JSONValue, _ op: ComparisonOperator, _ other: JSONValue) -> Bool {
        switch op.family {
        case .string:
            guard case .string(let left) = value, case .string(let right) = other else { return false }
            let order = compareUTF16(left, right)
            switch op {
            case .stringEquals: return order == 0
            case .stringLessThan: return order < 0
            case .stringGreaterThan: return order > 0
            case .stringLessThanEquals: return order <= 0
            case .stringGreaterThanEquals: return order >= 0
            default: return StringPattern(right).matches(left)
            }
        case .numeric:
            guard case .number(let left) = value, case .number(let right) = other else { return false }
            switch op {
            case .numericEquals: return left == right
            case .numericLessThan: return left < right
            case .numericGreaterThan: return left > right
            case .numericLessThanEquals: return left <= right
            default: return left >= right
            }
        case .boolean:
            guard case .bool(let left) = value, case .bool(let right) = other else { return false }
            return left == right
        case .timestamp:
            guard case .string(let leftText) = value, case .string(let rightText) = other,
                let left = RFC3339.parse(leftText), let right = RFC3339.parse(rightText)
            else { return false }
            switch op {
            case .timestampEquals: return left == right
            case .timestampLessThan: return left < right
            case .timestampGreaterThan: return left > right
            case .timestampLessThanEquals: return left <= right
            default: return left >= right
            }
        case .test:
            guard case .bool(let expected) = other else { return false }
            let actual: Bool
            switch op {
            case .isNull: actual = value == .null
            case .isNumeric: if case .number = value { actual = true } else { actual = false }
            case .isString: if case .string = value { actual = true } else { actual = false }
            case .isBoolean: if case .bool = value { actual = true } else { actual = false }
            case .isTimestamp: actual = value.stringValue.flatMap { RFC3339.parse($0) } != nil
            default: actual = true
            }
            return actual == expected
        }
    }

    /// Orders strings by UTF-16 code units, as AWS (Java) does; -1, 0 or 1.
    static func compareUTF16(_ left: String, _ right: String) -> Int {
        var leftUnits = left.utf16.makeIterator()
        var rightUnits = right.utf16.makeIterator()
        while true {
            switch (leftUnits.next(), rightUnits.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let a?, let b?): if a != b { return a < b ? -1 : 1 }
            }
        }
    }
}

/// A `StringMatches` pattern: `*` matches any run of characters, `\*` a literal `*`, `\\` a
/// literal backslash (a backslash before any other character stands for that character, and a
/// trailing one for itself). Matched in time linear in the string and the pattern, comparing
/// UTF-8 as AWS compares strings, without Unicode normalization (see `WildcardMatcher`).
struct StringPattern {
    let matcher: WildcardMatcher

    init(_ pattern: String) {
        var tokens: [UInt8?] = []
        var escaping = false
        // Scalars, not Characters: a combining mark after `*` must not hide the star.
        for scalar in pattern.unicodeScalars {
            if escaping {
                tokens += String(scalar).utf8.map { $0 }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else if scalar == "*" {
                tokens.append(nil)
            } else {
                tokens += String(scalar).utf8.map { $0 }
            }
        }
        if escaping { tokens.append(UInt8(ascii: "\\")) }
        matcher = WildcardMatcher(tokens: tokens)
    }

    func matches(_ text: String) -> Bool { matcher.matches(text) }
}
