import Synchronization
import TestSupport
import Testing

/// `bounded`, which every test target waits with, ends a wait that ignores cancellation.
@Suite struct BoundedTests {
    /// Holds the continuation of a wait that only the test ends.
    final class Parked: Sendable {
        let continuation = Mutex<CheckedContinuation<Int, Never>?>(nil)

        func release(with value: Int) {
            continuation.withLock { $0.take() }?.resume(returning: value)
        }
    }

    @Test func aBodyThatFinishesInTimeGivesItsValue() async throws {
        #expect(try await bounded(seconds: 10, "an answer") { 42 } == 42)
    }

    @Test func aBodysErrorComesThrough() async throws {
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await bounded(seconds: 10, "a refusal") { () async throws -> Int in throw Refused() } }
    }

    @Test func aWaitThatIgnoresCancellationFailsAtTheBoundInsteadOfHanging() async throws {
        let parked = Parked()
        await #expect(throws: BoundExceeded.self) {
            try await bounded(seconds: 0.2, "a wait no one ends") {
                await withCheckedContinuation { continuation in parked.continuation.withLock { $0 = continuation } }
            }
        }
        // The body is still waiting; ending it now leaves nothing behind.
        parked.release(with: 0)
    }
}
