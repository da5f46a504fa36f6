import Foundation
import Synchronization
import TestSupport
import Testing

/// The manual clock that the engine's timer tests move: a move wakes exactly the sleepers
/// whose deadline it reaches, and a sleep that starts late does not miss its deadline.
@Suite struct ManualClockTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// The order in which sleeps returned, by name.
    final class Woken: Sendable {
        let names = Mutex<[String]>([])
        func append(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    @Test func aMoveWakesTheSleepersItReachesAndNoOther() async throws {
        let clock = ManualClock(now: start)
        let woken = Woken()
        let soon = Task {
            try await clock.sleep(until: start.addingTimeInterval(1))
            woken.append("soon")
        }
        let later = Task {
            try await clock.sleep(until: start.addingTimeInterval(5))
            woken.append("later")
        }
        try await bounded(seconds: 10, "two sleepers") { await clock.waitForSleepers(2) }

        clock.advance(by: 1)
        #expect(clock.now() == start.addingTimeInterval(1))
        // Woken before `advance` returned: only "later" still sleeps.
        #expect(clock.sleeperCount == 1)
        try await bounded(seconds: 10, "the first sleeper") { try await soon.value }
        #expect(woken.all == ["soon"])

        clock.advance(to: start.addingTimeInterval(5))
        #expect(clock.sleeperCount == 0)
        try await bounded(seconds: 10, "the second sleeper") { try await later.value }
        #expect(woken.all == ["soon", "later"])
    }

    @Test func aSleepUntilADeadlineAlreadyReachedReturnsAtOnce() async throws {
        let clock = ManualClock(now: start)
        clock.advance(by: 10)
        try await bounded(seconds: 10, "a sleep until the past") { try await clock.sleep(until: start.addingTimeInterval(10)) }
        try await bounded(seconds: 10, "a sleep until now") { try await clock.sleep(until: clock.now()) }
    }

    @Test func aCancelledSleepThrowsAndLeavesNoSleeper() async throws {
        let clock = ManualClock(now: start)
        let sleeping = Task { try await clock.sleep(until: start.addingTimeInterval(60)) }
        try await bounded(seconds: 10, "the sleeper") { await clock.waitForSleepers(1) }
        sleeping.cancel()
        await #expect(throws: CancellationError.self) { try await sleeping.value }
        #expect(clock.sleeperCount == 0)

        let cancelledFirst = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(until: start.addingTimeInterval(60))
        }
        await #expect(throws: CancellationError.self) { try await cancelledFirst.value }
        #expect(clock.sleeperCount == 0)
    }

    /// The engine adds 0.5 s at once; a test gets there in two moves.
    @Test func movesAddUpAsDecimalsDo() {
        let clock = ManualClock(now: start)
        for step in [0.4, 0.1] { clock.advance(by: step) }
        #expect(clock.now() == start.addingTimeInterval(0.5))
        for _ in 0..<10 { clock.advance(by: 0.1) }
        #expect(clock.now() == start.addingTimeInterval(1.5))
    }

    @Test func theClockDoesNotGoBack() {
        let clock = ManualClock(now: start)
        clock.advance(to: start.addingTimeInterval(-5))
        #expect(clock.now() == start)
    }
}
