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
        self.root = try TemplateNode.compile(json, field: field, location: field)
    }

    public func evaluate(input: JSONValue, context: JSONValue, using generator: inout some RandomNumberGenerator)
        throws(StatesError) -> JSONValue
    {
        try root.evaluate(input: input, context: context, using: &generator)
    }

    public func evaluate(input: JSONValue, context: JSONValue) throws(StatesError) -> JSONValue {
        var generator = SystemRandomNumberGenerator()
        return try evaluate(input: input, context: context, using: &generator)
    }
}

indirect enum TemplateNode: Sendable, Hashable {
    case literal(JSONValue)
    case object([TemplateMember])
    case array([TemplateNode])
    /// `key` is the `.$` field name, for messages.
    case path(JSONPath, key: String)
    case intrinsic(IntrinsicExpression, key: String)

    static func compile(_ json: JSONValue, field: String, location: String) throws(DefinitionError) -> TemplateNode {
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
                    let node = try compile(value, field: field, location: "\(location).\(key)")
                    if case .literal = node {} else { dynamic = true }
                    compiled.append(TemplateMember(name: key, node: node))
                }
            }
            if !problems.isEmpty { throw DefinitionError(problems: problems) }
            return dynamic ? .object(compiled) : .literal(json)
        case .array(let elements):
            var compiled: [TemplateNode] = []
            var dynamic = false
            for (index, element) in elements.enumerated() {
                let node = try compile(element, field: field, location: "\(location)[\(index)]")
                if case .literal = node {} else { dynamic = true }
                compiled.append(node)
            }
            return dynamic ? .array(compiled) : .literal(json)
        default:
            return .literal(json)
        }
    }

    func evaluate(input: JSONValue, context: JSONValue, using generator: inout some RandomNumberGenerator)
        throws(StatesError) -> JSONValue
    {
        switch self {
        case .literal(let value):
            return value
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for member in members {
                result[member.name] = try member.node.evaluate(input: input, context: context, using: &generator)
            }
            return .object(result)
        case .array(let elements):
            var result: [JSONValue] = []
            for element in elements { result.append(try element.evaluate(input: input, context: context, using: &generator)) }
            return .array(result)
        case .path(let path, let key):
            let document = path.isContextPath ? context : input
            guard let value = path.select(in: document) else {
                throw StatesError.runtime(
                    "The JSONPath '\(path.text)' specified for the field '\(key)' could not be found in the "
                        + (path.isContextPath ? "context object" : "input") + " '\(document.serialized())'")
            }
            return value
        case .intrinsic(let expression, let key):
            return try expression.evaluate(input: input, context: context, field: key, using: &generator)
        }
    }
}

struct TemplateMember: Sendable, Hashable {
    let name: String
    let node: TemplateNode
}
