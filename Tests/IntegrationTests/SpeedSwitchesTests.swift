import Foundation
import JSON
import Testing

/// stepd reads its speed switches from the environment it starts with, says at start which
/// pieces are off, and works without them. (`make test` also runs the kill-and-restart suites
/// with all of them off.)
@Suite("stepd's speed switches")
struct SpeedSwitchesTests {
    static let variables = [
        "STEPD_PLAIN", "STEPD_NO_LOG_WRITE_BUFFER", "STEPD_NO_AWAKE_WRITER", "STEPD_NO_COMMIT_ON_SPOOL_THREAD", "STEPD_NO_QUIET_EXECUTOR",
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        let given: [String: String]
        /// The variables the start line names, in its order; empty: no such line.
        let off: [String]
        var testDescription: String { given.isEmpty ? "none set" : given.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
    }

    static let cases = [
        Case(given: [:], off: []),
        Case(
            given: ["STEPD_PLAIN": "1"],
            off: ["STEPD_NO_LOG_WRITE_BUFFER", "STEPD_NO_AWAKE_WRITER", "STEPD_NO_COMMIT_ON_SPOOL_THREAD", "STEPD_NO_QUIET_EXECUTOR"]),
        Case(
            given: ["STEPD_NO_AWAKE_WRITER": "1", "STEPD_NO_QUIET_EXECUTOR": "yes", "STEPD_NO_LOG_WRITE_BUFFER": "0", "STEPD_NO_COMMIT_ON_SPOOL_THREAD": ""],
            off: ["STEPD_NO_AWAKE_WRITER", "STEPD_NO_QUIET_EXECUTOR"]),
        Case(given: ["STEPD_NO_LOG_WRITE_BUFFER": "1", "STEPD_NO_COMMIT_ON_SPOOL_THREAD": "1"], off: ["STEPD_NO_LOG_WRITE_BUFFER", "STEPD_NO_COMMIT_ON_SPOOL_THREAD"]),
    ]

    @Test("the start says which pieces are off; an event from the spool starts its target and the execution ends", arguments: cases)
    func switchesAreReadAndTheDaemonWorks(_ test: Case) async throws {
        // Only the case's variables, whatever the tests themselves were started with.
        var changes: [String: String?] = [:]
        for variable in Self.variables { changes[variable] = .some(nil) }
        for (variable, value) in test.given { changes[variable] = value }
        try await withStepd(environmentChanges: changes) { stepd in
            let lines = stepd.log.split(separator: "\n").filter { $0.contains("speed machinery turned off") }
            if test.off.isEmpty {
                #expect(lines.isEmpty, "\(lines)")
            } else {
                #expect(lines.count == 1 && lines.allSatisfy { $0.contains("OFF=\(test.off.joined(separator: " ")) ") }, "\(lines)")
            }

            _ = try await stepd.call("AWSStepFunctions.CreateStateMachine", [
                "name": "echo",
                "definition": .string(#"{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.detail","End":true}}}"#),
            ])
            _ = try await stepd.call("AWSEvents.PutRule", ["Name": "to-echo", "EventPattern": .string(#"{"source":["it.switches"]}"#)])
            _ = try await stepd.call("AWSEvents.PutTargets", [
                "Rule": "to-echo", "Targets": [["Id": "echo", "Arn": "arn:aws:states:local:000000000000:stateMachine:echo"]],
            ])
            let event: JSONValue = [
                "version": "0", "id": .string(UUID().uuidString.lowercased()), "detail-type": "Switches", "source": "it.switches",
                "account": "000000000000", "time": "2026-01-01T00:00:00Z", "region": "local", "resources": [], "detail": ["n": 7],
            ]
            try stepd.dropEvent(event.serialized())
            let newDirectory = stepd.spool + "/new"
            try await waitForDirectory(newDirectory, seconds: 10, "new/ to be empty") { Spool.names(in: newDirectory).isEmpty }
            let started = try await stepd.executions(of: "echo")
            try #require(started.count == 1, "echo executions: \(started)")
            let ended = try await stepd.waitForExecution(try #require(started[0]["executionArn"]?.stringValue))
            #expect(ended["status"] == "SUCCEEDED")
        }
    }
}
