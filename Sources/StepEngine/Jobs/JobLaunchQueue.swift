import Synchronization

/// The jobs that commits ask for, handed from the committing thread (which must not wait for
/// a launch) to one consumer task. Each commit's jobs launch in order, beside other commits'.
///
/// The engine owns the queue and the queue owns its consumer: `finish()` or `stop()` ends it.
final class JobLaunchQueue: Sendable {
    private let requests: AsyncStream<[String]>
    private let input: AsyncStream<[String]>.Continuation
    private let consumer = Mutex<Task<Void, Never>?>(nil)

    init() {
        (requests, input) = AsyncStream.makeStream(of: [String].self)
    }

    func start(launch: @escaping @Sendable ([String]) async -> Void) {
        let requests = self.requests
        consumer.withLock { consumer in
            guard consumer == nil else { return }
            // Owned by the queue: `stop()` cancels it, with the launches it has begun.
            consumer = Task {
                await withDiscardingTaskGroup { group in
                    for await jobIds in requests {
                        // Owned by the consumer, whose group it is a child of.
                        group.addTask { await launch(jobIds) }
                    }
                }
            }
        }
    }

    func enqueue(_ jobIds: [String]) {
        input.yield(jobIds)
    }

    /// Takes no more jobs, and returns once those already queued have been handed to the
    /// launcher: a launch in flight still records its start, while the writer runs.
    func finish() async {
        input.finish()
        await consumer.withLock { $0 }?.value
    }

    /// Jobs not launched yet stay pending in the database; recovery launches them.
    func stop() {
        input.finish()
        consumer.withLock { $0 }?.cancel()
    }
}
