import JSON

/// A JSONPath expression as AWS accepts it in `.$` fields of payload templates and as
/// intrinsic function arguments: `$` (the input) or `$$` (the context object), then
/// `.name`, `['name']`, `["name"]`, `[0]`, `[-1]`, `[*]`, `.*`, `[0,2]`, `['a','b']`,
/// slices `[1:3]` / `[::2]`, recursive descent `..name` / `..*`, and filters
/// `[?(@.status == 0 && @.name)]` (`FilterExpression`).
///
/// A *definite* path (names and indexes only) selects at most one value. Any other path
/// selects a list, and evaluates to an array of what it found, as AWS (Jayway JsonPath) does.
/// Functions (`.length()`) and script expressions (`[(...)]`) are rejected when compiled.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    /// `true` for `$$...`: the path reads the context object.
    public let isContextPath: Bool
    /// `name` for `$name...`: the path reads the workflow variable `name`.
    public let variable: String?
    let selectors: [PathSelector]

    public init(_ text: String) throws(DefinitionError) {
        do {
            var parser = JSONPathParser(text: text)
            let (isContext, variable, selectors) = try parser.parse()
            self.text = text
            self.isContextPath = isContext
            self.variable = variable
            self.selectors = selectors
        } catch {
            throw DefinitionError(message: "'\(text)' is not a valid JSONPath: \(error.reason)")
        }
    }

    public var description: String { text }

    /// What the path reads: the input, the context object, or a variable (nil when that
    /// variable has no value in scope).
    public func document(input: JSONValue, context: EvaluationContext) -> JSONValue? {
        if let variable { return context.variables[variable] }
        return isContextPath ? context.contextObject : input
    }

    /// The words for what `document` read, for a path that found nothing there.
    public func documentDescription(input: JSONValue, context: EvaluationContext) -> String {
        if let variable {
            return context.variables[variable].map { "variable '\(variable)' '\($0.serialized())'" }
                ?? "variables: the variable '\(variable)' is not assigned"
        }
        return isContextPath ? "context object '\(context.contextObject.serialized())'" : "input '\(input.serialized())'"
    }

    /// `true` when a selector is a filter (`[?(...)]`), at any depth of `..`.
    var hasFilter: Bool {
        selectors.contains { selector in
            switch selector {
            case .filter, .descendant(.filter): true
            default: false
            }
        }
    }

    /// `true` when the path can select at most one value (names and non-negative indexes only).
    public var isDefinite: Bool { selectors.allSatisfy(\.isDefinite) }

    /// What the path selects in `root`. A definite path returns the value or `nil` when it is
    /// missing; any other path returns an array of the matches (possibly empty).
    public func select(in root: JSONValue) -> JSONValue? {
        if isDefinite {
            var current = root
            for selector in selectors {
                guard let next = selector.selectDefinite(in: current) else { return nil }
                current = next
            }
            return current
        }
        var unbounded = Int.max
        return .array(selectAll(in: root, visitsLeft: &unbounded))
    }

    /// Values one evaluation of the indefinite paths of a template or an intrinsic call may
    /// visit or select: stepd's bound (AWS states none). `$..*..*..*` on a 1 KB array nested
    /// 500 deep selects some 20 million values; a 256 KiB input holds at most 130,000.
    public static let maximumVisits = 2_000_000

    /// What the path selects in `root`, as `select(in:)`, visiting at most `visitsLeft`
    /// values (counted down): past them it fails with `States.Runtime` instead of working on.
    public func select(in root: JSONValue, visitsLeft: inout Int) throws(StatesError) -> JSONValue? {
        if isDefinite { return select(in: root) }
        let found = selectAll(in: root, visitsLeft: &visitsLeft)
        guard visitsLeft >= 0 else {
            throw StatesError.runtime(
                "The JSONPath '\(text)' visits more than \(Self.maximumVisits) values (stepd's bound on the work of the paths of one field)")
        }
        return .array(found)
    }

    private func selectAll(in root: JSONValue, visitsLeft: inout Int) -> [JSONValue] {
        var current = [root]
        for selector in selectors {
            var next: [JSONValue] = []
            for value in current {
                selector.select(in: value, root: root, into: &next, visitsLeft: &visitsLeft)
                if visitsLeft < 0 { return [] }
            }
            current = next
        }
        return current
    }
}

/// One step of a JSONPath.
enum PathSelector: Sendable, Hashable {
    case name(String)
    case index(Int)
    case names([String])
    case indexes([Int])
    case wildcard
    case slice(start: Int?, end: Int?, step: Int?)
    /// `..` followed by a selector: applies it to the value and all its descendants.
    indirect case descendant(PathSelector)
    /// `[?(...)]`: the elements of an array for which the condition holds; an object is kept
    /// whole when it holds for the object, as Jayway does.
    case filter(FilterExpression)

    var isDefinite: Bool {
        switch self {
        case .name: true
        case .index(let index): index >= 0
        default: false
        }
    }

    func selectDefinite(in value: JSONValue) -> JSONValue? {
        switch (self, value) {
        case (.name(let name), .object(let members)): members[name]
        case (.index(let index), .array(let elements)): index >= 0 && index < elements.count ? Optional(elements[index]) : Optional.none
        default: nil
        }
    }

    /// Appends what the selector picks in `value` to `output`; `root` is the document the
    /// whole path reads, for the `$` paths of filters. Each value visited or selected counts
    /// one off `visitsLeft`; once it is below 0 the selector stops where it is.
    func select(in value: JSONValue, root: JSONValue, into output: inout [JSONValue], visitsLeft: inout Int) {
        let before = output.count
        defer { visitsLeft -= output.count - before }
        switch self {
        case .name(let name):
            if case .object(let members) = value, let member = members[name] { output.append(member) }
        case .names(let names):
            if case .object(let members) = value {
                for name in names { if let member = members[name] { output.append(member) } }
            }
        case .index(let index):
            if case .array(let elements) = value {
                let position = index < 0 ? elements.count + index : index
                if position >= 0, position < elements.count { output.append(elements[position]) }
            }
        case .indexes(let indexes):
            var ignored = Int.max
            for index in indexes { PathSelector.index(index).select(in: value, root: root, into: &output, visitsLeft: &ignored) }
        case .wildcard:
            switch value {
            case .array(let elements): output.append(contentsOf: elements)
            case .object(let members): for key in members.keys.sorted() { output.append(members[key, default: .null]) }
            default: break
            }
        case .slice(let start, let end, let step):
            guard case .array(let elements) = value else { return }
            for index in Self.sliceIndexes(count: elements.count, start: start, end: end, step: step) {
                output.append(elements[index])
            }
        case .descendant(let inner):
            // The value, then each descendant in document order (members by sorted key), kept on
            // a stack of our own rather than recursing: an input may nest deeper than a thread's
            // stack allows. `inner` is never itself `..` (the parser reads one selector after it).
            var pending = [value]
            while let node = pending.popLast() {
                visitsLeft -= 1
                if visitsLeft - (output.count - before) < 0 { return }
                if case .filter(let condition) = inner {
                    Self.scan(node, for: condition, root: root, into: &output)
                } else {
                    var ignored = Int.max
                    inner.select(in: node, root: root, into: &output, visitsLeft: &ignored)
                }
                switch node {
                case .array(let elements): pending.append(contentsOf: elements.reversed())
                case .object(let members):
                    for key in members.keys.sorted().reversed() { pending.append(members[key, default: .null]) }
                default: break
                }
            }
        case .filter(let condition):
            switch value {
            case .array(let elements):
                visitsLeft -= elements.count
                output.append(contentsOf: elements.filter { condition.holds(for: $0, root: root) })
            case .object: if condition.holds(for: value, root: root) { output.append(value) }
            default: break
            }
        }
    }

    /// One node of `..[?(...)]`. Jayway's deep scan tests each object itself, and filters an
    /// array's elements only when the condition holds for the array as `@`; the elements
    /// themselves are nodes of the scan, so filtering every array too would list them twice.
    private static func scan(_ node: JSONValue, for condition: FilterExpression, root: JSONValue, into output: inout [JSONValue]) {
        guard condition.holds(for: node, root: root) else { return }
        switch node {
        case .object: output.append(node)
        case .array(let elements): output.append(contentsOf: elements.filter { condition.holds(for: $0, root: root) })
        default: break
        }
    }

    /// Python-style slice indexes, clamped to the array. Any start, end and step from a
    /// definition is taken: a step past the array's end stops the slice instead of overflowing.
    static func sliceIndexes(count: Int, start: Int?, end: Int?, step: Int?) -> [Int] {
        let step = step ?? 1
        guard step != 0 else { return [] }
        func normalize(_ value: Int) -> Int { value < 0 ? value + count : value }
        var result: [Int] = []
        var index: Int
        let isPastEnd: (Int) -> Bool
        if step > 0 {
            index = max(0, min(count, normalize(start ?? 0)))
            let to = max(0, min(count, normalize(end ?? count)))
            isPastEnd = { $0 >= to }
        } else {
            index = max(-1, min(count - 1, normalize(start ?? count - 1)))
            let to = end.map { max(-1, min(count - 1, normalize($0))) } ?? -1
            isPastEnd = { $0 <= to }
        }
        while !isPastEnd(index) {
            result.append(index)
            let (next, overflowed) = index.addingReportingOverflow(step)
            if overflowed { break }
            index = next
        }
        return result
    }
}

struct JSONPathSyntaxError: Error {
    let reason: String
}

/// Reads JSONPath text into selectors.
struct JSONPathParser {
    private var scanner: PathScanner

    init(text: String) { scanner = PathScanner(text: text) }

    private var current: Character? { scanner.current }
    private var position: Int {
        get { scanner.position }
        set { scanner.position = newValue }
    }

    private func fail(_ reason: String) -> JSONPathSyntaxError { scanner.fail(reason) }

    mutating func parse() throws(JSONPathSyntaxError) -> (isContext: Bool, variable: String?, selectors: [PathSelector]) {
        guard current == "$" else { throw fail("it must start with '$'") }
        position += 1
        var isContext = false
        var variable: String?
        if current == "$" {
            isContext = true
            position += 1
        } else if let first = current, first.unicodeScalars.first?.properties.isIDStart == true {
            // `$name`: a workflow variable, named as a Unicode identifier (UAX #31), as AWS names them.
            var name = ""
            while let character = current, character.unicodeScalars.allSatisfy({ $0.properties.isIDContinue }) {
                name.append(character)
                position += 1
            }
            variable = name
        }
        var selectors: [PathSelector] = []
        while let character = current {
            switch character {
            case ".":
                position += 1
                if current == "." {
                    position += 1
                    if current == "[" {
                        selectors.append(.descendant(try parseBracket()))
                    } else {
                        selectors.append(.descendant(try parseDotMember()))
                    }
                } else {
                    selectors.append(try parseDotMember())
                }
            case "[":
                selectors.append(try parseBracket())
            default:
                throw fail("unexpected '\(character)' at position \(position)")
            }
        }
        return (isContext, variable, selectors)
    }

    private mutating func parseDotMember() throws(JSONPathSyntaxError) -> PathSelector {
        if current == "*" { position += 1; return .wildcard }
        var name = ""
        while let character = current, character != ".", character != "[" {
            if character == "(" || character == ")" { throw fail("functions such as '\(name)()' are not supported") }
            if character == " " { throw fail("unexpected space at position \(position)") }
            name.append(character)
            position += 1
        }
        guard !name.isEmpty else { throw fail("expected a member name at position \(position)") }
        return .name(name)
    }

    private mutating func parseBracket() throws(JSONPathSyntaxError) -> PathSelector {
        position += 1  // [
        scanner.skipSpaces()
        guard let first = current else { throw fail("unterminated '['") }
        if first == "?" {
            position += 1
            guard current == "(" else { throw fail("a filter is written '[?(...)]' (position \(position))") }
            position += 1
            // The filter reads through its closing `)]`.
            return .filter(try FilterParser.parse(&scanner))
        }
        let selector: PathSelector
        if first == "*" {
            position += 1
            selector = .wildcard
        } else if first == "(" {
            throw fail("script expressions are not supported")
        } else if first == "'" || first == "\"" {
            var names: [String] = []
            while true {
                scanner.skipSpaces()
                names.append(try scanner.readQuoted())
                scanner.skipSpaces()
                if current == "," { position += 1; continue }
                break
            }
            selector = names.count == 1 ? .name(names[0]) : .names(names)
        } else {
            selector = try parseIndexesOrSlice()
        }
        scanner.skipSpaces()
        guard current == "]" else { throw fail("expected ']' at position \(position)") }
        position += 1
        return selector
    }

    private mutating func parseIndexesOrSlice() throws(JSONPathSyntaxError) -> PathSelector {
        let first = try scanner.readInteger()
        if current == ":" {
            position += 1
            let end = try scanner.readInteger()
            var step: Int?
            if current == ":" {
                position += 1
                step = try scanner.readInteger()
            }
            return .slice(start: first, end: end, step: step)
        }
        guard let first else { throw fail("expected an index, a quoted name or '*' at position \(position)") }
        var indexes = [first]
        while current == "," {
            position += 1
            guard let next = try scanner.readInteger() else { throw fail("expected an index at position \(position)") }
            indexes.append(next)
        }
        return indexes.count == 1 ? .index(first) : .indexes(indexes)
    }
}
