import JSON

/// The part of an AWS service model (botocore's `service-2.json`) a request is checked
/// against before anything else: which members are required, of what type, and their
/// `min`, `max`, `pattern` and `enum` constraints.
///
/// ``validate(_:)`` answers as AWS does: a member of the wrong JSON type is a
/// `SerializationException`; every broken constraint is listed in one
/// `ValidationException`, "2 validation errors detected: Value 'x' at 'name' failed to
/// satisfy constraint: Member must have length less than or equal to 80; ...". Members are
/// named as AWS names them in that text: the first letter lowercased, list elements as
/// `targets.1.member.id`.
///
/// ```swift
/// let request = RequestShape.structure([
///     "cause": .optional(.string([.length(min: 0, max: 32_768)], sensitive: true)),
/// ])
/// try request.validate(body)
/// ```
public indirect enum RequestShape: Sendable {
    /// A string; `sensitive` members (the model's `sensitive` trait) are never quoted.
    case string([MemberConstraint], sensitive: Bool = false)
    /// A JSON number that is an integer.
    case integer([MemberConstraint])
    /// A JSON number (the model's `float` and `double`).
    case number([MemberConstraint])
    case boolean
    /// A list of `element`s; `summary` stands for the value in messages (AWS prints its
    /// Java form, `[PutEventsRequestEntry(...), ...]`).
    case list(RequestShape, [MemberConstraint], summary: String)
    /// A JSON object whose keys are checked against `keys` (a map of attribute values).
    case map(keys: [MemberConstraint], summary: String)
    /// A JSON object with named members.
    case structure([String: RequestMember])
    /// Anything: present for its requiredness only.
    case any

    /// Throws the `SerializationException` for the first member of the wrong type, else the
    /// `ValidationException` listing every broken constraint.
    public func validate(_ value: JSONValue) throws(APIError) {
        var problems = Problems()
        check(value, at: [], problems: &problems)
        if let typeError = problems.typeErrors.first { throw APIError.serialization(typeError) }
        guard !problems.violations.isEmpty else { return }
        let count = problems.violations.count
        throw APIError.validation(
            "\(count) validation error\(count == 1 ? "" : "s") detected: " + problems.violations.joined(separator: "; "))
    }

    private struct Problems {
        var typeErrors: [String] = []
        var violations: [String] = []
    }

    private func check(_ value: JSONValue, at path: [String], problems: inout Problems) {
        let name = path.joined(separator: ".")
        switch self {
        case .any:
            return
        case .boolean:
            if value.boolValue == nil { problems.typeErrors.append("'\(name)' must be a boolean, not \(value.typeName)") }
        case .string(let constraints, let sensitive):
            guard let text = value.stringValue else {
                problems.typeErrors.append("'\(name)' must be a string, not \(value.typeName)")
                return
            }
            let shown = sensitive ? nil : text
            for constraint in constraints {
                if let broken = constraint.brokenBy(text: text) { problems.violations.append(Self.line(shown, name, broken)) }
            }
        case .integer(let constraints):
            guard let number = value.intValue else {
                problems.typeErrors.append("'\(name)' must be an integer, not \(value.typeName)")
                return
            }
            for constraint in constraints {
                if let broken = constraint.brokenBy(integer: number) {
                    problems.violations.append(Self.line(String(number), name, broken))
                }
            }
        case .number(let constraints):
            guard let number = value.numberValue else {
                problems.typeErrors.append("'\(name)' must be a number, not \(value.typeName)")
                return
            }
            for constraint in constraints {
                if let broken = constraint.brokenBy(number: number) {
                    problems.violations.append(Self.line(JSONValue.number(number).serialized(), name, broken))
                }
            }
        case .list(let element, let constraints, let summary):
            guard let elements = value.arrayValue else {
                problems.typeErrors.append("'\(name)' must be an array, not \(value.typeName)")
                return
            }
            let shown = Self.listSummary(elements, element: element) ?? summary
            for constraint in constraints {
                if let broken = constraint.brokenBy(count: elements.count) { problems.violations.append(Self.line(shown, name, broken)) }
            }
            if case .string(let elementConstraints, _) = element {
                // AWS reports a list of strings once, naming every constraint its elements break.
                var broken: [String] = []
                for text in elements.compactMap(\.stringValue) {
                    for constraint in elementConstraints {
                        if let sentence = constraint.brokenBy(text: text), !broken.contains(sentence) { broken.append(sentence) }
                    }
                }
                if elements.contains(where: { $0.stringValue == nil }) {
                    problems.typeErrors.append("'\(name)' must be an array of strings")
                } else if !broken.isEmpty {
                    problems.violations.append(
                        Self.line(shown, name, "Member must satisfy constraint: [\(broken.joined(separator: ", "))]"))
                }
            } else {
                for (index, item) in elements.enumerated() {
                    element.check(item, at: path + ["\(index + 1)", "member"], problems: &problems)
                }
            }
        case .map(let keys, let summary):
            guard let members = value.objectValue else {
                problems.typeErrors.append("'\(name)' must be an object, not \(value.typeName)")
                return
            }
            var broken: [String] = []
            for key in members.keys.sorted() {
                for constraint in keys {
                    if let sentence = constraint.brokenBy(text: key), !broken.contains(sentence) { broken.append(sentence) }
                }
            }
            if !broken.isEmpty {
                problems.violations.append(
                    Self.line(summary, name, "Map keys must satisfy constraint: [\(broken.joined(separator: ", "))]"))
            }
        case .structure(let members):
            guard let object = value.objectValue else {
                problems.typeErrors.append(
                    path.isEmpty ? "the request body must be an object" : "'\(name)' must be an object, not \(value.typeName)")
                return
            }
            for (member, rule) in members.sorted(by: { $0.key < $1.key }) {
                let memberPath = path + [Self.awsName(member)]
                guard let given = object[member], !given.isNull else {
                    if rule.isRequired {
                        problems.violations.append(
                            "Value null at '\(memberPath.joined(separator: "."))' failed to satisfy constraint: Member must not be null")
                    }
                    continue
                }
                rule.shape.check(given, at: memberPath, problems: &problems)
            }
        }
    }

    /// `Value 'x' at 'name' failed to satisfy constraint: ...`; no value for a sensitive member.
    private static func line(_ shown: String?, _ name: String, _ sentence: String) -> String {
        let value = shown.map { "Value '\($0)'" } ?? "Value"
        return "\(value) at '\(name)' failed to satisfy constraint: \(sentence)"
    }

    /// A list of strings as Java prints one, `[a, b]`; nil for other lists.
    private static func listSummary(_ elements: [JSONValue], element: RequestShape) -> String? {
        guard case .string(_, let sensitive) = element, !sensitive else { return nil }
        let texts = elements.compactMap(\.stringValue)
        guard texts.count == elements.count else { return nil }
        return "[" + texts.joined(separator: ", ") + "]"
    }

    /// The member's name as AWS's messages spell it: `EventBusName` → `eventBusName`.
    static func awsName(_ member: String) -> String {
        guard let first = member.first else { return member }
        return first.lowercased() + member.dropFirst()
    }
}

/// One member of a ``RequestShape/structure(_:)``.
public struct RequestMember: Sendable {
    public let shape: RequestShape
    public let isRequired: Bool

    public static func required(_ shape: RequestShape) -> RequestMember { RequestMember(shape: shape, isRequired: true) }
    public static func optional(_ shape: RequestShape) -> RequestMember { RequestMember(shape: shape, isRequired: false) }
}

/// A constraint of AWS's models on one member, and the sentence AWS answers when it is broken.
public enum MemberConstraint: Sendable {
    /// A string's length in Unicode scalars, or a list's number of elements (`min`, `max`).
    case length(min: Int, max: Int)
    /// A string's size in bytes of UTF-8 (Step Functions' `input` and `output`).
    case utf8Size(max: Int)
    /// An integer's range (`min`, `max` of an integer shape).
    case range(min: Int, max: Int)
    /// A number's range (`min`, `max` of a float or double shape).
    case numberRange(min: Double, max: Double)
    /// The model's `pattern`, as AWS quotes it, and the test for it.
    case pattern(String, @Sendable (String) -> Bool)
    /// The model's `enum`.
    case oneOf([String])

    func brokenBy(text: String) -> String? {
        switch self {
        case .length(let min, let max):
            let length = text.unicodeScalars.count
            if length < min { return "Member must have length greater than or equal to \(min)" }
            if length > max { return "Member must have length less than or equal to \(max)" }
            return nil
        case .utf8Size(let max):
            return text.utf8.count > max ? "Member must have size less than or equal to \(max) bytes in UTF-8 encoding" : nil
        case .pattern(let pattern, let matches):
            return matches(text) ? nil : "Member must satisfy regular expression pattern: \(pattern)"
        case .oneOf(let values):
            return values.contains(text) ? nil : "Member must satisfy enum value set: [\(values.joined(separator: ", "))]"
        case .range, .numberRange:
            return nil
        }
    }

    func brokenBy(number: Double) -> String? {
        guard case .numberRange(let min, let max) = self else { return nil }
        if number < min { return "Member must have value greater than or equal to \(JSONValue.number(min).serialized())" }
        if number > max { return "Member must have value less than or equal to \(JSONValue.number(max).serialized())" }
        return nil
    }

    func brokenBy(integer: Int) -> String? {
        guard case .range(let min, let max) = self else { return nil }
        if integer < min { return "Member must have value greater than or equal to \(min)" }
        if integer > max { return "Member must have value less than or equal to \(max)" }
        return nil
    }

    func brokenBy(count: Int) -> String? {
        guard case .length(let min, let max) = self else { return nil }
        if count < min { return "Member must have length greater than or equal to \(min)" }
        if count > max { return "Member must have length less than or equal to \(max)" }
        return nil
    }
}

extension MemberConstraint {
    /// A pattern that is a run of ASCII characters from a set, such as `[\.\-_A-Za-z0-9]+`:
    /// letters and digits, and the `extra` characters.
    public static func characters(_ pattern: String, lettersDigitsAnd extra: String) -> MemberConstraint {
        let allowed = Set(extra.utf8)
        return .pattern(pattern) { text in
            !text.isEmpty
                && text.utf8.allSatisfy { byte in
                    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                        || allowed.contains(byte)
                }
        }
    }
}
