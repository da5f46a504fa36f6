import JSON
import Testing

@testable import StatesLanguage

/// Builds a Choice state from the JSON of its `Choices` (and `Default`) through a definition.
private func choiceState(_ choices: JSONValue, default defaultState: String? = "Default") throws -> ChoiceState {
    var targets: Set<String> = []
    func collect(_ value: JSONValue) {
        if let next = value["Next"]?.stringValue { targets.insert(next) }
        for element in value.arrayValue ?? [] { collect(element) }
    }
    collect(choices)
    if let defaultState { targets.insert(defaultState) }
    var states: [String: JSONValue] = ["C": ["Type": "Choice", "Choices": choices]]
    if let defaultState { states["C"] = ["Type": "Choice", "Choices": choices, "Default": .string(defaultState)] }
    for target in targets { states[target] = ["Type": "Succeed"] }
    let definition = try StateMachineDefinition(json: ["StartAt": "C", "States": .object(states)])
    guard case .choice(let state)? = definition.state(named: "C")?.kind else { throw DefinitionError(message: "no choice") }
    return state
}

/// A Choice state whose one rule, `rule` with `Next` "Yes", falls back to "No".
private func yesOrNoState(_ rule: JSONValue) throws -> ChoiceState {
    guard case .object(var members) = rule else { throw DefinitionError(message: "a rule is an object") }
    members["Next"] = "Yes"
    return try choiceState([.object(members)], default: "No")
}

@Suite struct ChoiceTests {
    /// The rule set of the AWS Choice state example.
    @Test(arguments: [
        (["type": "Private", "value": 22], "ValueInTwenties"),
        (["type": "Public", "value": 22], "Public"),
        (["type": "Private", "value": 0], "ValueIsZero"),
        (["type": "Private", "value": 35], "DefaultState"),
    ] as [(JSONValue, String)])
    func awsExampleRules(input: JSONValue, expected: String) throws {
        let state = try choiceState(
            [
                ["Not": ["Variable": "$.type", "StringEquals": "Private"], "Next": "Public"],
                ["Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"],
                [
                    "And": [
                        ["Variable": "$.value", "NumericGreaterThanEquals": 20],
                        ["Variable": "$.value", "NumericLessThan": 30],
                    ],
                    "Next": "ValueInTwenties",
                ],
            ], default: "DefaultState")
        #expect(try state.nextState(for: input, context: [:]) == expected)
    }

    @Test(arguments: [
        (["Variable": "$.s", "StringEquals": "abc"], true),
        (["Variable": "$.s", "StringEquals": "abd"], false),
        (["Variable": "$.s", "StringLessThan": "abd"], true),
        (["Variable": "$.s", "StringGreaterThan": "ab"], true),
        (["Variable": "$.s", "StringLessThanEquals": "abc"], true),
        (["Variable": "$.s", "StringGreaterThanEquals": "abd"], false),
        (["Variable": "$.s", "StringEqualsPath": "$.same"], true),
        (["Variable": "$.s", "StringMatches": "a*"], true),
        (["Variable": "$.s", "StringMatches": "*c"], true),
        (["Variable": "$.s", "StringMatches": "a*d"], false),
        (["Variable": "$.file", "StringMatches": "log-*.txt"], true),
        (["Variable": "$.star", "StringMatches": "a\\*b"], true),
        (["Variable": "$.s", "StringMatches": "a\\*c"], false),
        (["Variable": "$.n", "NumericEquals": 10], true),
        (["Variable": "$.n", "NumericLessThan": 10.5], true),
        (["Variable": "$.n", "NumericGreaterThan": 10], false),
        (["Variable": "$.n", "NumericLessThanEquals": 10], true),
        (["Variable": "$.n", "NumericGreaterThanEqualsPath": "$.small"], true),
        (["Variable": "$.n", "NumericLessThanPath": "$.small"], false),
        (["Variable": "$.b", "BooleanEquals": true], true),
        (["Variable": "$.b", "BooleanEqualsPath": "$.f"], false),
        (["Variable": "$.t", "TimestampEquals": "2016-03-14T01:59:00Z"], true),
        (["Variable": "$.t", "TimestampEquals": "2016-03-14T02:59:00+01:00"], true),
        (["Variable": "$.t", "TimestampLessThan": "2016-03-14T01:59:01Z"], true),
        (["Variable": "$.t", "TimestampGreaterThan": "2016-03-14T01:58:59.999Z"], true),
        (["Variable": "$.t", "TimestampGreaterThanEqualsPath": "$.later"], false),
        (["Variable": "$.t", "TimestampLessThanEqualsPath": "$.later"], true),
        (["Variable": "$.nothing", "IsNull": true], true),
        (["Variable": "$.s", "IsNull": false], true),
        (["Variable": "$.s", "IsPresent": true], true),
        (["Variable": "$.missing", "IsPresent": true], false),
        (["Variable": "$.missing", "IsPresent": false], true),
        (["Variable": "$.n", "IsNumeric": true], true),
        (["Variable": "$.s", "IsNumeric": true], false),
        (["Variable": "$.s", "IsString": true], true),
        (["Variable": "$.b", "IsBoolean": true], true),
        (["Variable": "$.t", "IsTimestamp": true], true),
        (["Variable": "$.s", "IsTimestamp": true], false),
        // Type mismatches are false, not errors.
        (["Variable": "$.s", "NumericEquals": 1], false),
        (["Variable": "$.n", "StringEquals": "10"], false),
        (["Variable": "$.s", "BooleanEquals": true], false),
        (["Variable": "$.s", "TimestampEquals": "2016-03-14T01:59:00Z"], false),
        // Boolean combinations; And stops at the first false operand.
        (["And": [["Variable": "$.missing", "IsPresent": true], ["Variable": "$.missing", "StringEquals": "x"]]], false),
        (["Or": [["Variable": "$.s", "StringEquals": "x"], ["Variable": "$.n", "NumericEquals": 10]]], true),
        (["Not": ["Variable": "$.b", "BooleanEquals": false]], true),
        (["Variable": "$$.Execution.Name", "StringEquals": "exec-1"], true),
    ] as [(JSONValue, Bool)])
    func comparisons(rule: JSONValue, expected: Bool) throws {
        let state = try yesOrNoState(rule)
        let input: JSONValue = [
            "s": "abc", "same": "abc", "file": "log-2024.txt", "star": "a*b", "n": 10, "small": 3, "b": true, "f": false,
            "t": "2016-03-14T01:59:00Z", "later": "2016-03-14T02:00:00Z", "nothing": .null,
        ]
        #expect(try state.nextState(for: input, context: ["Execution": ["Name": "exec-1"]]) == (expected ? "Yes" : "No"))
    }

    /// Issue #15: `StringMatches` backtracked to its last star at every position, so a long
    /// pattern against a long string took time proportional to their product; it is one pass.
    @Test(arguments: [
        ("*" + String(repeating: "a", count: 4_000) + "b", String(repeating: "a", count: 200_000), false),
        ("*" + String(repeating: "a", count: 4_000) + "b", String(repeating: "a", count: 200_000) + "b", true),
        ("*" + String(repeating: "a", count: 4_000) + "*", String(repeating: "a", count: 200_000), true),
        (#"a\\*"#, #"a\bc"#, true),
        (#"a\\\*"#, #"a\*"#, true),
        (#"a\\\*"#, #"a\bc"#, false),
        (#"\*\**"#, "**x", true),
        ("trailing\\", "trailing\\", true),
        ("caf\u{E9}*", "cafe\u{301}", false),
    ] as [(String, String, Bool)])
    func stringMatchesLongValuesAndEscapes(pattern: String, value: String, expected: Bool) throws {
        let state = try choiceState([["Variable": "$.s", "StringMatches": .string(pattern), "Next": "Yes"]], default: "No")
        #expect(try state.nextState(for: ["s": .string(value)], context: [:]) == (expected ? "Yes" : "No"))
    }

    /// Issue #16: a rule's `$$` paths read the context object, never the input, in `Variable`
    /// and in `...Path` operands, as the executions of the issue recorded on AWS do (the context
    /// object: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html).
    @Test(arguments: [
        (["Variable": "$$.Execution.Input.x", "StringEquals": "from-context"], true),
        (["Variable": "$$.Execution.Input.x", "StringEqualsPath": "$$.Execution.Input.y"], false),
        (["Variable": "$$.Execution.Input.x", "StringEqualsPath": "$$.Execution.Input.same"], true),
        (["Variable": "$.x", "StringEqualsPath": "$$.Execution.Input.x"], false),
        (["Variable": "$$.Execution.Input.n", "NumericGreaterThanPath": "$.n"], true),
        (["Variable": "$$.Execution.Input.missing", "IsPresent": false], true),
        (["Variable": "$$.State.Name", "StringEquals": "C"], true),
    ] as [(JSONValue, Bool)])
    func contextPathsReadTheContextObject(rule: JSONValue, expected: Bool) throws {
        let state = try yesOrNoState(rule)
        // The input has an `Execution` member of its own, which a `$$` path must not read.
        let input: JSONValue = ["x": "from-input", "n": 1, "Execution": ["Input": ["x": "from-context"]]]
        let context: EvaluationContext = [
            "Execution": ["Input": ["x": "from-context", "y": "other", "same": "from-context", "n": 2]],
            "State": ["Name": "C"],
        ]
        #expect(try state.nextState(for: input, context: context) == (expected ? "Yes" : "No"))
    }

    @Test func missingContextVariableIsARuntimeError() throws {
        let state = try choiceState([["Variable": "$$.Execution.Input.missing", "StringEquals": "x", "Next": "Yes"]])
        let error = #expect(throws: StatesError.self) {
            try state.nextState(for: ["Execution": ["Input": ["missing": "x"]]], context: ["Execution": ["Input": [:]]])
        }
        #expect(error?.name == "States.Runtime")
        #expect(error?.cause == "Invalid path '$$.Execution.Input.missing': The choice state's condition path references an invalid value.")
    }

    /// `Variable` is a reference path: no filters, wildcards or slices.
    @Test(arguments: ["$.users[?(@.status == 0)]", "$.a[*]", "$..a", "$.a[0:1]"])
    func variableRejectsPathsThatAreNotReferencePaths(variable: String) {
        let error = #expect(throws: DefinitionError.self) {
            try choiceState([["Variable": .string(variable), "IsPresent": true, "Next": "X"]])
        }
        #expect(error?.message.contains("'Choices[0].Variable' must be a valid reference path") == true, "\(error?.message ?? "")")
    }

    @Test func missingVariableIsARuntimeError() throws {
        let state = try choiceState([["Variable": "$.missing", "StringEquals": "x", "Next": "Yes"]])
        let error = #expect(throws: StatesError.self) { try state.nextState(for: ["a": 1], context: [:]) }
        #expect(error?.name == "States.Runtime")
        #expect(error?.cause.contains("Invalid path '$.missing'") == true)
    }

    @Test func noMatchWithoutDefaultIsNoChoiceMatched() throws {
        let state = try choiceState([["Variable": "$.a", "NumericEquals": 2, "Next": "Yes"]], default: nil)
        let error = #expect(throws: StatesError.self) { try state.nextState(for: ["a": 1], context: [:]) }
        #expect(error?.name == "States.NoChoiceMatched")
    }

    @Test func evaluateAppliesInputAndOutputPaths() throws {
        let definition = try StateMachineDefinition(
            json: [
                "StartAt": "C",
                "States": [
                    "C": [
                        "Type": "Choice", "InputPath": "$.inner", "OutputPath": "$.value",
                        "Choices": [["Variable": "$.value", "NumericGreaterThan": 1, "Next": "Big"]], "Default": "Small",
                    ],
                    "Big": ["Type": "Succeed"], "Small": ["Type": "Succeed"],
                ],
            ])
        guard case .choice(let choice)? = definition.state(named: "C")?.kind else {
            Issue.record("not a choice")
            return
        }
        let (next, output) = try choice.evaluate(stateInput: ["inner": ["value": 5]], context: [:])
        #expect(next == "Big")
        #expect(output == 5)
    }

    @Test(arguments: [
        (["Variable": "$.a", "Next": "X"], "must have a comparison operator"),
        (["Variable": "$.a", "StringEquals": "x", "NumericEquals": 1, "Next": "X"], "exactly one comparison operator"),
        (["StringEquals": "x", "Next": "X"], "'Choices[0].Variable' is required"),
        (["Variable": "a", "StringEquals": "x", "Next": "X"], "'Choices[0].Variable' must be a valid reference path"),
        (["Variable": "$.a", "StringEquals": 1, "Next": "X"], "'Choices[0].StringEquals' must be a string"),
        (["Variable": "$.a", "NumericEquals": "1", "Next": "X"], "must be a number"),
        (["Variable": "$.a", "BooleanEquals": 1, "Next": "X"], "must be a boolean"),
        (["Variable": "$.a", "IsNull": "yes", "Next": "X"], "must be a boolean"),
        (["Variable": "$.a", "TimestampEquals": "2016-03-14", "Next": "X"], "RFC 3339 timestamp"),
        (["Variable": "$.a", "StringEqualsPath": "nope", "Next": "X"], "must be a valid reference path"),
        (["Variable": "$.a", "StringMatchesPath": "$.b", "Next": "X"], "must have a comparison operator"),
        (["Variable": "$.a", "StringEquals": "x"], "'Choices[0].Next' is required"),
        (["And": [["Variable": "$.a", "IsNull": true, "Next": "X"]], "Next": "X"], "only allowed in top-level"),
        (["And": [], "Next": "X"], "'Choices[0].And' must be a non-empty array"),
        (["Not": [["Variable": "$.a", "IsNull": true]], "Next": "X"], "must be a choice rule object"),
        (["Variable": "$.a", "IsNull": true, "Extra": 1, "Next": "X"], "'Choices[0].Extra' is not supported"),
        (["Or": [["Variable": "$.a"]], "Next": "X"], "'Choices[0].Or[0]' must have a comparison operator"),
    ] as [(JSONValue, String)])
    func rejectsMalformedRules(rule: JSONValue, fragment: String) {
        let error = #expect(throws: DefinitionError.self) { try choiceState([rule]) }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
        #expect(error?.message.hasPrefix("State 'C': ") == true)
    }
}
