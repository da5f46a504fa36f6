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
        // The extremes AWS accepts.
        (["Seconds": 99_999_999], [:], 1_799_999_999.0),
        (["SecondsPath": "$.s"], ["s": 99_999_999], 1_799_999_999.0),
        (["Timestamp": "9999-12-31T23:59:59Z"], [:], 253_402_300_799.0),
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
        // Issue #15: hostile numbers are refused, never turned into a timer.
        (["SecondsPath": "$.s"], ["s": 100_000_000], "SecondsPath"),
        (["SecondsPath": "$.s"], ["s": 1e300], "SecondsPath"),
        (["SecondsPath": "$.s"], ["s": -1e300], "SecondsPath"),
        (["SecondsPath": "$.s"], ["s": 9.3e18], "SecondsPath"),
        (["TimestampPath": "$.t"], ["t": "10000-01-01T00:00:00Z"], "TimestampPath"),
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
        (["Seconds": 100_000_000], "field 'Seconds' must be a non-negative integer up to 99999999"),
        (["Seconds": 1e300], "field 'Seconds' must be a non-negative integer"),
        (["Seconds": 9.3e18], "field 'Seconds' must be a non-negative integer"),
        (["Timestamp": "2016-03-14 01:59:00"], "field 'Timestamp' must be an RFC 3339 timestamp"),
        (["SecondsPath": "$.a[*]"], "field 'SecondsPath' must be a valid reference path"),
    ] as [([String: JSONValue], String)])
    func rejectsBadWaitFields(fields: [String: JSONValue], fragment: String) {
        let error = #expect(throws: DefinitionError.self) { try waitState(fields) }
        #expect(error?.message.contains("State 'W': ") == true)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }
}

/// Issue #15: TimeoutSeconds and HeartbeatSeconds, given or read from the input, stay within
/// what AWS accepts (1 to 99,999,999), whatever number arrives.
@Suite struct TaskTimeoutTests {
    private func task(_ fields: [String: JSONValue]) throws -> TaskState {
        var state = fields
        state["Type"] = "Task"
        state["Resource"] = "arn:aws:states:::lambda:invoke"
        state["End"] = true
        let definition = try StateMachineDefinition(json: ["StartAt": "T", "States": ["T": .object(state)]])
        guard case .task(let task)? = definition.state(named: "T")?.kind else { throw DefinitionError(message: "no task") }
        return task
    }

    @Test(arguments: [
        (["t": 99_999_999], 99_999_999),
        (["t": 100_000_000], nil),
        (["t": 1e300], nil),
        (["t": -1], nil),
        (["t": 0], nil),
        (["t": 9.3e18], nil),
        (["t": 2.5], nil),
    ] as [(JSONValue, Int?)])
    func secondsFromTheInputAreChecked(input: JSONValue, expected: Int?) throws {
        let state = try task(["TimeoutSecondsPath": "$.t", "HeartbeatSecondsPath": "$.t"])
        if let expected {
            #expect(try state.resolvedTimeoutSeconds(input: input) == expected)
            #expect(try state.resolvedHeartbeatSeconds(input: input) == expected)
        } else {
            for resolve in [state.resolvedTimeoutSeconds, state.resolvedHeartbeatSeconds] {
                let error = #expect(throws: StatesError.self) { try resolve(input, nil) }
                #expect(error?.name == "States.Runtime")
                #expect(error?.cause.contains("must be a positive integer") == true)
            }
        }
    }

    @Test(arguments: [
        (["TimeoutSeconds": 100_000_000], "field 'TimeoutSeconds' must be a positive integer up to 99999999"),
        (["TimeoutSeconds": 1e300], "field 'TimeoutSeconds' must be a positive integer"),
        (["HeartbeatSeconds": -5], "field 'HeartbeatSeconds' must be a positive integer"),
        (["HeartbeatSeconds": 9.3e18], "field 'HeartbeatSeconds' must be a positive integer"),
    ] as [([String: JSONValue], String)])
    func givenSecondsAreChecked(fields: [String: JSONValue], fragment: String) {
        let error = #expect(throws: DefinitionError.self) { try task(fields) }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }
}
