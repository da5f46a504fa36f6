import JSON

/// Reads the fields of one JSON object of a definition (a state, a retrier, a choice rule),
/// collecting every problem with the state and field it concerns instead of stopping at the
/// first. Each read marks the field as known; `rejectUnknownFields` then reports the rest.
struct FieldReader {
    /// Names the state in messages ("State 'A'"), or nil at the top level.
    let stateName: String?
    /// Prefix of field names in messages and paths, e.g. "Retry[0]." or "Choices[1].And[0].".
    let fieldPrefix: String
    /// Where the state's graph sits in the definition: "" at the top level,
    /// "/States/P/Branches/0" in a branch of Parallel state P.
    let location: String
    let members: [String: JSONValue]
    private(set) var known: Set<String> = []
    var problems: [DefinitionError] = []

    init(stateName: String?, fieldPrefix: String = "", location: String = "", members: [String: JSONValue]) {
        self.stateName = stateName
        self.fieldPrefix = fieldPrefix
        self.location = location
        self.members = members
    }

    var statePathBase: String { stateName.map { "\(location)/States/\(Self.shown($0))" } ?? location }

    /// `name` as messages show it: cut after 80 characters (a state name longer is refused
    /// anyway). Every problem of a state repeats its name, so a long one would make the
    /// messages of a 1 MB definition with many problems take gigabytes.
    static func shown(_ name: String) -> String {
        // `prefix` reads at most 80 characters, however long the name: `count` would read it all.
        let shown = name.prefix(StateMachineDefinition.maximumStateNameLength)
        return shown.endIndex == name.endIndex ? name : shown + "…"
    }

    func qualified(_ field: String) -> String { fieldPrefix + field }

    /// A reader for an object inside this one (a retrier, a choice rule, a branch), whose
    /// fields are named after `field` in messages: "Retry[0].ErrorEquals".
    func nested(_ field: String, members: [String: JSONValue]) -> FieldReader {
        FieldReader(stateName: stateName, fieldPrefix: fieldPrefix + field + ".", location: location, members: members)
    }

    /// A reader for the object at `field`; nil when it is absent, or not an object (a problem).
    mutating func nestedObject(_ field: String) -> FieldReader? {
        guard let value = raw(field) else { return nil }
        guard case .object(let members) = value else {
            fail(field, "must be an object, not \(value.typeName)")
            return nil
        }
        return nested(field, members: members)
    }

    private func pathFor(_ field: String?) -> String {
        guard let field else { return statePathBase.isEmpty ? "/" : statePathBase }
        let parts = qualified(field).replacingOccurrences(of: "[", with: "/").replacingOccurrences(of: "]", with: "")
            .split(separator: ".").joined(separator: "/")
        return statePathBase + "/" + parts
    }

    private var subject: String { stateName.map { "State '\(Self.shown($0))': " } ?? "" }

    /// Records "State 'X': field 'F' <message>".
    mutating func fail(_ field: String, _ message: String) {
        problems.append(DefinitionError(message: "\(subject)field '\(qualified(field))' \(message)", statePath: pathFor(field)))
    }

    /// Records "State 'X': <message>" with the message as it is.
    mutating func fail(plain message: String, field: String? = nil) {
        problems.append(DefinitionError(message: "\(subject)\(message)", statePath: pathFor(field)))
    }

    /// Records an error raised by a compiler (paths, templates), prefixed with the state.
    mutating func fail(_ field: String, error: DefinitionError) {
        for problem in error.problems {
            problems.append(DefinitionError(message: "\(subject)\(problem)", statePath: pathFor(field)))
        }
    }

    mutating func has(_ field: String) -> Bool {
        known.insert(field)
        return members[field] != nil
    }

    mutating func raw(_ field: String) -> JSONValue? {
        known.insert(field)
        return members[field]
    }

    mutating func string(_ field: String, required: Bool = false) -> String? {
        guard let value = raw(field) else {
            if required { fail(field, "is required") }
            return nil
        }
        guard case .string(let text) = value else {
            fail(field, "must be a string, not \(value.typeName)")
            return nil
        }
        return text
    }

    mutating func bool(_ field: String) -> Bool? {
        guard let value = raw(field) else { return nil }
        guard case .bool(let flag) = value else {
            fail(field, "must be a boolean, not \(value.typeName)")
            return nil
        }
        return flag
    }

    /// An integer in `range`; `description` words the requirement ("a positive integer").
    mutating func integer(_ field: String, in range: ClosedRange<Int>, description: String) -> Int? {
        guard let value = raw(field) else { return nil }
        guard let number = value.intValue, range.contains(number) else {
            fail(field, "must be \(description), not \(value.serialized())")
            return nil
        }
        return number
    }

    mutating func number(_ field: String, minimum: Double, description: String) -> Double? {
        guard let value = raw(field) else { return nil }
        guard let number = value.numberValue, number >= minimum else {
            fail(field, "must be \(description), not \(value.serialized())")
            return nil
        }
        return number
    }

    mutating func referencePath(_ field: String) -> ReferencePath? {
        guard let text = string(field) else { return nil }
        do {
            return try ReferencePath(text)
        } catch {
            fail(field, "must be a valid reference path: \(error.message)")
            return nil
        }
    }

    mutating func inputPath() -> InputPath {
        do { return try InputPath(json: raw("InputPath"), field: qualified("InputPath")) } catch {
            fail("InputPath", error: error)
            return .default
        }
    }

    mutating func outputPath() -> OutputPath {
        do { return try OutputPath(json: raw("OutputPath"), field: qualified("OutputPath")) } catch {
            fail("OutputPath", error: error)
            return .default
        }
    }

    mutating func resultPath() -> ResultPath {
        do { return try ResultPath(json: raw("ResultPath"), field: qualified("ResultPath")) } catch {
            fail("ResultPath", error: error)
            return .default
        }
    }

    mutating func template(_ field: String, requireObject: Bool = false) -> PayloadTemplate? {
        guard let value = raw(field) else { return nil }
        if requireObject, value.objectValue == nil {
            fail(field, "must be an object, not \(value.typeName)")
            return nil
        }
        do {
            return try PayloadTemplate(json: value, field: qualified(field))
        } catch {
            fail(field, error: error)
            return nil
        }
    }

    /// `Next` or `End: true`, exactly one of them.
    mutating func transition() -> Transition {
        let next = string("Next")
        let end = bool("End")
        if next != nil, end == true {
            fail(plain: "has both 'Next' and 'End'; it must have exactly one of them", field: "Next")
            return .end
        }
        if let next { return .next(next) }
        if end == true { return .end }
        if members["Next"] == nil { fail(plain: "must have either 'Next' or \"End\": true", field: nil) }
        return .end
    }

    /// Reports every field not read, with the kind of object it sits in ("a Pass state").
    mutating func rejectUnknownFields(in kind: String) {
        for field in members.keys.sorted() where !known.contains(field) {
            switch field {
            case "QueryLanguage" where members[field] == .string("JSONPath"):
                continue
            case "Arguments", "Output", "QueryLanguage":
                fail(field, "is not supported yet (JSONata is not implemented)")
            default:
                fail(field, "is not supported in \(kind)")
            }
        }
    }
}
