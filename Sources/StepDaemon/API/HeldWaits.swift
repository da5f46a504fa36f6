import StepAPI
import Synchronization

/// The requests the server holds open until something happens (`Stepd.WaitForExecution`,
/// `Stepd.WaitUntilIdle`, `StartSyncExecution`), counted, and at most `maximum` at once: each keeps a connection,
/// and connections are bounded, so waits must leave room for everyone else. One over the
/// limit is refused with `ThrottlingException`, which AWS's SDKs retry after a pause.
final class HeldWaits: Sendable {
    let maximum: Int
    private let count = Atomic<Int>(0)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// How many are held now.
    var current: Int { count.load(ordering: .relaxed) }

    /// Runs `body` as one held wait, or refuses it when `maximum` are held already.
    func hold<T>(_ body: () async throws -> T) async throws -> T {
        let held = count.wrappingAdd(1, ordering: .relaxed).newValue
        defer { count.wrappingSubtract(1, ordering: .relaxed) }
        guard held <= maximum else {
            throw APIError(
                "ThrottlingException",
                "Rate exceeded: \(maximum) requests already wait (StartSyncExecution, Stepd.WaitForExecution, Stepd.WaitUntilIdle); try again later")
        }
        return try await body()
    }

    /// Runs `body` until it returns or the client goes; a departed client's wait is
    /// cancelled (the engine lets go of it) and answered `ClientClosedRequest`.
    static func untilDeparture<T: Sendable>(
        _ departure: ClientDeparture?, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let departure else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                await departure.wait()
                return nil
            }
            defer { group.cancelAll() }
            if let first = try await group.next(), let value = first { return value }
            throw APIError(
                "ClientClosedRequest", "the client closed its side of the connection before the wait ended", httpStatus: 499)
        }
    }
}
