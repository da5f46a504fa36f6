import JSON

/// A state's `Assign` (also a Choice rule's and a Catch's): the workflow variables it sets,
/// each a value as a payload template builds it (`"name.$"` evaluated, `"name"` literal, `.$`
/// members of nested objects evaluated too). Every value is computed from the variables as
/// they were when the state was entered; they take effect from the next state (AWS,
/// "Passing data between states with variables").
public struct Assignment: Sendable, Hashable {
    /// The variables it sets, in name order.
    public let names: [String]
    let template: PayloadTemplate

    /// AWS: "The maximum length of a variable name is 80."
    static let maximumNameLength = 80

    init(json: JSONValue, field: String) throws(DefinitionError) {
        guard case .object(let members) = json else {
            throw DefinitionError(message: "field '\(field)' must be an object of variable names and values, not \(json.typeName)")
        }
        var names: [String] = []
        for key in members.keys.sorted() {
            let name = key.hasSuffix(".$") ? String(key.dropLast(2)) : key
            if let problem = Self.problem(withName: name) {
                throw DefinitionError(message: "field '\(field)': '\(key)' \(problem)")
            }
            names.append(name)
        }
        self.names = names
        template = try PayloadTemplate(json: json, field: field)
    }

    /// Why `name` cannot name a variable, or nil when it can: a Unicode identifier (UAX #31:
    /// its first character ID_Start, the others ID_Continue) of at most 80 characters, and
    /// not `states`, which AWS reserves.
    static func problem(withName name: String) -> String? {
        guard let first = name.unicodeScalars.first, first.properties.isIDStart,
            name.unicodeScalars.allSatisfy({ $0.properties.isIDContinue })
        else {
            return "is not a variable name: a name is a Unicode identifier (a letter, then letters, digits and '_'), and names a whole variable"
        }
        guard name.count <= maximumNameLength else { return "is longer than \(maximumNameLength) characters, the most a variable name may have" }
        guard name != "states" else { return "names the variable 'states', which is reserved" }
        return nil
    }

    /// The values to assign, computed with `value` as `$` and the variables of `context`.
    public func values(from value: JSONValue, context: EvaluationContext) throws(StatesError) -> [String: JSONValue] {
        guard case .object(let members) = try template.evaluate(input: value, context: context) else { return [:] }
        return members
    }
}

extension FieldReader {
    /// The object's `Assign`, nil when it has none.
    mutating func assignment() -> Assignment? {
        guard let value = raw("Assign") else { return nil }
        do {
            return try Assignment(json: value, field: qualified("Assign"))
        } catch {
            fail("Assign", error: error)
            return nil
        }
    }
}
