import Synchronization

/// Tells a request's handler when its client has gone: it closed its side of the connection
/// while the request was being answered. A request that waits for long (`Stepd.WaitForExecution`)
/// gives up then instead of holding its place until the execution ends.
///
/// The server records the departure; handlers ``wait()`` for it or read ``hasDeparted``.
public final class ClientDeparture: Sendable {
    private struct State {
        var departed = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var hasDeparted: Bool { state.withLock { $0.departed } }

    /// Records that the client has gone and wakes every ``wait()``; later calls do nothing.
    public func recordDeparture() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.departed else { return [] }
            state.departed = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the client has gone, or when the calling task is cancelled.
    public func wait() async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.departed || state.cancelled.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                state.cancelled.insert(id)
                return nil
            }
            waiter?.resume()
        }
    }
}
