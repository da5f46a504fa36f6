import Foundation
import Synchronization

/// The one sleep until the earliest timer is due: one wakeup per due time, never a poll.
final class TimerAlarm: Sendable {
    private struct State {
        var armedDue: Double?
        var sleeper: Task<Void, Never>?
        /// Tells a sleeper that woke up whether it is still the armed one.
        var generation = 0
        var isStopped = false
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> Date

    init(clock: @escaping @Sendable () -> Date) {
        self.clock = clock
    }

    /// Arms the sleep for `nextDue` (nil: no timer left). Called in commit order with the
    /// earliest due time read in each committing transaction, so the latest call knows best.
    func arm(nextDue: Double?, fire: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            guard nextDue != state.armedDue else { return }
            state.sleeper?.cancel()
            state.sleeper = nil
            state.armedDue = nextDue
            state.generation += 1
            guard let nextDue, !state.isStopped else { return }
            let generation = state.generation
            let delay = max(0, nextDue - clock().timeIntervalSince1970)
            state.sleeper = Task { [self] in
                do {
                    try await Task.sleep(for: .seconds(delay))
                } catch {
                    return
                }
                let isCurrent = self.state.withLock { state in
                    guard state.generation == generation else { return false }
                    state.armedDue = nil
                    state.sleeper = nil
                    return true
                }
                if isCurrent { await fire() }
            }
        }
    }

    /// Forgets what is armed, so that the next `arm` arms whatever it is given.
    func forget() {
        state.withLock { state in
            state.sleeper?.cancel()
            state.sleeper = nil
            state.armedDue = nil
            state.generation += 1
        }
    }

    func stop() {
        state.withLock { $0.isStopped = true }
        forget()
    }
}
