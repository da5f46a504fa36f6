import Foundation
import JSON
import Testing

@testable import StatesLanguage

private func waitState(_ fields: [String: JSONValue]) throws -> WaitState {
    var state = fields
    state["Type"] = "Wait"
    state["End"] = true
    let definition = try StateMachineDefinition(json: ["StartAt": "W", "States": ["W": .object(state)]])
    guard case .wait(let wait)? = definition.state(named: "W")?.kind else { throw DefinitionError(message: "no wait") }
    return wait
}

private let now = Date(timeIntervalSince1970: 1_700_000_000)

@Suite struct WaitTests {
    @Test(arguments: [
        (["Seconds": 10], [:], 1_700_000_010.0),
        (["Seconds": 0], [:], 1_700_000_000.0),
        (["SecondsPath": "$.expirySeconds"], ["expirySeconds": 5], 1_700_000_005.0),
        (["Timestamp": "2016-03-14T01:59:00Z"], [:], 1_457_920_740.0),
        (["TimestampPath": "$.expirydate"], ["expirydate": "2016-03-14T01:59:00Z"], 1_457_920_740.0),
    ] as [([String: JSONValue], JSONValue, Double)])
    func resolvesTheEnd(fields: [String: JSONValue], input: JSONValue, expected: Double) throws {
        #expect(try waitState(fields).waitUntil(input: input, now: now).timeIntervalSince1970 == expected)
    }

    @Test(arguments: [
        (["SecondsPath": "$.s"], ["s": -1], "SecondsPath"),
        (["SecondsPath": "$.s"], ["s": 1.5], "SecondsPath"),
        (["SecondsPath": "$.s"], ["s": "10"], "SecondsPath"),
        (["SecondsPath": "$.s"], [:], "could not be found"),
        (["TimestampPath": "$.t"], ["t": "tomorrow"], "TimestampPath"),
        (["TimestampPath": "$.t"], ["t": 5], "TimestampPath"),
    ] as [([String: JSONValue], JSONValue, String)])
    func badValuesAreRuntimeErrors(fields: [String: JSONValue], input: JSONValue, fragment: String) throws {
        let state = try waitState(fields)
        let error = #expect(throws: StatesError.self) { try state.waitUntil(input: input, now: now) }
        #expect(error?.name == "States.Runtime")
        #expect(error?.cause.contains(fragment) == true, "\(error?.cause ?? "")")
    }

    @Test(arguments: [
        ([:], "must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath'"),
        (["Seconds": 1, "SecondsPath": "$.s"], "must have only one of"),
        (["Seconds": -1], "field 'Seconds' must be a non-negative integer"),
        (["Seconds": 1.5], "field 'Seconds' must be a non-negative integer"),
        (["Seconds": "10"], "field 'Seconds' must be a non-negative integer"),
        (["Timestamp": "2016-03-14 01:59:00"], "field 'Timestamp' must be an RFC 3339 timestamp"),
        (["SecondsPath": "$.a[*]"], "field 'SecondsPath' must be a valid reference path"),
    ] as [([String: JSONValue], String)])
    func rejectsBadWaitFields(fields: [String: JSONValue], fragment: String) {
        let error = #expect(throws: DefinitionError.self) { try waitState(fields) }
        #expect(error?.message.contains("State 'W': ") == true)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }
}
