import JSON

/// A payload template: the value of `Parameters` or `ResultSelector`.
///
/// Fields whose name ends in `.$` are replaced, under the name without `.$`, by what their
/// value selects: a path into the input (`$...`), into the context object (`$$...`), or the
/// result of an intrinsic function (`States.Format(...)`). Other values are copied as they
/// are. Objects are processed at any depth, including inside arrays.
public struct PayloadTemplate: Sendable, Hashable {
    /// The field this template came from (`Parameters`, `ResultSelector`), for messages.
    public let field: String
    let root: TemplateNode

    public init(json: JSONValue, field: String) throws(DefinitionError) {
        self.field = field
        self.root = try TemplateNode.compile(json, field: field, location: field, depth: 0)
    }

    /// The payload the template builds from `input` and `context`. A payload that would be
    /// larger than 256 KiB as text fails with `States.DataLimitExceeded`, and one that would nest
    /// deeper than 512 levels with `States.Runtime`, as soon as the part that passes the bound
    /// is measured: it is never built whole.
    public func evaluate(input: JSONValue, context: EvaluationContext, using generator: inout some RandomNumberGenerator)
        throws(StatesError) -> JSONValue
    {
        var budget = BuildBudget(field: field)
        return try root.evaluate(input: input, context: context, depth: 0, budget: &budget, using: &generator)
    }

    public func evaluate(input: JSONValue, context: EvaluationContext) throws(StatesError) -> JSONValue {
        var generator = SystemRandomNumberGenerator()
        return try evaluate(input: input, context: context, using: &generator)
    }
}

indirect enum TemplateNode: Sendable, Hashable {
    /// A value copied as it is, with the length of its text (measured once, when compiled).
    case literal(JSONValue, bytes: Int)
    case object([TemplateMember])
    case array([TemplateNode])
    /// `key` is the `.$` field name, for messages.
    case path(JSONPath, key: String)
    case intrinsic(IntrinsicExpression, key: String)

    /// `depth` counts the containers around `json` in the template. Text the parser reads
    /// nests at most 512 levels; a template built in code is held to the same bound, so that
    /// compiling and evaluating it (both recurse once a level) stay within the stack.
    static func compile(_ json: JSONValue, field: String, location: String, depth: Int) throws(DefinitionError)
        -> TemplateNode
    {
        switch json {
        case .object, .array:
            guard depth < BuildBudget.maximumDepth else {
                throw DefinitionError(message: "field '\(location)' nests deeper than \(BuildBudget.maximumDepth) levels")
            }
        default: break
        }
        switch json {
        case .object(let members):
            var compiled: [TemplateMember] = []
            var dynamic = false
            var problems: [DefinitionError] = []
            for key in members.keys.sorted() {
                let value = members[key, default: .null]
                if key.hasSuffix(".$") {
                    dynamic = true
                    let name = String(key.dropLast(2))
                    if members[name] != nil {
                        problems.append(
                            DefinitionError(message: "field '\(location)' has both '\(name)' and '\(key)'"))
                        continue
                    }
                    guard case .string(let expression) = value else {
                        problems.append(
                            DefinitionError(
                                message: "the value of '\(key)' in field '\(location)' must be a string holding a "
                                    + "JSONPath or an intrinsic function, not \(value.typeName)"))
                        continue
                    }
                    do {
                        if expression.hasPrefix("$") {
                            compiled.append(TemplateMember(name: name, node: .path(try JSONPath(expression), key: key)))
                        } else if IntrinsicExpression.looksLikeCall(expression) {
                            compiled.append(
                                TemplateMember(name: name, node: .intrinsic(try IntrinsicExpression(expression), key: key)))
                        } else {
                            problems.append(
                                DefinitionError(
                                    message: "the value of '\(key)' in field '\(location)' must be a JSONPath "
                                        + "(starting with '$') or an intrinsic function (starting with 'States.'), "
                                        + "not '\(expression)'"))
                        }
                    } catch {
                        problems.append(
                            DefinitionError(message: "the value of '\(key)' in field '\(location)': \(error.message)"))
                    }
                } else {
                    let node = try compile(value, field: field, location: within(location, ".\(key)"), depth: depth + 1)
                    if case .literal = node {} else { dynamic = true }
                    compiled.append(TemplateMember(name: key, node: node))
                }
            }
            if !problems.isEmpty { throw DefinitionError(problems: problems) }
            if dynamic { return .object(compiled) }
            // The text's length from the members' own, so that nested literals are measured once.
            let memberBytes = compiled.reduce(0) { $0 + $1.nameBytes + 1 + $1.node.literalBytes }
            return .literal(json, bytes: 2 + max(0, compiled.count - 1) + memberBytes)
        case .array(let elements):
            var compiled: [TemplateNode] = []
            var dynamic = false
            for (index, element) in elements.enumerated() {
                let node = try compile(element, field: field, location: within(location, "[\(index)]"), depth: depth + 1)
                if case .literal = node {} else { dynamic = true }
                compiled.append(node)
            }
            if dynamic { return .array(compiled) }
            return .literal(json, bytes: 2 + max(0, compiled.count - 1) + compiled.reduce(0) { $0 + $1.literalBytes })
        default:
            return .literal(json, bytes: json.serialized().utf8.count)
        }
    }

    /// `location` followed by `step`, for messages; past 200 bytes, only "…". Each level
    /// repeats its parent's location, and each problem its own: unbounded, a deep template of
    /// long keys would cost the square of its size.
    private static func within(_ location: String, _ step: String) -> String {
        location.utf8.count + step.utf8.count <= 200 ? location + step : (location.hasSuffix("…") ? location : location + "…")
    }

    /// The length of a literal's text; 0 for the other nodes.
    var literalBytes: Int {
        if case .literal(_, let bytes) = self { bytes } else { 0 }
    }

    /// Builds the node's value, `depth` containers deep in the payload, counting its text into
    /// `budget` as it goes: a literal by its known length, the punctuation of objects and
    /// arrays, and each selected or computed value measured no further than the budget left.
    func evaluate(
        input: JSONValue, context: EvaluationContext, depth: Int, budget: inout BuildBudget,
        using generator: inout some RandomNumberGenerator
    ) throws(StatesError) -> JSONValue {
        switch self {
        case .literal(let value, let bytes):
            try budget.add(bytes: bytes)
            return value
        case .object(let members):
            // The braces and the commas between members.
            try budget.add(bytes: 2 + max(0, members.count - 1))
            var result: [String: JSONValue] = [:]
            for member in members {
                try budget.add(bytes: member.nameBytes + 1)
                result[member.name] = try member.node.evaluate(
                    input: input, context: context, depth: depth + 1, budget: &budget, using: &generator)
            }
            return .object(result)
        case .array(let elements):
            try budget.add(bytes: 2 + max(0, elements.count - 1))
            var result: [JSONValue] = []
            for element in elements {
                result.append(
                    try element.evaluate(input: input, context: context, depth: depth + 1, budget: &budget, using: &generator))
            }
            return .array(result)
        case .path(let path, let key):
            guard let document = path.document(input: input, context: context),
                let value = try path.select(in: document, visitsLeft: &budget.pathVisitsLeft)
            else {
                throw StatesError.runtime(
                    "The JSONPath '\(path.text)' specified for the field '\(key)' could not be found in the "
                        + path.documentDescription(input: input, context: context))
            }
            try budget.add(value, atDepth: depth, key: key)
            return value
        case .intrinsic(let expression, let key):
            let value = try expression.evaluate(input: input, context: context, field: key, budget: &budget, using: &generator)
            try budget.add(value, atDepth: depth, key: key)
            return value
        }
    }
}

struct TemplateMember: Sendable, Hashable {
    let name: String
    let node: TemplateNode
    /// The length of `name` as JSON text, quotes and escapes included.
    let nameBytes: Int

    init(name: String, node: TemplateNode) {
        self.name = name
        self.node = node
        nameBytes = JSONValue.string(name).serialized().utf8.count
    }
}
