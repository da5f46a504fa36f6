import Foundation
import Synchronization

/// Requests waiting for executions to end (Stepd.WaitForExecution), answered by the commit
/// that ends them.
final class ExecutionWaiters: Sendable {
    private struct State {
        var waiters: [Int64: [UUID: CheckedContinuation<Void, Never>]] = [:]
        var isClosed = false
    }

    private let state = Mutex(State())

    var isClosed: Bool { state.withLock { $0.isClosed } }

    /// False once closed: the caller resumes the continuation itself.
    func register(executionId: Int64, waiter: UUID, continuation: CheckedContinuation<Void, Never>) -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.waiters[executionId, default: [:]][waiter] = continuation
            return true
        }
    }

    /// Releases one waiter, if it still waits.
    func release(executionId: Int64, waiter: UUID) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            let continuation = state.waiters[executionId]?.removeValue(forKey: waiter)
            if state.waiters[executionId]?.isEmpty == true { state.waiters[executionId] = nil }
            return continuation
        }
        continuation?.resume()
    }

    func executionsEnded(_ ids: [Int64]) {
        guard !ids.isEmpty else { return }
        let released = state.withLock { state in
            ids.flatMap { state.waiters.removeValue(forKey: $0)?.values.map { $0 } ?? [] }
        }
        for continuation in released { continuation.resume() }
    }

    /// Releases every waiter and refuses new ones.
    func close() {
        let released = state.withLock { state in
            state.isClosed = true
            defer { state.waiters.removeAll() }
            return state.waiters.values.flatMap(\.values)
        }
        for continuation in released { continuation.resume() }
    }
}
