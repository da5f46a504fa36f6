import Foundation
import GRDB
import JSON
import StepEngine
import StepStore
import TestSupport
import Testing

/// The figures systemd's STATUS= shows are kept by the commits after one count at recovery;
/// at every step they must equal a fresh count of the database.
@Suite struct RunningFiguresTests {
    /// A fresh engine on the same file counts from scratch: what the kept figures must equal.
    private func recounted(_ test: TestEngine) throws -> EngineFigures {
        try TestEngine.open(path: test.path).figures()
    }

    private func expectKept(_ test: TestEngine, running: Int, waiting: Int, events: Int, _ step: String) throws {
        let kept = try test.engine.figures()
        let counted = try recounted(test)
        #expect(kept.executionsRunning == running, "\(step): running")
        #expect(kept.executionsWaitingOnTokens == waiting, "\(step): waiting on tokens")
        #expect(kept.eventsStored == events, "\(step): events stored")
        #expect(kept.executionsRunning == counted.executionsRunning, "\(step): kept and counted running differ")
        #expect(kept.executionsWaitingOnTokens == counted.executionsWaitingOnTokens, "\(step): kept and counted waiting differ")
    }

    @Test func keptFiguresFollowEveryKindOfChange() async throws {
        let test = try await TaskTokenTests.parkingEngine()
        _ = try await test.engine.recover()
        try await test.machine("pass", #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#)
        try expectKept(test, running: 0, waiting: 0, events: 0, "at the start")

        let (first, firstToken) = try await TaskTokenTests.park(test, id: "a")
        let (second, _) = try await TaskTokenTests.park(test, id: "b")
        try expectKept(test, running: 2, waiting: 2, events: 0, "two parked")

        _ = try await test.run("pass")
        try expectKept(test, running: 2, waiting: 2, events: 0, "a Pass started and ended in one commit")

        try await test.engine.sendTask(token: firstToken, answer: .success(output: "{}"))
        _ = try await test.finish(first)
        try expectKept(test, running: 1, waiting: 1, events: 0, "one answered and ended")

        _ = try await test.engine.stopExecution(arn: second, error: "Stopped", cause: nil)
        await test.engine.waitUntilIdle()
        try expectKept(test, running: 0, waiting: 0, events: 0, "the other stopped while parked")

        let event: JSONValue = ["Source": "tests", "DetailType": "Figures", "Detail": #"{"n": 1}"#]
        _ = try await test.engine.putEvents(entries: [event])
        _ = try await test.engine.putEvents(entries: [event])
        try expectKept(test, running: 0, waiting: 0, events: 2, "two events stored")
    }

    /// The timer paths: a task's TimeoutSeconds (the token wait closes, the execution fails) and
    /// a state machine's TimeoutSeconds ending an execution parked on a token.
    @Test func keptFiguresFollowTimeouts() async throws {
        let test = try await TaskTokenTests.parkingEngine(timeoutSeconds: 1, clock: ManualClock())
        _ = try await test.engine.recover()
        guard case .object(var parked) = TaskTokenTests.parking() else { Issue.record("not an object"); return }
        parked["TimeoutSeconds"] = 1
        try await test.machine("park-then-time-out", JSONValue.object(parked).serialized())

        let (taskTimesOut, _) = try await TaskTokenTests.park(test, id: "a")
        let (executionTimesOut, _) = try await TaskTokenTests.park(test, machine: "park-then-time-out", id: "b")
        try expectKept(test, running: 2, waiting: 2, events: 0, "two parked")

        try await test.advance(by: 1)
        #expect(try await test.finish(taskTimesOut).status == "FAILED")
        #expect(try await test.finish(executionTimesOut).status == "TIMED_OUT")
        await test.engine.waitUntilIdle()
        try expectKept(test, running: 0, waiting: 0, events: 0, "both timed out")
    }
}
