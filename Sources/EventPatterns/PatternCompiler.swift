import JSON

/// Validates a pattern as EventBridge does and compiles it into matchers. Reasons use the
/// wording of EventBridge's `InvalidEventPatternException` (from its rule compiler).
///
/// Its own bounds, besides the pattern's length (`EventPattern.maximumLength`), which AWS
/// documents; AWS documents none of these, so they are our choice:
/// - objects nest at most `maximumNesting` (64) levels, counting each `$or` alternative as a
///   level: compiling and matching recurse once a level;
/// - `$or` makes at most `maximumCombinations` (1,000) combinations: the number of plain
///   patterns the pattern stands for (the alternatives of each `$or` add up, separate `$or`s
///   and nested objects multiply). This compiler keeps `$or` as it is, so its matcher does not
///   grow with them; but a compiler that expands them (as EventBridge's Ruler does) would,
///   and EventBridge refuses rules it finds too complex.
enum PatternCompiler {
    static let orKeyword = "$or"
    static let maximumNesting = 64
    static let maximumCombinations = 1_000

    static func object(_ members: [String: JSONValue], path: [String]) throws(EventPatternError) -> ObjectMatcher {
        try object(members, path: path, nesting: 1).matcher
    }

    /// `nesting` is the object's level, 1 for the pattern itself; the result's `combinations`
    /// counts what its `$or`s make (1 without any).
    private static func object(_ members: [String: JSONValue], path: [String], nesting: Int)
        throws(EventPatternError) -> (matcher: ObjectMatcher, combinations: Int)
    {
        guard !members.isEmpty else { throw EventPatternError(reason: "Empty objects are not allowed", path: path) }
        guard nesting <= maximumNesting else {
            throw EventPatternError(reason: "Objects nest more than \(maximumNesting) levels", path: path)
        }
        var leaves: [FieldMatcher] = []
        var objects: [FieldMatcher] = []
        var orGroups: [[ObjectMatcher]] = []
        var combinations = 1
        /// Multiplies in what a part makes; past the bound, the pattern is refused at once.
        func combine(_ count: Int) throws(EventPatternError) {
            let (product, overflow) = combinations.multipliedReportingOverflow(by: count)
            guard !overflow, product <= maximumCombinations else {
                throw EventPatternError(
                    reason: "Rule is too complex: its $or alternatives make more than \(maximumCombinations) combinations",
                    path: path)
            }
            combinations = product
        }
        for name in members.keys.sorted() {
            guard let value = members[name] else { continue }
            if name == orKeyword {
                let group = try orGroup(value, path: path, nesting: nesting)
                orGroups.append(group.alternatives)
                try combine(group.combinations)
                continue
            }
            let fieldPath = path + [name]
            switch value {
            case .object(let nested):
                let compiled = try object(nested, path: fieldPath, nesting: nesting + 1)
                try combine(compiled.combinations)
                objects.append(FieldMatcher(name: name, node: .object(compiled.matcher)))
            case .array(let items):
                leaves.append(FieldMatcher(name: name, node: .leaf(try leaf(items, path: fieldPath))))
            default:
                throw EventPatternError(reason: "\"\(name)\" must be an object or an array", path: path)
            }
        }
        // Leaves first: they are cheap and usually decide (source, detail-type).
        return (ObjectMatcher(fields: leaves + objects, orGroups: orGroups), combinations)
    }

    /// The alternatives of a `$or` in an object at level `nesting`, and the combinations they
    /// make together (their own, added up).
    private static func orGroup(_ value: JSONValue, path: [String], nesting: Int)
        throws(EventPatternError) -> (alternatives: [ObjectMatcher], combinations: Int)
    {
        guard case .array(let items) = value else {
            throw EventPatternError(reason: "It must be an Array followed with $or.", path: path)
        }
        var alternatives: [ObjectMatcher] = []
        var combinations = 0
        for item in items {
            guard case .object(let members) = item else {
                throw EventPatternError(reason: "Only JSON object is allowed in array of $or relationship.", path: path)
            }
            let compiled = try object(members, path: path, nesting: nesting + 1)
            alternatives.append(compiled.matcher)
            // Each term is at most the bound, so the sum cannot overflow before it is checked.
            combinations += compiled.combinations
            guard combinations <= maximumCombinations else {
                throw EventPatternError(
                    reason: "Rule is too complex: its $or alternatives make more than \(maximumCombinations) combinations",
                    path: path)
            }
        }
        guard alternatives.count >= 2 else {
            throw EventPatternError(reason: "There must have at least 2 Objects in $or relationship.", path: path)
        }
        return (alternatives, combinations)
    }

    static func leaf(_ items: [JSONValue], path: [String]) throws(EventPatternError) -> LeafMatcher {
        guard !items.isEmpty else { throw EventPatternError(reason: "Empty arrays are not allowed", path: path) }
        var matcher = LeafMatcher()
        for item in items {
            switch item {
            case .string(let s): matcher.exact.insert(.string(ExactString(s)))
            case .number(let n): matcher.exact.insert(.number(n))
            case .bool(let b): matcher.exact.insert(.bool(b))
            case .null: matcher.exact.insert(.null)
            case .array:
                throw EventPatternError(reason: "Match value must be String, number, true, false, or null", path: path)
            case .object(let expression):
                try matchExpression(expression, into: &matcher, path: path)
            }
        }
        return matcher
    }

    private static func matchExpression(
        _ expression: [String: JSONValue], into matcher: inout LeafMatcher, path: [String]
    ) throws(EventPatternError) {
        func fail(_ reason: String) -> EventPatternError { EventPatternError(reason: reason, path: path) }
        guard let (name, value) = expression.first else { throw fail("Match expression name not found") }
        guard expression.count == 1 else { throw fail("Only one key allowed in match expression") }
        switch name {
        case "exact":
            guard case .string(let s) = value else { throw fail("exact match pattern must be a string") }
            matcher.exact.insert(.string(ExactString(s)))
        case "prefix", "suffix":
            let condition: Condition
            switch value {
            case .string(let s):
                condition = name == "prefix" ? .prefix(s, ignoreCase: false) : .suffix(s, ignoreCase: false)
            case .object(let inner) where inner.count == 1:
                guard case .string(let s)? = inner["equals-ignore-case"] else {
                    throw fail("\(name) match pattern must be a string")
                }
                let lowered = s.lowercased()
                condition = name == "prefix" ? .prefix(lowered, ignoreCase: true) : .suffix(lowered, ignoreCase: true)
            default:
                throw fail("\(name) match pattern must be a string")
            }
            matcher.conditions.append(condition)
        case "equals-ignore-case":
            guard case .string(let s) = value else { throw fail("equals-ignore-case match pattern must be a string") }
            matcher.conditions.append(.equalsIgnoreCase(s.lowercased()))
        case "wildcard":
            guard case .string(let s) = value else { throw fail("wildcard match pattern must be a string") }
            matcher.conditions.append(.wildcard(try wildcard(s, path: path)))
        case "numeric":
            guard case .array(let terms) = value else { throw fail("Value of numeric must be an array.") }
            matcher.conditions.append(.numeric(try numeric(terms, path: path)))
        case "exists":
            guard case .bool(let exists) = value else { throw fail("exists match pattern must be either true or false.") }
            if exists { matcher.existsTrue = true } else { matcher.existsFalse = true }
        case "cidr":
            guard case .string(let s) = value else { throw fail("cidr match pattern must be a string") }
            switch IPRange.parse(s) {
            case .success(let range): matcher.conditions.append(.cidr(range))
            case .failure(.message(let reason)): throw fail(reason)
            }
        case "anything-but":
            matcher.conditions.append(.anythingBut(try anythingBut(value, path: path)))
        default:
            throw fail("Unrecognized match type \(name)")
        }
    }

    private static func numeric(_ terms: [JSONValue], path: [String]) throws(EventPatternError) -> NumericRange {
        func fail(_ reason: String) -> EventPatternError { EventPatternError(reason: reason, path: path) }
        func text(_ value: JSONValue?) -> String { value.map { $0.serialized() } ?? "(nothing)" }
        func number(at index: Int, after op: String) throws(EventPatternError) -> Double {
            guard index < terms.count, case .number(let n) = terms[index] else {
                throw fail("Value of \(op) must be numeric")
            }
            return n
        }
        guard case .string(let op)? = terms.first else {
            throw fail("Invalid member in numeric match: \(text(terms.first))")
        }
        switch op {
        case "=":
            let n = try number(at: 1, after: op)
            guard terms.count == 2 else { throw fail("Too many elements in numeric expression") }
            return NumericRange(lower: n, upper: n)
        case "<", "<=":
            let n = try number(at: 1, after: op)
            guard terms.count == 2 else { throw fail("Too many elements in numeric expression") }
            return NumericRange(upper: n, upperOpen: op == "<")
        case ">", ">=":
            let bottom = try number(at: 1, after: op)
            var range = NumericRange(lower: bottom, lowerOpen: op == ">")
            guard terms.count > 2 else { return range }
            guard case .string(let topOp) = terms[2] else {
                throw fail("Bad value in numeric range: \(text(terms[2]))")
            }
            guard topOp == "<" || topOp == "<=" else { throw fail("Bad numeric range operator: \(topOp)") }
            let top = try number(at: 3, after: topOp)
            guard terms.count == 4 else { throw fail("Too many terms in numeric range expression") }
            guard bottom < top else { throw fail("Bottom must be less than top") }
            range.upper = top
            range.upperOpen = topOp == "<"
            return range
        default:
            throw fail("Unrecognized numeric range operator: \(op)")
        }
    }

    private static func anythingBut(_ value: JSONValue, path: [String]) throws(EventPatternError) -> AnythingBut {
        func fail(_ reason: String) -> EventPatternError { EventPatternError(reason: reason, path: path) }
        switch value {
        case .string(let s):
            return .strings([ExactString(s)])
        case .number(let n):
            return .numbers([n])
        case .array(let items):
            var strings: Set<ExactString> = []
            var numbers: Set<Double> = []
            for item in items {
                switch item {
                case .string(let s): strings.insert(ExactString(s))
                case .number(let n): numbers.insert(n)
                default: throw fail("Inside anything but list, start|null|boolean is not supported.")
                }
            }
            if strings.isEmpty == numbers.isEmpty {
                throw fail("Inside anything but list, either all values are number or string, mixed type is not supported")
            }
            return strings.isEmpty ? .numbers(numbers) : .strings(strings)
        case .object(let inner):
            guard let (op, operand) = inner.first else { throw fail("Anything-But expression name not found") }
            guard inner.count == 1 else { throw fail("Only one key allowed in match expression") }
            func strings(_ what: String) throws(EventPatternError) -> [String] {
                switch operand {
                case .string(let s): return [s]
                case .array(let items) where !items.isEmpty:
                    var result: [String] = []
                    for item in items {
                        guard case .string(let s) = item else {
                            throw fail("Inside anything-but/\(what) list, number|start|null|boolean is not supported.")
                        }
                        result.append(s)
                    }
                    return result
                default:
                    throw fail("\(what) match pattern must be a string")
                }
            }
            switch op {
            case "prefix", "suffix":
                let values = try strings(op)
                if values.contains(where: \.isEmpty) { throw fail("Null prefix/suffix not allowed") }
                return op == "prefix" ? .prefixes(values) : .suffixes(values)
            case "equals-ignore-case":
                return .equalsIgnoreCase(Set(try strings(op).map { $0.lowercased() }))
            case "wildcard":
                var patterns: [WildcardMatcher] = []
                for s in try strings(op) { patterns.append(try wildcard(s, path: path)) }
                return .wildcards(patterns)
            default:
                throw fail("Unsupported anything-but pattern: \(op)")
            }
        default:
            throw fail("Value of anything-but must be an array or single string/number value.")
        }
    }

    /// Reads a `wildcard` pattern: `*` for any run of characters, `\*` for a star and `\\` for a
    /// backslash; any other escape, and two stars in a row, are refused as EventBridge does.
    static func wildcard(_ text: String, path: [String]) throws(EventPatternError) -> WildcardMatcher {
        var tokens: [UInt8?] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") || bytes[index + 1] == UInt8(ascii: "\\")
                else { throw EventPatternError(reason: "Invalid escape character at pos \(index)", path: path) }
                tokens.append(bytes[index + 1])
                index += 2
                continue
            }
            if byte == UInt8(ascii: "*") {
                if let previous = tokens.last, previous == nil {
                    throw EventPatternError(reason: "Consecutive wildcard characters at pos \(index)", path: path)
                }
                tokens.append(nil)
            } else {
                tokens.append(byte)
            }
            index += 1
        }
        return WildcardMatcher(tokens: tokens)
    }
}
