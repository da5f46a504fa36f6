import Foundation
import Synchronization

/// A clock that moves only when a test moves it. Sleepers whose deadline a move reaches
/// are woken by that move, before it returns; a sleep until a deadline already reached
/// returns at once, so a sleeper that starts after the move does not miss it.
///
/// It has the engine's clock's methods but does not name the engine's protocol: the tests of
/// the engine declare that conformance, so that this target depends on nothing of stepd's.
public final class ManualClock: Sendable {
    private struct Sleeper {
        let deadline: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        /// Nanoseconds since 1970, so that moves add up as decimals do (0.4 s and 0.1 s make
        /// the 0.5 s the engine adds at once), where Dates would differ in the last bit.
        var nanoseconds: Int64
        var now: Date { ManualClock.date(nanoseconds) }
        var sleepers: [UInt64: Sleeper] = [:]
        /// Sleeps cancelled before they were registered.
        var cancelled: Set<UInt64> = []
        var nextId: UInt64 = 0
        var sleeperWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        /// The waiters for as many sleepers as there are now.
        mutating func satisfiedSleeperWaiters() -> [CheckedContinuation<Void, Never>] {
            let satisfied = sleeperWaiters.filter { $0.count <= sleepers.count }
            sleeperWaiters.removeAll { $0.count <= sleepers.count }
            return satisfied.map(\.continuation)
        }
    }

    private let state: Mutex<State>

    /// A whole second, so that timestamps built from it have no fraction to round.
    public init(now: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        state = Mutex(State(nanoseconds: Self.nanoseconds(now)))
    }

    public func now() -> Date {
        state.withLock { $0.now }
    }

    /// How many sleeps are waiting for a move.
    public var sleeperCount: Int {
        state.withLock { $0.sleepers.count }
    }

    /// Returns once at least `count` sleeps wait for a move.
    public func waitForSleepers(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let reached = state.withLock { state in
                if state.sleepers.count >= count { return true }
                state.sleeperWaiters.append((count, continuation))
                return false
            }
            if reached { continuation.resume() }
        }
    }

    public func advance(by seconds: TimeInterval) {
        precondition(seconds >= 0, "a manual clock does not go back")
        move { $0 + Int64((seconds * 1e9).rounded()) }
    }

    public func advance(to date: Date) {
        move { max($0, Self.nanoseconds(date)) }
    }

    private static func nanoseconds(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        return Int64(seconds) * 1_000_000_000 + Int64(((date.timeIntervalSince1970 - seconds) * 1e9).rounded())
    }

    private static func date(_ nanoseconds: Int64) -> Date {
        let (seconds, fraction) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        return Date(timeIntervalSince1970: Double(seconds) + Double(fraction) / 1e9)
    }

    private func move(_ change: (Int64) -> Int64) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.nanoseconds = change(state.nanoseconds)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            // Earliest first, so that sleepers resume in the order of their deadlines.
            return due.values.sorted { $0.deadline < $1.deadline }.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    public func sleep(until deadline: Date) async throws {
        let id = state.withLock { state in
            state.nextId += 1
            return state.nextId
        }
        // A cancellation that comes after the sleep was resumed leaves its mark; take it off.
        defer { state.withLock { _ = $0.cancelled.remove(id) } }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (immediate, sleeping) = state.withLock { state -> (Result<Void, any Error>?, [CheckedContinuation<Void, Never>]) in
                    if state.cancelled.remove(id) != nil { return (.failure(CancellationError()), []) }
                    if deadline <= state.now { return (.success(()), []) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return (nil, state.satisfiedSleeperWaiters())
                }
                if let immediate { continuation.resume(with: immediate) }
                for waiter in sleeping { waiter.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                if let sleeper = state.sleepers.removeValue(forKey: id) { return sleeper }
                state.cancelled.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
