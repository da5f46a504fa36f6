import Foundation

/// Where the engine's time comes from: the `now` written into every commit (history
/// timestamps, timers' due times) and the sleeps until a timer or a commit retry is due.
/// Both come from one clock, so a test that moves it sees Wait states, timeouts, heartbeats
/// and retries fall due without waiting for real seconds.
public protocol EngineClock: Sendable {
    func now() -> Date
    /// Returns once `now()` has reached `deadline` (at once if it has); throws
    /// `CancellationError` when the task is cancelled first.
    func sleep(until deadline: Date) async throws
}

/// The wall clock: the daemon's.
public struct SystemClock: EngineClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        // Due times are wall-clock instants; the sleep itself runs on the monotonic clock, so
        // a wall clock set back meanwhile makes a timer fire early, and the firing finds
        // nothing due yet and re-arms.
        let delay = deadline.timeIntervalSince(Date())
        if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
        try Task.checkCancellation()
    }
}
