import JSON

/// `"Type": "Choice"`: picks the next state by the first rule that holds.
public struct ChoiceState: Sendable {
    public let inputPath: InputPath
    public let outputPath: OutputPath
    public let choices: [ChoiceRule]
    public let defaultState: String?
    /// `Assign`: the variables set when no rule holds and `Default` is taken.
    public let assign: Assignment?

    /// How deeply `And`, `Or` and `Not` may nest in one rule, the rule itself counting as the
    /// first level. AWS states no bound; ours is far above the rules people write, and keeps
    /// reading and evaluating a rule (both recurse once a level) small on any thread's stack.
    public static let maximumRuleNesting = 64

    public init(
        inputPath: InputPath = .default, outputPath: OutputPath = .default, choices: [ChoiceRule], defaultState: String?,
        assign: Assignment? = nil
    ) {
        self.assign = assign
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.choices = choices
        self.defaultState = defaultState
    }

    init(reader: inout FieldReader) {
        inputPath = reader.inputPath()
        outputPath = reader.outputPath()
        defaultState = reader.string("Default")
        assign = reader.assignment()
        var rules: [ChoiceRule] = []
        if let value = reader.raw("Choices") {
            if case .array(let elements) = value, !elements.isEmpty {
                for (index, element) in elements.enumerated() {
                    let prefix = "Choices[\(index)]"
                    guard case .object(let members) = element else {
                        reader.fail(prefix, "must be an object, not \(element.typeName)")
                        continue
                    }
                    var inner = reader.nested(prefix, members: members)
                    let next = inner.string("Next", required: true)
                    let comment = inner.string("Comment")
                    let ruleAssign = inner.assignment()
                    let condition = Self.readCondition(&inner, nesting: 1)
                    reader.problems += inner.problems
                    if let next, let condition {
                        rules.append(ChoiceRule(condition: condition, next: next, comment: comment, assign: ruleAssign))
                    }
                }
            } else {
                reader.fail("Choices", "must be a non-empty array of choice rules")
            }
        } else {
            reader.fail("Choices", "is required")
        }
        choices = rules
    }

    /// Reads a rule's condition (its fields other than Next and Comment) and rejects unknown
    /// fields. `nesting` is the rule's level: 1 for a top-level rule, one more in each And, Or
    /// and Not.
    static func readCondition(_ reader: inout FieldReader, nesting: Int) -> ChoiceCondition? {
        defer { reader.rejectUnknownFields(in: "a choice rule") }
        let booleans = ["And", "Or", "Not"].filter { reader.members[$0] != nil }
        let comparisons = reader.members.keys.sorted().compactMap { key in
            ComparisonOperator.named(key).map { (key: key, op: $0.0, isPath: $0.isPath) }
        }
        if booleans.count + comparisons.count != 1 {
            let found = (booleans + comparisons.map(\.key)).map { "'\($0)'" }.joined(separator: ", ")
            reader.fail(
                plain: found.isEmpty
                    ? "\(reader.fieldPrefix.isEmpty ? "a choice rule" : "'\(reader.fieldPrefix.dropLast())'") must have a comparison operator or 'And', 'Or' or 'Not'"
                    : "'\(reader.fieldPrefix.dropLast())' must have exactly one comparison operator or 'And', 'Or' or 'Not', not \(found)",
                field: nil)
            for key in booleans + comparisons.map(\.key) { _ = reader.raw(key) }
            _ = reader.raw("Variable")
            return nil
        }
        if let boolean = booleans.first {
            if reader.members["Variable"] != nil {
                _ = reader.raw("Variable")
                reader.fail("Variable", "is not allowed beside '\(boolean)'")
            }
            guard nesting < maximumRuleNesting else {
                _ = reader.raw(boolean)
                reader.fail(boolean, "nests 'And', 'Or' and 'Not' deeper than \(maximumRuleNesting) levels")
                return nil
            }
            return readBoolean(boolean, &reader, nesting: nesting)
        }
        let comparison = comparisons[0]
        guard let variableText = reader.string("Variable", required: true) else {
            _ = reader.raw(comparison.key)
            return nil
        }
        let variable: ReferencePath
        do {
            variable = try ReferencePath(variableText)
        } catch {
            reader.fail("Variable", "must be a valid reference path: \(error.message)")
            _ = reader.raw(comparison.key)
            return nil
        }
        guard let operand = readOperand(comparison.key, comparison.op, isPath: comparison.isPath, &reader) else { return nil }
        return .comparison(Comparison(variable: variable, operator: comparison.op, operand: operand))
    }

    private static func readBoolean(_ field: String, _ reader: inout FieldReader, nesting: Int) -> ChoiceCondition? {
        guard let value = reader.raw(field) else { return nil }
        func nested(_ element: JSONValue, _ name: String) -> ChoiceCondition? {
            guard case .object(let members) = element else {
                reader.fail(name, "must be a choice rule object, not \(element.typeName)")
                return nil
            }
            var inner = reader.nested(name, members: members)
            _ = inner.string("Comment")
            if members["Next"] != nil {
                _ = inner.raw("Next")
                inner.fail("Next", "is only allowed in top-level choice rules")
            }
            let condition = readCondition(&inner, nesting: nesting + 1)
            reader.problems += inner.problems
            return condition
        }
        if field == "Not" {
            return nested(value, "Not").map(ChoiceCondition.not)
        }
        guard case .array(let elements) = value, !elements.isEmpty else {
            reader.fail(field, "must be a non-empty array of choice rules")
            return nil
        }
        var operands: [ChoiceCondition] = []
        for (index, element) in elements.enumerated() {
            guard let condition = nested(element, "\(field)[\(index)]") else { continue }
            operands.append(condition)
        }
        guard operands.count == elements.count else { return nil }
        return field == "And" ? .and(operands) : .or(operands)
    }

    private static func readOperand(_ key: String, _ op: ComparisonOperator, isPath: Bool, _ reader: inout FieldReader)
        -> Comparison.Operand?
    {
        guard let value = reader.raw(key) else { return nil }
        if isPath {
            guard case .string(let text) = value else {
                reader.fail(key, "must be a reference path string, not \(value.typeName)")
                return nil
            }
            do {
                return .path(try ReferencePath(text))
            } catch {
                reader.fail(key, "must be a valid reference path: \(error.message)")
                return nil
            }
        }
        switch op.family {
        case .string:
            guard case .string = value else {
                reader.fail(key, "must be a string, not \(value.typeName)")
                return nil
            }
        case .numeric:
            guard case .number = value else {
                reader.fail(key, "must be a number, not \(value.typeName)")
                return nil
            }
        case .boolean, .test:
            guard case .bool = value else {
                reader.fail(key, "must be a boolean, not \(value.typeName)")
                return nil
            }
        case .timestamp:
            guard case .string(let text) = value, RFC3339.parse(text) != nil else {
                reader.fail(key, "must be an RFC 3339 timestamp string such as 2016-03-14T01:59:00Z, not \(value.serialized())")
                return nil
            }
        }
        return .value(value)
    }

    /// The name of the next state for the effective `input` (after `InputPath`): the `Next`
    /// of the first rule that holds, else `Default`, else `States.NoChoiceMatched`. Rules'
    /// `$$` paths read `context`, the context object; a state whose definition has no `$$`
    /// may pass any value.
    public func nextState(for input: JSONValue, context: EvaluationContext) throws(StatesError) -> String {
        try choose(for: input, context: context).next
    }

    /// The next state, as `nextState`, with the `Assign` that goes with the choice: the rule's
    /// when a rule holds, the state's when `Default` is taken.
    public func choose(for input: JSONValue, context: EvaluationContext) throws(StatesError) -> (next: String, assign: Assignment?) {
        for rule in choices where try rule.matches(input, context: context) { return (rule.next, rule.assign) }
        if let defaultState { return (defaultState, assign) }
        throw StatesError.noChoiceMatched("No choice rule matched the input '\(input.serialized())' and there is no Default")
    }

    /// Applies `InputPath`, picks the next state and builds the state output.
    public func evaluate(stateInput: JSONValue, context: EvaluationContext) throws(StatesError) -> (next: String, output: JSONValue) {
        let effective = try inputPath.apply(to: stateInput, context: context)
        let next = try nextState(for: effective, context: context)
        return (next, try outputPath.apply(to: effective, context: context))
    }
}
