import Foundation
import JSON
import Testing

/// The event spool as a writer sees it: files dropped into events/new.
@Suite("event spool against the real stepd")
struct SpoolIntegrationTests {
    @Test("a file that is not JSON, and an event without source, move to failed/ with a reason; stepd keeps serving", arguments: StepdMode.allCases)
    func malformedEventsGoToFailed(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            let failed = stepd.spool + "/failed"
            try stepd.dropEvent(#"{"not json"#, name: "broken.json")
            try await waitForDirectory(failed, seconds: 10, "broken.json and its .error") {
                Set(Spool.names(in: failed)).isSuperset(of: ["broken.json", "broken.json.error"])
            }
            let brokenReason = try String(contentsOfFile: failed + "/broken.json.error", encoding: .utf8)
            #expect(brokenReason.localizedCaseInsensitiveContains("json"), "reason: \(brokenReason)")
            #expect(try String(contentsOfFile: failed + "/broken.json", encoding: .utf8) == #"{"not json"#, "kept as written")

            let withoutSource: JSONValue = [
                "version": "0", "id": .string(UUID().uuidString), "detail-type": "AppFlow End Flow Run Report",
                "account": "000000000000", "time": "2026-01-01T00:00:00Z", "region": "local", "resources": [],
                "detail": ["status": "Execution Successful"],
            ]
            try stepd.dropEvent(withoutSource.serialized(), name: "no-source.json")
            try await waitForDirectory(failed, seconds: 10, "no-source.json and its .error") {
                Set(Spool.names(in: failed)).isSuperset(of: ["no-source.json", "no-source.json.error"])
            }
            let sourceReason = try String(contentsOfFile: failed + "/no-source.json.error", encoding: .utf8)
            #expect(sourceReason.contains("source"), "reason: \(sourceReason)")

            #expect(Spool.names(in: stepd.spool + "/new").isEmpty)
            let machines = try await stepd.call("AWSStepFunctions.ListStateMachines", [:])
            #expect(machines["stateMachines"]?.arrayValue != nil, "\(machines.serialized())")
            #expect(try await stepd.call("Stepd.Health", [:])["Status"] == "OK")
        }
    }

    @Test("a well-formed event that matches a rule starts the rule's target, and leaves new/", arguments: StepdMode.allCases)
    func matchingEventStartsTarget(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            let event = try await createEchoRule(stepd)
            let newDirectory = stepd.spool + "/new"
            try stepd.dropEvent(event.serialized())
            try await waitForDirectory(newDirectory, seconds: 10, "new/ to be empty") { Spool.names(in: newDirectory).isEmpty }
            let started = try await stepd.executions(of: "echo")
            try #require(started.count == 1, "echo executions: \(started)")
            let ended = try await stepd.waitForExecution(try #require(started[0]["executionArn"]?.stringValue))
            #expect(ended["status"] == "SUCCEEDED")
            #expect(try JSONValue(parsing: try #require(ended["output"]?.stringValue)) == ["n": 42])
            #expect(Spool.names(in: stepd.spool + "/failed").isEmpty)
        }
    }

    @Test("the same event (same id) dropped twice starts its target once; both files leave new/", arguments: StepdMode.allCases)
    func duplicateEventDeduplicated(mode: StepdMode) async throws {
        try await withStepd(mode: mode) { stepd in
            let event = try await createEchoRule(stepd)
            let newDirectory = stepd.spool + "/new"
            try stepd.dropEvent(event.serialized(), name: "first.json")
            try stepd.dropEvent(event.serialized(), name: "second.json")
            try await waitForDirectory(newDirectory, seconds: 10, "new/ to be empty") { Spool.names(in: newDirectory).isEmpty }
            let started = try await stepd.executions(of: "echo")
            #expect(started.count == 1, "echo executions: \(started)")
            #expect(Spool.names(in: stepd.spool + "/failed").isEmpty)
        }
    }

    /// A state machine `echo` (outputs the event's detail) and a rule routing source `it.test`
    /// to it; returns a matching event.
    private func createEchoRule(_ stepd: StepdProcess) async throws -> JSONValue {
        _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", [
            "name": "echo",
            "definition": .string(#"{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.detail","End":true}}}"#),
        ])
        _ = try await stepd.call("AWSEvents.PutRule", [
            "Name": "to-echo", "EventPattern": .string(#"{"source":["it.test"]}"#), "State": "ENABLED",
        ])
        _ = try await stepd.call("AWSEvents.PutTargets", [
            "Rule": "to-echo",
            "Targets": [["Id": "echo", "Arn": "arn:aws:states:local:000000000000:stateMachine:echo"]],
        ])
        return [
            "version": "0", "id": .string(UUID().uuidString), "detail-type": "Test", "source": "it.test",
            "account": "000000000000", "time": "2026-01-01T00:00:00Z", "region": "local", "resources": [],
            "detail": ["n": 42],
        ]
    }
}
