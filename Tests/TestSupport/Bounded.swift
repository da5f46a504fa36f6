import Synchronization

/// Every test target waits through `bounded`: a wait for the event a test expects, which
/// fails the test instead of hanging it when the event never comes.
public struct BoundExceeded: Error, CustomStringConvertible {
    public let description: String
}

/// What `body` returns, or `BoundExceeded` when it takes longer than `seconds`. The body is
/// then cancelled, and not waited for: a wait that ignores cancellation (a checked
/// continuation no one resumes) fails the test instead of hanging it.
public func bounded<T: Sendable>(seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = FirstToFinish<T>()
    return try await withCheckedThrowingContinuation { continuation in
        race.waiting(continuation)
        let work = Task {
            do { race.finish(with: .success(try await body())) } catch { race.finish(with: .failure(error)) }
        }
        let timer = Task {
            try await Task.sleep(for: .seconds(seconds))
            race.finish(with: .failure(BoundExceeded(description: "\(what) took longer than \(seconds) s")))
            work.cancel()
        }
        race.whenFinished { timer.cancel() }
    }
}

/// Resumes a continuation with whichever result comes first and drops the others.
private final class FirstToFinish<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var onFinish: (@Sendable () -> Void)?
        var isFinished = false
    }

    private let state = Mutex(State())

    func waiting(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func finish(with result: Result<T, any Error>) {
        let won = state.withLock { state -> (CheckedContinuation<T, any Error>, (@Sendable () -> Void)?)? in
            guard !state.isFinished, let continuation = state.continuation else { return nil }
            state.isFinished = true
            state.continuation = nil
            defer { state.onFinish = nil }
            return (continuation, state.onFinish)
        }
        guard let (continuation, onFinish) = won else { return }
        continuation.resume(with: result)
        onFinish?()
    }

    /// Runs `action` once a result has come (at once if it has).
    func whenFinished(_ action: @escaping @Sendable () -> Void) {
        let finished = state.withLock { state -> Bool in
            if state.isFinished { return true }
            state.onFinish = action
            return false
        }
        if finished { action() }
    }
}
