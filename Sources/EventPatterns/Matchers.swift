import JSON

/// A compiled pattern object: every field must match, and for each `$or` one alternative.
struct ObjectMatcher: Sendable {
    var fields: [FieldMatcher]
    var orGroups: [[ObjectMatcher]]

    /// Matches one value of the event at this pattern's position. An array of objects
    /// matches when one element matches the whole object pattern (EventBridge's array
    /// consistency); a value that is not an object is treated as an object with no fields.
    func matches(_ value: JSONValue?) -> Bool {
        switch value {
        case .object(let members)?:
            return matchesMembers(members)
        case .array(let items)?:
            var sawObject = false
            if anyObject(in: items, sawObject: &sawObject) { return true }
            return sawObject ? false : matchesMembers(nil)
        default:
            return matchesMembers(nil)
        }
    }

    /// Whether an object among `items`, or in arrays nested in them, matches. The nested
    /// arrays are walked with a stack of our own, not by recursing: an event's arrays may nest
    /// as deep as the parser reads. The order does not change the answer.
    private func anyObject(in items: [JSONValue], sawObject: inout Bool) -> Bool {
        var arrays = [items]
        while let array = arrays.popLast() {
            for item in array {
                switch item {
                case .object(let members):
                    sawObject = true
                    if matchesMembers(members) { return true }
                case .array(let nested):
                    arrays.append(nested)
                default:
                    continue
                }
            }
        }
        return false
    }

    func matchesMembers(_ members: [String: JSONValue]?) -> Bool {
        for field in fields where !field.node.matches(members?[field.name]) {
            return false
        }
        for group in orGroups where !group.contains(where: { $0.matchesMembers(members) }) {
            return false
        }
        return true
    }
}

struct FieldMatcher: Sendable {
    let name: String
    let node: PatternNode
}

enum PatternNode: Sendable {
    case object(ObjectMatcher)
    case leaf(LeafMatcher)

    func matches(_ value: JSONValue?) -> Bool {
        switch self {
        case .object(let object): object.matches(value)
        case .leaf(let leaf): leaf.matches(value)
        }
    }
}

/// A string compared byte for byte (UTF-8), as EventBridge does; Swift's `String` equality
/// would also equate canonically equivalent spellings (precomposed and decomposed accents).
struct ExactString: Hashable, Sendable {
    let value: String
    init(_ value: String) { self.value = value }
    static func == (lhs: ExactString, rhs: ExactString) -> Bool { lhs.value.utf8.elementsEqual(rhs.value.utf8) }
    func hash(into hasher: inout Hasher) {
        for byte in value.utf8 { hasher.combine(byte) }
    }
}

/// A scalar of the event or of an exact-match list. Numbers compare numerically, so `5`
/// and `5.0` are the same key.
enum ScalarKey: Hashable, Sendable {
    case string(ExactString)
    case number(Double)
    case bool(Bool)
    case null
}

/// The list of alternatives for one field (a leaf of the pattern).
struct LeafMatcher: Sendable {
    var exact: Set<ScalarKey> = []
    var conditions: [Condition] = []
    var existsTrue = false
    var existsFalse = false

    /// Leaf values are the scalars at this position: the value itself, or the scalar
    /// elements of an array (nested arrays flattened). Objects are not leaves.
    func matches(_ value: JSONValue?) -> Bool {
        guard let value else { return existsFalse }
        var found = false
        if anyLeaf(value, found: &found) { return true }
        return found ? existsTrue : existsFalse
    }

    /// Whether a scalar of `value` (itself, or in its arrays however nested) matches; `found`
    /// says whether there was any. Nested arrays are walked with a stack of our own, not by
    /// recursing (see `ObjectMatcher.anyObject`); the order does not change the answer.
    private func anyLeaf(_ value: JSONValue, found: inout Bool) -> Bool {
        guard case .array(let items) = value else { return scalarMatches(value, found: &found) }
        var arrays = [items]
        while let array = arrays.popLast() {
            for item in array {
                if case .array(let nested) = item {
                    arrays.append(nested)
                } else if scalarMatches(item, found: &found) {
                    return true
                }
            }
        }
        return false
    }

    /// Whether `value` is a scalar that matches; `found` records that it is a scalar.
    private func scalarMatches(_ value: JSONValue, found: inout Bool) -> Bool {
        let key: ScalarKey
        switch value {
        case .object, .array: return false
        case .null: key = .null
        case .bool(let b): key = .bool(b)
        case .number(let n): key = .number(n)
        case .string(let s): key = .string(ExactString(s))
        }
        found = true
        return matchesScalar(key, value)
    }

    private func matchesScalar(_ key: ScalarKey, _ value: JSONValue) -> Bool {
        if existsTrue || exact.contains(key) { return true }
        for condition in conditions where condition.matches(value) { return true }
        return false
    }
}

enum Condition: Sendable {
    case prefix(String, ignoreCase: Bool)
    case suffix(String, ignoreCase: Bool)
    /// Stored lower-cased.
    case equalsIgnoreCase(String)
    /// Linear in the string and the pattern (see `WildcardMatcher`).
    case wildcard(WildcardMatcher)
    case numeric(NumericRange)
    case cidr(IPRange)
    case anythingBut(AnythingBut)

    func matches(_ value: JSONValue) -> Bool {
        switch self {
        case .prefix(let prefix, let ignoreCase):
            guard case .string(let s) = value else { return false }
            return (ignoreCase ? s.lowercased() : s).utf8.starts(with: prefix.utf8)
        case .suffix(let suffix, let ignoreCase):
            guard case .string(let s) = value else { return false }
            return (ignoreCase ? s.lowercased() : s).utf8.reversed().starts(with: suffix.utf8.reversed())
        case .equalsIgnoreCase(let lowered):
            guard case .string(let s) = value else { return false }
            return s.lowercased() == lowered
        case .wildcard(let pattern):
            guard case .string(let s) = value else { return false }
            return pattern.matches(s)
        case .numeric(let range):
            guard case .number(let n) = value else { return false }
            return range.contains(n)
        case .cidr(let range):
            guard case .string(let s) = value, let address = IPRange.parseAddress(s) else { return false }
            return range.contains(address)
        case .anythingBut(let rule):
            return rule.matches(value)
        }
    }
}

/// `anything-but`: matches any leaf value except the ones listed.
enum AnythingBut: Sendable {
    /// Any value but these strings (numbers, booleans and null match).
    case strings(Set<ExactString>)
    /// Any number but these; only numbers match.
    case numbers(Set<Double>)
    case prefixes([String])
    case suffixes([String])
    /// Stored lower-cased.
    case equalsIgnoreCase(Set<String>)
    case wildcards([WildcardMatcher])

    func matches(_ value: JSONValue) -> Bool {
        switch self {
        case .numbers(let excluded):
            guard case .number(let n) = value else { return false }
            return !excluded.contains(n)
        case .strings(let excluded):
            guard case .string(let s) = value else { return true }
            return !excluded.contains(ExactString(s))
        case .prefixes(let prefixes):
            guard case .string(let s) = value else { return true }
            return !prefixes.contains { s.utf8.starts(with: $0.utf8) }
        case .suffixes(let suffixes):
            guard case .string(let s) = value else { return true }
            return !suffixes.contains { s.utf8.reversed().starts(with: $0.utf8.reversed()) }
        case .equalsIgnoreCase(let excluded):
            guard case .string(let s) = value else { return true }
            return !excluded.contains(s.lowercased())
        case .wildcards(let patterns):
            guard case .string(let s) = value else { return true }
            return !patterns.contains { $0.matches(s) }
        }
    }
}

/// `numeric`: a range with optional bounds, each open or closed; `=` is a closed point.
struct NumericRange: Sendable, Equatable {
    var lower: Double?
    var lowerOpen = false
    var upper: Double?
    var upperOpen = false

    func contains(_ n: Double) -> Bool {
        if let lower {
            if lowerOpen ? !(n > lower) : !(n >= lower) { return false }
        }
        if let upper {
            if upperOpen ? !(n < upper) : !(n <= upper) { return false }
        }
        return true
    }
}
