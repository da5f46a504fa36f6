import Foundation
import JSON
import StatesLanguage
import StepEngine
import TestSupport
import Testing

/// Limits in time and size that AWS enforces on a running execution.
@Suite struct TimeoutTests {
    /// AWS: a state machine's top-level TimeoutSeconds ends an execution that runs longer with
    /// status TIMED_OUT, an ExecutionTimedOut event and the error States.Timeout.
    @Test func stateMachineTimeoutSecondsTimesTheExecutionOut() async throws {
        let test = try TestEngine(clock: ManualClock())
        let definition: JSONValue = [
            "StartAt": "Pause", "TimeoutSeconds": 1,
            "States": ["Pause": ["Type": "Wait", "Seconds": 2, "End": true]],
        ]
        try await test.machine("slow", definition.text)
        let arn = try await test.start("slow")
        try await test.advance(by: 1)
        let execution = try await test.finish(arn)
        #expect(execution.status == "TIMED_OUT")
        #expect(execution.error == "States.Timeout")
        let events = try await test.history(execution.arn)
        #expect(events.last?["type"] == "ExecutionTimedOut")
    }

    /// AWS: a task that gets no heartbeat (SendTaskHeartbeat) within HeartbeatSeconds fails with
    /// States.HeartbeatTimeout, even when its TimeoutSeconds is longer.
    @Test func heartbeatSecondsWithoutHeartbeatFailsWithHeartbeatTimeout() async throws {
        let test = try TestEngine(clock: ManualClock())
        try await test.createTable("Tokens")
        var definition = TaskTokenTests.parking(timeoutSeconds: 3).objectValue ?? [:]
        var states = definition["States"]?.objectValue ?? [:]
        var park = states["Park"]?.objectValue ?? [:]
        park["HeartbeatSeconds"] = 1
        states["Park"] = .object(park)
        definition["States"] = .object(states)
        try await test.machine("park", JSONValue.object(definition).text)
        let (arn, _) = try await TaskTokenTests.park(test)
        try await test.advance(by: 1)
        let execution = try await test.finish(arn)
        #expect(execution.status == "FAILED")
        // TimeoutSeconds (3 s) would end it with States.Timeout: the heartbeat clock (1 s) came first.
        #expect(execution.error == "States.HeartbeatTimeout")
    }

    /// AWS: 25,000 events per execution; an execution that would exceed it fails.
    @Test func endlessLoopStopsAtTheHistoryLimit() async throws {
        let test = try TestEngine()
        let definition: JSONValue = [
            "StartAt": "Ping",
            "States": ["Ping": ["Type": "Pass", "Next": "Pong"], "Pong": ["Type": "Pass", "Next": "Ping"]],
        ]
        try await test.machine("loop", definition.text)
        let execution = try await test.run("loop")
        #expect(execution.status == "FAILED")
        #expect(execution.error == "States.Runtime")
        #expect(execution.cause?.contains("25000") == true)
        let last = try await test.engine.getExecutionHistory(
            arn: execution.arn, maxResults: 1, reverseOrder: true, nextToken: nil)
        let lastEvent = try #require(last.items.first)
        #expect(lastEvent.type == "ExecutionFailed")
        #expect(lastEvent.id <= 25_000)
    }
}
