import Synchronization

/// When to scan the spool again for files that a passing failure left in `new/`: one scan
/// at a time is asked for, after a pause that doubles while the scans still leave files and
/// starts again from the first once a scan leaves none.
final class SpoolRetries: Sendable {
    private struct State {
        var requests: AsyncStream<Duration>.Continuation?
        var pending = false
        var leftInThisScan = false
        var failedScans = 0
    }

    private let first: Duration
    private let longest: Duration
    private let state = Mutex(State())

    init(first: Duration, longest: Duration) {
        self.first = first
        self.longest = longest
    }

    /// The pauses asked for, each to be slept and followed by a scan, until `close()`.
    func open() -> AsyncStream<Duration> {
        let (stream, continuation) = AsyncStream.makeStream(of: Duration.self, bufferingPolicy: .bufferingNewest(1))
        state.withLock { state in
            state.requests?.finish()
            state = State(requests: continuation)
        }
        return stream
    }

    func close() {
        state.withLock { state in
            state.requests?.finish()
            state.requests = nil
        }
    }

    /// A file was left: asks for a scan unless one is asked for already. Returns the pause
    /// before it, nil when nothing watches (the next start scans).
    func request() -> Duration? {
        state.withLock { state in
            state.leftInThisScan = true
            guard let requests = state.requests else { return nil }
            var pause = first
            for _ in 0..<min(state.failedScans, 16) where pause < longest { pause = pause * 2 }
            pause = min(pause, longest)
            if !state.pending {
                state.pending = true
                requests.yield(pause)
            }
            return pause
        }
    }

    func scanStarts() {
        state.withLock { state in
            state.pending = false
            state.leftInThisScan = false
        }
    }

    func scanEnded() {
        state.withLock { state in
            state.failedScans = state.leftInThisScan ? state.failedScans + 1 : 0
        }
    }
}
