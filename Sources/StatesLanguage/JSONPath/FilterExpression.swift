import JSON

/// The condition of a JSONPath filter, `[?(<condition>)]`, with Jayway JsonPath's semantics
/// (the JSONPath library behind AWS's `.$` fields): a filter keeps the elements of an array
/// (or an object itself) for which the condition holds.
///
/// Comparisons are `==`, `!=`, `<`, `<=`, `>`, `>=` between `@...` paths (the element),
/// `$...` paths (the document's root) and literals; a path alone tests that it exists; `&&`,
/// `||` and parentheses combine them. Values compare only with values of their own type:
/// numbers by value, strings by UTF-16 code units (Java's `compareTo`); `==` also compares
/// booleans, null, arrays and objects. A path that selects nothing makes every comparison
/// false but `!=`, as in Jayway.
indirect enum FilterExpression: Sendable, Hashable {
    case any([FilterExpression])
    case all([FilterExpression])
    case exists(FilterPath)
    case comparison(FilterOperand, FilterOperator, FilterOperand)

    /// Nesting grows only with parentheses, which the parser bounds
    /// (`FilterParser.maximumNesting`), so this recursion stays shallow.
    func holds(for element: JSONValue, root: JSONValue) -> Bool {
        switch self {
        case .any(let operands): return operands.contains { $0.holds(for: element, root: root) }
        case .all(let operands): return operands.allSatisfy { $0.holds(for: element, root: root) }
        case .exists(let path): return path.select(element: element, root: root) != nil
        case .comparison(let left, let op, let right):
            let leftValue = left.value(element: element, root: root)
            let rightValue = right.value(element: element, root: root)
            guard let leftValue, let rightValue else { return op == .notEquals }
            return op.compare(leftValue, rightValue)
        }
    }
}

/// `@` (the element being filtered) or `$` (the root of the document), then names and indexes.
struct FilterPath: Sendable, Hashable {
    let startsAtRoot: Bool
    let selectors: [PathSelector]

    func select(element: JSONValue, root: JSONValue) -> JSONValue? {
        var current = startsAtRoot ? root : element
        for selector in selectors {
            guard let next = selector.selectDefinite(in: current) else { return nil }
            current = next
        }
        return current
    }
}

enum FilterOperand: Sendable, Hashable {
    case path(FilterPath)
    case literal(JSONValue)

    func value(element: JSONValue, root: JSONValue) -> JSONValue? {
        switch self {
        case .path(let path): path.select(element: element, root: root)
        case .literal(let value): value
        }
    }
}

enum FilterOperator: String, Sendable, Hashable, CaseIterable {
    case equals = "=="
    case notEquals = "!="
    case lessThanOrEquals = "<="
    case greaterThanOrEquals = ">="
    case lessThan = "<"
    case greaterThan = ">"

    func compare(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch self {
        case .equals: return left == right
        case .notEquals: return left != right
        default: break
        }
        let order: Int
        switch (left, right) {
        case (.number(let a), .number(let b)): order = a < b ? -1 : (a > b ? 1 : 0)
        case (.string(let a), .string(let b)): order = Comparison.compareUTF16(a, b)
        default: return false
        }
        switch self {
        case .lessThan: return order < 0
        case .lessThanOrEquals: return order <= 0
        case .greaterThan: return order > 0
        default: return order >= 0
        }
    }
}
