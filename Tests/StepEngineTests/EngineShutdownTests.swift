import Foundation
import JSON
import Logging
import StepEngine
import Testing
import TestSupport

/// `Engine.shutdown()` ends the writer after its commit; a write that comes later is refused
/// as `stopping`, not left waiting, and what was ready runs after a restart.
@Suite struct EngineShutdownTests {
    static let pass: JSONValue = ["StartAt": "P", "States": ["P": ["Type": "Pass", "End": true]]]

    @Test func writesAfterShutdownAreRefusedAndReadsStillAnswer() async throws {
        let test = try TestEngine()
        try await test.machine("pass", Self.pass.text)
        let done = try await test.run("pass")
        try await bounded(seconds: 10, "the engine's shutdown") { await test.engine.shutdown() }

        let engine = test.engine
        let refused = try await bounded(seconds: 10, "a start after shutdown") { () async -> EngineUnavailable? in
            do {
                _ = try await engine.startExecution(stateMachine: "pass", name: nil, input: nil, startedByUid: nil)
                return nil
            } catch {
                return error as? EngineUnavailable
            }
        }
        #expect(refused == .stopping)
        // Nothing waits for a writer that is gone.
        try await bounded(seconds: 10, "waitUntilIdle after shutdown") { await test.engine.waitUntilIdle() }
        #expect(try await test.engine.describeExecution(arn: done.arn).status == .succeeded)
        // A second shutdown returns at once.
        try await bounded(seconds: 10, "a second shutdown") { await test.engine.shutdown() }
    }

    @Test func anEngineOpenedOnAPathRunsAndStops() async throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let engine = try Engine(databasePath: scratch.path, logger: Logger(label: "stepd.tests"))
        _ = try await engine.createStateMachine(name: "pass", definition: Self.pass.text, roleArn: nil, type: nil)
        let started = try await engine.startExecution(stateMachine: "pass", name: "first", input: nil, startedByUid: nil)
        #expect(try await engine.waitForExecution(arn: started.arn).status == .succeeded)
        try await bounded(seconds: 10, "the engine's shutdown") { await engine.shutdown() }

        let reopened = try Engine(databasePath: scratch.path, logger: Logger(label: "stepd.tests"))
        _ = try await reopened.recover()
        #expect(try await reopened.describeExecution(arn: started.arn).status == .succeeded)
        try await bounded(seconds: 10, "the reopened engine's shutdown") { await reopened.shutdown() }
    }
}
