import JSON
import Testing

@testable import StatesLanguage

/// A definition of one Choice state whose only rule is `rule` (with its `Next`).
private func choiceDefinition(_ rule: JSONValue) -> JSONValue {
    guard case .object(var members) = rule else { return rule }
    members["Next"] = "Done"
    return [
        "StartAt": "C",
        "States": [
            "C": ["Type": "Choice", "Choices": [.object(members)], "Default": "Other"], "Done": ["Type": "Succeed"],
            "Other": ["Type": "Succeed"],
        ],
    ]
}

/// `levels` levels of rules: `Not`s (or one-operand `And`s) around a comparison.
private func nestedRule(levels: Int, and: Bool = false) -> JSONValue {
    var rule: JSONValue = ["Variable": "$.a", "IsPresent": true]
    for _ in 1..<levels { rule = and ? ["And": [rule]] : ["Not": rule] }
    return rule
}

/// Issue #15: reading a definition must not recurse without bound or take work out of
/// proportion to its size.
@Suite struct DefinitionBoundsTests {
    @Test(arguments: [(64, false, true), (65, false, false), (64, true, true), (65, true, false), (250, false, false)])
    func choiceRulesNestAtMost64Levels(levels: Int, and: Bool, accepted: Bool) throws {
        // Through text, as definitions arrive: 250 levels of Not are well within the parser's depth.
        let text = choiceDefinition(nestedRule(levels: levels, and: and)).serialized()
        if accepted {
            let definition = try StateMachineDefinition(text: text)
            guard case .choice(let choice)? = definition.state(named: "C")?.kind else {
                Issue.record("not a choice")
                return
            }
            // The comparison holds; And keeps it, each Not turns it over.
            #expect(try choice.nextState(for: ["a": 1], context: [:]) == (and || (levels - 1) % 2 == 0 ? "Done" : "Other"))
        } else {
            let error = #expect(throws: DefinitionError.self) { try StateMachineDefinition(text: text) }
            #expect(error?.message.contains("deeper than 64 levels") == true, "\(error?.message.prefix(300) ?? "")")
        }
    }

    /// Every problem of a state names the state; a name of 100,000 characters with 1,000
    /// problems made 100 MB of messages. Names are shown cut after 80 characters (a longer one
    /// is refused anyway).
    @Test func longStateNamesAreCutInMessages() {
        let name = String(repeating: "n", count: 100_000)
        var state: [String: JSONValue] = ["Type": "Pass", "End": true]
        for index in 0..<1_000 { state["unknown\(index)"] = 1 }
        let definition: JSONValue = ["StartAt": .string(name), "States": [name: .object(state)]]
        let error = #expect(throws: DefinitionError.self) { try StateMachineDefinition(json: definition) }
        #expect(error?.problems.count == 1_001)
        #expect(error?.message.contains("State '\(String(repeating: "n", count: 80))…': the state name must be 1 to 80") == true)
        #expect((error?.message.utf8.count ?? .max) < 200_000)
    }

    /// Template problems name the field's location; a deep template of long keys repeated its
    /// whole path in each level and each problem. Locations are cut after 200 bytes.
    @Test func deepTemplateLocationsAreCutInMessages() {
        let key = String(repeating: "k", count: 1_000)
        var template: JSONValue = .object(Dictionary(uniqueKeysWithValues: (0..<100).map { ("bad\($0).$", JSONValue.string("nope")) }))
        for _ in 0..<300 { template = [key: template] }
        let error = #expect(throws: DefinitionError.self) { try PayloadTemplate(json: template, field: "Parameters") }
        #expect(error?.problems.count == 100)
        #expect(error?.message.contains("in field 'Parameters…'") == true, "\(error?.message.prefix(300) ?? "")")
        #expect((error?.message.utf8.count ?? .max) < 100 * 400)
    }
}
