import Foundation
import GRDB
import JSON
import Logging
import StepEngine
import TestSupport
import Testing

@Suite struct TimerFiringTests {
    /// A timer that cannot fire (here: its execution's history is one event short of the
    /// limit, so TaskTimedOut cannot be written) fails its own execution with States.Runtime;
    /// the other timers due with it still fire.
    @Test(.timeLimit(.minutes(1))) func aTimerThatCannotFireFailsOnlyItsExecution() async throws {
        let logs = CapturedLogs()
        let test = try await TaskTokenTests.parkingEngine(timeoutSeconds: 1, clock: ManualClock(), logger: logs.logger(label: "stepd.tests"))
        let (broken, _) = try await TaskTokenTests.park(test, id: "a")
        let (healthy, _) = try await TaskTokenTests.park(test, id: "b")
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let corrupting = try DatabaseQueue(path: test.path, configuration: configuration)
        try await corrupting.write { db in
            try db.execute(sql: "UPDATE execution SET lastEventId = 24999 WHERE arn = ?", arguments: [broken])
        }
        try await test.advance(by: 1)

        let failed = try await test.finish(broken)
        #expect(failed.status == "FAILED")
        #expect(failed.error == "States.Runtime", "\(failed.description)")
        let timedOut = try await test.finish(healthy)
        #expect(timedOut.status == "FAILED")
        #expect(timedOut.error == "States.Timeout", "\(timedOut.description)")
        // The failing part made its commit run again with savepoints; its line is written
        // once, after the commit that kept it.
        #expect(logs.entries(withMessage: "execution failed on an internal error").count == 1)
    }
}
