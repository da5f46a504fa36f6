import Synchronization

/// A one-shot signal: resolved once the listener is bound, or failed if binding failed.
/// Waiters that arrive late get the outcome at once.
final class ListeningSignal: Sendable {
    private enum State {
        case waiting([Int: CheckedContinuation<Void, any Error>], nextID: Int)
        case listening
        case failed(any Error)
    }

    private let state = Mutex<State>(.waiting([:], nextID: 0))

    func succeed() { resolve(.success(())) }

    func fail(_ error: any Error) { resolve(.failure(error)) }

    private func resolve(_ outcome: Result<Void, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard case .waiting(let waiters, _) = state else { return [] }
            switch outcome {
            case .success: state = .listening
            case .failure(let error): state = .failed(error)
            }
            return Array(waiters.values)
        }
        for waiter in waiters { waiter.resume(with: outcome) }
    }

    func wait() async throws {
        let id = state.withLock { state -> Int? in
            guard case .waiting(let waiters, let nextID) = state else { return nil }
            state = .waiting(waiters, nextID: nextID + 1)
            return nextID
        }
        guard let id else { return try currentOutcome() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate = state.withLock { state -> Result<Void, any Error>? in
                    switch state {
                    case .waiting(var waiters, let nextID):
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters[id] = continuation
                        state = .waiting(waiters, nextID: nextID)
                        return nil
                    case .listening: return .success(())
                    case .failed(let error): return .failure(error)
                    }
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard case .waiting(var waiters, let nextID) = state else { return nil }
                let waiter = waiters.removeValue(forKey: id)
                state = .waiting(waiters, nextID: nextID)
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func currentOutcome() throws {
        let failure = state.withLock { state -> (any Error)? in
            if case .failed(let error) = state { return error }
            return nil
        }
        if let failure { throw failure }
    }
}
