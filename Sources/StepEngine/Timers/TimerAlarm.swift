import Foundation
import Synchronization

/// The engine's one sleep on its clock: until the earliest timer in the timer table is due,
/// or a failed commit is to be retried; one wakeup per due time, never a poll. What falls
/// due comes out of an async stream, handled one firing at a time by the alarm's consumer.
///
/// The engine owns the alarm and the alarm owns its two tasks (the sleeper, the consumer):
/// `stop()` ends both.
final class TimerAlarm: Sendable {
    enum Firing: Sendable {
        /// The earliest timer is due: fire what the timer table holds as due.
        case timersDue
        /// A failed commit's executions, to be tried again.
        case retry(executions: [Int64])
    }

    private struct Retry {
        let due: Date
        let executions: [Int64]
    }

    private struct State {
        /// The earliest due time of the timer table, as read by the last commit that changed it.
        var armedDue: Date?
        var retries: [Retry] = []
        /// Sleeps until `sleepingUntil`, the earliest of the above; replaced when that changes.
        var sleeper: Task<Void, Never>?
        var sleepingUntil: Date?
        /// Tells a sleeper that woke up whether it is still the current one.
        var generation = 0
        /// Firings yielded and not yet handled to the end.
        var unhandledFirings = 0
        var settledWaiters: [CheckedContinuation<Void, Never>] = []
        var consumer: Task<Void, Never>?
        var isStopped = false

        func isSettled(at now: Date) -> Bool {
            if isStopped { return true }
            guard unhandledFirings == 0 else { return false }
            if let armedDue, armedDue <= now { return false }
            return retries.allSatisfy { $0.due > now }
        }

        /// The waiters to resume when nothing is due any more.
        mutating func settledWaiters(at now: Date) -> [CheckedContinuation<Void, Never>] {
            guard isSettled(at: now) else { return [] }
            defer { settledWaiters.removeAll() }
            return settledWaiters
        }
    }

    private let state = Mutex(State())
    private let clock: any EngineClock
    private let firings: AsyncStream<Firing>
    private let firingsInput: AsyncStream<Firing>.Continuation

    init(clock: any EngineClock) {
        self.clock = clock
        (firings, firingsInput) = AsyncStream.makeStream(of: Firing.self)
    }

    /// Starts handing each firing to `handle`, the next once it has returned.
    func start(handle: @escaping @Sendable (Firing) async -> Void) {
        state.withLock { state in
            guard !state.isStopped, state.consumer == nil else { return }
            let firings = self.firings
            // Owned by the alarm: `stop()` cancels it, and a firing still queued then is dropped.
            state.consumer = Task { [self] in
                for await firing in firings {
                    if !Task.isCancelled { await handle(firing) }
                    handled()
                }
            }
        }
    }

    /// Arms the sleep for `nextDue` (nil: no timer left). Called in commit order with the
    /// earliest due time read in each committing transaction, so the latest call knows best.
    func arm(nextDue: Double?) {
        let now = clock.now()
        let settled = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let due = nextDue.map { Date(timeIntervalSince1970: $0) }
            guard due != state.armedDue else { return [] }
            state.armedDue = due
            sleepUntilEarliest(&state)
            return state.settledWaiters(at: now)
        }
        for waiter in settled { waiter.resume() }
    }

    /// Forgets the armed timer, so that the next `arm` arms whatever it is given.
    func forget() {
        let now = clock.now()
        let settled = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.armedDue = nil
            sleepUntilEarliest(&state)
            return state.settledWaiters(at: now)
        }
        for waiter in settled { waiter.resume() }
    }

    /// Tries `executions` again (and re-arms the timer) once `due` has come.
    func retry(_ executions: [Int64], at due: Date) {
        state.withLock { state in
            state.retries.append(Retry(due: due, executions: executions))
            sleepUntilEarliest(&state)
        }
    }

    /// Returns once nothing is due at the clock's now and every firing has been handled (at
    /// once after `stop()`).
    func waitUntilSettled() async {
        let now = clock.now()
        await withCheckedContinuation { continuation in
            let settled = state.withLock { state in
                if state.isSettled(at: now) { return true }
                state.settledWaiters.append(continuation)
                return false
            }
            if settled { continuation.resume() }
        }
    }

    var isSettled: Bool {
        let now = clock.now()
        return state.withLock { $0.isSettled(at: now) }
    }

    func stop() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isStopped = true
            state.sleeper?.cancel()
            state.sleeper = nil
            state.sleepingUntil = nil
            state.consumer?.cancel()
            state.consumer = nil
            defer { state.settledWaiters.removeAll() }
            return state.settledWaiters
        }
        firingsInput.finish()
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Sleeping

    /// Makes the sleeper sleep until the earliest deadline, replacing it if that changed.
    private func sleepUntilEarliest(_ state: inout State) {
        let earliest = ([state.armedDue] + state.retries.map(\.due)).compactMap { $0 }.min()
        guard earliest != state.sleepingUntil || state.sleeper == nil else { return }
        state.sleeper?.cancel()
        state.sleeper = nil
        state.sleepingUntil = earliest
        state.generation += 1
        guard let earliest, !state.isStopped else { return }
        let generation = state.generation
        let clock = self.clock
        // Owned by the alarm: cancelled when the earliest deadline changes and by `stop()`.
        state.sleeper = Task { [self] in
            do {
                try await clock.sleep(until: earliest)
            } catch {
                return
            }
            self.woke(generation: generation, deadline: earliest)
        }
    }

    private func woke(generation: Int, deadline: Date) {
        // Whatever is due by the later of the two: a manual clock may have been moved past
        // several deadlines at once; a wall clock set back meanwhile still lets this deadline
        // fire (the firing finds nothing due yet, and the commit re-arms it).
        let cut = max(deadline, clock.now())
        let due = state.withLock { state -> [Firing] in
            guard state.generation == generation, !state.isStopped else { return [] }
            state.sleeper = nil
            state.sleepingUntil = nil
            var due: [Firing] = []
            if let armedDue = state.armedDue, armedDue <= cut {
                state.armedDue = nil
                due.append(.timersDue)
            }
            let retries = state.retries.filter { $0.due <= cut }
            if !retries.isEmpty {
                state.retries.removeAll { $0.due <= cut }
                due.append(.retry(executions: retries.flatMap(\.executions)))
            }
            state.unhandledFirings += due.count
            sleepUntilEarliest(&state)
            return due
        }
        for firing in due { firingsInput.yield(firing) }
    }

    private func handled() {
        let now = clock.now()
        let settled = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.unhandledFirings -= 1
            return state.settledWaiters(at: now)
        }
        for waiter in settled { waiter.resume() }
    }
}
